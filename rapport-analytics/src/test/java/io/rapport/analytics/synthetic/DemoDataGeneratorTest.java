package io.rapport.analytics.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DemoDataGeneratorTest {

    private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");

    @Test
    void should_stream_identical_data_for_the_same_seed_and_size() throws Exception {
        assertThat(hash(new DemoDataGenerator(42, 500, END, 3)))
                .isEqualTo(hash(new DemoDataGenerator(42, 500, END, 3)));
    }

    @Test
    void should_stream_different_data_for_another_seed() throws Exception {
        assertThat(hash(new DemoDataGenerator(42, 200, END, 3)))
                .isNotEqualTo(hash(new DemoDataGenerator(43, 200, END, 3)));
    }

    @Test
    void should_give_a_customer_the_same_data_whatever_the_number_of_customers_after_it() {
        var small = RecordingSink.of(new DemoDataGenerator(7, 50, END, 3));
        var large = RecordingSink.of(new DemoDataGenerator(7, 100, END, 3));
        assertThat(large.calls.subList(0, small.calls.size())).isEqualTo(small.calls);
    }

    @Test
    void should_send_stores_then_products_then_each_customer_with_its_orders_and_events() {
        var sink = RecordingSink.of(new DemoDataGenerator(1, 300, END, 3));
        int i = 0;
        while (sink.calls.get(i) instanceof DemoStore) {
            i++;
        }
        assertThat(i).isEqualTo(sink.stores.size()).isGreaterThanOrEqualTo(8);
        while (sink.calls.get(i) instanceof DemoProduct) {
            i++;
        }
        assertThat(i - sink.stores.size()).isEqualTo(sink.products.size());
        String customer = null;
        Set<String> finishedOrders = new HashSet<>();
        String currentOrder = null;
        int expectedLineNo = 0;
        boolean eventsStarted = false;
        for (; i < sink.calls.size(); i++) {
            switch (sink.calls.get(i)) {
                case DemoCustomer c -> {
                    customer = c.externalId();
                    eventsStarted = false;
                }
                case DemoOrderLine l -> {
                    assertThat(l.customerExternalId()).isEqualTo(customer);
                    assertThat(eventsStarted).as("order lines come before the customer's events").isFalse();
                    if (!l.orderId().equals(currentOrder)) {
                        assertThat(finishedOrders.add(currentOrder == null ? "" : currentOrder)).isTrue();
                        assertThat(finishedOrders).as("lines of one order are contiguous").doesNotContain(l.orderId());
                        currentOrder = l.orderId();
                        expectedLineNo = 1;
                    }
                    assertThat(l.lineNo()).isEqualTo(expectedLineNo++);
                }
                case DemoEvent e -> {
                    assertThat(e.customerExternalId()).isEqualTo(customer);
                    eventsStarted = true;
                }
                default -> throw new AssertionError("unexpected call after the products: " + sink.calls.get(i));
            }
        }
        assertThat(sink.customers).hasSize(300);
    }

    @Test
    void should_give_every_customer_a_unique_id_member_number_phone_and_email() {
        var sink = RecordingSink.of(new DemoDataGenerator(3, 5_000, END, 3));
        assertThat(sink.customers.stream().map(DemoCustomer::externalId).distinct()).hasSize(5_000);
        assertThat(sink.customers.stream().map(DemoCustomer::memberNo).distinct()).hasSize(5_000);
        assertThat(sink.customers.stream().map(DemoCustomer::phone).distinct()).hasSize(5_000);
        assertThat(sink.customers.stream().map(DemoCustomer::email).distinct()).hasSize(5_000);
        assertThat(sink.customers).allSatisfy(c -> {
            assertThat(c.phone()).matches("\\+861[3-9]\\d{9}");
            assertThat(c.email()).matches("[a-z._]+\\d+@example\\.(com|net|org)");
            assertThat(c.gender()).isIn("F", "M");
            assertThat(c.timeZone()).isEqualTo("Asia/Shanghai");
            assertThat(c.birthday().getYear()).isBetween(1950, 2007);
        });
        assertThat(sink.customers.getFirst().externalId()).isEqualTo("C000001");
    }

    @Test
    void should_keep_every_timestamp_within_the_period_and_after_registration() {
        var generator = new DemoDataGenerator(5, 1_000, END, 2);
        var sink = RecordingSink.of(generator);
        Map<String, Instant> registered = new HashMap<>();
        sink.customers.forEach(c -> registered.put(c.externalId(), c.registeredAt()));
        assertThat(registered.values()).allSatisfy(t -> assertThat(t).isBetween(generator.start(), END).isBefore(END));
        assertThat(sink.lines).allSatisfy(l -> assertThat(l.orderedAt())
                .isAfter(registered.get(l.customerExternalId())).isBefore(END));
        assertThat(sink.events).allSatisfy(e -> assertThat(e.occurredAt())
                .isAfterOrEqualTo(registered.get(e.customerExternalId())).isBefore(END));
    }

    @Test
    void should_use_unique_order_and_event_ids() {
        var sink = RecordingSink.of(new DemoDataGenerator(9, 2_000, END, 3));
        assertThat(sink.lines.stream().map(l -> l.orderId() + "/" + l.lineNo()).distinct()).hasSize(sink.lines.size());
        assertThat(sink.events.stream().map(DemoEvent::externalId).distinct()).hasSize(sink.events.size());
    }

    @Test
    void should_reverse_only_earlier_sales_of_the_same_customer_with_negative_quantities() {
        var sink = RecordingSink.of(new DemoDataGenerator(11, 3_000, END, 3));
        Map<String, DemoOrderLine> sales = new HashMap<>();
        for (var l : sink.lines) {
            switch (l.kind()) {
                case DemoOrderLine.SALE -> {
                    sales.putIfAbsent(l.orderId(), l);
                    assertThat(l.quantity()).isPositive();
                    assertThat(l.originalOrderId()).isEmpty();
                    assertThat(l.discount()).isBetween(BigDecimal.ZERO, l.unitPrice().multiply(BigDecimal.valueOf(l.quantity())));
                }
                case DemoOrderLine.RETURN, DemoOrderLine.CANCELLATION -> {
                    assertThat(l.quantity()).isNegative();
                    assertThat(l.discount().signum()).isLessThanOrEqualTo(0);
                    var original = sales.get(l.originalOrderId().orElseThrow());
                    assertThat(original).as("original of %s", l.orderId()).isNotNull();
                    assertThat(original.customerExternalId()).isEqualTo(l.customerExternalId());
                    assertThat(original.orderedAt()).isBefore(l.orderedAt());
                }
                default -> throw new AssertionError("unknown kind " + l.kind());
            }
            assertThat(l.currency()).isEqualTo("CNY");
        }
    }

    @Test
    void should_link_every_consumable_to_an_appliance_category_of_the_catalogue() {
        var products = new DemoDataGenerator(1, 0, END, 3).products();
        var categories = products.stream().map(DemoProduct::category).toList();
        assertThat(products.stream().filter(DemoProduct::isConsumable))
                .isNotEmpty()
                .allSatisfy(p -> {
                    assertThat(categories).contains(p.consumableFor().orElseThrow());
                    assertThat(p.maintenanceMonths()).as("replacement cycle of %s", p.sku()).isPositive();
                });
        assertThat(products.stream().map(DemoProduct::sku).distinct()).hasSize(products.size());
    }

    @Test
    void should_reject_a_negative_number_of_customers_or_years() {
        assertThatThrownBy(() -> new DemoDataGenerator(1, -1, END, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DemoDataGenerator(1, 10, END, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static String hash(DemoDataGenerator generator) throws Exception {
        var digest = MessageDigest.getInstance("SHA-256");
        generator.generate(new DemoDataSink() {
            private void add(Object o) {
                digest.update(o.toString().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) '\n');
            }

            @Override public void store(DemoStore s) { add(s); }
            @Override public void product(DemoProduct p) { add(p); }
            @Override public void customer(DemoCustomer c) { add(c); }
            @Override public void orderLine(DemoOrderLine l) { add(l); }
            @Override public void event(DemoEvent e) { add(e); }
        });
        return HexFormat.of().formatHex(digest.digest());
    }
}
