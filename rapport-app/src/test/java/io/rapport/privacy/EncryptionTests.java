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
 * Phones and emails encrypted at rest (AES-GCM) with a blind index: not readable in the database, still found by an
 * exact search and by identity resolution, shown when revealed; key rotation re-encrypts in the background.
 */
@TestPropertySource(properties = {"rapport.test.context=encryption",
        "rapport.privacy.encryption.keys.k1=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "rapport.privacy.encryption.keys.k2=ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=",
        "rapport.privacy.encryption.current-key=k2",
        "rapport.privacy.encryption.index-key=QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=",
        "rapport.privacy.encryption.rotation-delay=PT10000H"})
abstract class EncryptionTests extends ServerTest {

    static final String CUSTOMERS = "customer_id,member_no,name,gender,birthday,city,email,phone,registered_at,time_zone\n";

    @Autowired
    PersonalDataCipher cipher;
    @Autowired
    KeyRotation rotation;

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
}

@OnH2
class EncryptionOnH2Test extends EncryptionTests {}

@OnPostgres
class EncryptionOnPostgresTest extends EncryptionTests {}
