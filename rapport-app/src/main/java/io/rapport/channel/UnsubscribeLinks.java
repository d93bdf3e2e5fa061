package io.rapport.channel;

import io.rapport.privacy.Purpose;
import java.net.URI;

/**
 * The link a customer follows to stop messages of one purpose on one channel; put into emails (body and
 * {@code List-Unsubscribe} header). The default ({@link SignedUnsubscribeLinks}) signs the link with HMAC-SHA256;
 * the privacy module's unsubscribe endpoint verifies it (see docs/channels.md for the exact format).
 */
public interface UnsubscribeLinks {

    URI link(long customerId, ChannelKind channel, Purpose purpose);
}
