package io.millrace.schema.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Random;

/** What every schema type's provider tests assert about bad input: a 42201 saying why, never a crash. */
public final class SchemaAssertions {

    private SchemaAssertions() {}

    /** {@code parse} fails with 422 / 42201 and a message that mentions each of {@code mentions}. */
    public static RegistryException assertInvalid(Runnable parse, String... mentions) {
        RegistryException[] thrown = new RegistryException[1];
        assertThatThrownBy(parse::run).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(42201);
            assertThat(e.httpStatus()).isEqualTo(422);
            assertThat(e.getMessage()).contains(mentions);
            thrown[0] = e;
        });
        return thrown[0];
    }

    /**
     * Damages {@code valid} {@code rounds} times (one to three characters deleted, inserted or
     * replaced from {@code alphabet} each time): every result either parses, and then compares
     * with {@code valid} both ways and normalizes without failing, or is refused with a 42201.
     */
    public static void eachIsValidOr42201(
            SchemaProvider provider, String valid, String alphabet, long seed, int rounds) {
        Random random = new Random(seed);
        ParsedSchema original = provider.parse(valid, List.of(), r -> null);
        for (int i = 0; i < rounds; i++) {
            StringBuilder text = new StringBuilder(valid);
            for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                int at = random.nextInt(text.length());
                switch (random.nextInt(3)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            try {
                ParsedSchema parsed = provider.parse(text.toString(), List.of(), r -> null);
                parsed.backwardProblems(original, ParsedSchema.Roles.backward(1));
                original.backwardProblems(parsed, ParsedSchema.Roles.forward(1));
                parsed.normalize();
            } catch (RegistryException e) {
                assertThat(e.errorCode()).as(text.toString()).isEqualTo(42201);
            }
        }
    }
}
