package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The in-memory list of active journeys: loaded once, again after a change, and never kept from a racing load. */
class ActiveJourneysTest {

    final AtomicInteger loads = new AtomicInteger();

    List<Map.Entry<Journeys.Journey, JourneyDefinition>> load() {
        loads.incrementAndGet();
        return List.of();
    }

    @Test
    void should_read_the_database_once_until_a_journey_changes() {
        ActiveJourneys active = new ActiveJourneys(this::load, Duration.ofHours(1));
        active.get();
        active.get();
        active.get();
        assertThat(loads).hasValue(1);
        active.invalidate();
        active.get();
        active.get();
        assertThat(loads).hasValue(2);
    }

    @Test
    void should_not_keep_a_list_loaded_while_a_journey_changed() {
        ActiveJourneys[] holder = new ActiveJourneys[1];
        AtomicInteger calls = new AtomicInteger();
        holder[0] = new ActiveJourneys(() -> {
            if (calls.incrementAndGet() == 1) {
                holder[0].invalidate(); // a save on another thread while this load read the old state
            }
            return List.of();
        }, Duration.ofHours(1));
        holder[0].get();
        holder[0].get();
        holder[0].get();
        assertThat(calls).as("the racing load was used once, not kept").hasValue(2);
    }

    @Test
    void should_read_every_time_with_no_time_to_live() {
        ActiveJourneys active = new ActiveJourneys(this::load, Duration.ZERO);
        active.get();
        active.get();
        assertThat(loads).hasValue(2);
    }
}
