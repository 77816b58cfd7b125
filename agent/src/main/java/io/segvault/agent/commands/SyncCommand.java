package io.segvault.agent.commands;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segvault.agent.wiring.Preflight;
import io.segvault.agent.wiring.RepoLocations;
import io.segvault.agent.wiring.StateLock;
import io.segvault.agent.wiring.Wiring;
import io.segvault.agent.cli.ConfigOption;
import io.segvault.agent.cli.DebugOption;
import io.segvault.agent.cli.ErrorHandler;
import io.segvault.agent.cli.ErrorHandler.UsageException;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.agent.cli.Json;
import io.segvault.agent.cli.Progress;
import io.segvault.agent.cli.ProgressOptions;
import io.segvault.agent.cli.UploadCounts;
import io.segvault.core.borg.BorgRepository;
import io.segvault.core.borg.KnownSegment;
import io.segvault.core.config.AgentConfig;
import io.segvault.core.config.AgentConfigLoader;
import io.segvault.core.config.RepoResolver;
import io.segvault.core.replicate.RepositoryPass;
import io.segvault.core.replicate.SyncResult;
import java.io.PrintWriter;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code segvault sync}: one full pass over all (or the named) repositories, then exit. */
@Command(name = "sync", description = "Replicate every configured repository once: upload what is missing, write and lock a "
        + "restore point for each newest committed transaction. Exit 0 only when every repository is offsite.")
public final class SyncCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(SyncCommand.class);

    @Mixin
    ConfigOption config;

    @Option(names = "--repo", paramLabel = "NAME", description = "Only this repository (repeatable).")
    List<String> only;

    @Option(names = "--once", description = "One pass and exit (the default; for symmetry with `run`).")
    boolean once;

    @Mixin
    ProgressOptions progress;

    @Mixin
    DebugOption debug;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AgentConfig cfg = AgentConfigLoader.load(config.file);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (RepoLocations locations = RepoLocations.open(cfg)) {
            Map<String, Path> repos = select(RepoResolver.resolve(cfg, locations), only, cfg);
            return sync(cfg, repos, out, err);
        }
    }

    private int sync(AgentConfig cfg, Map<String, Path> repos, PrintWriter out, PrintWriter err) {
        progress.everyNanos();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (StateLock lock = StateLock.acquire(cfg.state());
             Wiring w = Wiring.forConfig(cfg, registry, Clock.systemUTC())) {
            hashAhead(w, repos);
            Preflight.checkBeforeWriting(w);
            RepositoryPass pass = w.repositoryPass();
            int failed = 0;
            for (Map.Entry<String, Path> r : repos.entrySet()) {
                Progress shown = Progress.start(r.getKey() + " upload", out, progress, new UploadCounts(registry, r.getKey()),
                        w.pools());
                try {
                    SyncResult res = pass.run(r.getKey(), r.getValue());
                    shown.close(true);
                    out.println(progress.json ? Json.compact(json(res)) : line(res));
                } catch (RuntimeException e) {
                    shown.close();
                    failed++;
                    err.println(r.getKey() + ": FAILED: " + ErrorHandler.message(e));
                    if (debug != null && debug.debug) {
                        e.printStackTrace(err);
                    }
                }
            }
            out.flush();
            return failed == 0 ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }

    private static String line(SyncResult res) {
        return res.repo() + ": transaction " + res.transaction() + (res.pointWritten()
                ? " replicated: " + res.objectsUploaded() + " objects, " + res.bytesUploaded() + " bytes uploaded, "
                + res.objectsSkipped() + " already offsite"
                : " already offsite") + (res.tamperEvents() > 0 ? " (" + res.tamperEvents() + " tamper events!)" : "");
    }

    private static Map<String, Object> json(SyncResult res) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("repo", res.repo());
        o.put("transaction", res.transaction());
        o.put("pointWritten", res.pointWritten());
        o.put("objectsUploaded", res.objectsUploaded());
        o.put("bytesUploaded", res.bytesUploaded());
        o.put("objectsSkipped", res.objectsSkipped());
        o.put("tamperEvents", res.tamperEvents());
        o.put("seconds", res.took().toMillis() / 1000.0);
        return o;
    }

    /**
     * Starts hashing new segments while the bucket is checked: nothing is written before the preflight passes,
     * but the SHA-256 every new segment's key needs is then ready or under way. Without a ledger yet (a fresh
     * state directory, which a failed preflight must leave as it was) every segment is new. A repository that
     * cannot be read here is left to its pass, which reports it.
     *
     * <p>Only repositories on this host's disks: over SFTP the bulk reads would share the SSH connection with the
     * pass's snapshot (the committed transaction, index.T and the other control files, the listing), and each of its small requests
     * waited behind the reads in flight: the snapshot took 1.6 s instead of 0.13 s and no upload started before all
     * 256 MiB were read (docs/benchmarks.md, "Pull mode: the snapshot waited behind the hashing"). The pass itself hashes
     * ahead as it goes, after its snapshot, and uploads each segment while the next ones are read.
     */
    private static void hashAhead(Wiring w, Map<String, Path> repos) {
        boolean ledger = w.ledgerExists();
        repos.forEach((name, path) -> {
            if (!path.getFileSystem().equals(FileSystems.getDefault())) {
                return;
            }
            try {
                Map<Long, KnownSegment> known = ledger ? w.ledger().segmentCatalog().known(name) : Map.of();
                w.segmentHashes().hashAhead(name, BorgRepository.open(path).segments(), s -> {
                    KnownSegment k = known.get(s.number());
                    return k == null || !k.fingerprint().equals(s.fingerprint());
                });
            } catch (RuntimeException e) {
                LOG.debug("{}: not hashing ahead: {}", name, e.getMessage());
            }
        });
    }

    static Map<String, Path> select(Map<String, Path> all, List<String> only, AgentConfig cfg) {
        if (all.isEmpty()) {
            throw new UsageException("no repositories found: " + (cfg.globs().isEmpty() ? "" : "glob "
                    + String.join(", ", cfg.globs()) + " matches no Borg repository (a directory with a config file); ")
                    + "check 'repos' and 'glob' in the config");
        }
        if (only == null || only.isEmpty()) {
            return all;
        }
        Map<String, Path> out = new LinkedHashMap<>();
        for (String name : only) {
            Path p = all.get(name);
            if (p == null) {
                throw new UsageException("--repo " + name + " is not a configured repository (known: " + String.join(", ", all.keySet())
                        + ")");
            }
            out.put(name, p);
        }
        return out;
    }
}
