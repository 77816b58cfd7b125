package io.segvault.core.store.s3;

import io.segvault.core.lockproof.LockCheck;
import io.segvault.core.lockproof.LockCheck.Outcome;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.model.S3Response;

/** How the server's answers to the lock canary's requests become a check's outcome (see {@link S3LockProver}). */
final class LockAnswers {

    private LockAnswers() {
    }

    /**
     * Runs {@code attempt}: a success is ALLOWED ({@code allowed} says what happened); a 403 is the lock's refusal when
     * {@code control} is not refused with 403 too, IAM's otherwise; anything else is reported as the server's answer.
     */
    static LockCheck judge(String name, Supplier<? extends S3Response> attempt, Supplier<? extends S3Response> control,
                            String allowed) {
        try {
            S3Response r = attempt.get();
            return new LockCheck(name, Outcome.ALLOWED, "HTTP " + r.sdkHttpResponse().statusCode(), allowed);
        } catch (AwsServiceException e) {
            String answer = answer(e);
            if (e.statusCode() != 403) {
                return new LockCheck(name, Outcome.OTHER_ANSWER, answer, "neither done nor refused by the lock");
            }
            String controlAnswer = refusedWith403(control);
            if (controlAnswer != null) {
                return new LockCheck(name, Outcome.REFUSED_BY_IAM, answer, "IAM or a bucket policy refused it: the same "
                        + "request where no lock applies was refused too (" + controlAnswer + "), so this credential "
                        + "cannot prove the lock");
            }
            return new LockCheck(name, Outcome.REFUSED_BY_LOCK, answer, "refused, while the same request where no lock "
                    + "applies was permitted");
        }
    }

    /** The control request's answer when it was refused with 403, else null. */
    static String refusedWith403(Supplier<? extends S3Response> control) {
        try {
            control.get();
            return null;
        } catch (AwsServiceException e) {
            return e.statusCode() == 403 ? answer(e) : null;
        }
    }

    static LockCheck notRun(String name, String remover) {
        return new LockCheck(name, Outcome.NOT_RUN, "-", "not attempted: " + remover + " already removed the canary");
    }

    /** {@code HTTP 403 AccessDenied: forbidden by object lock}, as the server said it. */
    static String answer(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return "HTTP " + e.statusCode() + (code == null ? "" : " " + code)
                + (message == null || message.isBlank() ? " (no message)" : ": " + message);
    }
}
