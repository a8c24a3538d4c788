package io.millrace.flink.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.millrace.flink.sink.TransactionalIds.Parsed;
import org.junit.jupiter.api.Test;

class TransactionalIdsTest {

    @Test
    void namesAndParsesIds() {
        assertThat(TransactionalIds.of("job", 3, 12)).isEqualTo("job-3-12");
        assertThat(TransactionalIds.parse("job", "job-3-12")).contains(new Parsed(3, 12));
        assertThat(TransactionalIds.parse("a-1", "a-1-0-4")).contains(new Parsed(0, 4));
    }

    @Test
    void idsOfOtherPrefixesOrShapesAreNotOurs() {
        assertThat(TransactionalIds.parse("job", "jobs-1-2")).isEmpty();
        assertThat(TransactionalIds.parse("job", "job-1")).isEmpty();
        assertThat(TransactionalIds.parse("job", "job-1-2-3")).isEmpty();
        assertThat(TransactionalIds.parse("job", "job-x-2")).isEmpty();
        assertThat(TransactionalIds.parse("job", "job-01-2")).isEmpty();
        assertThat(TransactionalIds.parse("job", "job-1-")).isEmpty();
        assertThat(TransactionalIds.parse("job", "job-99999999999-0")).isEmpty();
        assertThat(TransactionalIds.parse("a", "a-1-0-4"))
                .as("an id of prefix a-1")
                .isEmpty();
    }

    @Test
    void thePatternMatchesExactlyTheIdsOfThePrefix() {
        String pattern = TransactionalIds.pattern("my.job+1");

        assertThat("my.job+1-0-3").matches(pattern);
        assertThat("myXjob+1-0-3").doesNotMatch(pattern);
        assertThat("my.job+1-0").doesNotMatch(pattern);
    }
}
