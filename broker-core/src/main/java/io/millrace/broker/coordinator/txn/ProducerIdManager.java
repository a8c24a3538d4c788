package io.millrace.broker.coordinator.txn;

import io.millrace.broker.common.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.errors.KafkaStorageException;

/**
 * Hands out producer ids that are never reused, even across crashes.
 *
 * <p>File {@code producer-ids}: one decimal number, the first id not yet reserved. Ids are
 * reserved in blocks: the end of a new block is written durably before any id of it is
 * handed out, so after a restart allocation resumes past every id ever given (the unused rest
 * of a block is skipped). Thread-safe.
 */
public final class ProducerIdManager {

    static final int BLOCK_SIZE = 1000;

    private final Path file;
    private long next;
    private long blockEnd;

    public ProducerIdManager(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            try {
                this.next = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IOException(
                        "Producer id file " + file + " is corrupt (content '" + text
                                + "'); restore it from a backup or delete it only if no idempotent producer has ever written",
                        e);
            }
        }
        this.blockEnd = next;
    }

    public synchronized long nextProducerId() {
        if (next == blockEnd) {
            long newEnd = next + BLOCK_SIZE;
            try {
                AtomicFiles.write(file, Long.toString(newEnd).getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new KafkaStorageException("Cannot reserve producer ids in " + file + ": " + e.getMessage(), e);
            }
            blockEnd = newEnd;
        }
        return next++;
    }
}
