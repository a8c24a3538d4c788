package io.millrace.spark.source.reader;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/** Creates the reader of a {@link RangeInputPartition} on an executor. Stateless. */
public final class RangeReaderFactory implements PartitionReaderFactory {

    private static final long serialVersionUID = 1L;

    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
        return new RangePartitionReader((RangeInputPartition) partition, ConsumerPool.shared());
    }
}
