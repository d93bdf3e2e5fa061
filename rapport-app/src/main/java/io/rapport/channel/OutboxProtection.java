package io.rapport.channel;

import static io.rapport.channel.ChannelTables.*;

import io.rapport.privacy.PersonalDataCipher;
import io.rapport.privacy.ProtectedValues;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How the outbox keeps its copies of messages: recipient, subject and body encrypted (AES-GCM, privacy's
 * {@link PersonalDataCipher}) when encryption is configured, as they are otherwise. The dispatcher decrypts right
 * before handing a message to its adapter; the console and API decrypt, then mask the recipient; the person's export
 * decrypts. The content hash the duplicate guard compares is a keyed blind index when encryption is on (a plain
 * SHA-256 of a known address and template text could be recomputed), so the guard never needs the plain recipient.
 */
@Component
class OutboxProtection implements ProtectedValues {

    private static final List<Field<String>> PROTECTED = List.of(O_RECIPIENT, O_SUBJECT, O_BODY);

    private final PersonalDataCipher cipher;
    private final DSLContext db;
    private final TransactionTemplate transaction;

    OutboxProtection(PersonalDataCipher cipher, DSLContext db, TransactionTemplate transaction) {
        this.cipher = cipher;
        this.db = db;
        this.transaction = transaction;
    }

    /** The stored form of a recipient, subject or body (null stays null). */
    String sealed(String plain) {
        return cipher.enabled() ? cipher.encrypt(plain) : plain;
    }

    /** The plain value of a stored recipient, subject or body (values stored before encryption pass through). */
    String opened(String stored) {
        return cipher.decrypt(stored);
    }

    /** The content hash new rows are stored with. */
    String contentHash(String content) {
        return cipher.enabled() ? cipher.blindIndex("OUTBOX_CONTENT", content) : sha256(content);
    }

    /** Every hash the same content may be stored under (rows written before encryption keep their SHA-256). */
    List<String> contentHashes(String content) {
        return cipher.enabled() ? List.of(contentHash(content), sha256(content)) : List.of(sha256(content));
    }

    private static String sha256(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String name() {
        return "outbox messages";
    }

    @Override
    public int protectBatch(int limit) {
        if (!cipher.enabled()) {
            return 0;
        }
        String current = cipher.currentKeyPattern();
        Condition stale = PROTECTED.stream().map(f -> f.isNotNull().and(f.notLike(current)))
                .reduce(Condition::or).orElseThrow();
        // the row lock also waits for a dispatcher sending this row (it holds the lock while it sends)
        Integer done = transaction.execute(status -> {
            var rows = db.select(O_ID, O_RECIPIENT, O_SUBJECT, O_BODY).from(OUTBOX).where(stale)
                    .orderBy(O_ID).limit(limit).forUpdate().fetch();
            for (Record r : rows) {
                var update = db.update(OUTBOX).set(O_RECIPIENT, reSealed(r.get(O_RECIPIENT)));
                update.set(O_SUBJECT, reSealed(r.get(O_SUBJECT))).set(O_BODY, reSealed(r.get(O_BODY)))
                        .where(O_ID.eq(r.get(O_ID))).execute();
            }
            return rows.size();
        });
        return done == null ? 0 : done;
    }

    private String reSealed(String stored) {
        return stored == null || cipher.isCurrent(stored) ? stored : cipher.encrypt(cipher.decrypt(stored));
    }
}
