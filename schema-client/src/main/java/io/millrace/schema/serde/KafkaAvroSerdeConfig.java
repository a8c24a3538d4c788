package io.millrace.schema.serde;

import static org.apache.kafka.common.config.ConfigDef.Importance.HIGH;
import static org.apache.kafka.common.config.ConfigDef.Importance.LOW;
import static org.apache.kafka.common.config.ConfigDef.Importance.MEDIUM;

import io.millrace.schema.client.CachedSchemaRegistryClient;
import io.millrace.schema.client.RestService;
import io.millrace.schema.client.SchemaRegistryClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the Avro serializer and deserializer, named as Confluent's
 * ({@code AbstractKafkaSchemaSerDeConfig} / {@code KafkaAvroDeserializerConfig}), so existing
 * client configurations work unchanged. Confluent's strategy class names map to ours.
 */
public final class KafkaAvroSerdeConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String NORMALIZE_SCHEMAS = "normalize.schemas";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String LEGACY_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String MAX_SCHEMAS_PER_SUBJECT = "max.schemas.per.subject";
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    public static final String MAX_RETRIES = "schema.registry.max.retries";

    private static final Map<String, String> CONFLUENT_STRATEGIES = Map.of(
            "io.confluent.kafka.serializers.subject.TopicNameStrategy", TopicNameStrategy.class.getName(),
            "io.confluent.kafka.serializers.subject.RecordNameStrategy", RecordNameStrategy.class.getName(),
            "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy", TopicRecordNameStrategy.class.getName(),
            "TopicNameStrategy", TopicNameStrategy.class.getName(),
            "RecordNameStrategy", RecordNameStrategy.class.getName(),
            "TopicRecordNameStrategy", TopicRecordNameStrategy.class.getName());

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(
                    SCHEMA_REGISTRY_URL,
                    Type.LIST,
                    ConfigDef.NO_DEFAULT_VALUE,
                    HIGH,
                    "Comma-separated registry URLs, e.g. http://127.0.0.1:8081.")
            .define(
                    AUTO_REGISTER_SCHEMAS,
                    Type.BOOLEAN,
                    true,
                    MEDIUM,
                    "Register a record's schema when it is not yet registered.")
            .define(
                    USE_LATEST_VERSION,
                    Type.BOOLEAN,
                    false,
                    MEDIUM,
                    "Serialize with the subject's latest registered schema instead of the record's own.")
            .define(NORMALIZE_SCHEMAS, Type.BOOLEAN, false, LOW, "Ask the registry to normalize schemas.")
            .define(
                    KEY_SUBJECT_NAME_STRATEGY,
                    Type.STRING,
                    TopicNameStrategy.class.getName(),
                    MEDIUM,
                    "Subject name strategy for keys (ours or Confluent's class name).")
            .define(
                    VALUE_SUBJECT_NAME_STRATEGY,
                    Type.STRING,
                    TopicNameStrategy.class.getName(),
                    MEDIUM,
                    "Subject name strategy for values (ours or Confluent's class name).")
            .define(
                    SPECIFIC_AVRO_READER,
                    Type.BOOLEAN,
                    false,
                    MEDIUM,
                    "Deserialize into generated SpecificRecord classes instead of GenericRecord.")
            .define(
                    BASIC_AUTH_CREDENTIALS_SOURCE,
                    Type.STRING,
                    "URL",
                    ConfigDef.ValidString.in("URL", "USER_INFO"),
                    MEDIUM,
                    "Where basic-auth credentials come from: the user info of the URL, or basic.auth.user.info.")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, MEDIUM, "user:password for USER_INFO.")
            .define(LEGACY_BASIC_AUTH_USER_INFO, Type.PASSWORD, null, LOW, "Older name of basic.auth.user.info.")
            .define(
                    MAX_SCHEMAS_PER_SUBJECT,
                    Type.INT,
                    1000,
                    ConfigDef.Range.atLeast(1),
                    LOW,
                    "Size of each client cache.")
            .define(
                    LATEST_CACHE_TTL_SEC,
                    Type.LONG,
                    -1L,
                    LOW,
                    "How long the latest version of a subject is cached; -1 keeps it.")
            .define(
                    MAX_RETRIES,
                    Type.INT,
                    3,
                    ConfigDef.Range.atLeast(0),
                    LOW,
                    "Retries of a registry call after a connection failure or a 5xx answer.");

    public KafkaAvroSerdeConfig(Map<String, ?> props) {
        super(DEFINITION, props, false);
    }

    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        String name = getString(isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY);
        String className = CONFLUENT_STRATEGIES.getOrDefault(name, name);
        try {
            Object strategy = Class.forName(className).getDeclaredConstructor().newInstance();
            if (!(strategy instanceof SubjectNameStrategy s)) {
                throw new ConfigException(
                        isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY,
                        name,
                        "not a " + SubjectNameStrategy.class.getName());
            }
            return s;
        } catch (ReflectiveOperationException e) {
            throw new ConfigException(
                    isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY, name, "cannot instantiate: " + e);
        }
    }

    /** A caching client for the configured URLs and credentials. */
    public SchemaRegistryClient createClient() {
        List<String> urls = getList(SCHEMA_REGISTRY_URL);
        if (urls.isEmpty()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, "", "at least one registry URL is required");
        }
        String userInfo = null;
        if (getString(BASIC_AUTH_CREDENTIALS_SOURCE).equals("USER_INFO")) {
            var info = getPassword(BASIC_AUTH_USER_INFO) != null
                    ? getPassword(BASIC_AUTH_USER_INFO)
                    : getPassword(LEGACY_BASIC_AUTH_USER_INFO);
            if (info == null) {
                throw new ConfigException(
                        BASIC_AUTH_USER_INFO, null, "required with " + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO");
            }
            userInfo = info.value();
        } else {
            userInfo = URI.create(urls.get(0).trim()).getUserInfo();
        }
        List<String> plain = urls.stream()
                .map(String::trim)
                .map(KafkaAvroSerdeConfig::withoutUserInfo)
                .toList();
        long ttlSec = getLong(LATEST_CACHE_TTL_SEC);
        return new CachedSchemaRegistryClient(
                new RestService(plain, userInfo, getInt(MAX_RETRIES), 100, Duration.ofSeconds(10)),
                getInt(MAX_SCHEMAS_PER_SUBJECT),
                ttlSec < 0 ? -1 : ttlSec * 1000,
                System::currentTimeMillis);
    }

    private static String withoutUserInfo(String url) {
        URI uri = URI.create(url);
        if (uri.getUserInfo() == null) {
            return url;
        }
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
