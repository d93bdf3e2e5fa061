package io.rapport.privacy;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Which purposes used whose data, counted per customer and month (the record of processing GDPR art. 30 and PIPL
 * art. 54 audits ask for). Modules that use customers' data for a purpose report it here in bulk
 * ({@code usage.record(customerIds, Purpose.PROFILING, "scoring")}); the report joins these counters with the audit
 * log's accesses (unmasked reads, exports, erasures) about the customer.
 */
@Service
public class DataUsage {

    static final Table<?> USAGE = table("privacy_usage");
    static final Field<Long> U_CUSTOMER = field("customer_id", Long.class);
    static final Field<String> U_MONTH = field("usage_month", String.class);
    static final Field<String> U_PURPOSE = field("purpose", String.class);
    static final Field<String> U_BY = field("used_by", String.class);
    static final Field<Long> U_USES = field("uses", Long.class);
    static final Field<OffsetDateTime> U_LAST = field("last_used_at", OffsetDateTime.class);
    private static final int CHUNK = 1000;

    private final DSLContext db;
    private final Clock clock;
    private final AuditLog audit;
    private final ZoneId zone;

    DataUsage(DSLContext db, Clock clock, AuditLog audit, io.rapport.platform.RapportProperties properties) {
        this.db = db;
        this.clock = clock;
        this.audit = audit;
        this.zone = properties.timeZone();
    }

    /** Counts one use of each customer's data for the purpose by {@code usedBy} (a module or job name) this month. */
    @Transactional
    public void record(Collection<Long> customerIds, Purpose purpose, String usedBy) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        String month = YearMonth.from(now.atZoneSameInstant(zone)).toString();
        List<Long> ids = new ArrayList<>(new LinkedHashSet<>(customerIds));
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            var key = U_MONTH.eq(month).and(U_PURPOSE.eq(purpose.name())).and(U_BY.eq(usedBy));
            db.update(USAGE).set(U_USES, U_USES.plus(1)).set(U_LAST, now).where(key).and(U_CUSTOMER.in(chunk)).execute();
            Set<Long> existing = new HashSet<>(db.select(U_CUSTOMER).from(USAGE).where(key).and(U_CUSTOMER.in(chunk))
                    .fetch(U_CUSTOMER));
            var insert = db.insertInto(USAGE, U_CUSTOMER, U_MONTH, U_PURPOSE, U_BY, U_USES, U_LAST);
            boolean any = false;
            for (Long id : chunk) {
                if (!existing.contains(id)) {
                    insert = insert.values(id, month, purpose.name(), usedBy, 1L, now);
                    any = true;
                }
            }
            if (any) {
                insert.execute();
            }
        }
    }

    /** One line of a report: a purpose and who used the data for it. */
    public record Use(String purpose, String usedBy, long customers, long uses) {}

    /** Accesses from the audit log: an action and how often it happened. */
    public record Access(String action, String actor, long count) {}

    /** A month of one customer's data usage. */
    public record CustomerMonth(String month, List<Use> uses, List<Access> accesses) {}

    /** A month across all customers. */
    public record Month(String month, List<Use> uses, List<Access> accesses) {}

    public List<CustomerMonth> forCustomer(long customerId) {
        Map<String, List<Use>> uses = new LinkedHashMap<>();
        db.select(U_MONTH, U_PURPOSE, U_BY, U_USES).from(USAGE).where(U_CUSTOMER.eq(customerId))
                .orderBy(U_MONTH.desc(), U_PURPOSE, U_BY)
                .forEach(r -> uses.computeIfAbsent(r.get(U_MONTH), m -> new ArrayList<>())
                        .add(new Use(r.get(U_PURPOSE), r.get(U_BY), 1, r.get(U_USES))));
        Map<String, List<Access>> accesses = new LinkedHashMap<>();
        for (AuditLog.Entry e : audit.search(new AuditLog.Filter(null, null, "customer", Long.toString(customerId),
                null, null, null, 1000))) {
            String month = YearMonth.from(e.at().atZoneSameInstant(zone)).toString();
            List<Access> list = accesses.computeIfAbsent(month, m -> new ArrayList<>());
            int at = -1;
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).action().equals(e.action()) && list.get(i).actor().equals(e.actor())) {
                    at = i;
                }
            }
            if (at < 0) {
                list.add(new Access(e.action(), e.actor(), 1));
            } else {
                list.set(at, new Access(e.action(), e.actor(), list.get(at).count() + 1));
            }
        }
        Set<String> months = new java.util.TreeSet<>(java.util.Comparator.reverseOrder());
        months.addAll(uses.keySet());
        months.addAll(accesses.keySet());
        return months.stream().map(m -> new CustomerMonth(m, uses.getOrDefault(m, List.of()),
                accesses.getOrDefault(m, List.of()))).toList();
    }

    public Month month(YearMonth month) {
        List<Use> uses = db.select(U_PURPOSE, U_BY, DSL.count(), DSL.sum(U_USES)).from(USAGE)
                .where(U_MONTH.eq(month.toString())).groupBy(U_PURPOSE, U_BY).orderBy(U_PURPOSE, U_BY)
                .fetch(r -> new Use(r.value1(), r.value2(), r.value3(), r.value4().longValue()));
        OffsetDateTime from = month.atDay(1).atStartOfDay(zone).toOffsetDateTime();
        OffsetDateTime to = month.plusMonths(1).atDay(1).atStartOfDay(zone).toOffsetDateTime();
        List<Access> accesses = db.select(AuditLog.ACTION, AuditLog.ACTOR, DSL.count()).from(AuditLog.AUDIT)
                .where(AuditLog.AT.ge(from)).and(AuditLog.AT.lt(to)).and(AuditLog.SUBJECT_TYPE.eq("customer"))
                .groupBy(AuditLog.ACTION, AuditLog.ACTOR).orderBy(AuditLog.ACTION, AuditLog.ACTOR)
                .fetch(r -> new Access(r.value1(), r.value2(), r.value3()));
        return new Month(month.toString(), uses, accesses);
    }
}
