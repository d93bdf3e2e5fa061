package io.rapport.channel;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The default unsubscribe links (another module may provide its own {@link UnsubscribeLinks}). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class ChannelConfig {

    @Bean
    @ConditionalOnMissingBean(UnsubscribeLinks.class)
    UnsubscribeLinks unsubscribeLinks(ChannelProperties settings) {
        return new SignedUnsubscribeLinks(settings.publicBaseUrl(), settings.unsubscribeSecret());
    }
}
