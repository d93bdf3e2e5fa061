package io.rapport.channel;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Turns on the outbox dispatcher's schedule. Unsubscribe links are the privacy module's
 * ({@link io.rapport.privacy.UnsubscribeTokens}); see docs/channels.md.
 */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ChannelConfig {
}
