package io.rapport.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Measurements for docs/benchmarks.md, run by hand ({@code -Drapport.bench=true}, {@code -Dbench.customers=N}): the
 * cost of encrypting personal data — a customer import (name, birthday, phone, email) with encryption off and on, the
 * 360 profile read, and with encryption on the key rotation rate over the profiles. Prints numbers; asserts only that
 * the work was done.
 */
@EnabledIfSystemProperty(named = "rapport.bench", matches = "true")
abstract class EncryptionBenchmarks extends ServerTest {

    static final int CUSTOMERS = Integer.getInteger("bench.customers", 20_000);

    @Autowired
    PersonalDataCipher cipher;
    @Autowired
    KeyRotation rotation;
    @Autowired
    io.rapport.customer.CustomerProfiles profiles;

    @Test
    void measure_import_read_and_rotation() {
        String mode = cipher.enabled() ? "on" : "off";
        StringBuilder csv = new StringBuilder("customer_id,name,birthday,city,email,phone,time_zone\n");
        for (int i = 0; i < CUSTOMERS; i++) {
            csv.append("e").append(i).append(",Bench Person ").append(i).append(',')
                    .append(LocalDate.of(1960 + i % 40, 1 + i % 12, 1 + i % 28)).append(",Hangzhou,e").append(i)
                    .append('-').append(source).append("@example.com,+86137").append(String.format("%08d", i))
                    .append(",Asia/Shanghai\n");
        }
        long t = System.nanoTime();
        assertThat(importFile("customers", "native", "c.csv", csv.toString().getBytes(StandardCharsets.UTF_8))
                .status()).isLessThan(300);
        double importSeconds = (System.nanoTime() - t) / 1e9;
        System.out.printf("BENCH encryption %s: import of %d customers in %.1f s = %.0f customers/s%n", mode,
                CUSTOMERS, importSeconds, CUSTOMERS / importSeconds);

        var ids = db.select(DSL.field("id", Long.class)).from("customer_profile").orderBy(DSL.field("id"))
                .limit(2000).fetch(0, Long.class);
        // in-process, so the measurement is the read (decrypt, mask, audit) and not HTTP basic auth's bcrypt
        io.rapport.platform.Actor actor = new io.rapport.platform.Actor("bench", true);
        t = System.nanoTime();
        for (long id : ids) {
            assertThat(profiles.view(id, actor, true).profile().name()).startsWith("Bench");
        }
        double readSeconds = (System.nanoTime() - t) / 1e9;
        System.out.printf("BENCH encryption %s: %d revealed 360 reads (service call, audited) in %.1f s = %.2f ms "
                + "each%n", mode, ids.size(),
                readSeconds, readSeconds * 1000 / ids.size());

        if (cipher.enabled()) {
            // as if written before encryption was turned on: plain name and birthday, plain month-day
            db.execute("update customer_profile set name = 'Bench ' || id, birthday = date '1980-06-15', "
                    + "name_cipher = null, name_index = null, birthday_cipher = null, birth_month_day = '06-15'");
            t = System.nanoTime();
            long done = rotation.runOnce(Integer.MAX_VALUE);
            double rotationSeconds = (System.nanoTime() - t) / 1e9;
            System.out.printf("BENCH encryption on: rotation encrypted %d values (%d profiles) in %.1f s = %.0f "
                    + "values/s%n", done, CUSTOMERS, rotationSeconds, done / rotationSeconds);
            assertThat(done).isGreaterThanOrEqualTo(CUSTOMERS);
        }
    }
}

@OnPostgres
@TestPropertySource(properties = "rapport.test.context=encryption-bench-off")
class EncryptionBenchmarksOffOnPostgresTest extends EncryptionBenchmarks {}

@OnPostgres
@TestPropertySource(properties = {"rapport.test.context=encryption-bench-on",
        "rapport.privacy.encryption.keys.k1=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "rapport.privacy.encryption.current-key=k1",
        "rapport.privacy.encryption.index-key=QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8=",
        "rapport.privacy.encryption.rotation-delay=PT10000H"})
class EncryptionBenchmarksOnOnPostgresTest extends EncryptionBenchmarks {}
