package io.rapport.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.PublishedEvents;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** Segments end to end: the language over real data, memberships kept by events, static lists, export, roles. */
abstract class SegmentTests extends SegmentFixtures {

    @RegisterExtension
    final PublishedEvents published = new PublishedEvents();

    @Test
    void should_count_customers_by_profile_summary_and_identity_fields() {
        customers(10);
        StringBuilder lines = new StringBuilder();
        for (int c = 0; c < 10; c++) {
            for (int k = 0; k < c % 4; k++) {
                lines.append(orderLine(c, daysAgo(10 + 30 * k), "SKU-" + source, 100 + 50 * c, ""));
            }
        }
        orders(lines.toString());

        assertThat(count("{\"field\":\"summary.order_count\",\"op\":\"ge\",\"value\":2}")).isEqualTo(4); // c2, c3, c6, c7
        assertThat(count("{\"field\":\"summary.order_count\",\"op\":\"eq\",\"value\":0}")).isEqualTo(3); // 0,4,8
        assertThat(count("{\"field\":\"profile.gender\",\"op\":\"eq\",\"value\":\"F\"}")).isEqualTo(5);
        assertThat(count("{\"not\":{\"field\":\"profile.gender\",\"op\":\"eq\",\"value\":\"F\"}}")).isEqualTo(5);
        assertThat(count("{\"field\":\"identity.email\",\"op\":\"is_true\"}")).isEqualTo(10);
        assertThat(count("{\"field\":\"identity.phone\",\"op\":\"is_true\"}")).isZero();
        assertThat(count("{\"field\":\"summary.days_since_last_purchase\",\"op\":\"le\",\"value\":11}")).isEqualTo(7);
        assertThat(count("{\"any\":[{\"field\":\"summary.total_spend\",\"op\":\"gt\",\"value\":1000},"
                + "{\"field\":\"profile.gender\",\"op\":\"eq\",\"value\":\"M\"}]}"))
                .isEqualTo(5); // the men: no woman spent more than 1000 (c6: 2 x 400)
        assertThat(count("{\"field\":\"profile.registered_at\",\"op\":\"before\",\"value\":\"2024-01-03\"}"))
                .isEqualTo(3); // registered on the 1st and the 2nd: c0, c1, c9
        int thisYear = LocalDate.now(BRAND).getYear();
        long adults = java.util.stream.IntStream.range(0, 10)
                .filter(i -> !LocalDate.of(1970 + i, 1 + i, 1 + i).plusYears(50).isAfter(LocalDate.now(BRAND))).count();
        assertThat(count("{\"field\":\"profile.age\",\"op\":\"ge\",\"value\":50}")).as("born 1970-1979, year " + thisYear)
                .isEqualTo(adults);
    }

    @Test
    void should_count_behaviour_windows_from_the_day_counters() {
        customers(4);
        products("V-" + source, "kettle", "W-" + source, "kettle");
        List<Map<String, Object>> events = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            events.add(event(0, "product_view", daysAgo(1 + k * 0.5), Map.of("sku", "V-" + source)));  // 6 this week
            events.add(event(2, "product_view", daysAgo(20 + k), Map.of("sku", "V-" + source)));      // 6, but weeks ago
        }
        for (int k = 0; k < 3; k++) {
            events.add(event(1, "product_view", daysAgo(2 + k), Map.of("sku", "V-" + source)));       // 3 this week
            events.add(event(1, "product_view", daysAgo(2 + k), Map.of("sku", "W-" + source)));       // 3 more, same category
        }
        send(events);

