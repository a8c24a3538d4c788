package io.millrace.it;

import static io.millrace.it.RegistryHttp.record;
import static io.millrace.it.RegistryHttp.schemaBody;
import static io.millrace.it.RegistryHttp.typed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.millrace.it.RegistryHttp.Answer;
import io.millrace.schema.server.RegistryConfig;
import io.millrace.testing.MillraceBroker;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The REST contract of the schema registry, endpoint by endpoint: Confluent's success shapes,
 * media type and error codes. The registry runs in this JVM against a real broker process; each
 * test uses its own subjects (tests that change global settings restore them).
 */
class SchemaRegistryRestIT {

    private static final String V1 = record("User", "{\"name\":\"name\",\"type\":\"string\"}");
    private static final String V2 = record(
            "User", "{\"name\":\"name\",\"type\":\"string\"}", "{\"name\":\"age\",\"type\":\"int\",\"default\":0}");
    private static final String INCOMPATIBLE = record("User", "{\"name\":\"name\",\"type\":\"int\"}");

    @RegisterExtension
    @Order(1)
    static final MillraceBroker broker = MillraceBroker.builder().build();

    @RegisterExtension
    @Order(2)
    static final RegistryInTestJvm registry =
            new RegistryInTestJvm(broker, Map.of(RegistryConfig.MAX_REQUEST_BYTES, "65536"));

    static RegistryHttp http;

    @BeforeAll
    static void connect() {
        http = new RegistryHttp(registry.url());
    }

    @Test
    void registerReturnsAnIdAndTheSameSchemaAgainReturnsTheSameId() {
        Answer first = http.post("/subjects/reg-a/versions", schemaBody(V1));
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(first.contentType()).startsWith(RegistryHttp.MEDIA_TYPE);
        assertThat(first.json().fieldNames()).toIterable().containsExactly("id");
        int id = first.id();
        // whitespace differs, the parsed schema does not
        Answer again = http.post("/subjects/reg-a/versions", schemaBody(V1.replace(",", " , ")));
        assertThat(again.id()).isEqualTo(id);
        // the same schema under another subject shares the id
        assertThat(http.register("reg-a-other", V1)).isEqualTo(id);
        assertThat(http.get("/subjects/reg-a/versions").json()).hasSize(1);
    }

    @Test
    void plainJsonIsAcceptedAndOtherMediaTypesAreRefusedWith415() {
        Answer plain =
                http.send("POST", "/subjects/media/versions", schemaBody(V1).toString(), "application/json");
        assertThat(plain.status()).as(plain.toString()).isEqualTo(200);
        Answer xml = http.send("POST", "/subjects/media/versions", "<schema/>", "application/xml");
        xml.assertError(415, 415);
    }

    @Test
    void subjectsAreListedWithPrefixAndDeletedFilters() {
        http.register("list-one", V1);
        http.register("list-two", V1);
        http.register("other-list", V1);
        assertThat(http.get("/subjects?subjectPrefix=list-").json())
                .extracting(JsonNode::asText)
                .containsExactly("list-one", "list-two");
        http.delete("/subjects/list-two");
        assertThat(http.get("/subjects?subjectPrefix=list-").json())
                .extracting(JsonNode::asText)
                .containsExactly("list-one");
        assertThat(http.get("/subjects?subjectPrefix=list-&deleted=true").json())
                .extracting(JsonNode::asText)
                .containsExactly("list-one", "list-two");
        assertThat(http.get("/subjects").json()).extracting(JsonNode::asText).contains("other-list", "list-one");
    }

    @Test
    void versionsAreReadByNumberOrLatestWithTheirRawSchema() {
        int id1 = http.register("ver", V1);
        int id2 = http.register("ver", V2);
        assertThat(http.get("/subjects/ver/versions").json())
                .extracting(JsonNode::asInt)
                .containsExactly(1, 2);
        JsonNode latest = http.get("/subjects/ver/versions/latest").json();
        assertThat(latest.get("subject").asText()).isEqualTo("ver");
        assertThat(latest.get("version").asInt()).isEqualTo(2);
        assertThat(latest.get("id").asInt()).isEqualTo(id2);
        assertThat(latest.get("schema").asText()).contains("\"age\"");
        assertThat(latest.has("schemaType"))
                .as("AVRO is implied, as Confluent omits it")
                .isFalse();
        assertThat(http.get("/subjects/ver/versions/1").id()).isEqualTo(id1);
        assertThat(http.get("/subjects/ver/versions/-1").json().get("version").asInt())
                .isEqualTo(2);
        Answer raw = http.get("/subjects/ver/versions/1/schema");
        assertThat(raw.json().get("name").asText()).isEqualTo("User");

        http.get("/subjects/ver/versions/9").assertError(404, 40402);
        assertThat(http.get("/subjects/no-such/versions/1").errorCode()).isEqualTo(40401);
        assertThat(http.get("/subjects/no-such/versions").errorCode()).isEqualTo(40401);
        for (String bad : new String[] {"0", "-2", "abc", "2147483648"}) {
            Answer a = http.get("/subjects/ver/versions/" + bad);
            assertThat(a.status()).as(bad).isEqualTo(422);
            assertThat(a.errorCode()).as(bad).isEqualTo(42202);
        }
    }

