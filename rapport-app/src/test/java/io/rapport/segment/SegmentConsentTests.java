package io.rapport.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.PublishedEvents;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Consent in segments (issue 6, "done when"): a withdrawal of marketing e-mail consent takes the customer out of an
 * e-mail-targetable segment at once, with the exit recorded, and a new grant brings them back.
 */
abstract class SegmentConsentTests extends SegmentFixtures {

    static final String EMAIL_MARKETING = "{\"all\":[{\"field\":\"consent\",\"purpose\":\"marketing\","
            + "\"channel\":\"email\",\"op\":\"allowed\"},{\"field\":\"identity.email\",\"op\":\"is_true\"}]}";

    @RegisterExtension
    final PublishedEvents published = new PublishedEvents();

    Http.Response consent(long customer, Map<String, Object> body) {
        Http.Response response = admin().postJson("/api/v1/customers/" + customer + "/consents", body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response;
    }

    @Test
    void should_drop_a_customer_who_unsubscribes_from_email_targetable_segments_at_once_and_take_them_back_on_a_grant() {
        customers(3);
        long c0 = customerId(0);
        long c1 = customerId(1);
        long c2 = customerId(2);
        consent(c0, Map.of("purpose", "marketing", "action", "grant", "channels", List.of("email"), "source", "web_form"));
        consent(c1, Map.of("purpose", "marketing", "action", "grant", "source", "store"));
        consent(c2, Map.of("purpose", "marketing", "action", "grant", "channels", List.of("sms"), "source", "store"));

        JsonNode segment = create("email-targetable marketing " + source, mine(EMAIL_MARKETING));
        long id = segment.get("id").asLong();
        assertThat(members(id)).as("c2 agreed to SMS only").containsExactlyInAnyOrder(c0, c1);
        assertThat(count(EMAIL_MARKETING)).isEqualTo(2);

        // one-click unsubscribe link, no login
        String token = admin().postJson("/api/v1/customers/" + c0 + "/unsubscribe-links",
                Map.of("purpose", "marketing", "channel", "email")).json().get("token").asString();
        published.clear();
        Http.Response done = anonymous().postJson("/unsubscribe/" + token, "");
        assertThat(done.status()).as(done.body()).isEqualTo(200);

        assertThat(members(id)).containsExactly(c1);
        assertThat(published).filteredOn(SegmentExited.class::isInstance).map(SegmentExited.class::cast)
                .singleElement().satisfies(e -> {
                    assertThat(e.segmentId()).isEqualTo(id);
                    assertThat(e.customerId()).isEqualTo(c0);
                    assertThat(e.cause()).isEqualTo("consent");
                });
        JsonNode changes = admin().get("/api/v1/segments/" + id + "/changes").json();
        assertThat(changes.toString()).contains("exit");
        assertThat(admin().get("/api/v1/customers/" + c0 + "/segments").json().toString()).doesNotContain(
                "email-targetable marketing " + source);

        // a withdrawal for all channels takes out the customer who had granted all channels
        published.clear();
        consent(c1, Map.of("purpose", "marketing", "action", "withdraw", "source", "service_desk"));
        assertThat(members(id)).isEmpty();
        assertThat(published).filteredOn(SegmentExited.class::isInstance).map(SegmentExited.class::cast)
                .singleElement().satisfies(e -> assertThat(e.customerId()).isEqualTo(c1));

        // re-granting brings them back, recorded as entries
        published.clear();
        consent(c0, Map.of("purpose", "marketing", "action", "grant", "channels", List.of("email"), "source", "app"));
        consent(c1, Map.of("purpose", "marketing", "action", "grant", "channels", List.of("email"), "source", "app"));
        assertThat(members(id)).containsExactlyInAnyOrder(c0, c1);
        assertThat(published).filteredOn(SegmentEntered.class::isInstance).map(SegmentEntered.class::cast)
                .allSatisfy(e -> {
                    assertThat(e.segmentId()).isEqualTo(id);
                    assertThat(e.cause()).isEqualTo("consent");
                })
                .extracting(SegmentEntered::customerId).containsExactlyInAnyOrder(c0, c1);
        assertThat(count(EMAIL_MARKETING)).isEqualTo(2);

        // c1's all-channel row already says "withdrawn"; withdrawing again makes it newer than the e-mail grant, which
        // flips the decision although that row's answer did not change
        published.clear();
        consent(c1, Map.of("purpose", "marketing", "action", "withdraw", "source", "service_desk"));
        assertThat(members(id)).containsExactly(c0);
        assertThat(published).filteredOn(SegmentExited.class::isInstance).map(SegmentExited.class::cast)
                .singleElement().satisfies(e -> assertThat(e.customerId()).isEqualTo(c1));
    }
}

@OnH2
class SegmentConsentOnH2Test extends SegmentConsentTests {}

@OnPostgres
class SegmentConsentOnPostgresTest extends SegmentConsentTests {}
