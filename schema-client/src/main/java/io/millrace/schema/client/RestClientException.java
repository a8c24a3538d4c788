package io.millrace.schema.client;

/** The registry refused a request: the HTTP status and Confluent's {@code error_code} it answered. */
public final class RestClientException extends Exception {

    private final int status;
    private final int errorCode;

    public RestClientException(String message, int status, int errorCode) {
        super(message + "; error code: " + errorCode);
        this.status = status;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }
}
