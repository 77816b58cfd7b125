package io.segvault.core.config;

import static io.segvault.core.config.Checks.between;
import static io.segvault.core.config.Checks.fraction;
import static io.segvault.core.config.Checks.hostPortOrEmpty;
import static io.segvault.core.config.Checks.oneOf;
import static io.segvault.core.config.Checks.positive;
import static io.segvault.core.config.Checks.sizeBetween;

import io.segvault.core.config.Setting.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every key of the agent configuration file, in documentation order. */
public final class ConfigSchema {

    public static final List<Setting> SETTINGS = List.of(
            req("bucket", Type.STRING, "S3 bucket (created with Object Lock and versioning, e.g. by terraform/modules/bucket)."),
            opt("endpoint", Type.URI, null, "S3 endpoint URL for non-AWS servers (Ceph RGW, MinIO, LocalStack); unset for AWS."),
            opt("allowInsecureHttp", Type.BOOLEAN, "false", "Allow a plain `http://` `endpoint` on another host. Off, such an "
                    + "endpoint is refused: anyone on the path could forge restore points. Loopback (127.0.0.0/8, ::1, "
                    + "`localhost`) is always allowed."),
            opt("region", Type.STRING, "us-east-1", "AWS region of the bucket."),
            opt("pathStyle", Type.BOOLEAN, "false", "Use path-style requests (needed by most non-AWS servers)."),
            opt("prefix", Type.STRING, "", "Key prefix for everything segvault writes, e.g. `borg/` (empty or ending in `/`)."),
            opt("repos", Type.REPOS, null, "Repositories to replicate: each `name` (key in the bucket) and `path`: a local "
                    + "directory or, in pull mode, `sftp://user@host[:port]/srv/borg-repos/acme` (docs/pull-mode.md)."),
            opt("glob", Type.STRINGS, null, "Directory globs whose matches are repositories, e.g. `/srv/borg-repos/*` or "
                    + "`sftp://user@host/srv/borg-repos/*`; the directory name is the repository name. New matches are "
                    + "picked up while running."),
            opt("ssh.keyFile", Type.PATH, null, "Pull mode: the agent's private SSH key (OpenSSH format) for `sftp://` "
                    + "repositories; required when there is one."),
            opt("ssh.passphraseFile", Type.PATH, null, "Pull mode: file whose first line is the passphrase of `ssh.keyFile`; "
                    + "unset for an unencrypted key."),
            opt("ssh.knownHosts", Type.PATH, null, "Pull mode: `known_hosts` file holding every backup server's host key; "
                    + "required with `sftp://` repositories. An unknown or changed host key is refused, never added."),
            opt("ssh.connectTimeout", Type.DURATION, "15s", "Pull mode: limit for connecting and for authenticating.").checked(positive()),
            opt("ssh.spoolSize", Type.SIZE, "2GiB", "Pull mode: room on the vault host's disk for local copies of new "
                    + "segments, so each crosses SSH once: the read that hashes a segment also writes it to the spool and "
                    + "its upload reads that copy (deleted afterwards). A segment that does not fit is read from the server "
                    + "twice instead; 0 = no spool (docs/pull-mode.md)."),
            opt("ssh.spoolDir", Type.PATH, null, "Pull mode: directory of the spool (default: `spool` below `state`); its "
                    + "`*.spool` files are deleted when the agent starts. One agent per directory."),
            opt("state", Type.PATH, "/var/lib/segvault", "Directory of the local ledger (a rebuildable cache of what is offsite) "
                    + "and the daemon's lock file."),
            opt("retention.duration", Type.DURATION, "30d", "D: every object is locked (COMPLIANCE) for at least this long; "
                    + "also the window in which an attack must be detected.").checked(positive()),
            opt("retention.generation", Type.DURATION, "10d", "G: objects written in one generation share one retain-until "
                    + "date (end of generation + D); live objects are extended once per generation. Must not exceed D.")
                    .checked(positive()),
            opt("upload.concurrency", Type.INTEGER, "4", "Objects uploaded at once.").checked(between(1, 64)),
            opt("upload.partSize", Type.SIZE, "16MiB", "Multipart part size (5MiB to 5GiB).")
                    .checked(sizeBetween(5L << 20, 5L << 30, "S3 multipart limits")),
            opt("upload.partsInFlight", Type.INTEGER, "4", "Parts of one object uploaded at once. Upload memory is bounded "
                    + "by the store's 8 shared part buffers of upload.partSize (128MiB at the default), whatever the concurrency.")
                    .checked(between(1, 64)),
            opt("upload.multipartThreshold", Type.SIZE, "16MiB", "Objects larger than this use multipart uploads; at most "
                    + "upload.partSize (a single PUT is buffered like one part)."),
            opt("upload.maxBandwidth", Type.SIZE, "0", "Upload cap in bytes per second across all uploads (e.g. 50MiB); 0 = none."),
            opt("upload.maxIndexSize", Type.SIZE, "1GiB", "index.T files above this size are not uploaded (borg rebuilds "
                    + "the index on first use); the restore point records that it was omitted."),
            opt("upload.offsiteCacheEntries", Type.INTEGER, "65536", "How many objects known to be offsite are kept in "
                    + "memory; for the others the ledger answers, with one local query.")
                    .checked(between(1000, 100_000_000)),
            opt("upload.checksum", Type.STRING, "auto", "Checksum the server verifies on every PUT and part: `auto` (flexible "
                    + "checksums on AWS, `sha256` on custom endpoints), `sha256` (the body's SHA-256 in the signed "
                    + "`x-amz-content-sha256` header; not for AWS), `content-md5`, or `flexible`.")
                    .checked(oneOf("auto", "sha256", "content-md5", "flexible")),
            opt("follow.rescanInterval", Type.DURATION, "5m", "Full rescan of every repository, whatever the file-system events said.")
                    .checked(positive()),
            opt("follow.events", Type.BOOLEAN, "true", "React to file-system events (inotify) within a second of a commit."),
            opt("follow.debounce", Type.DURATION, "500ms", "Events closer together than this are handled as one."),
            opt("follow.pollInterval", Type.DURATION, "30s", "Pull mode (no inotify on a remote host): how often the "
                    + "daemon stats `index.*` and `data/` of every `sftp://` repository; a change starts a pass.").checked(positive()),
            opt("tamper.massFraction", Type.NUMBER, "0.5", "Raise a mass-disappearance event when more than this fraction "
                    + "of a repository's known segments vanish at once.").checked(fraction()),
            opt("metrics.address", Type.STRING, "127.0.0.1:9754", "host:port of the HTTP endpoint serving /metrics and /healthz; "
                    + "empty disables it.").checked(hostPortOrEmpty()),
            opt("log.format", Type.STRING, "text", "`text` (human-readable) or `json` (one JSON object per line).")
                    .checked(oneOf("text", "json")),
            opt("audit.authorizedKeys", Type.STRINGS, null,
                    "authorized_keys files the daemon audits on a schedule (see docs/ssh-fences.md)."),
            opt("audit.reposDir", Type.PATH, null, "Directory whose repositories must have append_only = 1."),
            opt("audit.pruneKeys", Type.STRINGS, null, "Fingerprints (SHA256:...) of prune-host keys allowed to run borg serve "
                    + "without --append-only."),
            opt("audit.interval", Type.DURATION, "1h", "How often the daemon runs the fence audit (when audit.authorizedKeys is set).")
                    .checked(positive()),
            opt("drill.interval", Type.DURATION, "0s", "How often the daemon runs a restore drill of every repository "
                    + "(restore newest point + borg check); 0s = never."),
            opt("drill.scratch", Type.PATH, null, "Scratch directory for drills (default: a directory below state)."),
            opt("trust", Type.PATH, null, "The witness's public key (PEM file): restore, drill, points, verify and gc then count only "
                    + "the points that witness attested (docs/witness.md); --trust overrides it."));

    private ConfigSchema() {
    }

    private static Setting req(String key, Type type, String doc) {
        return new Setting(key, type, null, true, doc, Setting.Check.ANY);
    }

    private static Setting opt(String key, Type type, String def, String doc) {
        return new Setting(key, type, def, false, doc, Setting.Check.ANY);
    }

    /** Settings by key. */
    public static Map<String, Setting> byKey() {
        Map<String, Setting> m = new LinkedHashMap<>();
        SETTINGS.forEach(s -> m.put(s.key(), s));
        return m;
    }
}
