package io.rapport.privacy;

import static io.rapport.privacy.ConsentTables.*;

import io.rapport.platform.RapportException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;

/**
 * {@link ContactPolicy} over the consent ledger's derived state and the data subject's processing limits. The rules,
 * in order:
 * <ol>
 *   <li>an erased customer is never used ({@code erased});</li>
 *   <li>a customer who asked for restriction of processing is not contacted or profiled ({@code restricted});</li>
 *   <li>a customer who objected to profiling is not profiled ({@code profiling-objection});</li>
 *   <li>of the customer's events for the purpose on this channel and on all channels, the latest wins: a withdrawal
 *       says no ({@code consent-withdrawn}; {@code do-not-sell} for data sharing, the CCPA opt-out);</li>
 *   <li>otherwise a purpose whose lawful basis is consent needs a grant ({@code no-consent}); the other bases allow.</li>
 * </ol>
 * A decision is two indexed reads; {@link #may(Collection, Purpose, ContactChannel)} decides a batch with two queries
 * per thousand customers.
 * <p>
 * The same rules, set-based, are {@link #allows(Field, Purpose, ContactChannel)}: one SQL condition that segments use
 * to select exactly the customers {@link #may} allows ({@link ConsentConditions}). Both live here, side by side:
 * {@link #decide} and {@link #allows} follow the numbered rules above, and {@code ConsentConditionsTests} checks on
 * random ledgers that they agree. Change one, change the other.
 */
@Service
public class ConsentPolicy implements ContactPolicy, ConsentConditions {

    private static final int CHUNK = 1000;

    private final DSLContext db;
    private final PrivacyProperties properties;

    ConsentPolicy(DSLContext db, PrivacyProperties properties) {
        this.db = db;
        this.properties = properties;
    }

    @Override
    public ContactDecision may(long customerId, Purpose purpose, ContactChannel channel) {
        return may(List.of(customerId), purpose, channel).get(customerId);
    }

