package io.segvault.agent.commands;

import io.segvault.agent.wiring.Wiring;
import io.segvault.agent.cli.ErrorHandler.UsageException;
import io.segvault.agent.cli.ExitCodes;
import io.segvault.agent.cli.Json;
import io.segvault.core.config.Units;
import io.segvault.core.lockproof.LockCheck;
import io.segvault.core.lockproof.LockProof;
import io.segvault.core.store.s3.S3LockProver;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/** What {@code prove-lock} and {@code preflight --prove-lock} share: run the canary, print it, pick the exit code. */
final class LockCanary {

    static final Duration MIN_RETAIN = Duration.ofMinutes(5);
    static final Duration MAX_RETAIN = Duration.ofDays(365);
    private static final DateTimeFormatter KEY_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private LockCanary() {
    }

    /** {@code --retain}: a duration between 5 minutes and 365 days. */
    static Duration retain(String option, String text) {
        Duration d;
        try {
            d = Units.duration(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + ": " + e.getMessage());
        }
        if (d.compareTo(MIN_RETAIN) < 0 || d.compareTo(MAX_RETAIN) > 0) {
            throw new UsageException(option + ": '" + text + "' must be between 5m and 365d (the canary stays locked that "
                    + "long; shorter and it could expire while the checks run)");
        }
        return d;
    }

    /** Writes the canary under the prefix's {@code .canary/}, runs the checks, prints them; returns the exit code. */
    static int run(Wiring w, Duration retain, boolean json, PrintWriter out, PrintWriter err, String command) {
        Instant now = w.clock().instant();
        Instant until = now.plus(retain).truncatedTo(ChronoUnit.SECONDS);
        String key = w.layout().prefix() + ".canary/" + KEY_TIME.format(now) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        if (!json) {
            out.println("canary s3://" + w.inspector().bucket() + "/" + key + ", COMPLIANCE until " + until
                    + " (it cannot be removed before then)");
            out.flush();
        }
        LockProof proof;
        try (S3LockProver prover = w.lockProver()) {
            proof = prover.prove(key, until);
        }
        print(proof, json, out);
        if (proof.proven() && !json) {
            out.println("ok: the server refused every attempt to undo the COMPLIANCE lock of the canary");
            out.flush();
        }
        return verdict(proof, err, command);
    }

    private static void print(LockProof proof, boolean json, PrintWriter out) {
        if (json) {
            out.println(Json.write(new JsonProof(proof)));
        } else {
            if (!proof.bucketLocked()) {
                out.println("bucket " + proof.bucket() + " has no Object Lock: the canary was written unlocked");
            }
            if (!proof.checks().isEmpty()) {
                out.printf("%-26s %-16s %s%n", "CHECK", "RESULT", "SERVER ANSWER / WHAT IT MEANS");
                for (LockCheck c : proof.checks()) {
                    out.printf("%-26s %-16s %s%n%43s%s%n", c.name(), c.outcome().label(), c.answer(), "", c.detail());
                }
            }
        }
        out.flush();
    }

    private static int verdict(LockProof proof, PrintWriter err, String command) {
        String prefix = "segvault " + command + ": ";
        if (proof.cannotProve() != null) {
            err.println(prefix + "error: cannot prove the lock: " + proof.cannotProve());
        } else if (proof.proven()) {
            return ExitCodes.OK;
        } else {
            List<LockCheck> iam = proof.with(LockCheck.Outcome.REFUSED_BY_IAM);
            List<LockCheck> allowed = proof.with(LockCheck.Outcome.ALLOWED);
            if (!allowed.isEmpty()) {
                err.println(prefix + "error: the server allowed " + names(allowed) + " on a COMPLIANCE-locked object");
            }
            if (!iam.isEmpty()) {
                err.println(prefix + "error: cannot prove the lock: IAM refused " + names(iam) + " before the lock was "
                        + "reached; run prove-lock with a credential that may delete (the lock must refuse, not IAM)");
            }
            List<LockCheck> other = proof.failed().stream().filter(c -> c.outcome() != LockCheck.Outcome.ALLOWED
                    && c.outcome() != LockCheck.Outcome.REFUSED_BY_IAM).toList();
            if (!other.isEmpty()) {
                err.println(prefix + "error: not refused by the lock: " + other.stream()
                        .map(c -> c.name() + " (" + c.outcome().label() + ": " + c.answer() + ")")
                        .collect(Collectors.joining(", ")));
            }
        }
        err.flush();
        return ExitCodes.PROBLEMS;
    }

    private static String names(List<LockCheck> checks) {
        return checks.stream().map(LockCheck::name).collect(Collectors.joining(", "));
    }

    /** The JSON form: the proof plus the verdict. */
    record JsonProof(String bucket, String canaryKey, String canaryVersion, Instant retainUntil, boolean bucketLocked,
                     boolean proven, String cannotProve, List<JsonCheck> checks) {
        JsonProof(LockProof p) {
            this(p.bucket(), p.canaryKey(), p.canaryVersion(), p.retainUntil(), p.bucketLocked(), p.proven(),
                    p.cannotProve(), p.checks().stream().map(JsonCheck::new).toList());
        }
    }

    /** One check in JSON. */
    record JsonCheck(String name, String result, boolean passed, String answer, String detail) {
        JsonCheck(LockCheck c) {
            this(c.name(), c.outcome().label(), c.passed(), c.answer(), c.detail());
        }
    }
}
