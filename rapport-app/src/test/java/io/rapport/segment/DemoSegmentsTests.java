package io.rapport.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The demo profile starts with the documented example audiences saved as dynamic segments over the demo data. */
@TestPropertySource(properties = {"rapport.test.context=segment-demo", "rapport.demo.enabled=true",
        "rapport.demo.customers=400"})
abstract class DemoSegmentsTests extends ServerTest {

    @Test
    void should_start_the_demo_with_the_example_audiences_saved() {
        JsonNode examples = SegmentFixtures.JSON.readTree(getClass().getResourceAsStream("/segment/examples.json"));
        Map<String, JsonNode> saved = new HashMap<>();
        admin().get("/api/v1/segments").json().forEach(s -> saved.put(s.get("name").asString(), s));
        for (JsonNode example : examples) {
            String name = example.get("name").asString();
            assertThat(saved).as("demo segment " + name).containsKey(name);
            JsonNode segment = saved.get(name);
            assertThat(segment.get("kind").asString()).isEqualTo("dynamic");
            // the size the API shows is the membership the segment really has
            assertThat(admin().get("/api/v1/segments/" + segment.get("id").asLong() + "/members?limit=500").json()
                    .size()).as(name).isEqualTo(segment.get("size").asInt());
        }
        assertThat(admin().postJson("/api/v1/segments/examples", "").json()).as("saved once").isEmpty();
    }
}

@OnH2
class DemoSegmentsOnH2Test extends DemoSegmentsTests {}

@OnPostgres
class DemoSegmentsOnPostgresTest extends DemoSegmentsTests {}
