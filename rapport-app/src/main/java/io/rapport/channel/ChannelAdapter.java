package io.rapport.channel;

import java.util.Optional;
import java.util.Set;

/** Delivers messages of some channels to the outside world; returns the provider's message id when it gives one. */
interface ChannelAdapter {

    Set<ChannelKind> channels();

    Optional<String> send(OutboundMessage message) throws SendFailure;
}
