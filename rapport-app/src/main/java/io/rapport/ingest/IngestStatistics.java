package io.rapport.ingest;

import static io.rapport.ingest.IngestTables.*;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.jooq.CaseWhenStep;
import org.jooq.Condition;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record2;
import org.jooq.Record4;
import org.jooq.Record5;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Counts and set-based figures over what has been stored, for the console, scoring and monitoring. */
@Service
public class IngestStatistics {

    private final DSLContext db;
    private final ReportingCurrency money;

    IngestStatistics(DSLContext db, ReportingCurrency money) {
        this.db = db;
        this.money = money;
    }

    /** Stored records; anonymous ones have no customer (guest orders, events of unknown visitors). */
    public record Counts(long orders, long anonymousOrders, long orderLines, long events, long anonymousEvents) {}

    public Counts counts() {
        return new Counts(db.fetchCount(ORDER), db.fetchCount(ORDER, O_CUSTOMER.isNull()), db.fetchCount(LINE),
                db.fetchCount(EVENT), db.fetchCount(EVENT, E_CUSTOMER.isNull()));
    }

    /**
     * Net spend per customer on order days in (after, upTo], in the reporting currency (returns and cancellations
     * net out), one grouped query streamed through a cursor. Customers without orders in the window are not passed.
     * This is the rolling-spend input of spend tiers: {@code after = upTo.minusMonths(12)}.
     */
    @Transactional(readOnly = true)
    public void forEachNetSpend(LocalDate after, LocalDate upTo, BiConsumer<Long, BigDecimal> action) {
        Field<BigDecimal> spend = DSL.sum(L_NET.mul(toReportingCurrency())).as("spend");
        try (Cursor<Record2<Long, BigDecimal>> rows = db.select(O_CUSTOMER, spend)
                .from(ORDER).join(LINE).on(L_ORDER.eq(O_ID))
                .where(O_CUSTOMER.isNotNull()).and(O_DAY.gt(after)).and(O_DAY.le(upTo))
                .groupBy(O_CUSTOMER)
                .fetchSize(5_000)
                .fetchLazy()) {
            for (Record2<Long, BigDecimal> row : rows) {
                action.accept(row.value1(), row.value2() == null ? BigDecimal.ZERO : row.value2());
            }
        }
    }

    /** Receives one stored order of a known customer: its lines' net amounts summed in the reporting currency. */
    @FunctionalInterface
    public interface OrderVisitor {
        /**
         * @param sale      a sale order; otherwise a return or cancellation (its amount is negative)
         * @param netAmount the order's net amount in the reporting currency
         */
        void visit(long customerId, LocalDate day, boolean sale, String channel, double netAmount);
    }

    /**
     * Every order of a known customer with an order day up to {@code upTo}, one grouped query streamed through a
     * cursor, in no particular order: the order history scoring builds churn features from.
     */
    @Transactional(readOnly = true)
    public void forEachOrder(LocalDate upTo, OrderVisitor visitor) {
        Field<BigDecimal> net = DSL.sum(L_NET.mul(toReportingCurrency())).as("net");
        try (Cursor<Record5<Long, LocalDate, String, String, BigDecimal>> rows = db
                .select(O_CUSTOMER, O_DAY, O_KIND, O_CHANNEL, net)
                .from(ORDER).join(LINE).on(L_ORDER.eq(O_ID))
                .where(O_CUSTOMER.isNotNull()).and(O_DAY.le(upTo))
                .groupBy(O_ID, O_CUSTOMER, O_DAY, O_KIND, O_CHANNEL)
                .fetchSize(10_000)
                .fetchLazy()) {
            for (var row : rows) {
                visitor.visit(row.value1(), row.value2(), "sale".equals(row.value3()), row.value4(),
                        row.value5() == null ? 0 : row.value5().doubleValue());
            }
        }
    }

    /** Receives one stored event of a known customer. */
    @FunctionalInterface
    public interface EventVisitor {
        /** @param reviewProperties the event's properties (JSON) when it is a {@code review}, else null */
        void visit(long customerId, OffsetDateTime occurredAt, String type, String reviewProperties);
    }

