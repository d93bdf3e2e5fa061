package io.rapport.platform;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * HMAC-SHA256 signatures for links sent to customers (unsubscribe, survey). The key comes from a configured secret of
 * at least 32 characters, or is generated once and kept in a module's secret table ({@code name}, {@code
 * secret_value}, {@code created_at}) so that links already sent keep working after a restart. The stored key is made
 * in a transaction of its own — it must outlive a caller that rolls back — and whoever inserts first wins when two
 * servers or threads make it at the same moment.
 */
public final class LinkSigner {

    private final DSLContext db;
    private final Clock clock;
    private final TransactionTemplate ownTransaction;
    private final Table<?> secrets;
    private final Field<String> name;
    private final Field<String> value;
    private final Field<OffsetDateTime> created;
    private final String secretName;
    private final Supplier<String> configured;
    private final String property;
    private volatile byte[] key;

    /**
     * @param secretTable the module's secret table; {@code secretName} the key's row in it
     * @param configured  the configured secret (blank: use the stored one); {@code property} names it in errors
     */
    public LinkSigner(DSLContext db, Clock clock, PlatformTransactionManager transactions, String secretTable,
                      String secretName, Supplier<String> configured, String property) {
        this.db = db;
        this.clock = clock;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.secrets = table(secretTable);
        this.name = field(secretTable, "name", String.class);
        this.value = field(secretTable, "secret_value", String.class);
        this.created = field(secretTable, "created_at", OffsetDateTime.class);
        this.secretName = secretName;
        this.configured = configured;
        this.property = property;
    }

    /** The signature of a payload (its UTF-8 bytes). */
    public byte[] sign(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(), "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Read or made once; synchronized so this server's threads do not race to make it. */
    private synchronized byte[] key() {
        byte[] current = key;
        if (current == null) {
            String secret = configured.get();
            if (secret != null && !secret.isBlank()) {
                if (secret.length() < 32) {
                    throw new IllegalStateException(property + " must be at least 32 characters");
                }
                current = secret.getBytes(StandardCharsets.UTF_8);
            } else {
                current = Base64.getDecoder().decode(storedSecret());
            }
            key = current;
        }
        return current;
    }

    private String storedSecret() {
        return ownTransaction.execute(status -> {
            String existing = db.select(value).from(secrets).where(name.eq(secretName)).fetchOne(value);
            if (existing != null) {
                return existing;
            }
            byte[] fresh = new byte[32];
            new SecureRandom().nextBytes(fresh);
            try {
                db.insertInto(secrets).set(name, secretName).set(value, Base64.getEncoder().encodeToString(fresh))
                        .set(created, OffsetDateTime.now(clock)).onConflict(name).doNothing().execute();
            } catch (org.springframework.dao.DuplicateKeyException raced) {
                // another server made it first (H2 emulates ON CONFLICT with MERGE, which can still collide)
            }
            return db.select(value).from(secrets).where(name.eq(secretName)).fetchOne(value);
        });
    }
}
