package io.millrace.schema.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Confluent's wire format, byte for byte:
 *
 * <pre>
 * offset 0      magic byte 0x00
 * offset 1..4   schema id, 4 bytes big-endian
 * offset 5..    the Avro binary encoding of the datum (raw bytes for a byte[] value)
 * </pre>
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0x0;
    public static final int MAGIC_OFFSET = 0;
    public static final int ID_OFFSET = MAGIC_OFFSET + 1;
    public static final int ID_LENGTH = 4;
    public static final int HEADER_LENGTH = ID_OFFSET + ID_LENGTH;

    private WireFormat() {}

    /** The schema id of a framed payload; fails naming what is wrong with the frame. */
    public static int schemaId(byte[] payload) {
        if (payload.length < HEADER_LENGTH) {
            throw new SerializationException("Payload of " + payload.length + " bytes is too short for the schema "
                    + "registry wire format (magic byte + 4-byte schema id)");
        }
        if (payload[MAGIC_OFFSET] != MAGIC_BYTE) {
            throw new SerializationException("Unknown magic byte " + payload[MAGIC_OFFSET]
                    + ": the payload was not written by a schema registry serializer");
        }
        return ByteBuffer.wrap(payload, ID_OFFSET, ID_LENGTH).getInt();
    }
}
