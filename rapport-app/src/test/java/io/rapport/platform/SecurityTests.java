package io.rapport.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Who may do what: authentication everywhere but health and login, roles, API keys, masking and its audit. */
abstract class SecurityTests extends ServerTest {

    static final String CUSTOMERS = "customer_id,member_no,name,gender,birthday,city,email,phone,registered_at,time_zone\n";

    private long customer() {
        importFile("customers", "native", "c.csv", (CUSTOMERS + "S1-" + source + ",M" + source
                + ",Zhang Wei,M,1988-06-15,Beijing,zhang.wei." + source + "@example.com,+8613912345678,"
                + "2024-01-01T00:00:00Z,Asia/Shanghai\n").getBytes(StandardCharsets.UTF_8));
        return admin().get("/api/v1/customers?q=zhang.wei." + source + "@example.com").json().get("hits").get(0)
                .get("id").asLong();
    }

    @Test
    void should_require_authentication_everywhere_except_health_and_login() {
        assertThat(anonymous().get("/actuator/health").status()).isEqualTo(200);
        assertThat(anonymous().get("/login").status()).isEqualTo(200);
        Http.Response api = anonymous().get("/api/v1/customers");
        assertThat(api.status()).isEqualTo(401);
        assertThat(api.header("content-type")).contains("application/problem+json");
        assertThat(api.json().get("code").asString()).isEqualTo("unauthenticated");
        assertThat(anonymous().getPage("/customers").status()).as("console redirects to login").isEqualTo(302);
        assertThat(anonymous().getPage("/customers").header("location")).endsWith("/login");
        assertThat(anonymous().get("/actuator/prometheus").status()).isIn(302, 401);
        assertThat(anonymous().get("/v3/api-docs").status()).isIn(302, 401);
        assertThat(Http.basic(port, "admin", "wrong-password").get("/api/v1/customers").status()).isEqualTo(401);
    }

    @Test
    void should_give_each_role_only_its_own_doors() {
        Http auditor = user(false, "auditor");
        Http analyst = user(false, "analyst");
        Http marketer = user(false, "marketer");
        assertThat(auditor.get("/api/v1/customers").status()).isEqualTo(403);
        assertThat(analyst.get("/api/v1/customers").status()).isEqualTo(200);
        assertThat(analyst.get("/api/v1/imports").status()).isEqualTo(403);
        assertThat(marketer.get("/api/v1/imports").status()).isEqualTo(200);
        assertThat(marketer.get("/api/v1/users").status()).isEqualTo(403);
        assertThat(marketer.postJson("/api/v1/api-keys", Map.of("name", "x", "roles", List.of("admin"))).status())
                .isEqualTo(403);
    }

    @Test
    void should_mask_personal_data_unless_a_permitted_caller_reveals_it_and_audit_every_reveal() {
        long id = customer();
        JsonNode masked = user(false, "service_agent").get("/api/v1/customers/" + id).json();
        assertThat(masked.toString()).doesNotContain("zhang.wei").doesNotContain("13912345678")
                .doesNotContain("Zhang Wei").doesNotContain("1988-06-15");
        assertThat(masked.toString()).contains("z***@example.com").contains("+86139****5678");

        Http plain = user(false, "service_agent");
        Http.Response refused = plain.get("/api/v1/customers/" + id + "?reveal=true");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asString()).isEqualTo("pii-not-allowed");

        long auditsBefore = db.fetchCount(db.selectFrom("privacy_audit")
                .where("action = 'pii.read' and subject_id = ?", Long.toString(id)));
        Http permitted = user(true, "service_agent");
        JsonNode revealed = permitted.get("/api/v1/customers/" + id + "?reveal=true").json();
        assertThat(revealed.toString()).contains("zhang.wei." + source + "@example.com").contains("+8613912345678");
        assertThat(db.fetchCount(db.selectFrom("privacy_audit")
                .where("action = 'pii.read' and subject_id = ?", Long.toString(id)))).isEqualTo(auditsBefore + 1);
        assertThat(permitted.get("/api/v1/customers/" + id).json().toString())
                .as("masked by default even for permitted users").doesNotContain("zhang.wei.");
    }

    @Test
    void should_mask_search_results_for_everyone() {
        customer();
        JsonNode hits = admin().get("/api/v1/customers?q=zhang.wei." + source + "@example.com").json().get("hits");
        assertThat(hits.get(0).get("email").asString()).isEqualTo("z***@example.com");
        assertThat(hits.get(0).get("phone").asString()).isEqualTo("+86139****5678");
        assertThat(hits.get(0).get("name").asString()).isEqualTo("Z***");
    }

    @Test
    void should_authenticate_machine_clients_by_api_key_with_the_key_roles_until_revoked() {
        JsonNode issued = admin().postJson("/api/v1/api-keys", Map.of("name", "pos-" + source,
                "roles", List.of("service_agent"))).json();
        String secret = issued.get("secret").asString();
        long keyId = issued.get("key").get("id").asLong();
        assertThat(db.fetchCount(db.selectFrom("platform_api_key").where("key_hash = ?", secret)))
                .as("only a hash is stored").isZero();
        Http key = Http.apiKey(port, secret);
        assertThat(key.postJson("/api/v1/events", Map.of("external_id", "k-" + source, "type", "service_contact",
                "occurred_at", "2025-01-01T00:00:00Z")).status()).isEqualTo(200);
        assertThat(key.get("/api/v1/imports").status()).isEqualTo(403);
        assertThat(admin().delete("/api/v1/api-keys/" + keyId).status()).isEqualTo(204);
        Http.Response revoked = key.get("/api/v1/customers");
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.json().get("code").asString()).isEqualTo("invalid-api-key");
        assertThat(Http.apiKey(port, "rk_000000000000_" + "0".repeat(48)).get("/api/v1/customers").status())
                .isEqualTo(401);
    }

    @Test
    void should_store_passwords_as_bcrypt_hashes() {
        user(false, "analyst");
        assertThat(db.fetch("select password_hash from platform_user").getValues(0, String.class))
                .allSatisfy(hash -> assertThat(hash).matches("^\\$2[aby]\\$\\d\\d\\$.{53}$"));
    }
}

@OnH2
class SecurityOnH2Test extends SecurityTests {}

@OnPostgres
class SecurityOnPostgresTest extends SecurityTests {}
