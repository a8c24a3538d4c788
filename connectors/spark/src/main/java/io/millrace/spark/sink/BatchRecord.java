package io.millrace.spark.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the sink's commit log: batch {@code batch} of a query commits these transactions;
 * {@code committed} once they all are. Its JSON:
 * {@code {"batch":7,"committed":false,"transactions":[{"transactionalId":"p-q-0","producerId":12,"epoch":3}]}}.
 * Immutable.
 */
record BatchRecord(long batch, boolean committed, List<TaskTransaction> transactions) {

    private static final ObjectMapper JSON = new ObjectMapper();

    BatchRecord {
        transactions = List.copyOf(transactions);
    }

    BatchRecord asCommitted() {
        return new BatchRecord(batch, true, transactions);
    }

    byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("batch", batch);
        root.put("committed", committed);
        ArrayNode list = root.putArray("transactions");
        for (TaskTransaction transaction : transactions) {
            list.addObject()
                    .put("transactionalId", transaction.transactionalId())
                    .put("producerId", transaction.producerId())
                    .put("epoch", transaction.epoch());
        }
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    static BatchRecord fromJson(byte[] json) {
        try {
            JsonNode root = JSON.readTree(json);
            List<TaskTransaction> transactions = new ArrayList<>();
            for (JsonNode transaction : root.path("transactions")) {
                transactions.add(new TaskTransaction(
                        transaction.path("transactionalId").asText(),
                        transaction.path("producerId").asLong(),
                        (short) transaction.path("epoch").asInt()));
            }
            return new BatchRecord(
                    root.path("batch").asLong(), root.path("committed").asBoolean(), transactions);
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable entry of the sink's commit log", e);
        }
    }
}
