package io.rapport.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Phones, emails, names, birthdays and personal event properties encrypted at rest (AES-GCM) with blind indexes:
 * not readable in the database, still found by an exact search, identity resolution, birthday and age segment
 * conditions and the birthday trigger, shown when revealed; key rotation re-encrypts in the background.
 */
@TestPropertySource(properties = {"rapport.test.context=encryption",
        "rapport.privacy.encryption.keys.k1=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "rapport.privacy.encryption.keys.k2=ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=",
        "rapport.privacy.encryption.current-key=k2",
        "rapport.privacy.encryption.index-key=QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=",
        "rapport.privacy.encryption.rotation-delay=PT10000H"})
abstract class EncryptionTests extends ServerTest {

    static final int SMTP_PORT = io.rapport.channel.ChannelTestSupport.freePort();
    static com.icegreen.greenmail.util.GreenMail smtp;

    @org.springframework.test.context.DynamicPropertySource
    static void mailProperties(org.springframework.test.context.DynamicPropertyRegistry registry) {
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> SMTP_PORT);
        registry.add("rapport.channel.dispatch.enabled", () -> "false");
    }

    @org.junit.jupiter.api.BeforeAll
    static void startSmtp() {
        smtp = io.rapport.channel.ChannelTestSupport.smtp(SMTP_PORT);
    }

    @org.junit.jupiter.api.AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    static final String CUSTOMERS = "customer_id,member_no,name,gender,birthday,city,email,phone,registered_at,time_zone\n";

    @Autowired
    PersonalDataCipher cipher;
    @Autowired
    KeyRotation rotation;
    @Autowired
    io.rapport.channel.Outbox outbox;

    String email() {
        return "secret." + source + "@example.com";
    }

    String phone() {
        return String.format(Locale.ROOT, "+86137%08d", Math.floorMod(source.hashCode(), 100_000_000L));
    }

    long imported() {
        importFile("customers", "native", "c.csv", (CUSTOMERS + "S-" + source + ",,Gu Yan,F,,," + email() + ","
                + phone() + ",,\n").getBytes(StandardCharsets.UTF_8));
        JsonNode hits = admin().get("/api/v1/customers?q=" + email()).json().get("hits");
        assertThat(hits.size()).as("found by exact email through the blind index").isEqualTo(1);
        return hits.get(0).get("id").asLong();
    }

    List<String> identityValues(long customer) {
        return db.select(DSL.field("id_value", String.class)).from(DSL.table("customer_identity"))
                .where(DSL.field("customer_id").eq(customer)).fetch(0, String.class);
    }

    @Test
    void should_keep_phones_and_emails_unreadable_in_the_database_yet_find_and_reveal_them() {
        long id = imported();
        String digits = phone().substring(3);
        for (Record r : db.fetch("select table_name, column_name, data_type from information_schema.columns "
                + "where table_schema = current_schema")) {
            String type = r.get(2, String.class).toLowerCase(Locale.ROOT);
            if (type.contains("char") || type.contains("text") || type.contains("clob")) {
                var table = DSL.table(DSL.name(r.get(0, String.class)));
                var column = DSL.lower(DSL.field(DSL.name(r.get(1, String.class)), String.class));
                assertThat(db.fetchCount(table, column.contains(email()).or(column.contains(digits))))
                        .as(r.get(0) + "." + r.get(1)).isZero();
            }
        }
        List<? extends Record> rows = db.select(DSL.field("id_value"), DSL.field("value_cipher"))
                .from(DSL.table("customer_identity")).where(DSL.field("customer_id").eq(id))
                .and(DSL.field("kind").in("EMAIL", "PHONE")).fetch();
        assertThat(rows).hasSize(2).allSatisfy(r -> {
            assertThat(r.get(0, String.class)).startsWith("bi:");
            assertThat(r.get(1, String.class)).startsWith("enc:k2:");
        });

        assertThat(admin().get("/api/v1/customers?q=" + URLEncoder.encode(phone(), StandardCharsets.UTF_8)).json()
                .get("hits").get(0).get("id").asLong()).isEqualTo(id);
        JsonNode masked = admin().get("/api/v1/customers/" + id).json();
        assertThat(masked.toString()).contains("s***@example.com").doesNotContain("bi:").doesNotContain("enc:");
        JsonNode revealed = user(true, "service_agent").get("/api/v1/customers/" + id + "?reveal=true").json();
        assertThat(revealed.toString()).contains(email()).contains(phone());

        // another source sending the same email is the same person
        importFile("customers", "native", "c2.csv", (CUSTOMERS + "T-" + source + ",,,,,,"
                + email().toUpperCase(Locale.ROOT) + ",,,\n").getBytes(StandardCharsets.UTF_8));
        assertThat(admin().get("/api/v1/customers?q=" + email()).json().get("hits").size()).isEqualTo(1);
        assertThat(identityValues(id)).hasSize(4);
    }

    @Test
    void should_reencrypt_old_key_values_and_encrypt_plain_values_in_the_background() {
        long id = imported();
        String oldKeyEmail = "old." + source + "@example.com";
        String plainPhone = String.format(Locale.ROOT, "+86136%08d", Math.floorMod(source.hashCode(), 100_000_000L));
        db.insertInto(DSL.table("customer_identity"))
                .set(DSL.field("customer_id"), id).set(DSL.field("kind"), "EMAIL").set(DSL.field("namespace"), "")
                .set(DSL.field("id_value"), cipher.blindIndex("EMAIL", oldKeyEmail))
                .set(DSL.field("value_cipher"), cipher.encryptWith("k1", oldKeyEmail))
                .set(DSL.field("created_at"), OffsetDateTime.now()).execute();
        db.insertInto(DSL.table("customer_identity"))
                .set(DSL.field("customer_id"), id).set(DSL.field("kind"), "PHONE").set(DSL.field("namespace"), "")
                .set(DSL.field("id_value"), plainPhone).set(DSL.field("created_at"), OffsetDateTime.now()).execute();
        assertThat(admin().get("/api/v1/customers?q=" + URLEncoder.encode(plainPhone, StandardCharsets.UTF_8))
                .json().get("hits").size()).as("plain values are found while waiting for encryption").isEqualTo(1);

        assertThat(rotation.runOnce(Integer.MAX_VALUE)).isGreaterThanOrEqualTo(2);

        assertThat(identityValues(id)).doesNotContain(plainPhone).allMatch(v -> !v.contains("@"));
        assertThat(db.fetchCount(DSL.table("customer_identity"), DSL.field("customer_id").eq(id)
                .and(DSL.field("value_cipher", String.class).like("enc:k1:%")))).isZero();
        assertThat(admin().get("/api/v1/customers?q=" + oldKeyEmail).json().get("hits").get(0).get("id").asLong())
                .isEqualTo(id);
        assertThat(admin().get("/api/v1/customers?q=" + URLEncoder.encode(plainPhone, StandardCharsets.UTF_8))
                .json().get("hits").get(0).get("id").asLong()).isEqualTo(id);
        assertThat(user(true, "admin").get("/api/v1/customers/" + id + "?reveal=true").json().toString())
                .contains(oldKeyEmail).contains(plainPhone);
        assertThat(rotation.runOnce(Integer.MAX_VALUE)).as("nothing left to rotate").isZero();
    }

    static final java.time.ZoneId BRAND = java.time.ZoneId.of("Asia/Shanghai");

    @Autowired
    io.rapport.customer.CustomerContacts contacts;

    String name() {
        return "Ning Qiuyue " + source.substring(1, 7).toUpperCase(Locale.ROOT);
    }

    /** Three days from now, thirty years ago: inside "birthday in the next 7 days". */
    java.time.LocalDate birthday() {
        return java.time.LocalDate.now(BRAND).plusDays(3).minusYears(30);
    }

    /** A customer of this test with a name, a birthday and the test's source as city (to scope segment counts). */
    long withNameAndBirthday() {
        importFile("customers", "native", "c.csv", (CUSTOMERS + "B-" + source + ",," + name() + ",F," + birthday()
                + "," + source + "," + email() + ",,,Asia/Shanghai\n").getBytes(StandardCharsets.UTF_8));
        JsonNode hits = admin().get("/api/v1/customers?q=" + email()).json().get("hits");
        assertThat(hits.size()).isEqualTo(1);
        return hits.get(0).get("id").asLong();
    }

    Record profileRow(long id) {
        return db.select(DSL.field("name"), DSL.field("birthday"), DSL.field("name_cipher"), DSL.field("name_index"),
                        DSL.field("birthday_cipher"), DSL.field("birth_year"), DSL.field("birth_month_day"))
                .from(DSL.table("customer_profile")).where(DSL.field("id").eq(id)).fetchOne();
    }

    /** Every text column of every table holding one of these (case-insensitive). */
    List<String> textColumnsHolding(String... needles) {
        List<String> found = new java.util.ArrayList<>();
        for (Record r : db.fetch("select table_name, column_name, data_type from information_schema.columns "
                + "where table_schema = current_schema")) {
            String type = r.get(2, String.class).toLowerCase(Locale.ROOT);
            if (type.contains("char") || type.contains("text") || type.contains("clob") || type.contains("json")) {
                var column = DSL.lower(DSL.field(DSL.name(r.get(1, String.class)), String.class));
                for (String needle : needles) {
                    if (db.fetchCount(DSL.table(DSL.name(r.get(0, String.class))),
                            column.contains(needle.toLowerCase(Locale.ROOT))) > 0) {
                        found.add(r.get(0) + "." + r.get(1) + " holds " + needle);
                    }
                }
            }
        }
        return found;
    }

    long segmentCount(String condition) {
        var response = admin().postJson("/api/v1/segments/preview", "{\"all\":[{\"field\":\"profile.city\","
                + "\"op\":\"eq\",\"value\":\"" + source + "\"}," + condition + "]}");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("count").asLong();
    }

    @Test
    void should_keep_names_and_birthdays_unreadable_in_the_database_yet_search_segment_trigger_and_reveal_them() {
        long id = withNameAndBirthday();
        Record row = profileRow(id);
        assertThat(row.get(0)).as("plain name").isNull();
        assertThat(row.get(1)).as("plain birthday").isNull();
        assertThat(row.get(2, String.class)).startsWith("enc:k2:");
        assertThat(row.get(3, String.class)).startsWith("bi:");
        assertThat(row.get(4, String.class)).startsWith("enc:k2:");
        assertThat(row.get(5, Integer.class)).as("generalised: the year alone").isEqualTo(birthday().getYear());
        assertThat(row.get(6, String.class)).as("month-day only as a blind index").startsWith("bi:");
        assertThat(textColumnsHolding(name(), birthday().toString())).isEmpty();

        // exact name search through the blind index, whatever the case and spacing
        JsonNode hits = admin().get("/api/v1/customers?q=" + URLEncoder.encode("  " + name().toLowerCase(Locale.ROOT)
                .replace(" ", "  ") + " ", StandardCharsets.UTF_8)).json().get("hits");
        assertThat(hits.size()).isEqualTo(1);
        assertThat(hits.get(0).get("name").asString()).isEqualTo("N***");
        JsonNode masked = admin().get("/api/v1/customers/" + id).json().get("profile");
        assertThat(masked.get("name").asString()).isEqualTo("N***");
        assertThat(masked.get("birthday").asString()).isEqualTo("****-" + birthday().toString().substring(5));
        JsonNode revealed = user(true, "service_agent").get("/api/v1/customers/" + id + "?reveal=true").json()
                .get("profile");
        assertThat(revealed.get("name").asString()).isEqualTo(name());
        assertThat(revealed.get("birthday").asString()).isEqualTo(birthday().toString());

        assertThat(segmentCount("{\"field\":\"profile.birthday\",\"op\":\"in_next_days\",\"value\":7}"))
                .isEqualTo(1);
        assertThat(segmentCount("{\"field\":\"profile.birthday\",\"op\":\"in_next_days\",\"value\":1}"))
                .isZero();
        assertThat(segmentCount("{\"field\":\"profile.birthday\",\"op\":\"month_is\",\"value\":"
                + birthday().getMonthValue() + "}")).isEqualTo(1);
        assertThat(segmentCount("{\"field\":\"profile.birthday\",\"op\":\"is_set\"}")).isEqualTo(1);
        // with the date encrypted, age is the age reached in this calendar year (by birth year alone)
        int ageThisYear = java.time.LocalDate.now(BRAND).getYear() - birthday().getYear();
        assertThat(segmentCount("{\"field\":\"profile.age\",\"op\":\"ge\",\"value\":" + ageThisYear + "}"))
                .isEqualTo(1);
        assertThat(segmentCount("{\"field\":\"profile.age\",\"op\":\"gt\",\"value\":" + ageThisYear + "}"))
                .isZero();
        // the journey date trigger asks who is born on a day
        assertThat(bornOn(birthday())).contains(id);
        assertThat(bornOn(birthday().plusDays(1))).doesNotContain(id);
        assertThat(contacts.find(id).orElseThrow().name()).contains(name());
        assertThat(contacts.find(id).orElseThrow().email()).as("decrypted for sending").contains(email());

        // a re-import with the same values changes nothing; rectification keeps the new values encrypted
        importFile("customers", "native", "c.csv", (CUSTOMERS + "B-" + source + ",," + name() + ",F," + birthday()
                + "," + source + ",,,,\n").getBytes(StandardCharsets.UTF_8));
        assertThat(profileRow(id).get(2, String.class)).isEqualTo(row.get(2, String.class));
        long rectification = admin().postJson("/api/v1/privacy/requests", java.util.Map.of("customerId", id,
                "type", "rectification", "regime", "pipl", "fields", java.util.Map.of("name", "Ning Qiu",
                        "birthday", birthday().minusDays(2).toString()))).json().get("id").asLong();
        admin().postJson("/api/v1/privacy/requests/" + rectification + "/verify", java.util.Map.of("method", "id"));
        assertThat(admin().postJson("/api/v1/privacy/requests/" + rectification + "/complete", "").json()
                .get("status").asString()).isEqualTo("COMPLETED");
        Record rectified = profileRow(id);
        assertThat(rectified.get(0)).isNull();
        assertThat(rectified.get(1)).isNull();
        JsonNode now = user(true, "admin").get("/api/v1/customers/" + id + "?reveal=true").json().get("profile");
        assertThat(now.get("name").asString()).isEqualTo("Ning Qiu");
        assertThat(now.get("birthday").asString()).isEqualTo(birthday().minusDays(2).toString());
        assertThat(bornOn(birthday().minusDays(2))).contains(id);
    }

    @Test
    void should_move_names_and_birthdays_to_the_new_key_and_encrypt_plain_ones_in_the_background() {
        long id = withNameAndBirthday();
        String md = birthday().toString().substring(5);
        // as written under the old key (name) and before encryption was on (birthday)
        db.update(DSL.table("customer_profile"))
                .set(DSL.field("name_cipher"), cipher.encryptWith("k1", name()))
                .set(DSL.field("birthday"), birthday()).set(DSL.field("birthday_cipher"), (String) null)
                .set(DSL.field("birth_month_day"), md).where(DSL.field("id").eq(id)).execute();
        assertThat(admin().get("/api/v1/customers?q=" + URLEncoder.encode(name(), StandardCharsets.UTF_8)).json()
                .get("hits").size()).isEqualTo(1);
        assertThat(bornOn(birthday())).as("plain month-day still found")
                .contains(id);

        assertThat(rotation.runOnce(Integer.MAX_VALUE)).isGreaterThanOrEqualTo(1);

        Record row = profileRow(id);
        assertThat(row.get(1)).isNull();
        assertThat(row.get(2, String.class)).startsWith("enc:k2:");
        assertThat(row.get(4, String.class)).startsWith("enc:k2:");
        assertThat(row.get(6, String.class)).startsWith("bi:");
        assertThat(textColumnsHolding(name(), birthday().toString())).isEmpty();
        assertThat(bornOn(birthday())).contains(id);
        assertThat(user(true, "admin").get("/api/v1/customers/" + id + "?reveal=true").json().get("profile")
                .get("name").asString()).isEqualTo(name());
        assertThat(rotation.runOnce(Integer.MAX_VALUE)).as("nothing left to rotate").isZero();
    }

    @Test
    void should_encrypt_personal_event_properties_mask_them_in_the_timeline_and_reveal_them_in_the_export() {
        long id = imported();
        String contactPhone = "+8613911" + String.format(Locale.ROOT, "%06d", Math.floorMod(source.hashCode(), 1_000_000));
        var sent = admin().postJson("/api/v1/events", java.util.Map.of("external_id", "pe-" + source,
                "type", "service_contact", "occurred_at", "2025-06-01T10:00:00Z", "email", email(),
                "properties", java.util.Map.of("sku", "SKU-" + source, "Email", email(),
                        "contact", java.util.Map.of("phone", contactPhone))));
        assertThat(sent.status()).as(sent.body()).isLessThan(300);
        String stored = db.select(DSL.field("properties", String.class)).from(DSL.table("ingest_event"))
                .where(DSL.field("external_id").eq("pe-" + source)).fetchOne(0, String.class);
        assertThat(stored).contains("SKU-" + source).contains("enc:k2:").doesNotContain(email())
                .doesNotContain(contactPhone.substring(3));

        String timeline = admin().get("/api/v1/customers/" + id + "/timeline").json().toString();
        assertThat(timeline).contains("SKU-" + source).contains("s***@example.com").doesNotContain("enc:")
                .doesNotContain(contactPhone);

        long request = admin().postJson("/api/v1/privacy/requests", java.util.Map.of("customerId", id,
                "type", "access", "regime", "gdpr")).json().get("id").asLong();
        admin().postJson("/api/v1/privacy/requests/" + request + "/verify", java.util.Map.of("method", "id"));
        String export = user(true, "admin").get("/api/v1/privacy/requests/" + request + "/export").body();
        assertThat(export).contains(contactPhone).contains("SKU-" + source).doesNotContain("enc:");

        // an old-key value and a value stored before encryption are protected by the rotation
        db.update(DSL.table("ingest_event")).set(DSL.field("properties"), "{\"sku\":\"SKU-" + source
                + "\",\"email\":\"" + cipher.encryptWith("k1", email()) + "\",\"phone\":\"" + contactPhone + "\"}")
                .where(DSL.field("external_id").eq("pe-" + source)).execute();
        assertThat(rotation.runOnce(Integer.MAX_VALUE)).isGreaterThanOrEqualTo(1);
        String rotated = db.select(DSL.field("properties", String.class)).from(DSL.table("ingest_event"))
                .where(DSL.field("external_id").eq("pe-" + source)).fetchOne(0, String.class);
        assertThat(rotated).doesNotContain("enc:k1:").doesNotContain(contactPhone).contains("enc:k2:");
        assertThat(rotation.runOnce(Integer.MAX_VALUE)).as("nothing left to rotate").isZero();
    }

    @Test
    void should_keep_outbox_recipients_subjects_and_bodies_unreadable_in_the_database_yet_send_show_export_and_rotate_them()
            throws Exception {
        long id = imported();
        var template = admin().putJson("/api/v1/channel/templates/" + source + "-receipt", java.util.Map.of(
                "channel", "email", "purpose", "service", "variables", List.of("order"), "defaultLanguage", "en",
                "texts", java.util.Map.of("en", java.util.Map.of("subject", "Receipt for {{customer.name}}",
                        "body", "Dear {{customer.name}}, order {{order}} is paid."))));
        assertThat(template.status()).as(template.body()).isEqualTo(200);
        var outcome = outbox.enqueue(new io.rapport.channel.SendRequest(source + "-r1", id, source + "-receipt",
                java.util.Map.of("order", "O-" + source), "test"));
        assertThat(outcome.status()).isEqualTo("PENDING");
        String order = "O-" + source;

        Record stored = db.select(DSL.field("recipient", String.class), DSL.field("subject", String.class),
                        DSL.field("body", String.class), DSL.field("content_hash", String.class))
                .from(DSL.table("channel_outbox")).where(DSL.field("id").eq(outcome.outboxId())).fetchOne();
        for (int i = 0; i < 3; i++) {
            assertThat(stored.get(i, String.class)).as("column " + i).startsWith("enc:k2:")
                    .doesNotContain(email()).doesNotContain("Gu Yan").doesNotContain(order);
        }
        assertThat(stored.get(3, String.class)).as("keyed content hash").startsWith("bi:");

        // the same content again is still caught by the duplicate guard (blind index, not the plain recipient)
        var again = outbox.enqueue(new io.rapport.channel.SendRequest(source + "-r2", id, source + "-receipt",
                java.util.Map.of("order", order), "test"));
        assertThat(again.status()).isEqualTo("SUPPRESSED");
        assertThat(again.reason()).contains("duplicate");

        // the console API decrypts, then masks the recipient as before
        JsonNode shown = admin().get("/api/v1/channel/outbox/" + outcome.outboxId()).json();
        assertThat(shown.toString()).doesNotContain("enc:").doesNotContain(email());
        assertThat(shown.get("recipient").asString()).isEqualTo("s***@example.com");
        assertThat(shown.get("subject").asString()).isEqualTo("Receipt for Gu Yan");

        // the dispatcher decrypts right before sending: the right address and text arrive
        assertThat(outbox.dispatchDue()).isGreaterThanOrEqualTo(1);
        var mail = java.util.Arrays.stream(smtp.getReceivedMessages()).filter(m -> {
            try {
                return java.util.Arrays.stream(m.getAllRecipients()).anyMatch(a -> a.toString().equals(email()));
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(mail).hasSize(1);
        assertThat(mail.getFirst().getSubject()).isEqualTo("Receipt for Gu Yan");
        assertThat((String) mail.getFirst().getContent()).contains("Dear Gu Yan, order " + order + " is paid.");

        // the person's export holds them decrypted
        long request = admin().postJson("/api/v1/privacy/requests", java.util.Map.of("customerId", id,
                "type", "access", "regime", "gdpr")).json().get("id").asLong();
        admin().postJson("/api/v1/privacy/requests/" + request + "/verify", java.util.Map.of("method", "id"));
        String export = user(true, "admin").get("/api/v1/privacy/requests/" + request + "/export").body();
        assertThat(export).contains(email()).contains("Receipt for Gu Yan").contains(order).doesNotContain("enc:");

        // an old-key row and a row written before encryption was turned on are moved to the current key
        db.update(DSL.table("channel_outbox")).set(DSL.field("recipient"), cipher.encryptWith("k1", email()))
                .set(DSL.field("subject"), "Receipt for Gu Yan").set(DSL.field("body"), (String) null)
                .where(DSL.field("id").eq(outcome.outboxId())).execute();
        assertThat(rotation.runOnce(Integer.MAX_VALUE)).isGreaterThanOrEqualTo(1);
        Record rotated = db.select(DSL.field("recipient", String.class), DSL.field("subject", String.class),
                        DSL.field("body", String.class))
                .from(DSL.table("channel_outbox")).where(DSL.field("id").eq(outcome.outboxId())).fetchOne();
        assertThat(rotated.get(0, String.class)).startsWith("enc:k2:");
        assertThat(cipher.decrypt(rotated.get(0, String.class))).isEqualTo(email());
        assertThat(rotated.get(1, String.class)).startsWith("enc:k2:");
        assertThat(cipher.decrypt(rotated.get(1, String.class))).isEqualTo("Receipt for Gu Yan");
        assertThat(rotated.get(2, String.class)).isNull();
        assertThat(rotation.runOnce(Integer.MAX_VALUE)).as("nothing left to rotate").isZero();
    }

    @Test
    void should_refuse_a_changed_ciphertext() {
        String sealed = cipher.encrypt("x@example.com");
        int at = sealed.length() - 6;
        String tampered = sealed.substring(0, at) + (sealed.charAt(at) == 'A' ? 'B' : 'A') + sealed.substring(at + 1);
        assertThat(cipher.decrypt(sealed)).isEqualTo("x@example.com");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cipher.decrypt(tampered))
                .isInstanceOf(IllegalStateException.class);
        assertThat(cipher.encrypt("x@example.com")).as("a fresh IV each time").isNotEqualTo(sealed);
        assertThat(cipher.blindIndex("EMAIL", "x@example.com")).isEqualTo(cipher.blindIndex("EMAIL", "x@example.com"));
    }

    /** The customers the journey date trigger finds born on this day of the year (with that day reported back). */
    private List<Long> bornOn(java.time.LocalDate day) {
        java.time.MonthDay asked = java.time.MonthDay.from(day);
        return contacts.bornOn(List.of(asked)).stream().filter(b -> b.bornOn().equals(asked))
                .map(io.rapport.customer.CustomerContacts.Birthday::customerId).toList();
    }
}

@OnH2
class EncryptionOnH2Test extends EncryptionTests {}

@OnPostgres
class EncryptionOnPostgresTest extends EncryptionTests {}
