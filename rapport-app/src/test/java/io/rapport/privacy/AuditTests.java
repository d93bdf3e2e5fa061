package io.rapport.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The tamper-evident audit log: the hash chain and its verification, what is logged, search and usage reports. */
// Tampering tests break the chain on purpose: these classes get a database of their own.
@TestPropertySource(properties = "rapport.test.context=audit")
abstract class AuditTests extends ServerTest {

    @Autowired
    AuditLog audit;
    @Autowired
    DataUsage usage;

    void someEntries(int n) {
        for (int i = 0; i < n; i++) {
            audit.record(new io.rapport.platform.Actor("tester-" + source, false), "test.action", "thing",
                    source + "-" + i, "entry " + i + " of " + source);
        }
    }

    private Http auditor;

    /** Verifies as one auditor per test, created before any tampering (creating users writes audit entries). */
    JsonNode verification() {
        if (auditor == null) {
            auditor = user(false, "auditor");
        }
        Http.Response response = auditor.get("/api/v1/audit/verification");
        assertThat(response.status()).isEqualTo(200);
        return response.json();
    }

    long idOf(int i) {
        return db.select(field("id", Long.class)).from(table("privacy_audit"))
                .where(field("subject_id").eq(source + "-" + i)).fetchOne(field("id", Long.class));
    }

    /** Puts a deleted row back exactly as it was. */
    void restore(Record row) {
        var columns = List.of("id", "occurred_at", "actor", "action", "subject_type", "subject_id", "detail",
                "prev_hash", "entry_hash");
        var insert = db.insertInto(table("privacy_audit"));
        org.jooq.InsertSetMoreStep<?> step = null;
        for (String column : columns) {
            step = step == null ? insert.set(field(column), row.get(column)) : step.set(field(column), row.get(column));
        }
        step.execute();
    }

