package io.millrace.flink.table;

import static io.millrace.flink.table.MillraceConnectorOptions.KEY_FIELDS;
import static io.millrace.flink.table.MillraceConnectorOptions.KEY_FIELDS_PREFIX;
import static io.millrace.flink.table.MillraceConnectorOptions.KEY_FORMAT;
import static io.millrace.flink.table.MillraceConnectorOptions.VALUE_FIELDS_INCLUDE;

import io.millrace.flink.table.MillraceConnectorOptions.ValueFieldsStrategy;
import java.util.List;
import java.util.stream.IntStream;
import javax.annotation.Nullable;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.Projection;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.utils.LogicalTypeChecks;

/**
 * Which physical columns of a table make the record key and which the value, as options
 * {@code key.fields}, {@code key.fields-prefix} and {@code value.fields-include} say: positions in the
 * table's physical row, in the order the formats see them. Immutable.
 *
 * @param key the positions of the key columns, empty without a key format
 * @param value the positions of the value columns
 * @param keyPrefix the prefix the key format does not see, or {@code null}
 */
record KeyValueProjections(int[] key, int[] value, @Nullable String keyPrefix) {

    /** The projections for a table whose key columns are {@code key.fields}. */
    static KeyValueProjections of(ReadableConfig options, DataType physicalRowType) {
        return of(options, physicalRowType, options.get(KEY_FIELDS));
    }

    /** The projections for a table whose key columns are {@code keyFields} (upsert: the primary key). */
    static KeyValueProjections of(ReadableConfig options, DataType physicalRowType, List<String> keyFields) {
        String prefix = options.getOptional(KEY_FIELDS_PREFIX).orElse("");
        boolean hasKeyFormat = options.getOptional(KEY_FORMAT).isPresent();
        if (!hasKeyFormat && !keyFields.isEmpty()) {
            throw new ValidationException(
                    "Option '" + KEY_FIELDS.key() + "' needs a key format: set '" + KEY_FORMAT.key() + "'.");
        }
        if (hasKeyFormat && keyFields.isEmpty()) {
            throw new ValidationException(
                    "Option '" + KEY_FORMAT.key() + "' needs the key columns: set '" + KEY_FIELDS.key() + "'.");
        }
        List<String> columns = LogicalTypeChecks.getFieldNames(physicalRowType.getLogicalType());
        int[] key = keyFields.stream()
                .mapToInt(field -> keyPosition(field, columns, prefix))
                .toArray();
        ValueFieldsStrategy strategy = options.get(VALUE_FIELDS_INCLUDE);
        if (strategy == ValueFieldsStrategy.ALL && !prefix.isEmpty()) {
            throw new ValidationException("Option '" + KEY_FIELDS_PREFIX.key() + "' needs '"
                    + VALUE_FIELDS_INCLUDE.key() + "' = '" + ValueFieldsStrategy.EXCEPT_KEY
                    + "', or key and value columns would overlap.");
        }
        int[] value = IntStream.range(0, columns.size())
                .filter(column ->
                        strategy == ValueFieldsStrategy.ALL || IntStream.of(key).noneMatch(k -> k == column))
                .toArray();
        return new KeyValueProjections(key, value, prefix.isEmpty() ? null : prefix);
    }

    /** The row type the key format sees: the key columns, without the prefix. */
    DataType keyType(DataType physicalRowType) {
        DataType projected = Projection.of(key).project(physicalRowType);
        if (keyPrefix == null) {
            return projected;
        }
        List<String> names = DataType.getFieldNames(projected);
        List<DataType> types = DataType.getFieldDataTypes(projected);
        return DataTypes.ROW(IntStream.range(0, names.size())
                        .mapToObj(i -> DataTypes.FIELD(names.get(i).substring(keyPrefix.length()), types.get(i)))
                        .toList())
                .notNull();
    }

    /** The row type the value format sees. */
    DataType valueType(DataType physicalRowType) {
        return Projection.of(value).project(physicalRowType);
    }

    private static int keyPosition(String field, List<String> columns, String prefix) {
        int position = columns.indexOf(field);
        if (position < 0) {
            throw new ValidationException("Option '" + KEY_FIELDS.key() + "': no physical column '" + field
                    + "'; the physical columns are " + columns + ".");
        }
        if (!field.startsWith(prefix)) {
            throw new ValidationException("Option '" + KEY_FIELDS.key() + "': column '" + field
                    + "' does not start with the prefix '" + prefix + "' of '" + KEY_FIELDS_PREFIX.key() + "'.");
        }
        return position;
    }
}
