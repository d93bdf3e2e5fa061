package io.rapport.channel;

import java.net.URI;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Channel settings with retail defaults.
 *
 * @param from               sender address of emails
 * @param defaultLanguage    template language when neither the customer nor the request says one
 * @param dedupeWindow       an identical message (same customer, channel and content) within this window is
 *                           suppressed as a duplicate
 * @param dispatch           the outbox dispatcher
 * @param quietHours         no marketing message is delivered in this window of the customer's local time
 * @param caps               marketing messages per customer per day and week (service messages are not capped)
 * @param gateways           HTTP gateways by channel ({@code sms}, {@code app-push}, {@code messaging},
 *                           {@code webhook})
 * @param webhooks           endpoints of the brand's own systems that journey {@code webhook} steps call, by name
 *                           ({@code rapport.channel.webhooks.crm.url}, {@code .secret}, {@code .timeout}), signed
 *                           like the gateways
 */
@ConfigurationProperties("rapport.channel")
public record ChannelProperties(
        @DefaultValue("noreply@rapport.local") String from,
        @DefaultValue("zh-CN") String defaultLanguage,
        @DefaultValue("PT24H") Duration dedupeWindow,
        @DefaultValue Dispatch dispatch,
        @DefaultValue QuietHours quietHours,
        @DefaultValue Caps caps,
        Map<String, Gateway> gateways,
        Map<String, Gateway> webhooks) {

    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public ChannelProperties {
        gateways = gateways == null ? Map.of() : Map.copyOf(gateways);
        webhooks = webhooks == null ? Map.of() : Map.copyOf(webhooks);
    }

    public ChannelProperties(String from, String defaultLanguage, Duration dedupeWindow, Dispatch dispatch,
                             QuietHours quietHours, Caps caps, Map<String, Gateway> gateways) {
        this(from, defaultLanguage, dedupeWindow, dispatch, quietHours, caps, gateways, Map.of());
    }

    /** The webhook endpoint of that name, if configured. */
    public Optional<Gateway> webhook(String name) {
        return Optional.ofNullable(webhooks.get(name));
    }

    public Optional<Gateway> gateway(ChannelKind kind) {
        return Optional.ofNullable(gateways.get(kind.wire()));
    }

    /**
     * @param enabled      whether this instance polls the outbox (every instance may: claims are exclusive)
     * @param interval     pause between polls
     * @param batchSize    messages claimed per poll
     * @param maxAttempts  attempts before a message is dead-lettered
     * @param backoff      wait after the first failed attempt; doubled after each further failure
     * @param maxBackoff   longest wait between attempts
     * @param lease        how long a claim holds; a message of a dispatcher that died is claimed again after it
     * @param concurrency  messages of a batch sent together: locked together in one transaction, their gateway
     *                     requests in flight at once (emails go one after the other over the batch's SMTP connection)
     */
    public record Dispatch(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("PT1S") Duration interval,
            @DefaultValue("100") int batchSize,
            @DefaultValue("8") int maxAttempts,
            @DefaultValue("PT30S") Duration backoff,
            @DefaultValue("PT1H") Duration maxBackoff,
            @DefaultValue("PT5M") Duration lease,
            @DefaultValue("16") int concurrency) {}

    /** Start and end of the quiet window in the customer's own time zone (the brand's when unknown). */
    public record QuietHours(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("21:00") LocalTime start,
            @DefaultValue("09:00") LocalTime end) {}

    /** Per-customer limits; {@code perChannel} adds limits for one channel (key: {@code email}, {@code sms} ...). */
    public record Caps(
            @DefaultValue("2") int perDay,
            @DefaultValue("5") int perWeek,
            Map<String, Cap> perChannel) {

        public Caps {
            perChannel = perChannel == null ? Map.of() : Map.copyOf(perChannel);
        }
    }

    public record Cap(@DefaultValue("2147483647") int perDay, @DefaultValue("2147483647") int perWeek) {}

    /**
     * An HTTP gateway: requests are signed with HMAC-SHA256 over {@code timestamp + "." + body} using
     * {@code secret}.
     */
    public record Gateway(URI url, String secret, @DefaultValue("PT10S") Duration timeout) {}
}
