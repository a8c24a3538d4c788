package io.millrace.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedMapsAndListsThatAJsonParserReadsBack() throws Exception {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("text", "quote \" backslash \\ newline \n tab \t bell \u0007");
        root.put("int", 42);
        root.put("double", 1234.5678);
        root.put("small", 0.00125);
        root.put("large", 1.5e12);
        root.put("flag", true);
        root.put("none", null);
        root.put("list", List.of(1, "two", Map.of()));
        root.put("empty", List.of());

        JsonNode node = new ObjectMapper().readTree(Json.write(root));

        assertThat(node.path("text").asText()).isEqualTo(root.get("text"));
        assertThat(node.path("int").asInt()).isEqualTo(42);
        assertThat(node.path("double").asDouble()).isEqualTo(1234.57);
        assertThat(node.path("small").asDouble()).isEqualTo(0.00125);
        assertThat(node.path("large").asDouble()).isEqualTo(1.5e12);
        assertThat(node.path("flag").asBoolean()).isTrue();
        assertThat(node.path("none").isNull()).isTrue();
        assertThat(node.path("list")).hasSize(3);
        assertThat(node.path("empty").isArray()).isTrue();
    }

    @Test
    void nonFiniteNumbersBecomeNull() throws Exception {
        JsonNode node =
                new ObjectMapper().readTree(Json.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, 0.0)));

        assertThat(node.get(0).isNull()).isTrue();
        assertThat(node.get(1).isNull()).isTrue();
        assertThat(node.get(2).asDouble()).isZero();
    }
}
