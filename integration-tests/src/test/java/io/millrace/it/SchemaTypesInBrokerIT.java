package io.millrace.it;

import static io.millrace.it.RegistryHttp.typed;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.millrace.it.RegistryHttp.Answer;
import io.millrace.testing.MillraceBroker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * JSON Schema and Protobuf through the registry the broker process serves (its classpath holds
 * the validator and the .proto parser, as {@code ./millrace start} runs it): registration with
 * references across subjects, fetching, compatibility checks at transitive levels, rejected
 * evolutions and bad schemas, and the stored schemas still parsing after a restart.
 */
class SchemaTypesInBrokerIT {

    private static final String MONEY = """
        syntax = "proto3";
        package shop.money;
        message Money {
          int64 cents = 1;
          string currency = 2;
        }
        """;
    private static final String ORDER_V1 = """
        syntax = "proto3";
        package shop.orders;
        import "money.proto";
        import "google/protobuf/timestamp.proto";
        message Order {
          string sku = 1;
          int32 quantity = 2;
          shop.money.Money price = 3;
          google.protobuf.Timestamp placed = 4;
        }
        """;
    /** Number 2 dropped: compatible with v1 both ways. */
    private static final String ORDER_V2 = ORDER_V1.replace("  int32 quantity = 2;\n", "");
    /** Number 2 back as a string: fine against v2, a different wire type from v1's int32. */
    private static final String ORDER_V3 = ORDER_V1.replace("int32 quantity = 2;", "string quantity = 2;");

    @RegisterExtension
    final MillraceBroker broker = MillraceBroker.builder().withSchemaRegistry().build();

    @Test
    void jsonAndProtobufSchemasAreRegisteredCheckedAndRejectedByTheBrokersRegistry() {
        RegistryHttp http = new RegistryHttp(broker.registryUrl());
        assertThat(http.get("/schemas/types").json())
                .extracting(JsonNode::asText)
                .containsExactly("AVRO", "JSON", "PROTOBUF");

        int money = http.register("money-value", typed("PROTOBUF", MONEY));
        Answer unresolved = http.post("/subjects/orders-value/versions", typed("PROTOBUF", ORDER_V1));
        unresolved.assertError(422, 42201);
        assertThat(unresolved.json().get("message").asText()).contains("money.proto");
        int order = http.register("orders-value", orderBody(ORDER_V1));
        JsonNode byId = http.get("/schemas/ids/" + order).json();
        assertThat(byId.get("schemaType").asText()).isEqualTo("PROTOBUF");
        assertThat(byId.get("schema").asText()).contains("message Order").contains("import \"money.proto\";");
        assertThat(byId.get("references").get(0).get("subject").asText()).isEqualTo("money-value");
        assertThat(http.get("/subjects/money-value/versions/1/referencedby").json())
                .extracting(JsonNode::asInt)
                .containsExactly(order);

        http.put(
                "/config/orders-value",
                RegistryHttp.JSON.createObjectNode().put("compatibility", "BACKWARD_TRANSITIVE"));
        assertThat(http.register("orders-value", orderBody(ORDER_V2))).isNotIn(money, order);
        assertThat(compatible(http, "/compatibility/subjects/orders-value/versions/latest", ORDER_V3))
                .as("against the latest version only")
                .isTrue();
        assertThat(compatible(http, "/compatibility/subjects/orders-value/versions", ORDER_V3))
                .as("against every version the level names")
                .isFalse();
        Answer rejected = http.post("/subjects/orders-value/versions", orderBody(ORDER_V3));
        rejected.assertError(409, 40901);
        assertThat(rejected.json().get("message").asText())
                .contains("FIELD_SCALAR_KIND_CHANGED")
                .contains("#/Order/2");
        Answer broken = http.post(
                "/subjects/orders-value/versions",
                typed("PROTOBUF", "syntax = \"proto3\"; message Order { string sku = 1; int32 count = 1; }"));
        assertThat(broken.status()).isEqualTo(422);
        assertThat(broken.json().get("message").asText())
                .contains("Invalid Protobuf schema")
                .contains("tag 1");

        String item = "{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\"}},\"required\":[\"sku\"]}";
        int itemId = http.register("item-value", typed("JSON", item));
        String cart = "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\","
                + "\"items\":{\"$ref\":\"item.json\"}}}}";
        int cartId = http.register("cart-value", typed("JSON", cart, "item.json", "item-value", 1));
        Answer narrowed =
                http.post("/subjects/item-value/versions", typed("JSON", item.replace("\"string\"", "\"integer\"")));
        assertThat(narrowed.status()).as(narrowed.toString()).isEqualTo(409);
        Answer badJson = http.post("/subjects/item-value/versions", typed("JSON", "{\"type\":\"objekt\"}"));
        assertThat(badJson.errorCode()).isEqualTo(42201);

        broker.stop();
        broker.restart();
        http.awaitAnswering("the registry after the restart");
        assertThat(http.post("/subjects/orders-value", orderBody(ORDER_V1)).id())
                .as("the stored Protobuf text parses to the same schema")
                .isEqualTo(order);
        assertThat(http.register("cart-value", typed("JSON", cart, "item.json", "item-value", 1)))
                .isEqualTo(cartId);
        assertThat(http.get("/schemas/ids/" + itemId).json().get("schemaType").asText())
                .isEqualTo("JSON");
        assertThat(http.post("/subjects/orders-value/versions", orderBody(ORDER_V3))
                        .status())
                .as("the transitive level still holds")
                .isEqualTo(409);
        broker.stop();
    }

    private static ObjectNode orderBody(String schema) {
        return typed("PROTOBUF", schema, "money.proto", "money-value", 1);
    }

    private static boolean compatible(RegistryHttp http, String path, String orderSchema) {
        Answer a = http.post(path, orderBody(orderSchema));
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a.json().get("is_compatible").asBoolean();
    }
}