    @Test
    void lookupFindsARegisteredSchemaUnderItsSubject() {
        int id = http.register("lookup", V1);
        JsonNode found = http.post("/subjects/lookup", schemaBody(V1)).json();
        assertThat(found.get("subject").asText()).isEqualTo("lookup");
        assertThat(found.get("version").asInt()).isEqualTo(1);
        assertThat(found.get("id").asInt()).isEqualTo(id);
        assertThat(found.get("schema").asText())
                .isEqualTo(http.get("/schemas/ids/" + id).json().get("schema").asText());
        assertThat(http.post("/subjects/lookup", schemaBody(V2)).errorCode()).isEqualTo(40403);
        assertThat(http.post("/subjects/lookup-none", schemaBody(V1)).errorCode())
                .isEqualTo(40401);
    }

    @Test
    void versionsAreSoftThenPermanentlyDeleted() {
        http.register("delv", V1);
        http.register("delv", V2);
        assertThat(http.delete("/subjects/delv/versions/2?permanent=true").errorCode())
                .isEqualTo(40407);
        Answer soft = http.delete("/subjects/delv/versions/2");
        assertThat(soft.status()).isEqualTo(200);
        assertThat(soft.json().asInt()).isEqualTo(2);
        assertThat(http.get("/subjects/delv/versions/2").errorCode()).isEqualTo(40402);
        assertThat(http.get("/subjects/delv/versions/2?deleted=true")
                        .json()
                        .get("version")
                        .asInt())
                .isEqualTo(2);
        assertThat(http.get("/subjects/delv/versions").json())
                .extracting(JsonNode::asInt)
                .containsExactly(1);
        assertThat(http.get("/subjects/delv/versions?deleted=true").json())
                .extracting(JsonNode::asInt)
                .containsExactly(1, 2);
        assertThat(http.get("/subjects/delv/versions/latest")
                        .json()
                        .get("version")
                        .asInt())
                .isEqualTo(1);
        assertThat(http.delete("/subjects/delv/versions/2").errorCode()).isEqualTo(40406);
        assertThat(http.delete("/subjects/delv/versions/2?permanent=true")
                        .json()
                        .asInt())
                .isEqualTo(2);
        assertThat(http.get("/subjects/delv/versions/2?deleted=true").errorCode())
                .isEqualTo(40402);
        assertThat(http.delete("/subjects/delv/versions/7").errorCode()).isEqualTo(40402);
        assertThat(http.delete("/subjects/delv-none/versions/1").errorCode()).isEqualTo(40401);
        // a permanently deleted version number is free again; soft-deleted ones are not
        http.register("delv", V2);
        assertThat(http.get("/subjects/delv/versions").json())
                .extracting(JsonNode::asInt)
                .containsExactly(1, 2);
    }

    @Test
    void subjectsAreSoftThenPermanentlyDeleted() {
        int id = http.register("dels", V1);
        http.register("dels", V2);
        assertThat(http.delete("/subjects/dels?permanent=true").errorCode()).isEqualTo(40405);
        Answer soft = http.delete("/subjects/dels");
        assertThat(soft.json()).extracting(JsonNode::asInt).containsExactly(1, 2);
        assertThat(http.delete("/subjects/dels").errorCode()).isEqualTo(40404);
        assertThat(http.get("/subjects/dels/versions").errorCode()).isEqualTo(40401);
        assertThat(http.get("/schemas/ids/" + id).status())
                .as("soft-deleted versions keep their id")
                .isEqualTo(200);
        assertThat(http.delete("/subjects/dels?permanent=true").json())
                .extracting(JsonNode::asInt)
                .containsExactly(1, 2);
        assertThat(http.get("/subjects?deleted=true").json())
                .extracting(JsonNode::asText)
                .doesNotContain("dels");
        assertThat(http.delete("/subjects/dels").errorCode()).isEqualTo(40401);
    }

