package io.rapport.channel;

/**
 * An attempt that did not go through. A permanent failure (the gateway refused the message itself, an address that
 * cannot exist) is dead-lettered at once; any other is retried with backoff.
 */
class SendFailure extends Exception {

    private final boolean permanent;

    SendFailure(String message, boolean permanent, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
    }

    static SendFailure transientFailure(String message, Throwable cause) {
        return new SendFailure(message, false, cause);
    }

    static SendFailure permanent(String message) {
        return new SendFailure(message, true, null);
    }

    boolean permanent() {
        return permanent;
    }
}
