package io.rapport.channel;

import static io.rapport.channel.ChannelTables.*;

import io.rapport.privacy.PersonalDataHolder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

/**
 * The channel capability's part of data-subject exports and erasures: the messages queued for and sent to the
 * customer (the address used, subject and rendered body, which hold their name and contact data) and what gateways
 * reported back. Erasure blanks every personal value of those rows — recipient, subject, body, error texts, event
 * details — and suppresses messages still waiting, retrying or claimed by a dispatcher, so nothing goes out to an
 * erased person; the rows themselves stay (status, channel, purpose, times) so that frequency caps, delivery
 * statistics and journey uplift keep their counts. A send in progress holds its row's lock ({@link OutboxDispatcher}),
 * so the erasure waits for it and then blanks what was sent; any later dispatch finds the row suppressed. The export
 * decrypts recipient, subject and body, stored encrypted when encryption is on ({@link OutboxProtection}).
 */
@Component
class ChannelPersonalData implements PersonalDataHolder {

    static final String ERASED = "erased";

    private final DSLContext db;
    private final OutboxProtection protection;

    ChannelPersonalData(DSLContext db, OutboxProtection protection) {
        this.db = db;
        this.protection = protection;
    }

    @Override
    public String category() {
        return "messages";
    }

    @Override
    public Export export(long customerId) {
        var messages = db.select(O_ID, O_CHANNEL, O_PURPOSE, O_TEMPLATE, O_LANGUAGE, O_RECIPIENT, O_SUBJECT, O_BODY,
                        O_STATUS, O_SUPPRESSION, O_PLANNED, O_SENT)
                .from(OUTBOX).where(O_CUSTOMER.eq(customerId)).orderBy(O_ID).fetch();
        // the person gets their messages in plain text (stored encrypted when encryption is on)
        for (var r : messages) {
            r.set(O_RECIPIENT, protection.opened(r.get(O_RECIPIENT)));
            r.set(O_SUBJECT, protection.opened(r.get(O_SUBJECT)));
            r.set(O_BODY, protection.opened(r.get(O_BODY)));
        }
        var events = db.select(E_OUTBOX, E_KIND, E_DETAIL, E_OCCURRED).from(EVENT).where(E_CUSTOMER.eq(customerId))
                .orderBy(E_ID).fetch();
        List<Map<String, Object>> sent = messages.stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.get(O_ID));
            m.put("channel", r.get(O_CHANNEL));
            m.put("purpose", r.get(O_PURPOSE));
            m.put("template", r.get(O_TEMPLATE));
            m.put("language", r.get(O_LANGUAGE));
            m.put("recipient", r.get(O_RECIPIENT));
            m.put("subject", r.get(O_SUBJECT));
            m.put("body", r.get(O_BODY));
            m.put("status", r.get(O_STATUS));
            m.put("notSentBecause", r.get(O_SUPPRESSION));
            m.put("plannedAt", r.get(O_PLANNED));
            m.put("sentAt", r.get(O_SENT));
            return m;
        }).toList();
        List<Map<String, Object>> reported = events.stream().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("message", r.get(E_OUTBOX));
            m.put("kind", r.get(E_KIND));
            m.put("detail", r.get(E_DETAIL));
            m.put("occurredAt", r.get(E_OCCURRED));
            return m;
        }).toList();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("messages", sent);
        data.put("engagement", reported);
        List<String> summary = messages.stream().map(r -> r.get(O_PLANNED).toLocalDate() + " " + r.get(O_CHANNEL)
                + " " + r.get(O_PURPOSE) + " message" + (r.get(O_SUBJECT) == null ? "" : " \"" + r.get(O_SUBJECT) + "\"")
                + " to " + r.get(O_RECIPIENT) + ": " + r.get(O_STATUS).toLowerCase(java.util.Locale.ROOT)).toList();
        return new Export(category(), "Messages we sent or meant to send you (email, SMS, app push …), with the address "
                + "used and the text, and the deliveries, opens, clicks and bounces reported back.", data,
                summary.isEmpty() ? List.of("No messages") : summary);
    }

    @Override
    public Erasure erase(long customerId) {
        // the rows waiting or in a dispatcher's hands are locked first, in id order, as the dispatcher locks a group:
        // two lockers in the same order wait for each other but never deadlock
        db.select(O_ID).from(OUTBOX).where(O_CUSTOMER.eq(customerId), O_STATUS.in("PENDING", "SENDING"))
                .orderBy(O_ID).forUpdate().fetch();
        int suppressed = db.update(OUTBOX).set(O_STATUS, "SUPPRESSED").set(O_SUPPRESSION, ERASED)
                .setNull(O_CLAIMED_BY).setNull(O_LEASE).setNull(O_HELD)
                .where(O_CUSTOMER.eq(customerId), O_STATUS.in("PENDING", "SENDING")).execute();
        int messages = db.update(OUTBOX).set(O_RECIPIENT, (String) null).set(O_SUBJECT, (String) null)
                .set(O_BODY, (String) null).set(O_LAST_ERROR, (String) null).set(O_DEAD_REASON, (String) null)
                .set(O_HASH, (String) null)
                .where(O_CUSTOMER.eq(customerId)).execute();
        int events = db.update(EVENT).set(E_DETAIL, (String) null)
                .where(E_CUSTOMER.eq(customerId).or(E_OUTBOX.in(DSL.select(O_ID).from(OUTBOX)
                        .where(O_CUSTOMER.eq(customerId))))).execute();
        return new Erasure(category(), messages + events, messages + " message(s) blanked (address, subject, body), "
                + suppressed + " waiting message(s) suppressed, " + events + " engagement detail(s) removed");
    }
}
