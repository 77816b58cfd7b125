package io.segvault.core.lockproof;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.core.lockproof.LockCheck.Outcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LockProofTest {

    private static LockCheck check(String name, Outcome outcome) {
        return new LockCheck(name, outcome, "HTTP 403 AccessDenied", "detail");
    }

    private static LockProof proof(String cannotProve, LockCheck... checks) {
        return new LockProof("b", ".canary/x", "v1", Instant.EPOCH, true, List.of(checks), cannotProve);
    }

    @Test
    void proven_only_when_every_check_ran_and_passed() {
        assertThat(proof(null, check("a", Outcome.REFUSED_BY_LOCK), check("b", Outcome.KEPT),
                check("c", Outcome.NO_SUCH_REQUEST)).proven()).isTrue();
        assertThat(proof(null).proven()).as("no checks prove nothing").isFalse();
        assertThat(proof("IAM refused the canary").proven()).isFalse();
        for (Outcome bad : List.of(Outcome.ALLOWED, Outcome.REFUSED_BY_IAM, Outcome.OTHER_ANSWER, Outcome.NOT_RUN)) {
            LockProof p = proof(null, check("a", Outcome.REFUSED_BY_LOCK), check("b", bad));
            assertThat(p.proven()).as(bad.name()).isFalse();
            assertThat(p.failed()).extracting(LockCheck::name).containsExactly("b");
            assertThat(p.with(bad)).extracting(LockCheck::name).containsExactly("b");
        }
    }

    @Test
    void labels_are_lower_case_with_dashes() {
        assertThat(Outcome.REFUSED_BY_LOCK.label()).isEqualTo("refused-by-lock");
        assertThat(Outcome.NO_SUCH_REQUEST.label()).isEqualTo("no-such-request");
    }
}
