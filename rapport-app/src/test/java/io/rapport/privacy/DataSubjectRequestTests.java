package io.rapport.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Data-subject requests: deadlines, verification, export, rectification, erasure, restriction and objection. */
abstract class DataSubjectRequestTests extends ServerTest {

    /** Whether personal data is encrypted at rest in this run (then message copies in the outbox are too). */
    boolean encrypted() {
        return false;
    }

    static final String CUSTOMERS = "customer_id,member_no,name,gender,birthday,city,email,phone,registered_at,time_zone\n";
    static final String ORDERS = "order_id,line_no,customer_id,email,phone,channel,store_code,ordered_at,sku,quantity,"
            + "unit_price,discount,coupon_code,currency,kind,original_order_id\n";

    @Autowired
    ContactPolicy policy;

    /** A person of this test with a name, phone, email and (most likely) birthday found nowhere else. */
    record Person(long id, String name, String email, String phone, String member, LocalDate birthday) {}

    Person person() {
        long digits = Math.floorMod(source.hashCode(), 100_000_000L);
        String phone = String.format(Locale.ROOT, "+86139%08d", digits);
        String email = "erase.me." + source + "@example.com";
        String name = "Qiao Xiaoyu " + source.substring(1, 7).toUpperCase(Locale.ROOT);
        String member = "MEM" + source;
        LocalDate birthday = LocalDate.of(1940 + (int) (digits % 60), 1 + (int) (digits / 60 % 12),
                1 + (int) (digits / 720 % 28));
        importFile("customers", "native", "c.csv", (CUSTOMERS + "P-" + source + "," + member + "," + name
                + ",F," + birthday + ",Hangzhou," + email + "," + phone + ",2023-05-01T00:00:00Z,Asia/Shanghai\n")
                .getBytes(StandardCharsets.UTF_8));
        JsonNode job = importFile("orders", "native", "o.csv", (ORDERS
                + "O1-" + source + ",1,P-" + source + ",,,shop,,2025-02-01T04:00:00Z,SKU-1,2,100,0,,CNY,sale,\n"
                + "O2-" + source + ",1,P-" + source + ",,,store,,2025-05-01T04:00:00Z,SKU-2,1,80.5,0,,CNY,sale,\n")
                .getBytes(StandardCharsets.UTF_8)).json();
        assertThat(job.get("rejected").asLong()).as(job.toString()).isZero();
        long id = admin().get("/api/v1/customers?q=" + email).json().get("hits").get(0).get("id").asLong();
        Http.Response event = admin().postJson("/api/v1/events", Map.of("external_id", "ev-" + source,
                "type", "service_contact", "occurred_at", "2025-06-01T10:00:00Z", "email", email,
                "properties", Map.of("note", "called from " + phone + " about " + name, "reply_to", email)));
        assertThat(event.status()).as(event.body()).isLessThan(300);
        admin().postJson("/api/v1/customers/" + id + "/consents", Map.of("purpose", "marketing", "action", "grant",
                "source", "web_form", "proof", "ip:" + ip(), "noticeVersion", "n-2025"));
        return new Person(id, name, email, phone, member, birthday);
    }

