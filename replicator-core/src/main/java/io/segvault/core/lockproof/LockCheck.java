package io.segvault.core.lockproof;

import java.util.Locale;
import java.util.Objects;

/**
 * One attempt to undo the canary's lock and what the server answered.
 *
 * @param name    stable check name (delete-version, shorten-retention, ...)
 * @param outcome what the answer means
 * @param answer  the server's answer as seen on the wire: {@code HTTP 403 AccessDenied: forbidden by object lock}
 * @param detail  one sentence for the operator
 */
public record LockCheck(String name, Outcome outcome, String answer, String detail) {

    /** What one answer means. Only {@link #passed()} outcomes let prove-lock exit 0. */
    public enum Outcome {
        /** The server refused, and the same credential may make the request where no lock stands in the way. */
        REFUSED_BY_LOCK(true),
        /** The overwrite was stored as a new version and the locked version still reads back unchanged. */
        KEPT(true),
        /** The server has no request that does this (S3 has no call that removes Object Lock); re-read: still on. */
        NO_SUCH_REQUEST(true),
        /** The server did it, or said it did. */
        ALLOWED(false),
        /** IAM (a policy) refused the request before the lock was reached: this credential proves nothing here. */
        REFUSED_BY_IAM(false),
        /** Neither a refusal by the lock nor a success: the answer says what happened. */
        OTHER_ANSWER(false),
        /** Not attempted: an earlier check already removed the canary. */
        NOT_RUN(false);

        private final boolean passed;

        Outcome(boolean passed) {
            this.passed = passed;
        }

        public boolean passed() {
            return passed;
        }

        /** Lower-case with dashes, as the table and JSON show it: {@code refused-by-lock}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public LockCheck {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(detail, "detail");
    }

    public boolean passed() {
        return outcome.passed();
    }
}