    /** The decision for each customer (in the order given, duplicates once). */
    @Override
    public Map<Long, ContactDecision> may(Collection<Long> customerIds, Purpose purpose, ContactChannel channel) {
        List<Long> ids = new ArrayList<>(new LinkedHashSet<>(customerIds));
        Map<Long, ContactDecision> decisions = new LinkedHashMap<>();
        List<String> channels = channels(purpose, channel);
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            Map<Long, Record> subjects = subjects(chunk);
            Map<Long, Record> latest = new HashMap<>();
            db.select(C_CUSTOMER, C_GRANTED, C_OCCURRED).from(CURRENT)
                    .where(C_CUSTOMER.in(chunk)).and(C_PURPOSE.eq(purpose.name())).and(C_SCOPE.eq(""))
                    .and(C_CHANNEL.in(channels))
                    .forEach(r -> latest.merge(r.get(C_CUSTOMER), r, ConsentPolicy::later));
            for (Long id : chunk) {
                decisions.put(id, decide(purpose, subjects.get(id), latest.get(id)));
            }
        }
        return decisions;
    }

    /**
     * Whether the customer's data may be shared with a partner: PIPL asks for a consent naming that recipient; a CCPA
     * "do not sell or share" (a DATA_SHARING withdrawal for all partners) newer than that consent says no.
     */
    public ContactDecision mayShareWith(long customerId, String partner) {
        if (properties.partner(partner).isEmpty()) {
            throw RapportException.badRequest("unknown-partner", "partner", "Unknown partner '" + partner + "'");
        }
        Record subject = subjects(List.of(customerId)).get(customerId);
        ContactDecision limits = limits(Purpose.DATA_SHARING, subject);
        if (!limits.allowed()) {
            return limits;
        }
        Record general = scoped(customerId, Purpose.DATA_SHARING, "");
        Record own = scoped(customerId, Purpose.DATA_SHARING, ConsentLedger.partnerScope(partner));
        if (general != null && !general.get(C_GRANTED)
                && (own == null || !own.get(C_OCCURRED).isAfter(general.get(C_OCCURRED)))) {
            return ContactDecision.deny("do-not-sell");
        }
        if (own == null) {
            return ContactDecision.deny("no-partner-consent");
        }
        return own.get(C_GRANTED) ? ContactDecision.allow() : ContactDecision.deny("consent-withdrawn");
    }

    /** Whether a sensitive field (PIPL art. 28) may be used for profiling: only with its own consent. */
    public ContactDecision mayUseSensitive(long customerId, String field) {
        if (!properties.sensitiveFields().contains(field)) {
            throw RapportException.badRequest("unknown-sensitive-field", "sensitiveField",
                    "Unknown sensitive field '" + field + "'");
        }
        ContactDecision limits = limits(Purpose.PROFILING, subjects(List.of(customerId)).get(customerId));
        if (!limits.allowed()) {
            return limits;
        }
        Record own = scoped(customerId, Purpose.PROFILING, ConsentLedger.sensitiveScope(field));
        if (own == null) {
            return ContactDecision.deny("no-consent");
        }
        return own.get(C_GRANTED) ? ContactDecision.allow() : ContactDecision.deny("consent-withdrawn");
    }

    /** Every purpose × channel decision for one customer (the 360 card), from two reads. */
    public Map<Purpose, Map<ContactChannel, ContactDecision>> matrix(long customerId) {
        Record subject = subjects(List.of(customerId)).get(customerId);
        List<Record> rows = db.select(C_CUSTOMER, C_PURPOSE, C_CHANNEL, C_GRANTED, C_OCCURRED).from(CURRENT)
                .where(C_CUSTOMER.eq(customerId)).and(C_SCOPE.eq("")).fetch().stream().map(r -> (Record) r).toList();
        Map<Purpose, Map<ContactChannel, ContactDecision>> matrix = new LinkedHashMap<>();
        for (Purpose purpose : Purpose.values()) {
            Map<ContactChannel, ContactDecision> byChannel = new LinkedHashMap<>();
            for (ContactChannel channel : ContactChannel.values()) {
                boolean wide = purpose == Purpose.PROFILING || purpose == Purpose.DATA_SHARING;
                Record latest = rows.stream()
                        .filter(r -> r.get(C_PURPOSE).equals(purpose.name()))
                        .filter(r -> r.get(C_CHANNEL).equals(ALL_CHANNELS)
                                || (!wide && r.get(C_CHANNEL).equals(channel.name())))
                        .reduce(ConsentPolicy::later).orElse(null);
                byChannel.put(channel, decide(purpose, subject, latest));
            }
            matrix.put(purpose, byChannel);
        }
        return matrix;
    }

    /** Customers who may not be profiled at all: restricted, objecting to profiling, or erased (a small set). */
    public java.util.Set<Long> excludedFromProfiling() {
        return new java.util.HashSet<>(db.select(S_CUSTOMER).from(SUBJECT)
                .where(S_RESTRICTED.isTrue().or(S_PROFILING_OBJECTION.isTrue()).or(S_ERASED.isNotNull()))
                .fetch(S_CUSTOMER));
    }

    private ContactDecision decide(Purpose purpose, Record subject, Record latest) {
        ContactDecision limits = limits(purpose, subject);
        if (!limits.allowed()) {
            return limits;
        }
        if (latest != null && !latest.get(C_GRANTED)) {
            return ContactDecision.deny(purpose == Purpose.DATA_SHARING ? "do-not-sell" : "consent-withdrawn");
        }
        if (latest == null && properties.basis(purpose).needsGrant()) {
            return ContactDecision.deny("no-consent");
        }
        return ContactDecision.allow();
    }

    /**
     * The set-based twin of {@link #decide}: true exactly when {@link #may} allows the purpose on the channel for the
     * customer in {@code customerId} (a column of the caller's query). Correlated {@code EXISTS} sub-queries on the
     * primary keys of {@code privacy_subject} and {@code privacy_consent_current}; bind values only.
     */
    @Override
    public Condition allows(Field<Long> customerId, Purpose purpose, ContactChannel channel) {
        // rules 1-3: the subject's limits (no privacy_subject row: no limits)
        Table<?> subject = SUBJECT.as("pcs");
        Field<Long> sCustomer = aliased("pcs", S_CUSTOMER);
        Condition limited = aliased("pcs", S_ERASED).isNotNull().or(aliased("pcs", S_RESTRICTED).isTrue());
        if (purpose == Purpose.PROFILING) {
            limited = limited.or(aliased("pcs", S_PROFILING_OBJECTION).isTrue());
        }
        Condition allows = DSL.notExists(DSL.selectOne().from(subject).where(sCustomer.eq(customerId)).and(limited));
        // rule 4: the latest of the purpose's rows on this channel and on all channels is a withdrawal, i.e. some
        // withdrawal has no strictly later grant (at the same instant a withdrawal wins, as in later())
        List<String> channels = channels(purpose, channel);
        allows = allows.and(DSL.notExists(DSL.selectOne().from(CURRENT.as("pcw"))
                .where(rows("pcw", customerId, purpose, channels)).and(aliased("pcw", C_GRANTED).isFalse())
                .andNotExists(DSL.selectOne().from(CURRENT.as("pcg"))
                        .where(rows("pcg", customerId, purpose, channels)).and(aliased("pcg", C_GRANTED).isTrue())
                        .and(aliased("pcg", C_OCCURRED).gt(aliased("pcw", C_OCCURRED))))));
        // rule 5: consent as lawful basis needs a row, which (not a latest withdrawal, by rule 4) is then a grant
        if (properties.basis(purpose).needsGrant()) {
            allows = allows.and(DSL.exists(DSL.selectOne().from(CURRENT.as("pca"))
                    .where(rows("pca", customerId, purpose, channels))));
        }
        return allows;
    }

    /** The channel rows a decision reads: profiling and data sharing are channel-wide, others also the channel's. */
    private static List<String> channels(Purpose purpose, ContactChannel channel) {
        return purpose == Purpose.PROFILING || purpose == Purpose.DATA_SHARING || channel == null
                ? List.of(ALL_CHANNELS) : List.of(ALL_CHANNELS, channel.name());
    }

    private static Condition rows(String alias, Field<Long> customerId, Purpose purpose, List<String> channels) {
        return aliased(alias, C_CUSTOMER).eq(customerId).and(aliased(alias, C_PURPOSE).eq(purpose.name()))
                .and(aliased(alias, C_SCOPE).eq("")).and(aliased(alias, C_CHANNEL).in(channels));
    }

    private static <T> Field<T> aliased(String alias, Field<T> column) {
        return DSL.field(DSL.unquotedName(alias, column.getUnqualifiedName().last()), column.getType());
    }

    private static ContactDecision limits(Purpose purpose, Record subject) {
        if (subject == null) {
            return ContactDecision.allow();
        }
        if (subject.get(S_ERASED) != null) {
            return ContactDecision.deny("erased");
        }
        if (subject.get(S_RESTRICTED)) {
            return ContactDecision.deny("restricted");
        }
        if (purpose == Purpose.PROFILING && subject.get(S_PROFILING_OBJECTION)) {
            return ContactDecision.deny("profiling-objection");
        }
        return ContactDecision.allow();
    }

    private Map<Long, Record> subjects(List<Long> ids) {
        Map<Long, Record> subjects = new HashMap<>();
        db.select(S_CUSTOMER, S_RESTRICTED, S_PROFILING_OBJECTION, S_ERASED).from(SUBJECT).where(S_CUSTOMER.in(ids))
                .forEach(r -> subjects.put(r.get(S_CUSTOMER), r));
        return subjects;
    }

    private Record scoped(long customerId, Purpose purpose, String scope) {
        return db.select(C_GRANTED, C_OCCURRED).from(CURRENT).where(C_CUSTOMER.eq(customerId))
                .and(C_PURPOSE.eq(purpose.name())).and(C_CHANNEL.eq(ALL_CHANNELS)).and(C_SCOPE.eq(scope)).fetchOne();
    }

    /** The later of two events; at the same instant a withdrawal wins (the cautious reading). */
    private static Record later(Record a, Record b) {
        OffsetDateTime ta = a.get(C_OCCURRED);
        OffsetDateTime tb = b.get(C_OCCURRED);
        if (ta.isEqual(tb)) {
            return a.get(C_GRANTED) ? b : a;
        }
        return ta.isAfter(tb) ? a : b;
    }
}
