package io.rapport.loyalty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** The server's clock in loyalty tests: real time until a test sets it, so return windows and expiry can pass. */
final class MutableClock extends Clock {

    private final AtomicReference<Instant> fixed = new AtomicReference<>();

    void set(Instant instant) {
        fixed.set(instant);
    }

    void advance(Duration by) {
        fixed.updateAndGet(i -> (i == null ? Instant.now() : i).plus(by));
    }

    void reset() {
        fixed.set(null);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        MutableClock self = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return self.withZone(other);
            }

            @Override
            public Instant instant() {
                return self.instant();
            }
        };
    }

    @Override
    public Instant instant() {
        Instant at = fixed.get();
        return at == null ? Instant.now() : at;
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Config {
        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock();
        }
    }
}
