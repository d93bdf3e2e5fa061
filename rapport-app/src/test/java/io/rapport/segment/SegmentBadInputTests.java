package io.rapport.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Malicious values in every string position of a segment request are bound, never spliced into SQL, or refused with a
 * 400: quotes, SQL fragments, control characters, unicode, 1 MB strings, trees nested far beyond the depth limit.
 */
abstract class SegmentBadInputTests extends SegmentFixtures {

    static final List<String> NASTY = List.of("' OR '1'='1", "'; DROP TABLE customer_profile; --",
            "\"); DELETE FROM segment_member; --", "1) OR (1=1", "%", "_", "\\", "张伟😀\u202e", "null", "\u0000x",
            "a".repeat(1_000_000), "$.all[0]", "*/ select 1 /*");

    @Test
    void should_bind_or_refuse_malicious_strings_in_every_position_and_never_fail_with_500() {
        customers(2);
        List<String> conditions = new ArrayList<>();
        for (String nasty : NASTY) {
            String v = SegmentFixtures.JSON.writeValueAsString(nasty);
            conditions.add("{\"field\":\"profile.city\",\"op\":\"eq\",\"value\":" + v + "}");
            conditions.add("{\"field\":\"profile.city\",\"op\":\"in\",\"value\":[" + v + "]}");
            conditions.add("{\"field\":\"profile.city\",\"op\":\"starts_with\",\"value\":" + v + "}");
            conditions.add("{\"field\":\"score.lifecycle_stage\",\"op\":\"eq\",\"value\":" + v + "}");
            conditions.add("{\"field\":\"tag\",\"op\":\"has\",\"value\":" + v + "}");
            conditions.add("{\"field\":" + v + ",\"op\":\"eq\",\"value\":1}");
            conditions.add("{\"field\":\"summary.order_count\",\"op\":" + v + ",\"value\":1}");
            conditions.add("{\"field\":\"behaviour.events\",\"event\":" + v + ",\"window\":{\"in_last_days\":7},\"op\":\"gt\",\"value\":1}");
            conditions.add("{\"field\":\"behaviour.events\",\"event\":\"product_view\",\"sku\":" + v + ",\"window\":{\"in_last_days\":7},\"op\":\"ge\",\"value\":1}");
            conditions.add("{\"field\":\"behaviour.purchases\",\"category\":" + v + ",\"window\":{\"in_last_days\":7},\"op\":\"ge\",\"value\":1}");
            conditions.add("{\"field\":\"summary.last_purchase_at\",\"op\":\"before\",\"value\":" + v + "}");
            conditions.add("{\"field\":\"segment\",\"op\":\"in\",\"value\":" + v + "}");
            conditions.add("{" + v + ":[]}");
        }
        for (String condition : conditions) {
            String body = "{\"all\":[" + condition + "]}";
            Http.Response response = admin().postJson("/api/v1/segments/preview", body);
            assertThat(response.status()).as(abbreviate(body) + " -> " + abbreviate(response.body())).isIn(200, 400);
            if (response.status() == 200) {
                assertThat(response.json().get("count").asLong()).as(abbreviate(body)).isZero();
            } else {
                assertThat(response.body()).hasSizeLessThan(2_000); // a 1 MB value is never echoed back
            }
        }
        for (String nasty : NASTY) {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("name", nasty);
            request.put("description", nasty);
            request.put("definition", mine("{\"field\":\"profile.city\",\"op\":\"eq\",\"value\":\"x\"}"));
            Http.Response created = admin().postJson("/api/v1/segments", request);
            assertThat(created.status()).as(abbreviate(nasty) + " -> " + abbreviate(created.body())).isIn(201, 400);
            if (created.status() == 201) {
                assertThat(created.json().get("name").asString()).isEqualTo(nasty.strip());
            }
        }
        // the tables are all still there and the test's customers untouched
        assertThat(count("{\"field\":\"identity.email\",\"op\":\"is_true\"}")).isEqualTo(2);
        assertThat(admin().get("/api/v1/segments").status()).isEqualTo(200);
    }

    @Test
    void should_refuse_trees_nested_far_beyond_the_limit_and_huge_bodies_with_400() {
        for (int depth : new int[] {SegmentLanguage.MAX_DEPTH, 100, 5_000}) {
            Http.Response response = admin().postJson("/api/v1/segments/preview", SegmentTests.nested(depth));
            assertThat(response.status()).as("depth " + depth + ": " + abbreviate(response.body())).isEqualTo(400);
        }
        StringBuilder many = new StringBuilder("{\"any\":[");
        for (int i = 0; i <= SegmentLanguage.MAX_CONDITIONS; i++) {
            many.append(i == 0 ? "" : ",").append("{\"field\":\"summary.order_count\",\"op\":\"eq\",\"value\":").append(i)
                    .append('}');
        }
        Http.Response response = admin().postJson("/api/v1/segments/preview", many.append("]}").toString());
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("code").asString()).isEqualTo("too-many-conditions");
        Http.Response notJson = admin().postJson("/api/v1/segments/preview", "{\"all\":[{\"field\":");
        assertThat(notJson.status()).isEqualTo(400);
    }

    static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}

@OnH2
class SegmentBadInputOnH2Test extends SegmentBadInputTests {}

@OnPostgres
class SegmentBadInputOnPostgresTest extends SegmentBadInputTests {}
