package io.rapport.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.customer.ProfileChanged;
import io.rapport.privacy.ProcessingLimited;
import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.PublishedEvents;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Profile changes and privacy limits reach segments at once: a customers import or a rectification that changes a
 * profile publishes {@link ProfileChanged}, an erasure, restriction or objection publishes {@link ProcessingLimited},
 * and the customer's dynamic memberships follow in the same transaction (not at the nightly refresh).
 */
abstract class SegmentProfileChangeTests extends SegmentFixtures {

    static final String WOMEN = "{\"field\":\"profile.gender\",\"op\":\"eq\",\"value\":\"F\"}";
    static final String WITH_EMAIL = "{\"field\":\"identity.email\",\"op\":\"is_true\"}";

    @RegisterExtension
    final PublishedEvents published = new PublishedEvents();

    @Autowired
    Memberships memberships;

    long completed(long customer, String type, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("customerId", customer, "type", type,
                "regime", "gdpr"));
        body.putAll(extra);
        Http.Response created = admin().postJson("/api/v1/privacy/requests", body);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        long id = created.json().get("id").asLong();
        admin().postJson("/api/v1/privacy/requests/" + id + "/verify", Map.of("method", "code sent to the email on file"));
        Http.Response done = admin().postJson("/api/v1/privacy/requests/" + id + "/complete", "");
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        return id;
    }

    List<SegmentEntered> entries() {
        return published.stream().filter(SegmentEntered.class::isInstance).map(SegmentEntered.class::cast).toList();
    }

    List<SegmentExited> exits() {
        return published.stream().filter(SegmentExited.class::isInstance).map(SegmentExited.class::cast).toList();
    }

    @Test
    void should_move_customers_into_and_out_of_profile_segments_as_soon_as_a_customers_import_changes_them() {
        customers(3);
        long c0 = customerId(0);
        long c1 = customerId(1);
        long c2 = customerId(2);
        long women = create("women " + source, mine(WOMEN)).get("id").asLong();
        assertThat(members(women)).containsExactlyInAnyOrder(c0, c2);

        published.clear();
        genders("M", "F", "F");
        assertThat(members(women)).containsExactlyInAnyOrder(c1, c2);
        assertThat(entries()).singleElement().satisfies(e -> {
            assertThat(e.customerId()).isEqualTo(c1);
            assertThat(e.segmentId()).isEqualTo(women);
            assertThat(e.cause()).isEqualTo("profile");
        });
        assertThat(exits()).singleElement().satisfies(e -> assertThat(e.customerId()).isEqualTo(c0));
        assertThat(published).filteredOn(ProfileChanged.class::isInstance).map(ProfileChanged.class::cast)
                .flatMap(ProfileChanged::customerIds).as("c2 stayed as it was").containsExactlyInAnyOrder(c0, c1);

        // the same file again changes nothing, so nothing is published
        published.clear();
        genders("M", "F", "F");
        assertThat(published).filteredOn(ProfileChanged.class::isInstance).isEmpty();
        assertThat(entries()).isEmpty();
        assertThat(exits()).isEmpty();
        assertThat(members(women)).containsExactlyInAnyOrder(c1, c2);
    }

    @Test
    void should_evaluate_each_customer_of_an_orders_chunk_once_even_when_the_chunk_creates_them() {
        customers(1);
        long c0 = customerId(0);
        // buyers of this test's product (the orders import creates customers without this test's city) with an email
        long withEmail = create("bought here, with email " + source, JSON.readTree("{\"all\":[" + WITH_EMAIL
                + ",{\"field\":\"behaviour.purchases\",\"sku\":\"SKU-" + source + "\",\"window\":{\"in_last_days\":30},"
                + "\"op\":\"ge\",\"value\":1}]}")).get("id").asLong();
        assertThat(members(withEmail)).isEmpty();
        published.clear();
        long before = memberships.evaluatedCustomers();

        // one chunk: an order of the known c0 and orders of two customers it creates (with an email: they qualify)
        StringBuilder lines = new StringBuilder(orderLine(0, daysAgo(3), "SKU-" + source, 100, ""));
        for (int i = 1; i <= 2; i++) {
            lines.append(source).append("-new").append(i).append(",1,n").append(i).append(',').append(email(10 + i))
                    .append(",,shop,,").append(daysAgo(2)).append(",SKU-").append(source).append(",1,100,0,,CNY,sale,\n");
        }
        orders(lines.toString());

        long created1 = customerId(11);
        long created2 = customerId(12);
        assertThat(published).filteredOn(ProfileChanged.class::isInstance).map(ProfileChanged.class::cast)
                .flatMap(ProfileChanged::customerIds).as("the chunk created them").contains(created1, created2);
        assertThat(memberships.evaluatedCustomers() - before).as("c0 and the two new customers, once each")
                .isEqualTo(3);
        assertThat(entries()).filteredOn(e -> e.segmentId() == withEmail)
                .extracting(e -> e.customerId() + ":" + e.cause())
                .containsExactlyInAnyOrder(c0 + ":order", created1 + ":order", created2 + ":order");
        assertThat(members(withEmail)).containsExactlyInAnyOrder(c0, created1, created2);
    }

    @Test
    void should_take_a_customer_out_of_segments_at_once_when_a_rectification_changes_their_profile() {
        customers(2);
        long c0 = customerId(0);
        long c1 = customerId(1);
        long everyone = create("everyone here " + source, mine(WITH_EMAIL)).get("id").asLong();
        assertThat(members(everyone)).containsExactlyInAnyOrder(c0, c1);

        published.clear();
        completed(c0, "rectification", Map.of("fields", Map.of("city", "elsewhere-" + source)));
        assertThat(members(everyone)).containsExactly(c1);
        assertThat(exits()).singleElement().satisfies(e -> {
            assertThat(e.customerId()).isEqualTo(c0);
            assertThat(e.cause()).isEqualTo("profile");
        });
    }

    @Test
    void should_drop_an_objecting_restricted_or_erased_customer_from_every_dynamic_segment_at_once() {
        customers(4);
        long c0 = customerId(0);
        long c1 = customerId(1);
        long c2 = customerId(2);
        long c3 = customerId(3);
        long dynamic = create("with email " + source, mine(WITH_EMAIL)).get("id").asLong();
        Map<String, Object> frozen = new java.util.LinkedHashMap<>();
        frozen.put("name", "frozen " + source);
        frozen.put("kind", "static");
        frozen.put("definition", mine(WITH_EMAIL));
        Http.Response snapshot = admin().postJson("/api/v1/segments", frozen);
        assertThat(snapshot.status()).as(snapshot.body()).isEqualTo(201);
        long list = snapshot.json().get("id").asLong();
        assertThat(members(dynamic)).containsExactlyInAnyOrder(c0, c1, c2, c3);
        assertThat(members(list)).containsExactlyInAnyOrder(c0, c1, c2, c3);

        published.clear();
        completed(c0, "objection", Map.of());
        completed(c1, "restriction", Map.of());
        completed(c2, "erasure", Map.of());
        assertThat(published).filteredOn(ProcessingLimited.class::isInstance).map(ProcessingLimited.class::cast)
                .extracting(ProcessingLimited::limit).containsExactly(ProcessingLimited.Limit.PROFILING_OBJECTION,
                        ProcessingLimited.Limit.RESTRICTED, ProcessingLimited.Limit.ERASED);
        assertThat(members(dynamic)).as("segments are profiling").containsExactly(c3);
        assertThat(count(WITH_EMAIL)).isEqualTo(1);
        assertThat(members(list)).as("a static list keeps who the brand put there, unless erased")
                .containsExactlyInAnyOrder(c0, c1, c3);
        // the objecting and restricted customers leave on the ProcessingLimited event; the erased one already left
        // every segment inside the erasure itself (SegmentPersonalData), before the event is published
        assertThat(exits()).extracting(e -> e.segmentId() + ":" + e.customerId() + ":" + e.cause())
                .containsExactlyInAnyOrder(dynamic + ":" + c0 + ":privacy", dynamic + ":" + c1 + ":privacy",
                        dynamic + ":" + c2 + ":erasure", list + ":" + c2 + ":erasure");

        // a second objection is no new limit: nothing published; the full refresh agrees with what happened at once
        published.clear();
        completed(c0, "objection", Map.of());
        assertThat(published).filteredOn(ProcessingLimited.class::isInstance).isEmpty();
        JsonNode run = admin().postJson("/api/v1/segments/refresh", "").json();
        assertThat(run.get("drift").asLong()).as(run.toString()).isZero();
    }
}

@OnH2
class SegmentProfileChangeOnH2Test extends SegmentProfileChangeTests {}

@OnPostgres
class SegmentProfileChangeOnPostgresTest extends SegmentProfileChangeTests {}
