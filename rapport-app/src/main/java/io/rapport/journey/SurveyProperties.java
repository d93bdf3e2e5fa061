package io.rapport.journey;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Satisfaction survey links sent by journeys ({@code {{survey.link}}}).
 *
 * @param secret HMAC key of the links (32+ characters); empty: generated once and kept in {@code journey_secret}
 * @param ttl    how long a link can be answered after it was sent
 */
@ConfigurationProperties("rapport.journey.survey")
public record SurveyProperties(@DefaultValue("") String secret, @DefaultValue("P30D") Duration ttl) {}