    /**
     * Puts the person's data into the segment and channel modules: a static segment from an uploaded list naming their
     * email, a tag whose reason names them, and a message addressed to them with their name in it. Returns the segment.
     */
    long inStaticListTaggedAndMessaged(Person p) {
        long segment = admin().postJson("/api/v1/segments", Map.of("name", "list " + source, "kind", "static")).json()
                .get("id").asLong();
        Http.Response upload = admin().postFile("/api/v1/segments/" + segment + "/members", "list.csv",
                ("email\n" + p.email() + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(upload.json().get("members").asLong()).as(upload.body()).isEqualTo(1);
        String tag = "met_" + source;
        admin().postJson("/api/v1/tags", Map.of("code", tag, "name", "Met", "category", "manual"));
        Http.Response tagged = admin().putJson("/api/v1/customers/" + p.id() + "/tags/" + tag,
                Map.of("reason", "met " + p.name() + " at the fair"));
        assertThat(tagged.status()).as(tagged.body()).isEqualTo(200);
        Http.Response template = admin().putJson("/api/v1/channel/templates/" + source, Map.of("channel", "email",
                "purpose", "service", "defaultLanguage", "en",
                "texts", Map.of("en", Map.of("subject", "Your repair", "body", "Dear {{customer.name}}, it is ready."))));
        assertThat(template.status()).as(template.body()).isEqualTo(200);
        Http.Response sent = admin().postJson("/api/v1/channel/sends", Map.of("dedupeKey", source + "-repair",
                "customerId", p.id(), "template", source));
        assertThat(sent.status()).as(sent.body()).isEqualTo(201);
        return segment;
    }

    /** The person's address, kept as consent proof: unique to this test. */
    String ip() {
        return "2001:db8::" + source.substring(1, 5) + ":" + source.substring(5, 9);
    }

    Http.Response create(Http who, long customer, String type, String regime) {
        return who.postJson("/api/v1/privacy/requests", Map.of("customerId", customer, "type", type, "regime", regime));
    }

    long verified(long customer, String type) {
        long id = create(admin(), customer, type, "gdpr").json().get("id").asLong();
        Http.Response verified = admin().postJson("/api/v1/privacy/requests/" + id + "/verify",
                Map.of("method", "one-time code sent to the email on file"));
        assertThat(verified.json().get("status").asString()).isEqualTo("VERIFIED");
        return id;
    }

    @Test
    void should_set_the_deadline_of_each_regime() {
        assertThat(Regime.GDPR.dueOn(LocalDate.of(2025, 1, 31), Set.of())).isEqualTo(LocalDate.of(2025, 2, 28));
        assertThat(Regime.CCPA.dueOn(LocalDate.of(2025, 1, 1), Set.of())).isEqualTo(LocalDate.of(2025, 2, 15));
        // received Friday 21 Nov 2025: 15 working days (Mon-Fri) end on Friday 12 Dec
        assertThat(Regime.PIPL.dueOn(LocalDate.of(2025, 11, 21), Set.of())).isEqualTo(LocalDate.of(2025, 12, 12));
        assertThat(Regime.PIPL.dueOn(LocalDate.of(2025, 11, 21), Set.of(LocalDate.of(2025, 12, 1))))
                .as("a weekday holiday moves it a working day").isEqualTo(LocalDate.of(2025, 12, 15));

        long customer = person().id();
        JsonNode request = admin().postJson("/api/v1/privacy/requests", Map.of("customerId", customer,
                "type", "access", "regime", "pipl", "receivedAt", "2025-11-21T02:00:00Z")).json();
        assertThat(request.get("dueOn").asString()).isEqualTo("2025-12-12");
        assertThat(request.get("overdue").asBoolean()).isEqualTo(LocalDate.now().isAfter(LocalDate.of(2025, 12, 12)));
        assertThat(request.get("status").asString()).isEqualTo("RECEIVED");
    }

    @Test
    void should_do_nothing_before_the_requester_is_verified_and_refuse_bad_requests_clearly() {
        Person p = person();
        long id = create(admin(), p.id(), "erasure", "gdpr").json().get("id").asLong();
        Http.Response early = admin().postJson("/api/v1/privacy/requests/" + id + "/complete", "");
        assertThat(early.status()).isEqualTo(409);
        assertThat(early.json().get("code").asString()).isEqualTo("request-not-verified");
        assertThat(admin().get("/api/v1/customers/" + p.id()).json().get("profile").get("status").asString())
                .isEqualTo("active");
        Http.Response noMethod = admin().postJson("/api/v1/privacy/requests/" + id + "/verify", Map.of());
        assertThat(noMethod.status()).isEqualTo(400);
        assertThat(noMethod.json().get("field").asString()).isEqualTo("method");

        Http.Response badType = create(admin(), p.id(), "forget-me-maybe", "gdpr");
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.json().get("code").asString()).isEqualTo("unknown-request-type");
        assertThat(create(admin(), p.id(), "erasure", "hipaa").json().get("code").asString()).isEqualTo("unknown-regime");
        Http.Response unknown = create(admin(), 987654321L, "erasure", "gdpr");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("code").asString()).isEqualTo("customer-not-found");
        assertThat(create(user(false, "marketer"), p.id(), "access", "gdpr").status()).isEqualTo(403);
        assertThat(user(false, "auditor").get("/api/v1/privacy/requests?customerId=" + p.id()).json().size())
                .isEqualTo(1);

        Http.Response rejected = admin().postJson("/api/v1/privacy/requests/" + id + "/reject",
                Map.of("reason", "could not verify the requester"));
        assertThat(rejected.json().get("status").asString()).isEqualTo("REJECTED");
        assertThat(admin().postJson("/api/v1/privacy/requests/" + id + "/verify", Map.of("method", "x")).json()
                .get("code").asString()).isEqualTo("request-rejected");
    }

