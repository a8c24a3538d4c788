package io.millrace.flink.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class FetchedRecordsTest {

    private static final TopicPartition A = new TopicPartition("t", 0);
    private static final TopicPartition B = new TopicPartition("t", 1);

    @Test
    void theLastRecordCarriesThePositionPastTheGapsAfterIt() {
        FetchedRecords fetched = new FetchedRecords();
        // offsets 5 and 7 hold records; 6 is a marker; 8 and 9 are aborted records and a marker
        fetched.add(A, List.of(record(A, 5), record(A, 7)), 10);

        assertThat(fetched.nextSplit()).isEqualTo("t-0");
        assertThat(elements(fetched)).containsExactly("record 5 next 6", "record 7 next 10");
        assertThat(fetched.nextSplit()).isNull();
    }

    @Test
    void aSplitThatOnlyAdvancedGetsOnePositionElement() {
        FetchedRecords fetched = new FetchedRecords();
        fetched.add(B, List.of(), 42);
        fetched.finish("t-1");

        assertThat(fetched.nextSplit()).isEqualTo("t-1");
        assertThat(elements(fetched)).containsExactly("position 42");
        assertThat(fetched.finishedSplits()).containsExactly("t-1");
    }

    private static List<String> elements(FetchedRecords fetched) {
        List<String> elements = new ArrayList<>();
        for (FetchedRecord e = fetched.nextRecordFromSplit(); e != null; e = fetched.nextRecordFromSplit()) {
            elements.add(
                    e.record() == null
                            ? "position " + e.nextOffset()
                            : "record " + e.record().offset() + " next " + e.nextOffset());
        }
        return elements;
    }

    private static ConsumerRecord<byte[], byte[]> record(TopicPartition partition, long offset) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, new byte[0], new byte[0]);
    }
}