    /** Every event of a known customer that occurred before {@code before}, streamed through a cursor. */
    @Transactional(readOnly = true)
    public void forEachEvent(OffsetDateTime before, EventVisitor visitor) {
        Field<String> review = DSL.when(E_TYPE.eq(DSL.inline("review")), E_PROPERTIES).as("review");
        try (Cursor<Record4<Long, OffsetDateTime, String, String>> rows = db
                .select(E_CUSTOMER, E_OCCURRED_AT, E_TYPE, review)
                .from(EVENT)
                .where(E_CUSTOMER.isNotNull()).and(E_OCCURRED_AT.lt(before))
                .fetchSize(10_000)
                .fetchLazy()) {
            for (var row : rows) {
                visitor.visit(row.value1(), row.value2(), row.value3(), row.value4());
            }
        }
    }

    /** The fixed exchange rate of each order's currency, as SQL (1 for the reporting currency). */
    private Field<BigDecimal> toReportingCurrency() {
        Map<String, BigDecimal> rates = money.rates();
        if (rates.isEmpty()) {
            return DSL.inline(BigDecimal.ONE);
        }
        CaseWhenStep<String, BigDecimal> step = null;
        for (var rate : new TreeMap<>(rates).entrySet()) {
            step = step == null ? DSL.choose(O_CURRENCY).when(DSL.inline(rate.getKey()), DSL.inline(rate.getValue()))
                    : step.when(DSL.inline(rate.getKey()), DSL.inline(rate.getValue()));
        }
        return step.otherwise(DSL.inline(BigDecimal.ONE));
    }

    /**
     * One monthly first-purchase cohort: its size and, for months 1 … n after the first purchase month, the share of
     * the cohort that bought (a sale order) in that calendar month. Months after the observation end are left out,
     * so recent cohorts have shorter curves.
     */
    public record Cohort(YearMonth month, long customers, List<Double> retention) {}

    /**
     * Monthly cohort retention from the stored sale orders up to {@code upTo}, at most {@code months} months after
     * the first, computed by the database in one grouped query: per customer the first purchase month and the
     * distinct months with a purchase, joined and counted by (cohort, months since the first).
     */
    @Transactional(readOnly = true)
    public List<Cohort> cohortRetention(LocalDate upTo, int months) {
        Field<Integer> monthIndex = DSL.extract(O_DAY, org.jooq.DatePart.YEAR).mul(12)
                .plus(DSL.extract(O_DAY, org.jooq.DatePart.MONTH)).cast(SQLDataType.INTEGER);
        Condition sales = O_KIND.eq("sale").and(O_CUSTOMER.isNotNull()).and(O_DAY.le(upTo));
        Table<?> first = db.select(O_CUSTOMER.as("cid"), DSL.min(monthIndex).as("cohort"))
                .from(ORDER).where(sales).groupBy(O_CUSTOMER).asTable("first_month");
        Table<?> bought = db.selectDistinct(O_CUSTOMER.as("cid"), monthIndex.as("month_no"))
                .from(ORDER).where(sales).asTable("bought_month");
        Field<Integer> cohort = first.field("cohort", Integer.class);
        Field<Integer> offset = bought.field("month_no", Integer.class).minus(cohort);
        Field<Integer> customers = DSL.count();
        var rows = db.select(cohort, offset.as("month_offset"), customers)
                .from(first).join(bought).on(bought.field("cid", Long.class).eq(first.field("cid", Long.class)))
                .where(offset.le(months))
                .groupBy(cohort, offset)
                .orderBy(cohort, offset)
                .fetch();
        int last = upTo.getYear() * 12 + upTo.getMonthValue();
        Map<Integer, long[]> counts = new TreeMap<>();
        for (Record row : rows) {
            int c = ((Number) row.get(0)).intValue();
            int k = ((Number) row.get(1)).intValue();
            counts.computeIfAbsent(c, x -> new long[months + 1])[k] = ((Number) row.get(2)).longValue();
        }
        List<Cohort> result = new ArrayList<>();
        counts.forEach((c, n) -> {
            List<Double> retention = new ArrayList<>();
            for (int k = 1; k <= months && c + k <= last; k++) {
                retention.add(n[0] == 0 ? 0.0 : (double) n[k] / n[0]);
            }
            YearMonth month = YearMonth.of((c - 1) / 12, (c - 1) % 12 + 1);
            result.add(new Cohort(month, n[0], List.copyOf(retention)));
        });
        return result;
    }
}
