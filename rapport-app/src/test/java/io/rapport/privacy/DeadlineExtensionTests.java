package io.rapport.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Deadline extensions of data-subject requests: GDPR two further months, CCPA 45 more days, PIPL none. */
abstract class DeadlineExtensionTests extends ServerTest {

    long customer() {
        String email = "ext." + source + "@example.com";
        JsonNode job = importFile("customers", "native", "c.csv", ("customer_id,name,email,registered_at\nX-" + source
                + ",Extension Person," + email + ",2024-01-01T00:00:00Z\n").getBytes(StandardCharsets.UTF_8)).json();
        assertThat(job.get("rejected").asLong()).as(job.toString()).isZero();
        return admin().get("/api/v1/customers?q=" + email).json().get("hits").get(0).get("id").asLong();
    }

    JsonNode request(long customer, String regime, Instant receivedAt) {
        Http.Response created = admin().postJson("/api/v1/privacy/requests", Map.of("customerId", customer,
                "type", "access", "regime", regime, "receivedAt", receivedAt.toString()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return created.json();
    }

    Http.Response extend(long id, String reason) {
        return admin().postJson("/api/v1/privacy/requests/" + id + "/extend", Map.of("reason", reason));
    }

    long extensionsAudited(long customer) {
        return admin().get("/api/v1/audit?action=subject.extend&subjectType=customer&subjectId=" + customer).json()
                .size();
    }

    @Test
    void should_extend_a_gdpr_deadline_once_by_two_further_months_with_the_reason_audited() {
        long customer = customer();
        JsonNode request = request(customer, "gdpr", Instant.now().minus(Duration.ofDays(3)));
        long id = request.get("id").asLong();
        LocalDate due = LocalDate.parse(request.get("dueOn").asString());

        Http.Response extended = extend(id, "many requests from this customer at once");

        assertThat(extended.status()).as(extended.body()).isEqualTo(200);
        assertThat(LocalDate.parse(extended.json().get("dueOn").asString())).isEqualTo(due.plusMonths(2));
        JsonNode extension = admin().get("/api/v1/privacy/requests/" + id).json().get("extension");
        assertThat(LocalDate.parse(extension.get("originalDueOn").asString())).isEqualTo(due);
        assertThat(extension.get("reason").asString()).isEqualTo("many requests from this customer at once");
        assertThat(extension.get("extendedBy").asString()).isEqualTo("admin");
        assertThat(extensionsAudited(customer)).isEqualTo(1);

        Http.Response again = extend(id, "still busy");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asString()).isEqualTo("request-already-extended");
        assertThat(LocalDate.parse(admin().get("/api/v1/privacy/requests/" + id).json().get("dueOn").asString()))
                .isEqualTo(due.plusMonths(2));
        assertThat(extensionsAudited(customer)).isEqualTo(1);
    }

    @Test
    void should_extend_a_ccpa_deadline_once_by_45_days() {
        long customer = customer();
        JsonNode request = request(customer, "ccpa", Instant.now().minus(Duration.ofDays(3)));
        LocalDate due = LocalDate.parse(request.get("dueOn").asString());

        Http.Response extended = extend(request.get("id").asLong(), "records must be fetched from the archive");

        assertThat(extended.status()).as(extended.body()).isEqualTo(200);
        assertThat(LocalDate.parse(extended.json().get("dueOn").asString())).isEqualTo(due.plusDays(45));
        assertThat(extensionsAudited(customer)).isEqualTo(1);
    }

    @Test
    void should_refuse_to_extend_a_pipl_deadline_and_change_nothing() {
        long customer = customer();
        JsonNode request = request(customer, "pipl", Instant.now().minus(Duration.ofDays(1)));
        long id = request.get("id").asLong();

        Http.Response refused = extend(id, "busy");

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("code").asString()).isEqualTo("extension-not-allowed");
        assertThat(refused.json().get("detail").asString()).contains("PIPL", request.get("dueOn").asString());
        JsonNode after = admin().get("/api/v1/privacy/requests/" + id).json();
        assertThat(after.get("dueOn").asString()).isEqualTo(request.get("dueOn").asString());
        assertThat(after.get("extension").isNull()).isTrue();
        assertThat(extensionsAudited(customer)).isZero();
    }

    @Test
    void should_refuse_an_extension_without_a_reason_after_the_deadline_or_of_a_closed_request() {
        long customer = customer();
        long open = request(customer, "gdpr", Instant.now()).get("id").asLong();
        Http.Response noReason = extend(open, " ");
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(noReason.json().get("field").asString()).isEqualTo("reason");

        long late = request(customer, "ccpa", Instant.now().minus(Duration.ofDays(60))).get("id").asLong();
        Http.Response passed = extend(late, "forgot");
        assertThat(passed.status()).isEqualTo(409);
        assertThat(passed.json().get("code").asString()).isEqualTo("deadline-passed");

        admin().postJson("/api/v1/privacy/requests/" + open + "/reject", Map.of("reason", "not the customer"));
        Http.Response closed = extend(open, "more time");
        assertThat(closed.status()).isEqualTo(409);
        assertThat(closed.json().get("code").asString()).isEqualTo("request-rejected");
        assertThat(extensionsAudited(customer)).isZero();
        assertThat(extend(999_999_999L, "no such request").status()).isEqualTo(404);
    }
}

@OnH2
class DeadlineExtensionOnH2Test extends DeadlineExtensionTests {}

@OnPostgres
class DeadlineExtensionOnPostgresTest extends DeadlineExtensionTests {}
