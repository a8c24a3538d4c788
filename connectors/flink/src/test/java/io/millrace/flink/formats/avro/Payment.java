package io.millrace.flink.formats.avro;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecordBase;

/** A SpecificRecord as avro-tools would generate it for the tests' "Payment" schema, reduced to what Avro and Flink use. */
public class Payment extends SpecificRecordBase {

    public static final Schema SCHEMA$ = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"Payment\",\"namespace\":\"io.millrace.flink.formats.avro\","
                    + "\"fields\":[{\"name\":\"id\",\"type\":\"long\"},"
                    + "{\"name\":\"payer\",\"type\":{\"type\":\"string\",\"avro.java.string\":\"String\"}}]}");

    private long id;
    private String payer;

    public Payment() {}

    public Payment(long id, String payer) {
        this.id = id;
        this.payer = payer;
    }

    public static Schema getClassSchema() {
        return SCHEMA$;
    }

    @Override
    public Schema getSchema() {
        return SCHEMA$;
    }

    @Override
    public Object get(int field) {
        return switch (field) {
            case 0 -> id;
            case 1 -> payer;
            default -> throw new IndexOutOfBoundsException("Invalid index: " + field);
        };
    }

    @Override
    public void put(int field, Object value) {
        switch (field) {
            case 0 -> id = (Long) value;
            case 1 -> payer = value == null ? null : value.toString();
            default -> throw new IndexOutOfBoundsException("Invalid index: " + field);
        }
    }

    public long getId() {
        return id;
    }

    public void setId(long id) {
        this.id = id;
    }

    public String getPayer() {
        return payer;
    }

    public void setPayer(String payer) {
        this.payer = payer;
    }
}
