package io.segvault.core.borg;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What borg's own code says about a repository: runs the installed borg package's {@code LoggedIO} and
 * {@code Repository.get_index_transaction_id} (read-only, no lock) through the Python interpreter of the borg
 * executable, so tests compare the Java model with borg's implementation rather than with a second reimplementation.
 */
final class BorgTruth {

    /** One segment as borg sees it. */
    record Segment(long n, long size, boolean committed, int puts, int deletes, int commits, String error) {
    }

    /** Repository state as borg sees it. */
    record State(Long index, Long segmentsTransaction, List<Segment> segments) {
    }

    private static final String SCRIPT = String.join("\n",
            "import json, os, sys",
            "from borg.repository import LoggedIO, Repository",
            "from borg.helpers import IntegrityError",
            "path, spd = sys.argv[1], int(sys.argv[2])",
            "io = LoggedIO(path, 0, spd)",
            "out = {'index': Repository(path).get_index_transaction_id(),",
            "       'segmentsTransaction': io.get_segments_transaction_id(), 'segments': []}",
            "for seg, fn in io.segment_iterator():",
            "    if not io.segment_exists(seg):",
            "        continue",
            "    counts = [0, 0, 0]",
            "    error = None",
            "    try:",
            "        for tag, key, offset, size in io.iter_objects(seg):",
            "            counts[tag] += 1",
            "    except IntegrityError as e:",
            "        error = str(e)",
            "    out['segments'].append({'n': seg, 'size': os.path.getsize(fn), 'committed': io.is_committed_segment(seg),",
            "                            'puts': counts[0], 'deletes': counts[1], 'commits': counts[2], 'error': error})",
            "io.close()",
            "print(json.dumps(out))",
            "");

    private BorgTruth() {
    }

    static State of(Path repo, int segmentsPerDir, Path workDir) {
        try {
            Path script = workDir.resolve("borg-truth.py");
            Files.writeString(script, SCRIPT);
            Process p = new ProcessBuilder(python(), script.toString(), repo.toString(), Integer.toString(segmentsPerDir))
                    .redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("borg introspection failed: " + err);
            }
            return new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                    .readValue(out, State.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The interpreter named in the borg executable's #! line (the one that has the borg package). */
    private static String python() throws IOException {
        for (String dir : System.getenv("PATH").split(":")) {
            Path borg = Path.of(dir, "borg");
            if (Files.isRegularFile(borg)) {
                String first = Files.readAllLines(borg, StandardCharsets.ISO_8859_1).get(0);
                if (first.startsWith("#!")) {
                    return first.substring(2).strip().split("\\s+")[0];
                }
            }
        }
        throw new IllegalStateException("no borg executable with a #! line on the PATH");
    }
}
