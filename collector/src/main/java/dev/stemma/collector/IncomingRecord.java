package dev.stemma.collector;

/**
 * One record as it came off the topic: its Kafka key and value, and where it was read, for
 * the dead-letter entry.
 */
record IncomingRecord(byte[] key, byte[] value, String topic, int partition, long offset) {
    int size() {
        return (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    }
}
