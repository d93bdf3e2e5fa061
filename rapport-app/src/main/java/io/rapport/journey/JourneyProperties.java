package io.rapport.journey;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Journey settings.
 *
 * @param enabled          whether this instance runs journey timers (every instance may: db-scheduler picks each
 *                         due timer on exactly one)
 * @param pollingInterval  how often due timers are looked for
 * @param threads          timer threads per instance
 * @param maxEventAge      older events (imports of history) trigger nothing
 * @param dateCheck        how often date triggers (birthdays) are evaluated
 * @param heartbeat        how often an instance marks the timers it is running as alive; a timer whose instance
 *                         missed six heartbeats (died) runs again on another instance
 * @param defaultSendTime  a wait until the best send time waits until this local time of day (customer's time zone)
 *                         for customers without a {@code best_send_hour} tag
 * @param activeCacheTtl   how long the list of active journeys is kept in memory; a change on this server reloads
 *                         it at once, a change on another server of a cluster is seen at the latest after this
 *                         ({@code PT0S}: read on every delivery)
 */
@ConfigurationProperties("rapport.journey")
public record JourneyProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("PT2S") Duration pollingInterval,
        @DefaultValue("4") int threads,
        @DefaultValue("PT48H") Duration maxEventAge,
        @DefaultValue("PT1H") Duration dateCheck,
        @DefaultValue("PT10S") Duration heartbeat,
        @DefaultValue("10:00") java.time.LocalTime defaultSendTime,
        @DefaultValue("PT5S") Duration activeCacheTtl) {}
