package dev.stemma.collector;

/**
 * A store that could not be opened, read or written: a {@code RocksDBException} or a record in
 * the store that no longer decodes, with the store's directory in the message.
 */
public final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    StoreException(String message) {
        super(message);
    }
}
