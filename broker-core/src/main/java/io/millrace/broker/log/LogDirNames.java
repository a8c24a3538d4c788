package io.millrace.broker.log;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * Partition directory names: {@code <encoded topic>-<partition>}.
 *
 * <p>The topic is percent-encoded so any topic name, including stream-qualified
 * {@code stream:topic} names, is a safe single path component on every file system: each
 * character outside {@code [A-Za-z0-9._-]} becomes {@code %XX} for each byte of its UTF-8
 * encoding (upper-case hex), so {@code orders:eu} is stored as {@code orders%3Aeu-0}. A leading
 * {@code .} is encoded too ({@code %2E}), because directories starting with a dot
 * ({@code .trash}) are the broker's own and skipped by discovery. {@link #parse} inverts the
 * encoding, splitting at the last {@code -}, and accepts only canonical encodings, so every
 * partition has exactly one directory name. Stateless and thread-safe.
 */
public final class LogDirNames {

    /** Longest directory name (in bytes) file systems commonly allow. */
    public static final int MAX_DIR_NAME_BYTES = 255;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private LogDirNames() {}

    /**
     * @throws IllegalArgumentException if the topic is empty, the partition negative, or the
     *                                  resulting name longer than {@value #MAX_DIR_NAME_BYTES} bytes
     */
    public static String dirName(String topic, int partition) {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("Topic name must not be empty");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("Partition must not be negative: " + partition);
        }
        StringBuilder sb = new StringBuilder(topic.length() + 12);
        byte[] utf8 = topic.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length; i++) {
            int b = utf8[i] & 0xFF;
            if (isSafe(b) && !(i == 0 && b == '.')) {
                sb.append((char) b);
            } else {
                sb.append('%').append(HEX[b >>> 4]).append(HEX[b & 0x0F]);
            }
        }
        sb.append('-').append(partition);
        if (sb.length() > MAX_DIR_NAME_BYTES) {
            throw new IllegalArgumentException("Topic '" + topic + "' partition " + partition + " would need a "
                    + sb.length() + "-byte directory name, longer than the " + MAX_DIR_NAME_BYTES
                    + " bytes file systems allow; use a shorter topic name");
        }
        return sb.toString();
    }

    /** The topic-partition a directory name encodes; empty for names this class did not produce. */
    public static Optional<TopicPartition> parse(String dirName) {
        int dash = dirName.lastIndexOf('-');
        if (dash <= 0 || dash == dirName.length() - 1 || dirName.length() > MAX_DIR_NAME_BYTES) {
            return Optional.empty();
        }
        String digits = dirName.substring(dash + 1);
        if (digits.length() > 10 || (digits.length() > 1 && digits.charAt(0) == '0')) {
            return Optional.empty();
        }
        long partition = 0;
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return Optional.empty();
            }
            partition = partition * 10 + (c - '0');
        }
        if (partition > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        Optional<String> topic = decode(dirName.substring(0, dash));
        if (topic.isEmpty() || !dirName.equals(dirName(topic.get(), (int) partition))) {
            return Optional.empty();
        }
        return Optional.of(new TopicPartition(topic.get(), (int) partition));
    }

    private static Optional<String> decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80 && isSafe(c)) {
                bytes.write(c);
            } else {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static boolean isSafe(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '_'
                || c == '-';
    }
}
