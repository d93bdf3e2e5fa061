package io.rapport.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Summaries are maintained incrementally, chunk by chunk, through merges, out-of-order arrival, returns and same-day
 * repeats; whatever the order of arrival, they must equal a recomputation from the raw records.
 */
abstract class SummaryConsistencyTests extends ServerTest {

    static final String ORDERS = "order_id,line_no,customer_id,email,phone,channel,store_code,ordered_at,sku,quantity,"
            + "unit_price,discount,coupon_code,currency,kind,original_order_id\n";
    static final List<String> CHANNELS = List.of("shop", "store", "app", "mini_program");

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void should_equal_a_recomputation_from_raw_records_after_random_arrivals_and_merges(long seed) {
        Random random = new Random(seed);
        String run = source + "s" + seed;
        int people = 30;
        Instant start = Instant.parse("2024-01-01T00:00:00Z");
        List<String> sources = List.of(run + "-shop", run + "-pos");
        for (int file = 0; file < 4; file++) {
            StringBuilder csv = new StringBuilder(ORDERS);
            for (int order = 0; order < 60; order++) {
                int person = random.nextInt(people);
                String orderId = "F" + file + "-O" + order;
                String customerId = random.nextInt(3) == 0 ? "P" + person : "";
                String email = random.nextInt(2) == 0 ? "p" + person + "." + run + "@example.com" : "";
                String phone = random.nextInt(3) == 0 ? phone(seed, person) : "";
                // Same-day repeats and out-of-order arrival: times are drawn from a small set of days, in random order.
                Instant at = start.plusSeconds(86_400L * random.nextInt(40) + 3_600L * random.nextInt(3));
                boolean isReturn = random.nextInt(8) == 0;
                String channel = CHANNELS.get(random.nextInt(CHANNELS.size()));
                int lines = 1 + random.nextInt(3);
                for (int line = 1; line <= lines; line++) {
                    int quantity = (1 + random.nextInt(3)) * (isReturn ? -1 : 1);
                    csv.append(String.join(",", orderId, Integer.toString(line), customerId, email, phone, channel, "",
                            at.toString(), "SKU-" + random.nextInt(5), Integer.toString(quantity),
                            (10 + random.nextInt(90)) + ".50", random.nextInt(4) == 0 ? "5" : "0", "", "CNY",
                            isReturn ? "return" : "sale", "")).append('\n');
                }
            }
            var response = admin().postFile("/api/v1/imports", "orders-" + file + ".csv",
                    csv.toString().getBytes(StandardCharsets.UTF_8),
                    Map.of("kind", "orders", "source", sources.get(file % 2), "wait", "true"));
            assertThat(response.json().get("status").asString()).isEqualTo("done");
            assertThat(response.json().get("rejected").asLong()).isZero();

            List<Map<String, Object>> events = new ArrayList<>();
            for (int n = 0; n < 25; n++) {
                int person = random.nextInt(people);
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("external_id", run + "-e" + file + "-" + n);
                event.put("type", "product_view");
                event.put("occurred_at", start.plusSeconds(86_400L * random.nextInt(60)).toString());
                if (random.nextBoolean()) {
                    event.put("email", "p" + person + "." + run + "@example.com");
                }
                // An event that carries two identifiers can link two profiles and merge them.
                if (random.nextBoolean()) {
                    event.put("phone", phone(seed, random.nextBoolean() ? person : random.nextInt(people)));
                }
                events.add(event);
            }
            assertThat(admin().postJson("/api/v1/events", events).status()).isEqualTo(200);
        }

        List<Long> customers = db.fetch("""
                select distinct customer_id from ingest_order where source like ? and customer_id is not null
                union select distinct customer_id from ingest_event where external_id like ? and customer_id is not null
                """, run + "-%", run + "-%").getValues(0, Long.class);
        assertThat(customers).isNotEmpty();
        assertThat(db.fetchCount(db.selectFrom("customer_merge").where(org.jooq.impl.DSL.field("survivor_id").in(customers))))
                .as("the data should exercise merges").isPositive();
        for (long customer : customers) {
            assertThat(SummaryRecomputation.stored(db, customer)).as("customer " + customer)
                    .isEqualTo(SummaryRecomputation.recomputed(db, customer));
        }
    }

    private static String phone(long seed, int person) {
        return "+86139" + String.format("%02d%06d", seed, person);
    }
}

@OnH2
class SummaryConsistencyOnH2Test extends SummaryConsistencyTests {}

@OnPostgres
class SummaryConsistencyOnPostgresTest extends SummaryConsistencyTests {}
