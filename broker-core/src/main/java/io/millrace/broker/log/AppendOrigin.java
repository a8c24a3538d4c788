package io.millrace.broker.log;

/** Who is appending a batch; decides which validations apply. */
public enum AppendOrigin {
    /** A producer, through the Produce API: full validation, producer-state checks. */
    CLIENT,
    /** The broker itself (coordinators writing internal topics, transaction markers). */
    COORDINATOR
}
