package io.rapport.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Tags: manual ones with who and when, rule tags from segments, computed tags, and the history of each. */
abstract class TagTests extends SegmentFixtures {

    @Test
    void should_tag_a_customer_by_hand_record_who_and_when_and_move_segment_membership() {
        customers(2);
        String code = "vip_" + source;
        assertThat(admin().postJson("/api/v1/tags", Map.of("code", code, "name", "VIP", "category", "manual")).status())
                .isEqualTo(201);
        long segment = create("tagged " + source, mine("{\"field\":\"tag\",\"op\":\"has\",\"value\":\"" + code + "\"}"))
                .get("id").asLong();
        long c0 = customerId(0);
        Http marketer = user(false, "marketer");

        Http.Response tagged = marketer.putJson("/api/v1/customers/" + c0 + "/tags/" + code,
                Map.of("value", "gold", "reason", "met at the fair"));
        assertThat(tagged.status()).as(tagged.body()).isEqualTo(200);
        JsonNode tag = tagged.json().get("current").get(0);
        assertThat(tag.get("code").asString()).isEqualTo(code);
        assertThat(tag.get("value").asString()).isEqualTo("gold");
        assertThat(tag.get("setBy").asString()).isNotEqualTo("admin").isNotBlank();
        assertThat(tag.get("setAt").isNull()).isFalse();
        assertThat(members(segment)).containsExactly(c0);

        Http.Response removed = marketer.delete("/api/v1/customers/" + c0 + "/tags/" + code + "?reason=left");
        assertThat(removed.json().get("current")).isEmpty();
        JsonNode history = removed.json().get("history");
        assertThat(history).hasSize(2);
        assertThat(history.get(0).get("change").asString()).isEqualTo("removed");
        assertThat(history.get(1).get("change").asString()).isEqualTo("added");
        assertThat(members(segment)).isEmpty();
        assertThat(user(false, "analyst").putJson("/api/v1/customers/" + c0 + "/tags/" + code, Map.of()).status())
                .isEqualTo(403);
    }

    @Test
    void should_give_a_rule_tag_to_the_members_of_its_segment() {
        customers(3);
        orders(orderLine(1, daysAgo(3), "R-" + source, 100, ""));
        long buyers = create("rule " + source, mine("{\"field\":\"summary.order_count\",\"op\":\"ge\",\"value\":1}"))
                .get("id").asLong();
        String code = "buyer_" + source;
        Http.Response created = admin().postJson("/api/v1/tags", Map.of("code", code, "name", "Buyer", "category",
                "behaviour", "kind", "rule", "segmentId", buyers));
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        JsonNode tags = admin().get("/api/v1/customers/" + customerId(1) + "/tags").json();
        assertThat(tags.get("current").findValuesAsString("code")).contains(code);
        assertThat(tags.get("history").findValuesAsString("code")).contains(code);
        assertThat(count("{\"field\":\"tag\",\"op\":\"has\",\"value\":\"" + code + "\"}")).isEqualTo(1);
        assertThat(admin().delete("/api/v1/segments/" + buyers).status()).isEqualTo(409);
    }

    @Test
    void should_compute_preferred_channel_promotion_sensitivity_interest_and_send_time() {
        customers(2);
        products("K-" + source, "kettle_" + source, "F-" + source, "fridge_" + source);
        StringBuilder lines = new StringBuilder();
        for (int k = 0; k < 3; k++) {
            lines.append(orderLine(0, daysAgo(10 + k), "K-" + source, 100, "SAVE10"));
        }
        lines.append(orderLine(1, daysAgo(40), "F-" + source, 3000, ""));
        orders(lines.toString().replace(",shop,", ",store,"));
        List<Map<String, Object>> events = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            events.add(event(1, "product_view", daysAgo(1 + k), Map.of("sku", "K-" + source)));
            events.add(event(0, "message_open", java.time.Instant.parse("2025-06-04T12:15:00Z").plusSeconds(k * 7L * 86400),
                    Map.of()));
        }
        send(events);

        Http.Response computed = admin().postJson("/api/v1/tags/compute", "");
        assertThat(computed.status()).as(computed.body()).isEqualTo(200);

        Map<String, String> c0 = tags(customerId(0));
        assertThat(c0).containsEntry("preferred_channel", "store").containsEntry("promotion_sensitivity", "high")
                .containsEntry("category_interest", "kettle_" + source)
                .containsEntry("best_send_hour", "wed-20"); // 12:15 UTC is 20:15 in Shanghai, on Wednesdays
        Map<String, String> c1 = tags(customerId(1));
        // four recent views of kettles outweigh one fridge bought 40 days ago
        assertThat(c1).containsEntry("category_interest", "kettle_" + source).doesNotContainKey("promotion_sensitivity");
        assertThat(admin().postJson("/api/v1/tags/compute", "").json().get("changes").asInt()).isZero();
    }

    @Test
    void should_prefer_the_channel_with_the_largest_share_of_orders_and_interactions() {
        customers(3);
        products("P-" + source, "purifier_" + source);
        StringBuilder lines = new StringBuilder();
        lines.append(orderLine(0, daysAgo(20), "P-" + source, 100, "").replace(",shop,", ",store,"));
        for (int k = 0; k < 2; k++) {
            lines.append(orderLine(1, daysAgo(20 + k), "P-" + source, 100, "").replace(",shop,", ",store,"));
        }
        orders(lines.toString());
        List<Map<String, Object>> events = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            // one store order against three app views: the app has the larger share
            events.add(event(0, "product_view", daysAgo(1 + k), Map.of("sku", "P-" + source, "channel", "app")));
            // a customer who never bought: interactions alone, the channel written in any case
            events.add(event(2, "message_click", daysAgo(1 + k), Map.of("channel", k == 0 ? "WeCom" : "wecom")));
        }
        // two store orders against one app view: the store keeps it
        events.add(event(1, "cart_add", daysAgo(2), Map.of("sku", "P-" + source, "channel", "app")));
        // an event without a channel counts for none
        events.add(event(1, "product_view", daysAgo(2), Map.of("sku", "P-" + source)));
        send(events);

        Http.Response computed = admin().postJson("/api/v1/tags/compute", "");
        assertThat(computed.status()).as(computed.body()).isEqualTo(200);

        assertThat(tags(customerId(0))).containsEntry("preferred_channel", "app");
        assertThat(tags(customerId(1))).containsEntry("preferred_channel", "store");
        assertThat(tags(customerId(2))).containsEntry("preferred_channel", "wecom");
    }

    Map<String, String> tags(long customer) {
        Map<String, String> values = new java.util.HashMap<>();
        admin().get("/api/v1/customers/" + customer + "/tags").json().get("current")
                .forEach(t -> values.put(t.get("code").asString(), t.get("value").asString()));
        return values;
    }
}

@OnH2
class TagOnH2Test extends TagTests {}

@OnPostgres
class TagOnPostgresTest extends TagTests {}
