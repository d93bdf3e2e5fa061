package io.rapport.channel;

import java.util.Optional;

/**
 * What one attempt to send a message gave: the provider's message id (when it returns one) on success, or the
 * failure. An unexpected exception of an adapter counts as a failure to retry, like a broken connection.
 */
record SendAttempt(Optional<String> providerId, Optional<SendFailure> failure) {

    /** One send, as an adapter does it. */
    interface Send {
        Optional<String> run() throws SendFailure;
    }

    static SendAttempt of(Send send) {
        try {
            return new SendAttempt(send.run(), Optional.empty());
        } catch (SendFailure failure) {
            return failed(failure);
        } catch (RuntimeException unexpected) {
            return failed(SendFailure.transientFailure(unexpected.toString(), unexpected));
        }
    }

    static SendAttempt failed(SendFailure failure) {
        return new SendAttempt(Optional.empty(), Optional.of(failure));
    }
}
