package io.batchpipeline.sink.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Attempts skipped after failures: one, then two, doubling up to the limit; a success starts over. */
class SkipAfterFailuresTest {

    private final SkipAfterFailures skip = new SkipAfterFailures(4);

    @Test
    void eachFailureSkipsTwiceAsManyAttemptsUpToTheLimit() {
        assertThat(skip.failed()).isEqualTo(1);
        assertThat(attempts(2)).containsExactly(false, true);
        assertThat(skip.failed()).isEqualTo(2);
        assertThat(attempts(3)).containsExactly(false, false, true);
        assertThat(skip.failed()).isEqualTo(4);
        assertThat(skip.failed()).as("at the limit").isEqualTo(4);
        assertThat(attempts(5)).containsExactly(false, false, false, false, true);
    }

    @Test
    void aSuccessStartsOver() {
        skip.failed();
        skip.failed();
        attempts(3);
        skip.succeeded();
        assertThat(skip.failed()).isEqualTo(1);
    }

    @Test
    void withoutFailuresEveryAttemptIsMade() {
        assertThat(attempts(3)).containsExactly(true, true, true);
    }

    private List<Boolean> attempts(int n) {
        List<Boolean> made = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            made.add(skip.attempt());
        }
        return made;
    }
}
