package io.millrace.bench;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Serializes maps, lists, strings, numbers, booleans and nulls as JSON (pretty-printed, two
 * spaces). Non-finite numbers become null, as JSON has no NaN. Stateless.
 */
final class Json {

    private Json() {}

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.append('\n').toString();
    }

    private static void write(StringBuilder out, Object value, int indent) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String s) {
            string(out, s);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            out.append(
                    Double.isFinite(d)
                            ? String.format(Locale.ROOT, "%.6g", d).replaceAll("\\.?0+(e|$)", "$1")
                            : "null");
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            container(out, map.entrySet().iterator(), indent, '{', '}', (e, i) -> {
                Map.Entry<?, ?> entry = (Map.Entry<?, ?>) e;
                string(out, String.valueOf(entry.getKey()));
                out.append(": ");
                write(out, entry.getValue(), i);
            });
        } else if (value instanceof List<?> list) {
            container(out, list.iterator(), indent, '[', ']', (e, i) -> write(out, e, i));
        } else {
            string(out, value.toString());
        }
    }

    private interface Element {
        void write(Object element, int indent);
    }

    private static void container(StringBuilder out, Iterator<?> it, int indent, char open, char close, Element w) {
        out.append(open);
        if (!it.hasNext()) {
            out.append(close);
            return;
        }
        boolean first = true;
        while (it.hasNext()) {
            out.append(first ? "\n" : ",\n");
            first = false;
            out.append("  ".repeat(indent + 1));
            w.write(it.next(), indent + 1);
        }
        out.append('\n').append("  ".repeat(indent)).append(close);
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
