package io.millrace.spark.source.offsets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The offsets a streaming query started from, kept in the source's checkpoint directory so that
 * a query restarted before its first batch completed starts from the same place (with
 * {@code startingOffsets=latest} it would otherwise start later and skip records). The file is
 * {@code <checkpoint>/sources/<n>/0} holding a zero byte, {@code v1}, a newline and the offsets'
 * JSON, as spark-sql-kafka-0-10 writes it (the zero byte is its mark of Spark 2.1 compatibility). Written once, through a temporary file and a rename, so a
 * reader never sees half of it. Not thread-safe; used by one query's driver.
 */
public final class InitialOffsetLog {

    private static final String VERSION_LINE = "v1\n";

    private final Path file;
    private final Configuration hadoopConf;

    public InitialOffsetLog(String checkpointLocation, Configuration hadoopConf) {
        this.file = new Path(checkpointLocation, "0");
        this.hadoopConf = hadoopConf;
    }

    /** The offsets written before, if any. */
    public Optional<PartitionOffsets> read() {
        try {
            FileSystem fs = file.getFileSystem(hadoopConf);
            if (!fs.exists(file)) {
                return Optional.empty();
            }
            try (InputStream in = fs.open(file)) {
                in.read(); // the zero byte
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (!text.startsWith(VERSION_LINE)) {
                    throw new IllegalStateException("Unsupported initial offsets in " + file + ": " + text);
                }
                return Optional.of(PartitionOffsets.fromJson(text.substring(VERSION_LINE.length())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read initial offsets " + file, e);
        }
    }

    /** Writes the offsets unless some were written first; returns the ones that hold. */
    public PartitionOffsets writeOnce(PartitionOffsets offsets) {
        try {
            FileSystem fs = file.getFileSystem(hadoopConf);
            fs.mkdirs(file.getParent());
            Path temporary = new Path(file.getParent(), ".0." + UUID.randomUUID() + ".tmp");
            try (OutputStream out = fs.create(temporary, false)) {
                out.write(0);
                out.write((VERSION_LINE + offsets.json()).getBytes(StandardCharsets.UTF_8));
            }
            // a rename replaces an existing file on some file systems, so look first: only the
            // query's driver writes here, one attempt at a time
            if (fs.exists(file) || !fs.rename(temporary, file)) {
                fs.delete(temporary, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write initial offsets " + file, e);
        }
        return read().orElseThrow();
    }
}
