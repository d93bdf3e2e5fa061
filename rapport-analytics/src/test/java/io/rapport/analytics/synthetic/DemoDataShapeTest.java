package io.rapport.analytics.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo data must look like a durable-goods brand's customers, or demos and tests mislead. */
class DemoDataShapeTest {

    private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");
    private static final int CUSTOMERS = 5_000;

    private static RecordingSink sink;
    private static Map<String, Set<String>> saleOrdersByCustomer;
    private static Map<String, DemoProduct> productsBySku;

    @BeforeAll
    static void generate() {
        sink = RecordingSink.of(new DemoDataGenerator(2026, CUSTOMERS, END, 3));
        saleOrdersByCustomer = sink.lines.stream()
                .filter(l -> l.kind().equals(DemoOrderLine.SALE))
                .collect(Collectors.groupingBy(DemoOrderLine::customerExternalId,
                        Collectors.mapping(DemoOrderLine::orderId, Collectors.toSet())));
        productsBySku = sink.products.stream().collect(Collectors.toMap(DemoProduct::sku, p -> p));
    }

    @Test
    void most_buyers_buy_once_but_not_all() {
        long oneOff = saleOrdersByCustomer.values().stream().filter(o -> o.size() == 1).count();
        double share = (double) oneOff / saleOrdersByCustomer.size();
        assertThat(share).isBetween(0.40, 0.75);
        assertThat(saleOrdersByCustomer.size()).as("buyers").isBetween(CUSTOMERS * 80 / 100, CUSTOMERS * 97 / 100);
    }

    @Test
    void some_customers_order_five_times_or_more() {
        long frequent = saleOrdersByCustomer.values().stream().filter(o -> o.size() >= 5).count();
        assertThat(frequent).isGreaterThan(CUSTOMERS / 50);
    }

    @Test
    void about_three_percent_of_lines_are_returned_and_a_few_orders_cancelled() {
        long sales = sink.lines.stream().filter(l -> l.kind().equals(DemoOrderLine.SALE)).count();
        long returns = sink.lines.stream().filter(l -> l.kind().equals(DemoOrderLine.RETURN)).count();
        long cancellations = sink.lines.stream().filter(l -> l.kind().equals(DemoOrderLine.CANCELLATION)).count();
        assertThat((double) returns / sales).isBetween(0.015, 0.05);
        assertThat(cancellations).isPositive();
    }

    @Test
    void owners_rebuy_consumables_for_their_appliances() {
        Map<String, Map<String, Instant>> applianceBoughtAt = new HashMap<>();
        Set<String> rebuyers = new HashSet<>();
        for (var l : sink.lines) {
            if (!l.kind().equals(DemoOrderLine.SALE)) {
                continue;
            }
            var p = productsBySku.get(l.sku());
            var owned = applianceBoughtAt.computeIfAbsent(l.customerExternalId(), c -> new HashMap<>());
            if (p.isConsumable()) {
                var since = owned.get(p.consumableFor().orElseThrow());
                if (since != null && l.orderedAt().isAfter(since.plus(30, ChronoUnit.DAYS))) {
                    rebuyers.add(l.customerExternalId());
                }
            } else if (p.warrantyMonths() >= 24) {
                owned.putIfAbsent(p.category(), l.orderedAt());
            }
        }
        assertThat(rebuyers.size()).isGreaterThan(CUSTOMERS / 10);
    }

    @Test
    void a_group_of_repeat_buyers_stops_buying_long_before_the_end() {
        Map<String, Instant> last = new HashMap<>();
        Map<String, Integer> orders = new HashMap<>();
        for (var l : sink.lines) {
            if (l.kind().equals(DemoOrderLine.SALE) && l.lineNo() == 1) {
                last.merge(l.customerExternalId(), l.orderedAt(), (a, b) -> a.isAfter(b) ? a : b);
                orders.merge(l.customerExternalId(), 1, Integer::sum);
            }
        }
        long churned = orders.entrySet().stream()
                .filter(e -> e.getValue() >= 3)
                .filter(e -> last.get(e.getKey()).isBefore(END.minus(365, ChronoUnit.DAYS)))
                .count();
        assertThat(churned).isGreaterThan(CUSTOMERS / 50);
    }

    @Test
    void every_channel_event_type_and_some_coupons_appear() {
        assertThat(sink.lines.stream().map(DemoOrderLine::channel).distinct())
                .containsExactlyInAnyOrder("shop", "store", "app", "mini_program");
        assertThat(sink.events.stream().map(DemoEvent::type).distinct()).containsExactlyInAnyOrder(
                "product_view", "cart_add", "app_feature_use", "message_open", "message_click", "review");
        long coupons = sink.lines.stream().filter(l -> l.couponCode().isPresent()).count();
        assertThat(coupons).isBetween(sink.lines.size() / 100L, sink.lines.size() / 3L);
        assertThat(sink.customers.stream().map(DemoCustomer::city).distinct().count()).isGreaterThanOrEqualTo(10);
        assertThat(sink.customers.stream().filter(c -> c.gender().equals("F")).count())
                .isBetween(CUSTOMERS * 40L / 100, CUSTOMERS * 60L / 100);
        assertThat(sink.customers.stream().filter(c -> c.name().matches("[A-Za-z ]+")).count())
                .as("English names").isBetween(CUSTOMERS * 5L / 100, CUSTOMERS * 30L / 100);
        assertThat(List.of(sink.events.size() / CUSTOMERS)).as("events per customer").allSatisfy(n -> assertThat(n).isBetween(3, 60));
    }
}