    @Test
    void should_chain_every_entry_to_the_previous_one_so_that_the_log_verifies() {
        someEntries(5);
        JsonNode result = verification();
        assertThat(result.get("intact").asBoolean()).as(result.toString()).isTrue();
        assertThat(result.get("entries").asLong()).isEqualTo(db.fetchCount(table("privacy_audit")));
        List<? extends Record> rows = db.select(field("prev_hash"), field("entry_hash")).from(table("privacy_audit"))
                .orderBy(field("id")).fetch();
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i).get(0)).isEqualTo(rows.get(i - 1).get(1));
        }
        assertThat(result.get("headHash").asString()).isEqualTo(rows.getLast().get(1));
    }

    @Test
    void should_detect_an_entry_changed_in_the_database() {
        assertThat(verification().get("intact").asBoolean()).isTrue();
        someEntries(3);
        long id = idOf(1);
        String original = db.select(field("detail", String.class)).from(table("privacy_audit"))
                .where(field("id").eq(id)).fetchOne(field("detail", String.class));
        try {
            db.execute("update privacy_audit set detail = 'nothing to see here' where id = " + id);
            JsonNode result = verification();
            assertThat(result.get("intact").asBoolean()).isFalse();
            assertThat(result.get("firstBreak").get("entryId").asLong()).isEqualTo(id);
            assertThat(result.get("firstBreak").get("reason").asString()).contains("changed");
        } finally {
            db.update(table("privacy_audit")).set(field("detail"), original).where(field("id").eq(id)).execute();
        }
        assertThat(verification().get("intact").asBoolean()).as("restored").isTrue();
    }

    @Test
    void should_detect_an_entry_deleted_from_the_middle_or_cut_off_the_end() {
        assertThat(verification().get("intact").asBoolean()).isTrue();
        someEntries(3);
        long middle = idOf(1);
        Record saved = db.selectFrom(table("privacy_audit")).where(field("id").eq(middle)).fetchOne();
        db.execute("delete from privacy_audit where id = " + middle);
        try {
            JsonNode result = verification();
            assertThat(result.get("intact").asBoolean()).isFalse();
            assertThat(result.get("firstBreak").get("entryId").asLong()).isEqualTo(idOf(2));
        } finally {
            restore(saved);
        }
        assertThat(verification().get("intact").asBoolean()).isTrue();

        long last = db.select(org.jooq.impl.DSL.max(field("id", Long.class))).from(table("privacy_audit"))
                .fetchOne(0, Long.class);
        Record lastRow = db.selectFrom(table("privacy_audit")).where(field("id").eq(last)).fetchOne();
        db.execute("delete from privacy_audit where id = " + last);
        try {
            JsonNode cut = verification();
            assertThat(cut.get("intact").asBoolean()).isFalse();
            assertThat(cut.get("firstBreak").get("reason").asString()).contains("removed from the end");
        } finally {
            restore(lastRow);
        }
        assertThat(verification().get("intact").asBoolean()).isTrue();
    }

    @Test
    void should_detect_a_forged_entry_appended_without_its_hash() {
        assertThat(verification().get("intact").asBoolean()).isTrue();
        someEntries(1);
        db.execute("insert into privacy_audit (occurred_at, actor, action, subject_type) values "
                + "(current_timestamp, 'intruder', 'pii.read', 'customer')");
        long forged = db.select(org.jooq.impl.DSL.max(field("id", Long.class))).from(table("privacy_audit"))
                .fetchOne(0, Long.class);
        try {
            JsonNode result = verification();
            assertThat(result.get("intact").asBoolean()).isFalse();
            assertThat(result.get("firstBreak").get("entryId").asLong()).isEqualTo(forged);
        } finally {
            db.execute("delete from privacy_audit where id = " + forged);
        }
    }

    @Test
    void should_log_sign_ins_failed_sign_ins_permission_changes_and_configuration() throws Exception {
        Http.basic(port, "admin", "wrong-" + source).get("/api/v1/customers");
        assertThat(audit.search(new AuditLog.Filter("admin", "login.failed", null, null, null, null, null, 10)))
                .anySatisfy(e -> assertThat(e.detail()).contains("BadCredentials"));

        user(false, "analyst");
        assertThat(audit.search(new AuditLog.Filter("admin", "permission.user.create", null, null, null, null, null, 10)))
                .anySatisfy(e -> assertThat(e.detail()).contains("ANALYST"));
        String issued = admin().postJson("/api/v1/api-keys", Map.of("name", "k-" + source, "roles", List.of("marketer")))
                .json().get("key").get("id").asString();
        admin().delete("/api/v1/api-keys/" + issued);
        assertThat(audit.search(new AuditLog.Filter(null, "permission.api-key*", "api-key", issued, null, null, null, 10)))
                .extracting(AuditLog.Entry::action).containsExactly("permission.api-key.revoke", "permission.api-key.issue");

        assertThat(audit.search(new AuditLog.Filter("system", "config.change", null, null, null, null, null, 10)))
                .isNotEmpty();

        // a console sign-in through the login form
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String page = browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page);
        assertThat(csrf.find()).isTrue();
        String form = "username=admin&password=" + URLEncoder.encode(ADMIN_PASSWORD, StandardCharsets.UTF_8)
                + "&_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8);
        long before = audit.search(new AuditLog.Filter("admin", "login", null, null, null, null, null, 1000)).size();
        var signedIn = browser.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(audit.search(new AuditLog.Filter("admin", "login", null, null, null, null, null, 1000)))
                .hasSize((int) before + 1);
        assertThat(verification().get("intact").asBoolean()).isTrue();
    }

    @Test
    void should_let_auditors_search_the_log_and_nobody_else_but_admins() {
        someEntries(3);
        Http auditor = user(false, "auditor");
        JsonNode found = auditor.get("/api/v1/audit?actor=tester-" + source + "&action=test.action&limit=2").json();
        assertThat(found.size()).isEqualTo(2);
        assertThat(found.get(0).get("subjectId").asString()).isEqualTo(source + "-2");
        JsonNode older = auditor.get("/api/v1/audit?actor=tester-" + source + "&beforeId="
                + found.get(1).get("id").asLong()).json();
        assertThat(older.size()).isEqualTo(1);
        assertThat(auditor.get("/api/v1/audit?from=yesterday").status()).isEqualTo(400);
        for (String role : List.of("marketer", "analyst", "service_agent")) {
            assertThat(user(false, role).get("/api/v1/audit").status()).as(role).isEqualTo(403);
            assertThat(user(false, role).get("/api/v1/audit/verification").status()).as(role).isEqualTo(403);
        }
        assertThat(anonymous().get("/api/v1/audit").status()).isEqualTo(401);

        Http.Response console = auditor.getPage("/privacy/audit?actor=tester-" + source);
        assertThat(console.status()).isEqualTo(200);
        assertThat(console.body()).contains(source + "-2").contains("id=\"verify\"");
        assertThat(auditor.getPage("/privacy/audit/verification").body()).contains("chain-intact");
        assertThat(user(false, "marketer").getPage("/privacy/audit").status()).isEqualTo(403);
    }

    @Test
    void should_report_which_purposes_used_a_customers_data_per_month() {
        importFile("customers", "native", "c.csv", ("customer_id,email\nU-" + source + ",u." + source
                + "@example.com\n").getBytes(StandardCharsets.UTF_8));
        long id = admin().get("/api/v1/customers?q=u." + source + "@example.com").json().get("hits").get(0)
                .get("id").asLong();
        usage.record(List.of(id), Purpose.PROFILING, "scoring");
        usage.record(List.of(id, id), Purpose.PROFILING, "scoring");
        usage.record(List.of(id), Purpose.MARKETING, "journey");
        admin().postJson("/api/v1/customers/" + id + "/consents", Map.of("purpose", "marketing", "action", "grant"));

        String month = YearMonth.now(ZoneId.of("Asia/Shanghai")).toString();
        JsonNode report = user(false, "auditor").get("/api/v1/privacy/usage/customers/" + id).json();
        assertThat(report.get(0).get("month").asString()).isEqualTo(month);
        assertThat(report.get(0).get("uses").toString()).contains("\"purpose\":\"PROFILING\",\"usedBy\":\"scoring\","
                + "\"customers\":1,\"uses\":2").contains("\"purpose\":\"MARKETING\"");
        assertThat(report.get(0).get("accesses").toString()).contains("consent.grant");

        JsonNode monthly = user(false, "auditor").get("/api/v1/privacy/usage/months/" + month).json();
        assertThat(monthly.get("uses").toString()).contains("scoring");
        assertThat(user(false, "auditor").get("/api/v1/privacy/usage/months/13-2025").status()).isEqualTo(400);
    }
}

@OnH2
class AuditOnH2Test extends AuditTests {}

@OnPostgres
class AuditOnPostgresTest extends AuditTests {}