        assertThat(count("{\"field\":\"behaviour.events\",\"event\":\"product_view\",\"sku\":\"V-" + source
                + "\",\"window\":{\"in_last_days\":7},\"op\":\"gt\",\"value\":5}")).isEqualTo(1);
        // some single product viewed more than 5 times: c0 (c1 viewed two products 3 times each)
        assertThat(count("{\"field\":\"behaviour.events\",\"event\":\"product_view\",\"per\":\"sku\","
                + "\"window\":{\"in_last_days\":7},\"op\":\"gt\",\"value\":5}")).isEqualTo(1);
        assertThat(count("{\"field\":\"behaviour.events\",\"event\":\"product_view\",\"category\":\"kettle\","
                + "\"window\":{\"in_last_days\":7},\"op\":\"gt\",\"value\":5}")).isEqualTo(2); // c0 and c1 (3 + 3)
        assertThat(count("{\"field\":\"behaviour.events\",\"event\":\"product_view\","
                + "\"window\":{\"days_ago_between\":[15,30]},\"op\":\"ge\",\"value\":6}")).isEqualTo(1);
        // zero satisfies "fewer than 1": customers without any view count too
        assertThat(count("{\"field\":\"behaviour.events\",\"event\":\"product_view\","
                + "\"window\":{\"in_last_days\":7},\"op\":\"lt\",\"value\":1}")).isEqualTo(2); // c2 and c3
    }

    @Test
    void should_find_purchases_by_category_window_and_abandoned_carts() {
        customers(4);
        products("A-" + source, "air_conditioner");
        orders(orderLine(0, daysAgo(350), "A-" + source, 3000, "")
                + orderLine(1, daysAgo(200), "A-" + source, 3000, "")
                + orderLine(3, daysAgo(1.5), "A-" + source, 3000, ""));
        send(List.of(event(2, "cart_add", daysAgo(1.5), Map.of("sku", "A-" + source)),
                event(3, "cart_add", daysAgo(1.6), Map.of("sku", "A-" + source))));

        assertThat(count("{\"field\":\"behaviour.purchases\",\"category\":\"air_conditioner\","
                + "\"window\":{\"days_ago_between\":[300,400]},\"op\":\"ge\",\"value\":1}")).isEqualTo(1);
        assertThat(count("{\"field\":\"behaviour.purchases\",\"window\":{\"in_last_days\":180},\"op\":\"eq\",\"value\":0}"))
                .isEqualTo(3); // c0 (350 days ago), c1 (200 days ago) and c2 (never)
        // c2 added to cart 36 h ago and did not buy; c3 bought after the cart add
        assertThat(count("{\"field\":\"behaviour.cart_abandoned_at\",\"op\":\"more_than_hours_ago\",\"value\":24}"))
                .isEqualTo(1);
        assertThat(count("{\"field\":\"behaviour.purchase_amount\",\"window\":{\"in_last_days\":400},\"op\":\"ge\","
                + "\"value\":3000}")).isEqualTo(3);
    }

    @Test
    void should_record_entries_and_exits_and_publish_them_as_events_arrive() {
        customers(3);
        JsonNode segment = create("viewers " + source, mine("{\"field\":\"summary.event_count\",\"op\":\"ge\",\"value\":2}"));
        long id = segment.get("id").asLong();
        assertThat(segment.get("size").asLong()).isZero();

        send(List.of(event(0, "app_open", daysAgo(1), Map.of()), event(0, "app_open", daysAgo(0.5), Map.of()),
                event(1, "app_open", daysAgo(1), Map.of())));

        long c0 = customerId(0);
        assertThat(members(id)).containsExactly(c0);
        assertThat(published).filteredOn(SegmentEntered.class::isInstance).map(SegmentEntered.class::cast)
                .anySatisfy(e -> {
                    assertThat(e.segmentId()).isEqualTo(id);
                    assertThat(e.customerId()).isEqualTo(c0);
                    assertThat(e.cause()).isEqualTo("event");
                });
        JsonNode changes = admin().get("/api/v1/segments/" + id + "/changes").json();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).get("change").asString()).isEqualTo("entry");

        // editing the condition moves people out (and records it)
        Http.Response edited = admin().putJson("/api/v1/segments/" + id, Map.of("definition",
                mine("{\"field\":\"summary.event_count\",\"op\":\"ge\",\"value\":3}")));
        assertThat(edited.status()).as(edited.body()).isEqualTo(200);
        assertThat(members(id)).isEmpty();
        assertThat(published).filteredOn(SegmentExited.class::isInstance).hasSize(1);
        assertThat(admin().get("/api/v1/customers/" + c0 + "/segments").json()).isEmpty();
    }

    @Test
    void should_evaluate_membership_of_other_segments_and_refuse_cycles_naming_the_path() {
        customers(4);
        orders(orderLine(0, daysAgo(5), "S-" + source, 100, "") + orderLine(1, daysAgo(5), "S-" + source, 100, ""));
        long buyers = create("buyers " + source, mine("{\"field\":\"summary.order_count\",\"op\":\"ge\",\"value\":1}"))
                .get("id").asLong();
        long women = create("women buyers " + source, mine("{\"all\":[{\"field\":\"segment\",\"op\":\"in\",\"value\":"
                + buyers + "},{\"field\":\"profile.gender\",\"op\":\"eq\",\"value\":\"F\"}]}")).get("id").asLong();
        assertThat(members(women)).containsExactly(customerId(0));

        Http.Response cycle = admin().putJson("/api/v1/segments/" + buyers, Map.of("definition", JSON.readTree(
                "{\"all\":[{\"field\":\"summary.order_count\",\"op\":\"ge\",\"value\":1},"
                        + "{\"field\":\"segment\",\"op\":\"in\",\"value\":" + women + "}]}")));
        assertThat(cycle.status()).as(cycle.body()).isEqualTo(400);
        assertThat(cycle.json().get("code").asString()).isEqualTo("segment-cycle");
        assertThat(cycle.json().get("path").asString()).isEqualTo("$.all[1]");

        Http.Response inUse = admin().delete("/api/v1/segments/" + buyers);
        assertThat(inUse.status()).isEqualTo(409);
    }

    @Test
    void should_reject_bad_trees_with_a_400_naming_the_path() {
        String[][] cases = {
                {"{\"all\":[{\"field\":\"profile.shoe_size\",\"op\":\"eq\",\"value\":1}]}", "unknown-field", "$.all[0].field"},
                {"{\"all\":[{\"field\":\"summary.order_count\",\"op\":\"starts_with\",\"value\":\"1\"}]}",
                        "operator-not-allowed", "$.all[0].op"},
                {"{\"any\":[{\"field\":\"summary.last_purchase_at\",\"op\":\"before\",\"value\":\"2025-13-45\"}]}",
                        "invalid-date", "$.any[0].value"},
                {"{\"all\":[{\"not\":{\"field\":\"summary.order_count\",\"op\":\"gt\",\"value\":\"many\"}}]}",
                        "invalid-value", "$.all[0].not.value"},
                {"{\"all\":[{\"field\":\"segment\",\"op\":\"in\",\"value\":987654321}]}", "unknown-segment", "$.all[0].value"},
                {"{\"all\":[{\"field\":\"behaviour.events\",\"event\":\"product_view\",\"op\":\"gt\",\"value\":5}]}",
                        "invalid-window", "$.all[0].window"},
                {"{\"some\":[]}", "invalid-node", "$.some"},
                {"{\"all\":[{\"field\":\"tag\",\"op\":\"has\",\"value\":\"no-such-tag\"}]}", "unknown-tag", "$.all[0].value"},
                {nested(SegmentLanguage.MAX_DEPTH), "tree-too-deep", null},
        };
        for (String[] c : cases) {
            Http.Response response = admin().postJson("/api/v1/segments/preview", c[0]);
            assertThat(response.status()).as(c[0] + " -> " + response.body()).isEqualTo(400);
            assertThat(response.json().get("code").asString()).as(response.body()).isEqualTo(c[1]);
            if (c[2] != null) {
                assertThat(response.json().get("path").asString()).as(response.body()).isEqualTo(c[2]);
            }
        }
        Http.Response deepest = admin().postJson("/api/v1/segments/preview", nested(SegmentLanguage.MAX_DEPTH - 1));
        assertThat(deepest.status()).as(deepest.body()).isEqualTo(200);
    }

    /** {@code depth} levels of groups around one condition: depth + 1 levels in all. */
    static String nested(int depth) {
        String leaf = "{\"field\":\"summary.order_count\",\"op\":\"ge\",\"value\":0}";
        String tree = leaf;
        for (int level = 0; level < depth; level++) {
            tree = "{\"all\":[" + tree + "]}";
        }
        return tree;
    }

    @Test
    void should_build_a_static_segment_from_an_uploaded_list_and_report_unmatched_rows() {
        customers(3);
        JsonNode segment = admin().postJson("/api/v1/segments", Map.of("name", "list " + source, "kind", "static")).json();
        long id = segment.get("id").asLong();
        String csv = "email,phone\n" + email(0) + ",\n" + email(2) + ",\nnobody." + source + "@example.com,\n,not-a-phone\n";
        Http.Response report = admin().postFile("/api/v1/segments/" + id + "/members", "list.csv",
                csv.getBytes(java.nio.charset.StandardCharsets.UTF_8), Map.of());
        assertThat(report.status()).as(report.body()).isEqualTo(200);
        JsonNode r = report.json();
        assertThat(r.get("rows").asLong()).isEqualTo(4);
        assertThat(r.get("members").asLong()).isEqualTo(2);
        assertThat(r.get("unmatched")).hasSize(2);
        assertThat(r.get("unmatched").get(0).get("row").asLong()).isEqualTo(4);
        assertThat(r.get("unmatched").get(0).get("value").asString()).doesNotContain("nobody." + source);
        assertThat(r.get("unmatched").get(1).get("row").asLong()).isEqualTo(5);
        assertThat(members(id)).containsExactlyInAnyOrder(customerId(0), customerId(2));
    }

    @Test
    void should_export_members_masked_and_audited_and_keep_analysts_read_only() {
        customers(2);
        long id = create("all " + source, mine("{\"field\":\"identity.email\",\"op\":\"is_true\"}")).get("id").asLong();
        Http analyst = user(false, "analyst");

        Http.Response csv = analyst.get("/api/v1/segments/" + id + "/members.csv");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body()).contains("customer_id,name,email").doesNotContain(email(0)).contains("c***@example.com");
        assertThat(analyst.get("/api/v1/segments/" + id + "/members.csv?reveal=true").status()).isEqualTo(403);
        assertThat(db.fetchCount(org.jooq.impl.DSL.table("privacy_audit"),
                org.jooq.impl.DSL.field("subject_type").eq("segment").and(org.jooq.impl.DSL.field("subject_id").eq(
                        Long.toString(id))).and(org.jooq.impl.DSL.field("action").eq("segment.export")))).isEqualTo(1);

        assertThat(analyst.postJson("/api/v1/segments/preview", mine("{\"field\":\"identity.email\",\"op\":\"is_true\"}")
                .toString()).status()).isEqualTo(200);
        assertThat(analyst.postJson("/api/v1/segments", Map.of("name", "x", "definition",
                mine("{\"field\":\"identity.email\",\"op\":\"is_true\"}"))).status()).isEqualTo(403);
        assertThat(analyst.delete("/api/v1/segments/" + id).status()).isEqualTo(403);
        assertThat(user(false, "marketer").postJson("/api/v1/segments", Map.of("name", "m " + source, "definition",
                mine("{\"field\":\"identity.email\",\"op\":\"is_true\"}"))).status()).isEqualTo(201);
        assertThat(user(false, "service_agent").get("/api/v1/segments").status()).isEqualTo(403);
    }

    @Test
    void should_report_overlap_and_size_history() {
        customers(4);
        long women = create("w " + source, mine("{\"field\":\"profile.gender\",\"op\":\"eq\",\"value\":\"F\"}")).get("id").asLong();
        long early = create("e " + source, mine("{\"field\":\"profile.registered_at\",\"op\":\"before\",\"value\":\"2024-01-03\"}"))
                .get("id").asLong();
        JsonNode overlap = admin().get("/api/v1/segments/" + women + "/overlap?with=" + early).json();
        assertThat(overlap.get("size").asLong()).isEqualTo(2);
        assertThat(overlap.get("otherSize").asLong()).isEqualTo(2);
        assertThat(overlap.get("both").asLong()).isEqualTo(1); // c0
        JsonNode sizes = admin().get("/api/v1/segments/" + women + "/sizes").json();
        assertThat(sizes).hasSize(1);
        assertThat(sizes.get(0).get("size").asLong()).isEqualTo(2);
        assertThat(sizes.get(0).get("day").asString()).isEqualTo(LocalDate.now(BRAND).toString());
    }
}

@OnH2
class SegmentOnH2Test extends SegmentTests {}

@OnPostgres
class SegmentOnPostgresTest extends SegmentTests {}