    @Test
    void should_export_everything_held_about_the_person_as_json_and_a_readable_summary() {
        Person p = person();
        long request = verified(p.id(), "access");
        Http permitted = user(true, "service_agent");
        Http.Response export = permitted.get("/api/v1/privacy/requests/" + request + "/export");
        assertThat(export.status()).isEqualTo(200);
        JsonNode doc = export.json();
        List<String> categories = new ArrayList<>();
        doc.get("parts").forEach(part -> categories.add(part.get("category").asString()));
        assertThat(categories).contains("profile", "orders-and-events", "scores", "consent-and-privacy");
        String text = doc.toString();
        assertThat(text).contains(p.name()).contains(p.email()).contains(p.phone()).contains(p.member())
                .contains("O1-" + source).contains("SKU-2").contains("service_contact").contains("n-2025")
                .contains(p.birthday().toString());

        Http.Response summary = permitted.get("/api/v1/privacy/requests/" + request + "/export.txt");
        assertThat(summary.header("content-type")).startsWith("text/plain");
        assertThat(summary.body()).contains("== profile ==").contains("name: " + p.name())
                .contains("Agreed to marketing on all").contains("O2-" + source);

        Http.Response refused = user(false, "service_agent").get("/api/v1/privacy/requests/" + request + "/export");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asString()).isEqualTo("pii-not-allowed");
        assertThat(user(true, "marketer").get("/api/v1/privacy/requests/" + request + "/export").status())
                .isEqualTo(403);
        assertThat(db.fetchCount(DSL.table("privacy_audit"), DSL.field("action").eq("export")
                .and(DSL.field("subject_id").eq(Long.toString(p.id()))))).isEqualTo(2);

        JsonNode done = admin().postJson("/api/v1/privacy/requests/" + request + "/complete", "").json();
        assertThat(done.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(done.get("outcome").toString()).contains("profile").contains("exported");
    }

