package io.rapport.customer;

import static io.rapport.customer.CustomerTables.*;

import io.rapport.privacy.PersonalDataCipher;
import io.rapport.privacy.ProtectedValues;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How identifiers are stored: phone numbers and email addresses encrypted (AES-GCM, privacy's
 * {@link PersonalDataCipher}) with a blind index in {@code id_value} when encryption is configured, as they are
 * otherwise. Exact-match lookups compute the index; prefix search of phones and emails is not possible on encrypted
 * values. While values written before encryption are being encrypted in the background, lookups try both forms.
 */
@Component
class IdentityProtection implements ProtectedValues {

    private final PersonalDataCipher cipher;
    private final DSLContext db;
    private final TransactionTemplate transaction;

    IdentityProtection(PersonalDataCipher cipher, DSLContext db, TransactionTemplate transaction) {
        this.cipher = cipher;
        this.db = db;
        this.transaction = transaction;
    }

    boolean protects(IdentityKind kind) {
        return cipher.enabled() && kind.personal();
    }

    /** The {@code id_value} a key is stored and looked up under. */
    String stored(IdentityKey key) {
        return protects(key.kind()) ? cipher.blindIndex(key.kind().name(), key.value()) : key.value();
    }

    /** Every {@code id_value} a key may be found under (during the background encryption: index and plain value). */
    List<String> lookups(IdentityKey key) {
        return protects(key.kind()) ? List.of(stored(key), key.value()) : List.of(key.value());
    }

    String cipherText(IdentityKey key) {
        return protects(key.kind()) ? cipher.encrypt(key.value()) : null;
    }

    /** The plain value of a stored identifier. */
    String shown(String idValue, String cipherText) {
        return cipherText == null ? idValue : cipher.decrypt(cipherText);
    }

    boolean prefixSearchable(IdentityKind kind) {
        return !protects(kind);
    }

    @Override
    public String name() {
        return "customer identities";
    }

    @Override
    public int protectBatch(int limit) {
        if (!cipher.enabled()) {
            return 0;
        }
        String current = cipher.currentKeyPattern();
        Integer done = transaction.execute(status -> {
            var rows = db.select(I_ID, I_KIND, I_VALUE, I_CIPHER).from(IDENTITY)
                    .where(I_KIND.in(IdentityKind.PHONE.name(), IdentityKind.EMAIL.name()))
                    .and(I_CIPHER.isNull().or(I_CIPHER.notLike(current)))
                    .orderBy(I_ID).limit(limit).forUpdate().fetch();
            for (Record r : rows) {
                String plain = shown(r.get(I_VALUE), r.get(I_CIPHER));
                db.update(IDENTITY).set(I_VALUE, cipher.blindIndex(r.get(I_KIND), plain))
                        .set(I_CIPHER, cipher.encrypt(plain)).where(I_ID.eq(r.get(I_ID))).execute();
            }
            return rows.size();
        });
        return done == null ? 0 : done;
    }
}
