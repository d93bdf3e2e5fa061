package io.rapport.channel;

import io.rapport.privacy.ContactChannel;
import java.util.Locale;
import java.util.Optional;

/**
 * The ways the channel module can send. Each maps to the consent channel asked about, except a generic webhook:
 * it calls a system of the brand, not a customer, so no consent is asked and no cap counts it.
 */
public enum ChannelKind {
    EMAIL(ContactChannel.EMAIL), SMS(ContactChannel.SMS), APP_PUSH(ContactChannel.APP_PUSH),
    MESSAGING(ContactChannel.MESSAGING), WEBHOOK(null);

    private final ContactChannel contactChannel;

    ChannelKind(ContactChannel contactChannel) {
        this.contactChannel = contactChannel;
    }

    public Optional<ContactChannel> contactChannel() {
        return Optional.ofNullable(contactChannel);
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code email}, {@code app-push}, {@code APP_PUSH} ...; empty for an unknown name. */
    public static Optional<ChannelKind> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String name = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (ChannelKind kind : values()) {
            if (kind.name().equals(name)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
