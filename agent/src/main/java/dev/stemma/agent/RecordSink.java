package dev.stemma.agent;

/**
 * Where encoded records go. Kafka in production ({@link KafkaRecordSink}); tests of the
 * publisher's pure logic may use another.
 */
interface RecordSink extends AutoCloseable {

    /** Completion of one send: {@code error} is null on success. */
    interface Completion {
        void done(Exception error);
    }

    /**
     * Sends one record; may block while the sink's own buffer is full. {@code completion} runs
     * once, on success or failure, possibly on another thread.
     */
    void send(byte[] key, byte[] value, Completion completion);

    /** Blocks until every record sent so far completed. */
    void flush();

    @Override
    void close();
}
