package io.rapport.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Incremental membership (customers re-evaluated as their events and orders arrive) equals a full re-evaluation:
 * random behaviour and profile edits in random batches, then the full refresh must find nothing to change (zero drift), and every
 * segment's stored members must be what its condition selects now.
 */
abstract class SegmentConsistencyTests extends SegmentFixtures {

    static final String[] TYPES = {"product_view", "cart_add", "message_open", "app_open"};

    @Test
    void should_keep_incremental_membership_equal_to_full_recomputation() {
        int customers = 30;
        customers(customers);
        String[] skus = {"A-" + source, "B-" + source, "C-" + source};
        products(skus[0], "kettle", skus[1], "kettle", skus[2], "fridge");
        List<String> definitions = List.of(
                "{\"field\":\"behaviour.events\",\"event\":\"product_view\",\"category\":\"kettle\",\"window\":{\"in_last_days\":7},\"op\":\"ge\",\"value\":3}",
                "{\"any\":[{\"field\":\"summary.order_count\",\"op\":\"ge\",\"value\":2},{\"field\":\"behaviour.events\",\"event\":\"message_open\",\"window\":{\"in_last_days\":30},\"op\":\"gt\",\"value\":2}]}",
                "{\"field\":\"behaviour.purchases\",\"sku\":\"C-" + source + "\",\"window\":{\"days_ago_between\":[5,20]},\"op\":\"ge\",\"value\":1}",
                "{\"field\":\"behaviour.cart_abandoned_at\",\"op\":\"more_than_hours_ago\",\"value\":24}",
                "{\"not\":{\"field\":\"behaviour.last_event_at\",\"event\":\"app_open\",\"op\":\"in_last_days\",\"value\":10}}",
                "{\"all\":[{\"field\":\"summary.total_spend\",\"op\":\"between\",\"value\":[200,900]},{\"field\":\"profile.gender\",\"op\":\"eq\",\"value\":\"F\"}]}");
        List<Long> segments = new ArrayList<>();
        for (int i = 0; i < definitions.size(); i++) {
            segments.add(create("random " + i + " " + source, mine(definitions.get(i))).get("id").asLong());
        }
        long first = segments.getFirst();
        segments.add(create("nested " + source, mine("{\"any\":[{\"field\":\"segment\",\"op\":\"in\",\"value\":" + first
                + "},{\"field\":\"behaviour.events\",\"event\":\"cart_add\",\"window\":{\"in_last_days\":40},\"op\":\"ge\",\"value\":2}]}"))
                .get("id").asLong());

        Random random = new Random(20251125L);
        Random profiles = new Random(20261126L);
        for (int round = 0; round < 6; round++) {
            // profile edits by a customers import: a gender condition moves people without any event
            String[] genders = new String[customers];
            for (int i = 0; i < customers; i++) {
                genders[i] = profiles.nextInt(4) == 0 ? "M" : "F";
            }
            genders(genders);
            List<Map<String, Object>> events = new ArrayList<>();
            for (int k = 0; k < 40; k++) {
                String type = TYPES[random.nextInt(TYPES.length)];
                // whole hours and a half: never near the boundary of an hour-based condition while the test runs
                double hoursAgo = random.nextInt(40 * 24) + 0.5;
                Map<String, Object> properties = type.equals("product_view") || type.equals("cart_add")
                        ? Map.of("sku", skus[random.nextInt(skus.length)]) : Map.of();
                events.add(event(random.nextInt(customers), type, daysAgo(hoursAgo / 24), properties));
            }
            send(events);
            StringBuilder orders = new StringBuilder();
            for (int k = 0; k < 8; k++) {
                orders.append(orderLine(random.nextInt(customers), daysAgo((random.nextInt(30 * 24) + 0.5) / 24),
                        skus[random.nextInt(skus.length)], 50 + random.nextInt(400), random.nextBoolean() ? "" : "C10"));
            }
            orders(orders.toString());
        }

        Map<Long, List<Long>> incremental = new HashMap<>();
        for (long segment : segments) {
            incremental.put(segment, members(segment));
        }
        Http.Response refresh = admin().postJson("/api/v1/segments/refresh", "");
        assertThat(refresh.status()).as(refresh.body()).isEqualTo(200);
        JsonNode run = refresh.json();
        assertThat(run.get("drift").asLong()).as(run.toString()).isZero();
        assertThat(run.get("entries").asLong() + run.get("exits").asLong()).isZero();
        int nonEmpty = 0;
        for (long segment : segments) {
            assertThat(members(segment)).as("segment " + segment).isEqualTo(incremental.get(segment));
            JsonNode stored = admin().get("/api/v1/segments/" + segment).json();
            long full = admin().postJson("/api/v1/segments/preview", stored.get("definition").toString()).json()
                    .get("count").asLong();
            assertThat(stored.get("size").asLong()).as("segment " + segment).isEqualTo(full);
            nonEmpty += full > 0 && full < customers ? 1 : 0;
        }
        // the data must actually move people in and out, or equality proves nothing
        assertThat(nonEmpty).isGreaterThanOrEqualTo(4);
    }
}

@OnH2
class SegmentConsistencyOnH2Test extends SegmentConsistencyTests {}

@OnPostgres
class SegmentConsistencyOnPostgresTest extends SegmentConsistencyTests {}
