package io.rapport.ingest;

import static io.rapport.ingest.IngestTables.*;

import io.rapport.privacy.PersonalDataCipher;
import io.rapport.privacy.PersonalEventProperties;
import io.rapport.privacy.ProtectedValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Brings the personal values inside stored events' properties under the current key (and encrypts those stored before
 * encryption was turned on). Candidates are events whose properties text mentions a personal key; each is checked in
 * Java ({@link PersonalEventProperties#protect}) and rewritten only if that changes it. A scan position kept in memory
 * walks the table once per pass, so a candidate that needs nothing (a key inside a text value) costs one read per
 * pass, never an endless loop.
 */
@Component
class EventPropertyProtection implements ProtectedValues {

    private final PersonalDataCipher cipher;
    private final PersonalEventProperties personal;
    private final DSLContext db;
    private final TransactionTemplate transaction;
    private long after;

    EventPropertyProtection(PersonalDataCipher cipher, PersonalEventProperties personal, DSLContext db,
                            TransactionTemplate transaction) {
        this.cipher = cipher;
        this.personal = personal;
        this.db = db;
        this.transaction = transaction;
    }

    @Override
    public String name() {
        return "personal values in event properties";
    }

    @Override
    public synchronized int protectBatch(int limit) {
        if (!cipher.enabled()) {
            return 0;
        }
        Field<String> text = DSL.lower(E_PROPERTIES);
        List<Condition> mentions = new ArrayList<>();
        for (String key : personal.keys()) {
            mentions.add(text.contains("\"" + key.toLowerCase(Locale.ROOT) + "\":"));
        }
        Condition candidate = E_PROPERTIES.isNotNull().and(DSL.or(mentions));
        while (true) {
            long from = after;
            Integer changed = transaction.execute(status -> {
                var rows = db.select(E_ID, E_PROPERTIES).from(EVENT).where(candidate).and(E_ID.gt(from))
                        .orderBy(E_ID).limit(limit).forUpdate().fetch();
                int rewritten = 0;
                for (Record r : rows) {
                    String stored = r.get(E_PROPERTIES);
                    String protectedText = personal.protect(stored);
                    if (!protectedText.equals(stored)) {
                        db.update(EVENT).set(E_PROPERTIES, protectedText).where(E_ID.eq(r.get(E_ID))).execute();
                        rewritten++;
                    }
                }
                after = rows.size() < limit ? 0 : rows.getLast().get(E_ID);
                return rewritten;
            });
            int done = changed == null ? 0 : changed;
            if (done > 0 || after == 0) {
                return done;
            }
        }
    }
}
