package dev.stemma.collector;

import dev.stemma.protocol.MalformedRecordException;

/** A record the collector would not store, and why: what goes to the dead-letter topic. */
record RejectedRecord(IncomingRecord record, MalformedRecordException.Reason reason, String message) {}
