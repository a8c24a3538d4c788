package io.millrace.broker.log;

/** A record's timestamp and offset, as answered to ListOffsets. */
public record TimestampOffset(long timestamp, long offset) {}
