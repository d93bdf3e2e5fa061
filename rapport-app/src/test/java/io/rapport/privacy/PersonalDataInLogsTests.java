package io.rapport.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

/**
 * No personal data in application logs: a server loads the demo brand (with io.rapport logging at DEBUG), is used
 * the way people use it — searches by phone and email, reveals, bad imports, failed sign-ins with an email as user
 * name, consent changes, a data-subject export — and the whole captured output is searched for every demo customer's
 * phone number and email address.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {"rapport.test.context=log-scan", "rapport.demo.enabled=true",
        "rapport.demo.customers=300", "logging.level.io.rapport=debug"})
abstract class PersonalDataInLogsTests extends ServerTest {

    @Test
    void should_write_no_demo_customers_phone_or_email_to_the_logs(CapturedOutput output) {
        List<String> emails = db.select(DSL.field("id_value", String.class)).from(DSL.table("customer_identity"))
                .where(DSL.field("kind").eq("EMAIL")).fetch(0, String.class);
        List<String> phones = db.select(DSL.field("id_value", String.class)).from(DSL.table("customer_identity"))
                .where(DSL.field("kind").eq("PHONE")).fetch(0, String.class);
        assertThat(emails).as("the demo brand is loaded").hasSizeGreaterThan(100);
        assertThat(phones).hasSizeGreaterThan(100);

        Http permitted = user(true, "service_agent");
        for (int i = 0; i < 5; i++) {
            String email = emails.get(i);
            String phone = phones.get(i);
            admin().get("/api/v1/customers?q=" + email);
            admin().get("/api/v1/customers?q=" + java.net.URLEncoder.encode(phone, StandardCharsets.UTF_8));
            long id = admin().get("/api/v1/customers?q=" + email).json().get("hits").get(0).get("id").asLong();
            permitted.get("/api/v1/customers/" + id + "?reveal=true");
            Http.basic(port, email, "wrong").get("/api/v1/customers");
            admin().postJson("/api/v1/customers/" + id + "/consents", Map.of("purpose", "marketing",
                    "action", "withdraw", "source", "app", "proof", "ip:203.0.113.9"));
            admin().postJson("/api/v1/events", Map.of("external_id", "x" + i, "type", "Bad Type",
                    "occurred_at", "2025-01-01T00:00:00Z", "email", email));
            if (i == 0) {
                long request = admin().postJson("/api/v1/privacy/requests", Map.of("customerId", id,
                        "type", "access", "regime", "gdpr")).json().get("id").asLong();
                admin().postJson("/api/v1/privacy/requests/" + request + "/verify", Map.of("method", "email code"));
                user(true, "admin").get("/api/v1/privacy/requests/" + request + "/export");
            }
        }
        importFile("customers", "native", "bad.csv", ("customer_id,email,phone,birthday\nB1," + emails.get(7)
                + ",not-a-phone,1990-13-45\nB2,not-an-email," + phones.get(7) + ",\n").getBytes(StandardCharsets.UTF_8));
        admin().postFile("/api/v1/consents/imports", "consents.csv", ("email,purpose,action,occurred_at\n"
                + emails.get(8) + ",telepathy,grant,2025-01-01T00:00:00Z\n").getBytes(StandardCharsets.UTF_8), Map.of());

        String logs = output.getAll();
        assertThat(logs).as("the capture holds the server's logs").contains("Demo data loaded");
        List<String> leaked = new java.util.ArrayList<>();
        emails.stream().filter(logs::contains).forEach(leaked::add);
        phones.stream().filter(p -> logs.contains(p) || logs.contains(p.substring(3))).forEach(leaked::add);
        assertThat(leaked).as("demo customers' emails and phones found in the logs").isEmpty();
    }
}

@OnH2
class PersonalDataInLogsOnH2Test extends PersonalDataInLogsTests {}
