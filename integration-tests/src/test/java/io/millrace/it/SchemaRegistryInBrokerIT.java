package io.millrace.it;

import static io.millrace.it.RegistryHttp.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.millrace.schema.server.RegistryConfig;
import io.millrace.schema.server.RegistryServer;
import io.millrace.testing.Await;
import io.millrace.testing.MillraceBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The registry inside the broker process (the schema module on the broker's classpath, as
 * {@code ./millrace start} runs it): what it stores survives a broker restart, and a second
 * registry instance on the same broker never hands out an id that the first gave to another schema.
 */
class SchemaRegistryInBrokerIT {

    @RegisterExtension
    final MillraceBroker broker = MillraceBroker.builder().withSchemaRegistry().build();

    @Test
    void brokerRestartKeepsEverySchemaIdVersionConfigAndMode() {
        RegistryHttp http = new RegistryHttp(broker.registryUrl());
        assertThat(broker.log())
                .as("the registry starts before the broker process serves")
                .contains("Schema registry listening on");
        String v1 = record("Event", "{\"name\":\"a\",\"type\":\"string\"}");
        String v2 = record(
                "Event", "{\"name\":\"a\",\"type\":\"string\"}", "{\"name\":\"b\",\"type\":\"long\",\"default\":0}");
        int id1 = http.register("events-value", v1);
        int id2 = http.register("events-value", v2);
        int id3 = http.register("other-value", record("Other", "{\"name\":\"x\",\"type\":\"int\"}"));
        assertThat(http.register("shared-value", v1)).isEqualTo(id1);
        http.put("/config/events-value", RegistryHttp.JSON.createObjectNode().put("compatibility", "FULL"));
        http.put("/config", RegistryHttp.JSON.createObjectNode().put("compatibility", "FORWARD"));
        http.put("/mode/other-value", RegistryHttp.JSON.createObjectNode().put("mode", "READONLY"));
        assertThat(http.delete("/subjects/shared-value/versions/1").status()).isEqualTo(200);
        Map<String, JsonNode> before = snapshot(http, List.of(id1, id2, id3));

        broker.stop();
        broker.restart();

        http.awaitAnswering("the registry after the restart");
        assertThat(snapshot(http, List.of(id1, id2, id3))).isEqualTo(before);
        assertThat(http.get("/config/events-value")
                        .json()
                        .get("compatibilityLevel")
                        .asText())
                .isEqualTo("FULL");
        assertThat(http.get("/config").json().get("compatibilityLevel").asText())
                .isEqualTo("FORWARD");
        assertThat(http.get("/mode/other-value").json().get("mode").asText()).isEqualTo("READONLY");
        assertThat(http.get("/subjects/shared-value/versions/1").errorCode())
                .as("its only version is soft-deleted")
                .isEqualTo(40401);
        assertThat(http.get("/subjects/shared-value/versions/1?deleted=true").id())
                .isEqualTo(id1);
        assertThat(http.register("events-value", v2))
                .as("re-registering returns the existing id")
                .isEqualTo(id2);
        int next = http.register("new-value", record("New", "{\"name\":\"n\",\"type\":\"int\"}"));
        assertThat(next).as("a new schema after the restart gets a fresh id").isNotIn(id1, id2, id3);
        broker.stop();
    }

    @Test
    void twoRegistryInstancesRegisterConcurrentlyWithoutIdClashes() throws Exception {
        RegistryServer second = RegistryServer.start(
                new RegistryConfig(Map.of(RegistryConfig.LISTENERS, "http://127.0.0.1:0")), broker.bootstrap());
        try {
            race(broker.registryUrl(), second);
        } finally {
            second.close();
        }
        broker.stop();
    }

    private static void race(String registryUrl, RegistryServer second) throws Exception {
        List<RegistryHttp> instances = List.of(
                new RegistryHttp(registryUrl),
                new RegistryHttp(second.uris().get(0).toString()));
        int schemas = 24;
        int threadsPerInstance = 3;
        // every thread registers every schema: the same schema races on both instances, and
        // different schemas race for the next free id
        Map<String, List<Integer>> idsBySchema = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(instances.size() * threadsPerInstance);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < instances.size() * threadsPerInstance; t++) {
            RegistryHttp http = instances.get(t % instances.size());
            int offset = t * 7;
            futures.add(pool.submit((Callable<Void>) () -> {
                go.await();
                for (int i = 0; i < schemas; i++) {
                    int n = (i + offset) % schemas;
                    String schema = record("Race" + n, "{\"name\":\"f" + n + "\",\"type\":\"string\"}");
                    int id = http.register("race-" + n, schema);
                    idsBySchema
                            .computeIfAbsent(schema, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                            .add(id);
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(3, TimeUnit.MINUTES);
        }
        pool.shutdown();

        Map<Integer, String> schemaById = new HashMap<>();
        idsBySchema.forEach((schema, ids) -> {
            assertThat(ids)
                    .as("ids handed out for " + schema)
                    .hasSize(instances.size() * threadsPerInstance)
                    .containsOnly(ids.get(0));
            String clash = schemaById.put(ids.get(0), schema);
            assertThat(clash)
                    .as("id " + ids.get(0) + " was handed out for two schemas")
                    .isNull();
        });
        assertThat(schemaById).hasSize(schemas);
        for (RegistryHttp http : instances) {
            Await.until(
                    "both instances have read every registration",
                    Duration.ofSeconds(30),
                    () -> http.get("/subjects?subjectPrefix=race-").json().size() == schemas);
            schemaById.forEach((id, schema) -> {
                JsonNode stored = http.get("/schemas/ids/" + id + "/schema").json();
                assertThat(stored.get("name").asText()).isEqualTo(recordName(schema));
            });
            for (int n = 0; n < schemas; n++) {
                assertThat(http.get("/subjects/race-" + n + "/versions").json())
                        .as("versions of race-" + n)
                        .hasSize(1);
            }
        }
    }

    private static String recordName(String schema) {
        try {
            return RegistryHttp.JSON.readTree(schema).get("name").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Everything the registry serves about the given ids and all subjects, for before/after comparison. */
    private static Map<String, JsonNode> snapshot(RegistryHttp http, List<Integer> ids) {
        Map<String, JsonNode> out = new HashMap<>();
        out.put("subjects", http.get("/subjects?deleted=true").json());
        out.put("schemas", http.get("/schemas?deleted=true").json());
        for (int id : ids) {
            out.put("id " + id, http.get("/schemas/ids/" + id).json());
            out.put(
                    "id " + id + " versions",
                    http.get("/schemas/ids/" + id + "/versions?deleted=true").json());
        }
        for (JsonNode subject : out.get("subjects")) {
            String s = subject.asText();
            out.put(s, http.get("/subjects/" + s + "/versions?deleted=true").json());
        }
        return out;
    }
}
