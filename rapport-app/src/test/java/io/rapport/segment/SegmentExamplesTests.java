package io.rapport.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The audiences of docs/segments.md save and select the customers they describe. */
@TestPropertySource(properties = "rapport.test.context=segment-examples")
abstract class SegmentExamplesTests extends SegmentFixtures {

    @Test
    void should_save_the_documented_example_audiences_and_select_who_they_describe() throws IOException {
        customers(4);
        products("AC-" + source, "air_conditioner");
        orders(orderLine(0, daysAgo(365 - 3.5), "AC-" + source, 3000, ""));   // turns 12 months old in 3-4 days
        List<Map<String, Object>> events = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            events.add(event(1, "product_view", daysAgo(1 + k * 0.3), Map.of("sku", "AC-" + source)));
        }
        events.add(event(2, "cart_add", daysAgo(1.5), Map.of("sku", "AC-" + source)));
        send(events);

        Http.Response saved = admin().postJson("/api/v1/segments/examples", "");
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        JsonNode examples = SegmentFixtures.JSON.readTree(getClass().getResourceAsStream("/segment/examples.json"));
        assertThat(saved.json()).hasSize(examples.size());
        assertThat(admin().postJson("/api/v1/segments/examples", "").json()).isEmpty(); // saved once

        String docs = Files.readString(Path.of("../docs/segments.md"));
        for (JsonNode example : examples) {
            assertThat(docs).as("docs/segments.md documents " + example.get("key").asString())
                    .contains(example.get("name").asString());
        }
        assertThat(membersOf(saved.json(), "Appliance turns 12 months old next week")).contains(customerId(0));
        assertThat(membersOf(saved.json(), "Viewed a product more than 5 times this week")).contains(customerId(1));
        assertThat(membersOf(saved.json(), "Cart abandoned 24 hours ago")).contains(customerId(2))
                .doesNotContain(customerId(0), customerId(1), customerId(3));
    }

    List<Long> membersOf(JsonNode saved, String name) {
        for (JsonNode segment : saved) {
            if (segment.get("name").asString().equals(name)) {
                return members(segment.get("id").asLong());
            }
        }
        throw new AssertionError("not saved: " + name);
    }
}

@OnH2
class SegmentExamplesOnH2Test extends SegmentExamplesTests {}

@OnPostgres
class SegmentExamplesOnPostgresTest extends SegmentExamplesTests {}