    @Test
    void referencesResolveAcrossSubjectsAndProtectTheReferencedVersion() {
        String money = "{\"type\":\"record\",\"name\":\"Money\",\"namespace\":\"acme\",\"fields\":["
                + "{\"name\":\"cents\",\"type\":\"long\"}]}";
        http.register("ref-money", money);
        String order = "{\"type\":\"record\",\"name\":\"Order\",\"namespace\":\"acme\",\"fields\":["
                + "{\"name\":\"total\",\"type\":\"acme.Money\"}]}";
        Answer unresolved = http.post("/subjects/ref-order/versions", schemaBody(order));
        assertThat(unresolved.errorCode()).as(unresolved.toString()).isEqualTo(42201);
        Answer missingRef =
                http.post("/subjects/ref-order/versions", RegistryHttp.schemaBody(order, "acme.Money", "ref-money", 5));
        assertThat(missingRef.errorCode()).isEqualTo(42201);
        int orderId = http.register("ref-order", RegistryHttp.schemaBody(order, "acme.Money", "ref-money", 1));

        JsonNode version = http.get("/subjects/ref-order/versions/1").json();
        assertThat(version.get("references").get(0).get("subject").asText()).isEqualTo("ref-money");
        assertThat(version.get("schema").asText())
                .as("referenced types are named, not inlined")
                .doesNotContain("cents")
                .contains("Money");
        assertThat(http.get("/schemas/ids/" + orderId).json().get("references")).hasSize(1);
        assertThat(http.get("/subjects/ref-money/versions/1/referencedby").json())
                .extracting(JsonNode::asInt)
                .containsExactly(orderId);
        Answer protectedVersion = http.delete("/subjects/ref-money/versions/1");
        protectedVersion.assertError(422, 42206);
        assertThat(http.delete("/subjects/ref-money").errorCode()).isEqualTo(42206);
    }

    @Test
    void schemasAreReadById() {
        int id = http.register("byid-a", V1);
        http.register("byid-b", V1);
        JsonNode schema = http.get("/schemas/ids/" + id).json();
        assertThat(schema.fieldNames()).toIterable().containsExactly("schema");
        assertThat(http.get("/schemas/ids/" + id + "/schema").json().get("name").asText())
                .isEqualTo("User");
        assertThat(http.get("/schemas/ids/" + id + "/subjects").json())
                .extracting(JsonNode::asText)
                .contains("byid-a", "byid-b");
        JsonNode versions = http.get("/schemas/ids/" + id + "/versions").json();
        assertThat(versions).anySatisfy(v -> {
            assertThat(v.get("subject").asText()).isEqualTo("byid-a");
            assertThat(v.get("version").asInt()).isEqualTo(1);
        });
        for (String path : new String[] {
            "/schemas/ids/999999",
            "/schemas/ids/999999/schema",
            "/schemas/ids/999999/subjects",
            "/schemas/ids/999999/versions",
            "/schemas/ids/abc"
        }) {
            Answer a = http.get(path);
            assertThat(a.status()).as(path).isEqualTo(404);
            assertThat(a.errorCode()).as(path).isEqualTo(40403);
        }
        assertThat(http.get("/schemas/types").json())
                .extracting(JsonNode::asText)
                .containsExactly("AVRO", "JSON", "PROTOBUF");
        JsonNode listed = http.get("/schemas?subjectPrefix=byid-").json();
        assertThat(listed).extracting(n -> n.get("subject").asText()).containsExactly("byid-a", "byid-b");
        assertThat(listed.get(0).get("id").asInt()).isEqualTo(id);
    }

