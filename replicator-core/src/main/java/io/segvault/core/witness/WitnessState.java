package io.segvault.core.witness;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What only the witness knows and the bucket cannot tell it: when it first saw each point version, when it last listed a
 * repository, and which object versions it already hashed (with the lock it saw then: a COMPLIANCE lock never shrinks, so
 * the date is a lower bound). Append-only tab-separated files in the state directory, fsynced at the end of every pass; a
 * lost state directory costs read-back bytes and turns first-seen times into "now", never a wrong attestation.
 */
final class WitnessState implements AutoCloseable {

    /** An object version the witness hashed itself. */
    record Checked(String sha256, long size, Instant retainUntil) {
    }

    private final Path dir;
    private final Map<String, Instant> seen = new HashMap<>();
    private final Map<String, Instant> listed = new HashMap<>();
    private final Map<String, Checked> checked = new HashMap<>();
    private final Log seenLog;
    private final Log listedLog;
    private final Log checkedLog;

    WitnessState(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new WitnessException("cannot create witness state directory " + dir + ": " + e.getMessage(), e);
        }
        for (String[] f : read("seen.tsv", 3)) {
            seen.putIfAbsent(f[0] + "\t" + f[1], Instant.ofEpochMilli(Long.parseLong(f[2])));
        }
        for (String[] f : read("listed.tsv", 2)) {
            listed.put(f[0], Instant.ofEpochMilli(Long.parseLong(f[1])));
        }
        for (String[] f : read("checked.tsv", 5)) {
            checked.put(f[0] + "\t" + f[1], new Checked(f[2], Long.parseLong(f[3]), Instant.ofEpochMilli(Long.parseLong(f[4]))));
        }
        seenLog = new Log(dir.resolve("seen.tsv"));
        listedLog = new Log(dir.resolve("listed.tsv"));
        checkedLog = new Log(dir.resolve("checked.tsv"));
    }

    private List<String[]> read(String name, int fields) {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            // a line cut short by a crash is dropped: the state is a cache of evidence, never evidence it cannot re-derive
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(l -> l.split("\t", -1))
                    .filter(f -> f.length == fields && f[fields - 1].matches("-?\\d+")).toList();
        } catch (IOException e) {
            throw new WitnessException("cannot read witness state " + file + ": " + e.getMessage(), e);
        }
    }

    /** When the witness first saw this version; records {@code now} the first time. */
    Instant firstSeen(String key, String versionId, Instant now) {
        String id = key + "\t" + versionId;
        Instant t = seen.get(id);
        if (t == null) {
            seen.put(id, now);
            seenLog.append(id + "\t" + now.toEpochMilli());
            return now;
        }
        return t;
    }

    /** When the previous pass listed {@code repo}, or null. */
    Instant lastListed(String repo) {
        return listed.get(repo);
    }

    void listed(String repo, Instant at) {
        listed.put(repo, at);
        listedLog.append(repo + "\t" + at.toEpochMilli());
    }

    Checked checked(String key, String versionId) {
        return checked.get(key + "\t" + versionId);
    }

    void checked(String key, String versionId, Checked c) {
        checked.put(key + "\t" + versionId, c);
        checkedLog.append(key + "\t" + versionId + "\t" + c.sha256() + "\t" + c.size() + "\t" + c.retainUntil().toEpochMilli());
    }

    /** Makes everything recorded so far durable. */
    void flush() {
        seenLog.flush();
        listedLog.flush();
        checkedLog.flush();
    }

    @Override
    public void close() {
        flush();
        seenLog.close();
        listedLog.close();
        checkedLog.close();
    }

    /** One append-only file. */
    private static final class Log {
        private final Path file;
        private final FileChannel channel;
        private final BufferedWriter writer;

        Log(Path file) {
            this.file = file;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                writer = new BufferedWriter(java.nio.channels.Channels.newWriter(channel, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new WitnessException("cannot open witness state " + file + ": " + e.getMessage(), e);
            }
        }

        void append(String line) {
            try {
                writer.write(line);
                writer.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write witness state " + file, e);
            }
        }

        void flush() {
            try {
                writer.flush();
                channel.force(false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot sync witness state " + file, e);
            }
        }

        void close() {
            try {
                writer.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close witness state " + file, e);
            }
        }
    }
}