    @Test
    void should_erase_name_phone_and_email_from_every_table_while_revenue_totals_stay_the_same() {
        Person p = person();
        BigDecimal revenue = revenue();
        BigDecimal spend = customerSpend(p.id());
        assertThat(spend).isEqualByComparingTo("280.5");
        long list = inStaticListTaggedAndMessaged(p);
        Set<String> needles = Set.of(p.name().toLowerCase(Locale.ROOT), p.email(), p.phone().substring(3),
                p.member().toLowerCase(Locale.ROOT), ip(), p.birthday().toString());
        List<String> before = tablesContaining(needles);
        assertThat(before).as("before erasure the data is there").contains(
                "segment_customer_tag.reason holds " + p.name().toLowerCase(Locale.ROOT),
                "segment_tag_history.reason holds " + p.name().toLowerCase(Locale.ROOT));
        List<String> outboxCopies = List.of("channel_outbox.body holds " + p.name().toLowerCase(Locale.ROOT),
                "channel_outbox.recipient holds " + p.email());
        var outboxRows = db.select(DSL.field("recipient", String.class), DSL.field("body", String.class))
                .from(DSL.table("channel_outbox")).where(DSL.field("customer_id").eq(p.id())).fetch();
        assertThat(outboxRows).as("the person's messages are queued").isNotEmpty();
        if (encrypted()) {
            assertThat(before).as("message copies are encrypted at rest").doesNotContainAnyElementsOf(outboxCopies);
            outboxRows.forEach(r -> assertThat(r.value1()).startsWith("enc:"));
        } else {
            assertThat(before).containsAll(outboxCopies);
        }

        long request = verified(p.id(), "erasure");
        JsonNode done = admin().postJson("/api/v1/privacy/requests/" + request + "/complete", "").json();
        assertThat(done.get("status").asString()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.get("outcome").toString()).contains("profile").contains("orders-and-events");

        assertThat(tablesContaining(needles)).as("tables still holding the erased person's data").isEmpty();
        assertThat(db.fetchCount(DSL.table("channel_outbox"), DSL.field("customer_id").eq(p.id())
                .and(DSL.field("recipient").isNotNull().or(DSL.field("body").isNotNull()))))
                .as("message copies blanked, encrypted or not").isZero();
        assertThat(dateColumnsOfTheCustomerHolding(p.id(), p.birthday()))
                .as("date columns of the erased person still holding the birthday").isEmpty();
        var profile = db.select(DSL.field("name"), DSL.field("name_cipher"), DSL.field("name_index"),
                        DSL.field("birthday"), DSL.field("birthday_cipher"), DSL.field("birth_year"),
                        DSL.field("birth_month_day"), DSL.field("gender"), DSL.field("city"))
                .from(DSL.table("customer_profile")).where(DSL.field("id").eq(p.id())).fetchOne();
        for (int i = 0; i < profile.size(); i++) {
            assertThat(profile.get(i)).as("customer_profile." + profile.field(i).getName()).isNull();
        }
        assertThat(admin().get("/api/v1/segments/" + list).json().get("size").asLong())
                .as("the erased person left the uploaded list").isZero();
        assertThat(db.fetchCount(DSL.table("segment_member"), DSL.field("customer_id").eq(p.id()))).isZero();
        assertThat(done.get("outcome").toString()).contains("segments-and-tags").contains("messages");
        assertThat(revenue()).isEqualByComparingTo(revenue);
        assertThat(customerSpend(p.id())).isEqualByComparingTo(spend);
        assertThat(policy.may(p.id(), Purpose.SERVICE, ContactChannel.EMAIL)).isEqualTo(ContactDecision.deny("erased"));
        assertThat(admin().get("/api/v1/customers?q=" + p.email()).json().get("hits").size()).isZero();

        Http.Response again = create(admin(), p.id(), "erasure", "gdpr");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asString()).isEqualTo("customer-already-erased");
        Http.Response consent = admin().postJson("/api/v1/customers/" + p.id() + "/consents",
                Map.of("purpose", "marketing", "action", "grant"));
        assertThat(consent.status()).isEqualTo(409);
        assertThat(consent.json().get("code").asString()).isEqualTo("customer-erased");
    }

    @Test
    void should_rectify_profile_fields_and_keep_only_which_fields_changed() {
        Person p = person();
        long id = admin().postJson("/api/v1/privacy/requests", Map.of("customerId", p.id(), "type", "rectification",
                "regime", "pipl", "fields", Map.of("city", "Suzhou", "name", "Qiao Xiaoyu"))).json().get("id").asLong();
        admin().postJson("/api/v1/privacy/requests/" + id + "/verify", Map.of("method", "in store, ID card seen"));
        JsonNode done = admin().postJson("/api/v1/privacy/requests/" + id + "/complete", "").json();
        assertThat(done.get("fields").toString()).contains("city").contains("name");
        assertThat(done.toString()).doesNotContain("Suzhou");
        JsonNode profile = user(true, "admin").get("/api/v1/customers/" + p.id() + "?reveal=true").json().get("profile");
        assertThat(profile.get("city").asString()).isEqualTo("Suzhou");
        assertThat(profile.get("name").asString()).isEqualTo("Qiao Xiaoyu");

        long bad = admin().postJson("/api/v1/privacy/requests", Map.of("customerId", p.id(), "type", "rectification",
                "regime", "pipl", "fields", Map.of("shoe_size", "38"))).json().get("id").asLong();
        admin().postJson("/api/v1/privacy/requests/" + bad + "/verify", Map.of("method", "x"));
        Http.Response refused = admin().postJson("/api/v1/privacy/requests/" + bad + "/complete", "");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("detail").asString()).contains("shoe_size");
    }

    @Test
    void should_stop_profiling_on_objection_and_all_processing_on_restriction() {
        Person objecting = person();
        long request = verified(objecting.id(), "objection");
        admin().postJson("/api/v1/privacy/requests/" + request + "/complete", "");
        assertThat(policy.may(objecting.id(), Purpose.PROFILING, null))
                .isEqualTo(ContactDecision.deny("profiling-objection"));
        assertThat(policy.may(objecting.id(), Purpose.MARKETING, ContactChannel.EMAIL).allowed())
                .as("objecting to profiling is not withdrawing marketing consent").isTrue();
        assertThat(((ConsentPolicy) policy).excludedFromProfiling()).contains(objecting.id());

        long restriction = verified(objecting.id(), "restriction");
        admin().postJson("/api/v1/privacy/requests/" + restriction + "/complete", "");
        assertThat(policy.may(objecting.id(), Purpose.MARKETING, ContactChannel.EMAIL))
                .isEqualTo(ContactDecision.deny("restricted"));
        assertThat(admin().get("/api/v1/customers/" + objecting.id() + "/consents").json().get("restricted")
                .asBoolean()).isTrue();
    }

    BigDecimal revenue() {
        return db.select(DSL.sum(DSL.field("net_amount", BigDecimal.class))).from(DSL.table("ingest_order_line"))
                .fetchOne(0, BigDecimal.class);
    }

    BigDecimal customerSpend(long id) {
        return db.select(DSL.field("total_spend", BigDecimal.class)).from(DSL.table("customer_summary"))
                .where(DSL.field("customer_id").eq(id)).fetchOne(0, BigDecimal.class);
    }

    /**
     * Every date column of every table that names a customer ({@code customer_id}, or {@code id} of the profile),
     * searched for this customer's rows holding the date.
     */
    List<String> dateColumnsOfTheCustomerHolding(long customerId, LocalDate date) {
        List<String> found = new ArrayList<>();
        var columns = db.fetch("select table_name, column_name, data_type from information_schema.columns "
                + "where table_schema = current_schema");
        Set<String> withCustomer = new java.util.HashSet<>();
        columns.forEach(c -> {
            if ("customer_id".equalsIgnoreCase(c.get(1, String.class))) {
                withCustomer.add(c.get(0, String.class).toLowerCase(Locale.ROOT));
            }
        });
        for (Record column : columns) {
            String table = column.get(0, String.class);
            String type = column.get(2, String.class).toLowerCase(Locale.ROOT);
            boolean profile = table.equalsIgnoreCase("customer_profile");
            if (!type.equals("date") || !(profile || withCustomer.contains(table.toLowerCase(Locale.ROOT)))) {
                continue;
            }
            var owner = DSL.field(DSL.name(profile ? "id" : "customer_id"), Long.class);
            if (db.fetchCount(DSL.table(DSL.name(table)), owner.eq(customerId)
                    .and(DSL.field(DSL.name(column.get(1, String.class)), LocalDate.class).eq(date))) > 0) {
                found.add(table + "." + column.get(1, String.class));
            }
        }
        return found;
    }

    /** Every text column of every table of this database, searched for each needle (case-insensitive). */
    List<String> tablesContaining(Set<String> needles) {
        List<String> found = new ArrayList<>();
        for (Record column : db.fetch("select table_name, column_name, data_type from information_schema.columns "
                + "where table_schema = current_schema")) {
            String type = column.get(2, String.class).toLowerCase(Locale.ROOT);
            if (!(type.contains("char") || type.contains("text") || type.contains("clob") || type.contains("json"))) {
                continue;
            }
            String table = column.get(0, String.class);
            String name = column.get(1, String.class);
            for (String needle : needles) {
                int hits = db.fetchCount(DSL.table(DSL.name(table)), DSL.lower(DSL.field(DSL.name(name), String.class))
                        .contains(needle.toLowerCase(Locale.ROOT)));
                if (hits > 0) {
                    found.add(table + "." + name + " holds " + needle);
                }
            }
        }
        return found;
    }
}

@OnH2
class DataSubjectRequestOnH2Test extends DataSubjectRequestTests {}

@OnPostgres
class DataSubjectRequestOnPostgresTest extends DataSubjectRequestTests {}

/**
 * The same duties with personal data encrypted at rest (names, birthdays, phones, emails, event properties, message
 * copies).
 */
@org.springframework.test.context.TestPropertySource(properties = {"rapport.test.context=encrypted-requests",
        "rapport.privacy.encryption.keys.k1=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "rapport.privacy.encryption.current-key=k1",
        "rapport.privacy.encryption.index-key=QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=",
        "rapport.privacy.encryption.rotation-delay=PT10000H"})
abstract class EncryptedDataSubjectRequestTests extends DataSubjectRequestTests {

    @Override
    boolean encrypted() {
        return true;
    }
}

@OnH2
class DataSubjectRequestEncryptedOnH2Test extends EncryptedDataSubjectRequestTests {}

@OnPostgres
class DataSubjectRequestEncryptedOnPostgresTest extends EncryptedDataSubjectRequestTests {}