    @Test
    void compatibilityIsConfiguredGloballyAndPerSubject() {
        assertThat(http.get("/config").json().get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");
        Answer set =
                http.put("/config/cfg", RegistryHttp.JSON.createObjectNode().put("compatibility", "full"));
        assertThat(set.json().get("compatibility").asText()).isEqualTo("FULL");
        assertThat(http.get("/config/cfg").json().get("compatibilityLevel").asText())
                .isEqualTo("FULL");
        Answer unset = http.get("/config/cfg-unset");
        unset.assertError(404, 40408);
        assertThat(http.get("/config/cfg-unset?defaultToGlobal=true")
                        .json()
                        .get("compatibilityLevel")
                        .asText())
                .isEqualTo("BACKWARD");
        Answer bad =
                http.put("/config/cfg", RegistryHttp.JSON.createObjectNode().put("compatibility", "SIDEWAYS"));
        bad.assertError(422, 42203);
        assertThat(http.put("/config", "{}").errorCode()).isEqualTo(42203);
        assertThat(http.delete("/config/cfg").json().get("compatibilityLevel").asText())
                .isEqualTo("FULL");
        assertThat(http.get("/config/cfg").errorCode()).isEqualTo(40408);
        assertThat(http.delete("/config/cfg").errorCode()).isEqualTo(40408);

        try {
            assertThat(http.put("/config", RegistryHttp.JSON.createObjectNode().put("compatibility", "NONE"))
                            .json()
                            .get("compatibility")
                            .asText())
                    .isEqualTo("NONE");
            assertThat(http.get("/config").json().get("compatibilityLevel").asText())
                    .isEqualTo("NONE");
        } finally {
            assertThat(http.delete("/config").json().get("compatibilityLevel").asText())
                    .isEqualTo("NONE");
        }
        assertThat(http.get("/config").json().get("compatibilityLevel").asText())
                .isEqualTo("BACKWARD");
    }

    @Test
    void incompatibleSchemasAreRejectedWith409AndCheckedByTheCompatibilityEndpoints() {
        http.register("compat", V1);
        Answer rejected = http.post("/subjects/compat/versions", schemaBody(INCOMPATIBLE));
        rejected.assertError(409, 40901);
        assertThat(rejected.json().get("message").asText())
                .contains("incompatible")
                .contains("compat");

        Answer ok = http.post("/compatibility/subjects/compat/versions/latest", schemaBody(V2));
        assertThat(ok.json().get("is_compatible").asBoolean()).isTrue();
        assertThat(ok.json().has("messages")).isFalse();
        Answer no = http.post("/compatibility/subjects/compat/versions/1?verbose=true", schemaBody(INCOMPATIBLE));
        assertThat(no.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(no.json().get("messages")).isNotEmpty();
        assertThat(no.json().get("messages").toString()).contains("TYPE_MISMATCH");
        Answer all = http.post("/compatibility/subjects/compat/versions?verbose=true", schemaBody(INCOMPATIBLE));
        assertThat(all.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(http.post("/compatibility/subjects/compat-none/versions", schemaBody(V1))
                        .json()
                        .get("is_compatible")
                        .asBoolean())
                .isTrue();
        assertThat(http.post("/compatibility/subjects/compat-none/versions/latest", schemaBody(V1))
                        .errorCode())
                .isEqualTo(40401);
        assertThat(http.post("/compatibility/subjects/compat/versions/5", schemaBody(V1))
                        .errorCode())
                .isEqualTo(40402);
        assertThat(http.post("/compatibility/subjects/compat/versions/zero", schemaBody(V1))
                        .errorCode())
                .isEqualTo(42202);
        assertThat(http.post("/compatibility/subjects/compat/versions", schemaBody("{bad"))
                        .errorCode())
                .isEqualTo(42201);
    }

    private static String jsonObject(String properties, String extra) {
        return "{\"type\":\"object\",\"properties\":{" + properties + "},\"additionalProperties\":false" + extra + "}";
    }

    @Test
    void jsonSchemasAreRegisteredLookedUpAndServedWithTheirType() {
        String schema = jsonObject("\"id\":{\"type\":\"integer\"}", "");
        int id = http.register("json-a", typed("JSON", schema));
        assertThat(http.post("/subjects/json-a/versions", typed("json", schema.replace(",", " ,\n")))
                        .id())
                .as("whitespace and the type's case do not matter")
                .isEqualTo(id);
        assertThat(http.post("/subjects/json-a-other/versions", typed("JSON", schema))
                        .id())
                .isEqualTo(id);

        JsonNode version = http.get("/subjects/json-a/versions/latest").json();
        assertThat(version.get("schemaType").asText()).isEqualTo("JSON");
        assertThat(version.get("schema").asText()).isEqualTo(schema);
        JsonNode byId = http.get("/schemas/ids/" + id).json();
        assertThat(byId.get("schemaType").asText()).isEqualTo("JSON");
        assertThat(http.get("/schemas/ids/" + id + "/schema").json().get("type").asText())
                .isEqualTo("object");
        assertThat(http.get("/schemas?subjectPrefix=json-a").json())
                .allSatisfy(v -> assertThat(v.get("schemaType").asText()).isEqualTo("JSON"));

        JsonNode found = http.post("/subjects/json-a", typed("JSON", schema)).json();
        assertThat(found.get("id").asInt()).isEqualTo(id);
        assertThat(found.get("schemaType").asText()).isEqualTo("JSON");
        assertThat(http.post("/subjects/json-a", typed("JSON", jsonObject("\"id\":{\"type\":\"number\"}", "")))
                        .errorCode())
                .isEqualTo(40403);
    }

    @Test
    void jsonCompatibilityFollowsTheSubjectsLevel() {
        String v1 = jsonObject("\"id\":{\"type\":\"integer\"}", "");
        String widened = jsonObject("\"id\":{\"type\":\"number\"}", "");
        String added = jsonObject("\"id\":{\"type\":\"integer\"},\"note\":{\"type\":\"string\"}", "");
        String changed = jsonObject("\"id\":{\"type\":\"string\"}", "");
        http.post("/subjects/json-compat/versions", typed("JSON", v1));

        Answer no =
                http.post("/compatibility/subjects/json-compat/versions/latest?verbose=true", typed("JSON", changed));
        assertThat(no.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(no.json().get("messages").toString())
                .contains("TYPE_CHANGED")
                .contains("#/properties/id")
                .contains("BACKWARD");
        Answer rejected = http.post("/subjects/json-compat/versions", typed("JSON", changed));
        rejected.assertError(409, 40901);
        assertThat(http.post("/compatibility/subjects/json-compat/versions", typed("JSON", widened))
                        .json()
                        .get("is_compatible")
                        .asBoolean())
                .as("integer widens to number")
                .isTrue();

        http.put("/config/json-compat", RegistryHttp.JSON.createObjectNode().put("compatibility", "FORWARD"));
        Answer forward = http.post("/compatibility/subjects/json-compat/versions?verbose=true", typed("JSON", widened));
        assertThat(forward.json().get("is_compatible").asBoolean())
                .as(forward.toString())
                .isFalse();
        assertThat(forward.json().get("messages").toString()).contains("TYPE_NARROWED");
        http.put("/config/json-compat", RegistryHttp.JSON.createObjectNode().put("compatibility", "FULL"));
        assertThat(http.post("/compatibility/subjects/json-compat/versions", typed("JSON", added))
                        .json()
                        .get("is_compatible")
                        .asBoolean())
                .as("closed model: old readers reject the new property")
                .isFalse();
        http.put("/config/json-compat", RegistryHttp.JSON.createObjectNode().put("compatibility", "BACKWARD"));
        http.register("json-compat", typed("JSON", added));
        assertThat(http.get("/subjects/json-compat/versions").json()).hasSize(2);

        Answer avro = http.post("/subjects/json-compat/versions", schemaBody(V1));
        assertThat(avro.status()).as("another type under BACKWARD").isEqualTo(409);
        assertThat(avro.json().get("message").asText()).contains("different schema type");
    }

    @Test
    void jsonReferencesResolveAcrossSubjects() {
        String address = jsonObject("\"zip\":{\"type\":\"string\"}", ",\"required\":[\"zip\"]");
        http.post("/subjects/json-address/versions", typed("JSON", address));
        String customer = "{\"type\":\"object\",\"properties\":{\"home\":{\"$ref\":\"address.json\"}}}";
        Answer unresolved = http.post("/subjects/json-customer/versions", typed("JSON", customer));
        assertThat(unresolved.errorCode()).as(unresolved.toString()).isEqualTo(42201);
        assertThat(unresolved.json().get("message").asText()).contains("address.json");
        int id = http.register("json-customer", typed("JSON", customer, "address.json", "json-address", 1));
        assertThat(http.get("/schemas/ids/" + id)
                        .json()
                        .get("references")
                        .get(0)
                        .get("subject")
                        .asText())
                .isEqualTo("json-address");
        assertThat(http.get("/subjects/json-address/versions/1/referencedby").json())
                .extracting(JsonNode::asInt)
                .containsExactly(id);
        assertThat(http.post("/subjects/json-customer", typed("JSON", customer, "address.json", "json-address", 1))
                        .id())
                .isEqualTo(id);
    }

    /**
     * Registers {@code first} and then {@code second} under {@code subject} with normalization: the
     * second gets the first's id and is no new version.
     */
    private static void assertNormalizedToOneVersion(String subject, ObjectNode first, ObjectNode second) {
        String path = "/subjects/" + subject + "/versions";
        int id = http.post(path + "?normalize=true", first).id();
        assertThat(http.post(path + "?normalize=true", second).id()).isEqualTo(id);
        assertThat(http.get(path).json()).hasSize(1);
    }

    @Test
    void jsonNormalizationMakesReorderedSchemasOne() {
        String one = "{\"type\":\"object\",\"required\":[\"b\",\"a\"],\"properties\":{\"a\":{\"type\":"
                + "\"string\"},\"b\":{\"type\":\"integer\"}}}";
        String two = "{\"properties\":{\"b\":{\"type\":\"integer\"},\"a\":{\"type\":\"string\"}},"
                + "\"required\":[\"a\",\"b\"],\"type\":\"object\"}";
        assertNormalizedToOneVersion("json-norm", typed("JSON", one), typed("JSON", two));
    }

    @Test
    void protobufSchemasAreRegisteredWithImportsLookedUpAndChecked() {
        String money = "syntax = \"proto3\";\npackage acme.money;\nmessage Money {\n  int64 cents = 1;\n}\n";
        http.register("proto-money", typed("PROTOBUF", money));
        String invoice = "syntax = \"proto3\";\npackage acme.billing;\nimport \"money.proto\";\n"
                + "import \"google/protobuf/timestamp.proto\";\nmessage Invoice {\n  acme.money.Money total = 1;\n"
                + "  google.protobuf.Timestamp issued = 2;\n}\n";
        Answer unresolved = http.post("/subjects/proto-invoice/versions", typed("PROTOBUF", invoice));
        assertThat(unresolved.errorCode()).as(unresolved.toString()).isEqualTo(42201);
        assertThat(unresolved.json().get("message").asText()).contains("money.proto");
        ObjectNode withRef = typed("PROTOBUF", invoice, "money.proto", "proto-money", 1);
        int id = http.register("proto-invoice", withRef);
        assertThat(http.post(
                                "/subjects/proto-invoice/versions",
                                withRef.deepCopy().put("schema", invoice.replace("\n  ", "\n    ")))
                        .id())
                .as("layout does not matter")
                .isEqualTo(id);

        JsonNode version = http.get("/subjects/proto-invoice/versions/1").json();
        assertThat(version.get("schemaType").asText()).isEqualTo("PROTOBUF");
        assertThat(version.get("references").get(0).get("name").asText()).isEqualTo("money.proto");
        assertThat(http.get("/schemas/ids/" + id).json().get("schemaType").asText())
                .isEqualTo("PROTOBUF");
        assertThat(http.get("/schemas/ids/" + id + "/schema").text()).contains("message Invoice");
        assertThat(http.post("/subjects/proto-invoice", withRef).id()).isEqualTo(id);
        assertThat(http.get("/subjects/proto-money/versions/1/referencedby").json())
                .extracting(JsonNode::asInt)
                .containsExactly(id);

        String changed = invoice.replace("acme.money.Money total = 1;", "string total = 1;");
        Answer check = http.post(
                "/compatibility/subjects/proto-invoice/versions/latest?verbose=true",
                typed("PROTOBUF", changed, "money.proto", "proto-money", 1));
        assertThat(check.json().get("is_compatible").asBoolean()).isFalse();
        assertThat(check.json().get("messages").toString())
                .contains("FIELD_KIND_CHANGED")
                .contains("#/Invoice/1");
        String added = invoice.replace(
                "  google.protobuf.Timestamp issued = 2;\n",
                "  google.protobuf.Timestamp issued = 2;\n  string note = 3;\n");
        http.put("/config/proto-invoice", RegistryHttp.JSON.createObjectNode().put("compatibility", "FULL_TRANSITIVE"));
        http.register("proto-invoice", typed("PROTOBUF", added, "money.proto", "proto-money", 1));
        Answer rejected = http.post(
                "/subjects/proto-invoice/versions", typed("PROTOBUF", changed, "money.proto", "proto-money", 1));
        rejected.assertError(409, 40901);
    }

    @Test
    void protobufNormalizationMakesReorderedFilesOne() {
        String one =
                "syntax = \"proto3\"; package n; message A { string s = 2; int32 x = 1; B b = 3; } " + "message B {}";
        String two = "syntax = \"proto3\"; package n; message A { int32 x = 1; string s = 2; .n.B b = 3; } "
                + "message B {}";
        assertNormalizedToOneVersion("proto-norm", typed("PROTOBUF", one), typed("PROTOBUF", two));
    }

    @Test
    void modesGuardWritesAndImportTakesExplicitIds() {
        assertThat(http.get("/mode").json().get("mode").asText()).isEqualTo("READWRITE");
        assertThat(http.get("/mode/mode-ro").errorCode()).isEqualTo(40409);
        assertThat(http.get("/mode/mode-ro?defaultToGlobal=true")
                        .json()
                        .get("mode")
                        .asText())
                .isEqualTo("READWRITE");
        http.register("mode-ro", V1);
        assertThat(http.put(
                                "/mode/mode-ro",
                                RegistryHttp.JSON.createObjectNode().put("mode", "READONLY"))
                        .json()
                        .get("mode")
                        .asText())
                .isEqualTo("READONLY");
        Answer refused = http.post("/subjects/mode-ro/versions", schemaBody(V2));
        refused.assertError(422, 42205);
        assertThat(http.delete("/subjects/mode-ro").errorCode()).isEqualTo(42205);
        assertThat(http.put(
                                "/mode/mode-ro",
                                RegistryHttp.JSON.createObjectNode().put("mode", "WRITEONLY"))
                        .errorCode())
                .isEqualTo(42204);
        assertThat(http.delete("/mode/mode-ro").json().get("mode").asText()).isEqualTo("READONLY");
        assertThat(http.register("mode-ro", V2)).isPositive();

        // explicit ids need IMPORT mode
        Answer noImport =
                http.post("/subjects/mode-imp/versions", schemaBody(V1).put("id", 5000));
        assertThat(noImport.errorCode()).isEqualTo(42205);
        assertThat(http.put(
                                "/mode/mode-ro",
                                RegistryHttp.JSON.createObjectNode().put("mode", "IMPORT"))
                        .errorCode())
                .as("IMPORT on a subject that has schemas needs force")
                .isEqualTo(42205);
        http.put("/mode/mode-imp", RegistryHttp.JSON.createObjectNode().put("mode", "IMPORT"));
        String imported = record("Imported", "{\"name\":\"x\",\"type\":\"long\"}");
        Answer withId = http.post(
                "/subjects/mode-imp/versions",
                schemaBody(imported).put("id", 5000).put("version", 3));
        assertThat(withId.id()).as(withId.toString()).isEqualTo(5000);
        assertThat(http.get("/subjects/mode-imp/versions/3").id()).isEqualTo(5000);
        assertThat(http.post("/subjects/mode-imp/versions", schemaBody(imported).put("id", 5001))
                        .errorCode())
                .isEqualTo(42207);
        assertThat(http.post("/subjects/mode-imp/versions", schemaBody(V2).put("id", 5000))
                        .errorCode())
                .as("an id bound to another schema")
                .isEqualTo(42205);
        http.delete("/mode/mode-imp");
        // ids continue above imported ones
        assertThat(http.register("mode-after-import", record("After", "{\"name\":\"y\",\"type\":\"int\"}")))
                .isGreaterThan(5000);
    }

    @Test
    void readOnlyOverrideRefusesEveryWriteUntilLifted() {
        try {
            assertThat(http.put("/mode", RegistryHttp.JSON.createObjectNode().put("mode", "READONLY_OVERRIDE"))
                            .json()
                            .get("mode")
                            .asText())
                    .isEqualTo("READONLY_OVERRIDE");
            assertThat(http.post("/subjects/ro-all/versions", schemaBody(V1)).errorCode())
                    .isEqualTo(42205);
        } finally {
            http.put("/mode", RegistryHttp.JSON.createObjectNode().put("mode", "READWRITE"));
        }
        assertThat(http.register("ro-all", V1)).isPositive();
    }

    @Test
    void normalizeMakesDifferentlyQualifiedSchemasOne() {
        String qualified = "{\"type\":\"record\",\"name\":\"Pt\",\"namespace\":\"geo\",\"fields\":["
                + "{\"name\":\"x\",\"type\":\"int\"}]}";
        String fullName = "{\"type\":\"record\",\"name\":\"geo.Pt\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}";
        assertNormalizedToOneVersion("norm", schemaBody(qualified), schemaBody(fullName));
    }

    /** Registering {@code schema} as {@code type} is refused as invalid (422, 42201), the message naming {@code mentions}. */
    private static void assertInvalidSchema(String type, String schema, String... mentions) {
        Answer refused = http.post("/subjects/bad/versions", typed(type, schema));
        refused.assertError(422, 42201);
        for (String mention : mentions) {
            assertThat(refused.json().get("message").asText()).contains(mention);
        }
    }

    @Test
    void malformedRequestsGet4xxWithAnErrorCode() {
        Answer notJson = http.post("/subjects/bad/versions", "{\"schema\": ");
        notJson.assertError(400, 400);
        assertThat(http.post("/subjects/bad/versions", "[1,2]").status()).isEqualTo(422);
        assertThat(http.post("/subjects/bad/versions", "{\"schema\": 5}").errorCode())
                .isEqualTo(42201);
        assertThat(http.post("/subjects/bad/versions", "{}").errorCode()).isEqualTo(42201);
        assertThat(http.post("/subjects/bad/versions", "{\"schema\":\"{\\\"type\\\":\\\"nope\\\"}\"}")
                        .errorCode())
                .isEqualTo(42201);
        assertThat(http.post("/subjects/bad/versions", "{\"schema\":\"x\",\"bogus\":1}")
                        .status())
                .isEqualTo(422);
        assertInvalidSchema("XML", "<a/>", "XML", "AVRO", "JSON", "PROTOBUF");
        assertInvalidSchema("JSON", "{\"type\":\"objekt\"}", "Invalid JSON schema", "/type");
        assertInvalidSchema("JSON", "{\"type\":");
        assertInvalidSchema(
                "PROTOBUF",
                "syntax = \"proto3\"; message A { int32 x = 1; " + "string y = 1; }",
                "Invalid Protobuf schema",
                "tag 1");
        assertInvalidSchema("PROTOBUF", "message {");
        assertThat(http.post("/subjects/__GLOBAL/versions", schemaBody(V1)).errorCode())
                .isEqualTo(42208);
        assertThat(http.put("/config/__EMPTY", "{\"compatibility\":\"FULL\"}").errorCode())
                .isEqualTo(42208);
        Answer control = http.post("/subjects/%01ctl/versions", schemaBody(V1));
        assertThat(control.status()).as(control.toString()).isBetween(400, 499);
        assertThat(control.errorCode()).as(control.toString()).isBetween(400, 42299);
        Answer unknown = http.get("/nowhere/at/all");
        unknown.assertError(404, 404);
        assertThat(http.send("PATCH", "/subjects", "{}", RegistryHttp.MEDIA_TYPE)
                        .status())
                .isIn(400, 405);
        assertThat(http.put("/subjects/bad/versions", schemaBody(V1)).errorCode())
                .isEqualTo(405);
        Answer tooLarge = http.post(
                "/subjects/bad/versions",
                schemaBody(
                        record("Big", "{\"name\":\"f\",\"type\":\"string\",\"doc\":\"" + "x".repeat(70_000) + "\"}")));
        tooLarge.assertError(413, 42209);
    }

    @Test
    void anOversizedBodyIsAnswered413WhileTheClientIsStillSendingIt() throws Exception {
        java.net.URI uri = registry.uri();
        byte[] body = new byte[6 << 20];
        java.util.Arrays.fill(body, (byte) 'x');
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /subjects/big/versions HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nContent-Type: "
                            + RegistryHttp.MEDIA_TYPE + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            // 6 MB, far beyond the socket buffers: the server must not reset the upload.
            out.write(body);
            out.flush();
            String head =
                    new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(head).isEqualTo("HTTP/1.1 413");
        }
    }

    @Test
    void randomBodiesNeverCauseA5xx() {
        Random random = new Random(20240611L);
        String[] paths = {
            "/subjects/fuzz/versions",
            "/subjects/fuzz",
            "/compatibility/subjects/fuzz/versions",
            "/config/fuzz",
            "/mode/fuzz"
        };
        for (int i = 0; i < 150; i++) {
            byte[] body = new byte[random.nextInt(200)];
            random.nextBytes(body);
            if (i % 3 == 0) {
                body = ("{\"schema\":\""
                                + new String(body, java.nio.charset.StandardCharsets.ISO_8859_1)
                                        .replace("\\", "")
                                        .replace("\"", "")
                                + "\"}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            String path = paths[i % paths.length];
            String method = path.startsWith("/config") || path.startsWith("/mode") ? "PUT" : "POST";
            Answer a = http.sendBytes(method, path, body, RegistryHttp.MEDIA_TYPE);
            assertThat(a.status()).as(method + " " + path + " -> " + a).isBetween(400, 499);
            assertThat(a.errorCode()).as(a.toString()).isPositive();
        }
    }
}
