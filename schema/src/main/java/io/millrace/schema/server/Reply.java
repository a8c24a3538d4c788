package io.millrace.schema.server;

/**
 * A resource's answer: the HTTP status and either a value rendered as JSON or, for the
 * {@code /schema} endpoints, the raw schema text.
 */
record Reply(int status, Object body, boolean raw) {

    static Reply ok(Object body) {
        return new Reply(200, body, false);
    }

    static Reply rawText(String text) {
        return new Reply(200, text, true);
    }
}
