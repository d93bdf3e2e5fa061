package io.rapport.channel;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Delivers messages of some channels to the outside world; returns the provider's message id when it gives one. */
interface ChannelAdapter {

    Set<ChannelKind> channels();

    Optional<String> send(OutboundMessage message) throws SendFailure;

    /**
     * A sender for the messages of one claimed batch, closed when the batch is done. The default sends one message
     * after the other through {@link #send}; the email adapter keeps one SMTP connection open across the batch, the
     * gateway adapter sends a group's requests concurrently.
     */
    default Sender sender() {
        return messages -> {
            List<SendAttempt> attempts = new ArrayList<>(messages.size());
            for (OutboundMessage message : messages) {
                attempts.add(SendAttempt.of(() -> send(message)));
            }
            return attempts;
        };
    }

    /** Sends groups of messages for one batch; holds what the batch shares (a connection, a pool). */
    interface Sender extends AutoCloseable {

        /** Sends the messages and answers each one's attempt, in the same order. Never throws for one message. */
        List<SendAttempt> send(List<OutboundMessage> messages);

        @Override
        default void close() {}
    }
}
