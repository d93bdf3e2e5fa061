package io.rapport.customer;

import static io.rapport.customer.CustomerTables.*;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jooq.BatchBindStep;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Per-customer summaries kept up to date in the same transaction as the records they summarise, so scoring and
 * segments read O(customers) rows instead of scanning orders and events. See {@link SummaryDelta} for what
 * each figure means.
 */
@Service
public class CustomerSummaries {

    /**
     * Adds one delta. Every bind is always present (flags say whether a sale or interaction is in the delta) so
     * the statement has one shape and runs as a single JDBC batch. The right-hand sides read the row as it was
     * before the update, which is what makes the last-channel tie rule work.
     */
    private static final String ADD = """
            update customer_summary set
              order_count = order_count + ?,
              return_count = return_count + ?,
              purchase_days = purchase_days + ?,
              total_spend = total_spend + ?,
              event_count = event_count + ?,
              first_purchase_at = case when ? = 1 and (first_purchase_at is null or first_purchase_at > cast(? as timestamp with time zone))
                                       then cast(? as timestamp with time zone) else first_purchase_at end,
              last_channel = case when ? = 1 and (last_purchase_at is null or cast(? as timestamp with time zone) > last_purchase_at) then ?
                                  when ? = 1 and cast(? as timestamp with time zone) = last_purchase_at and ? > last_channel then ?
                                  else last_channel end,
              last_purchase_at = case when ? = 1 and (last_purchase_at is null or last_purchase_at < cast(? as timestamp with time zone))
                                      then cast(? as timestamp with time zone) else last_purchase_at end,
              last_interaction_at = case when ? = 1 and (last_interaction_at is null or last_interaction_at < cast(? as timestamp with time zone))
                                         then cast(? as timestamp with time zone) else last_interaction_at end
            where customer_id = ?""";

    private static final OffsetDateTime NONE = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);

    private final DSLContext db;

    CustomerSummaries(DSLContext db) {
        this.db = db;
    }

    /** One customer's summary as stored. */
    public record Summary(long customerId, int orderCount, int returnCount, int purchaseDays, BigDecimal totalSpend,
                          OffsetDateTime firstPurchaseAt, OffsetDateTime lastPurchaseAt, String lastChannel,
                          int eventCount, OffsetDateTime lastInteractionAt, Map<String, ChannelFigures> channels) {

        /** Average net spend per order, or zero before the first order. */
        public BigDecimal averageOrderValue() {
            return orderCount == 0 ? BigDecimal.ZERO
                    : totalSpend.divide(BigDecimal.valueOf(orderCount), 2, java.math.RoundingMode.HALF_UP);
        }
    }

    /** Orders and net spend through one channel. */
    public record ChannelFigures(int orders, BigDecimal netSpend) {}

    @Transactional(propagation = Propagation.MANDATORY)
    public void apply(Collection<SummaryDelta> unordered) {
        if (unordered.isEmpty()) {
            return;
        }
        // Concurrent chunks (event API requests, imports) lock their customers' rows in the same order, so they wait
        // for each other instead of deadlocking and retrying.
        List<SummaryDelta> deltas = unordered.stream().sorted(Comparator.comparingLong(d -> d.customerId)).toList();
        Map<Long, Integer> newDays = insertPurchaseDays(deltas);
        // Typed sample binds, so jOOQ binds each parameter with its SQL type on every database.
        BatchBindStep batch = db.batch(db.query(ADD, 0, 0, 0, BigDecimal.ZERO, 0, 0, NONE, NONE, 0, NONE, "", 0, NONE,
                "", "", 0, NONE, NONE, 0, NONE, NONE, 0L));
        for (SummaryDelta d : deltas) {
            int sale = d.lastPurchase == null ? 0 : 1;
            int touched = d.lastInteraction == null ? 0 : 1;
            OffsetDateTime first = sale == 1 ? d.firstPurchase.atOffset(ZoneOffset.UTC) : NONE;
            OffsetDateTime last = sale == 1 ? d.lastPurchase.atOffset(ZoneOffset.UTC) : NONE;
            String channel = sale == 1 ? d.lastChannel : "";
            OffsetDateTime interaction = touched == 1 ? d.lastInteraction.atOffset(ZoneOffset.UTC) : NONE;
            batch = batch.bind(d.orders, d.returns, newDays.getOrDefault(d.customerId, 0), d.spend, d.events,
                    sale, first, first,
                    sale, last, channel, sale, last, channel, channel,
                    sale, last, last,
                    touched, interaction, interaction,
                    d.customerId);
        }
        batch.execute();
        upsertChannels(deltas);
    }

    private Map<Long, Integer> insertPurchaseDays(Collection<SummaryDelta> deltas) {
        Set<Long> customers = new HashSet<>();
        Set<LocalDate> days = new HashSet<>();
        for (SummaryDelta d : deltas) {
            if (!d.purchaseDays.isEmpty()) {
                customers.add(d.customerId);
                days.addAll(d.purchaseDays);
            }
        }
        Map<Long, Integer> added = new HashMap<>();
        if (customers.isEmpty()) {
            return added;
        }
        Set<List<Object>> existing = new HashSet<>();
        db.select(D_CUSTOMER, D_DAY).from(PURCHASE_DAY).where(D_CUSTOMER.in(customers)).and(D_DAY.in(days))
                .forEach(r -> existing.add(List.of(r.get(D_CUSTOMER), r.get(D_DAY))));
        var insert = db.insertInto(PURCHASE_DAY, D_CUSTOMER, D_DAY);
        boolean any = false;
        for (SummaryDelta d : deltas) {
            for (LocalDate day : d.purchaseDays) {
                if (!existing.contains(List.of(d.customerId, day))) {
                    insert = insert.values(d.customerId, day);
                    added.merge(d.customerId, 1, Integer::sum);
                    any = true;
                }
            }
        }
        if (any) {
            insert.execute();
        }
        return added;
    }

    private void upsertChannels(Collection<SummaryDelta> deltas) {
        List<Object[]> rows = new ArrayList<>();
        for (SummaryDelta d : deltas) {
            Set<String> channels = new HashSet<>(d.channelOrders.keySet());
            channels.addAll(d.channelSpend.keySet());
            for (String channel : channels) {
                rows.add(new Object[] {d.customerId, channel, d.channelOrders.getOrDefault(channel, 0),
                        d.channelSpend.getOrDefault(channel, BigDecimal.ZERO)});
            }
        }
        for (int from = 0; from < rows.size(); from += 1000) {
            var insert = db.insertInto(CHANNEL, C_CUSTOMER, C_CHANNEL, C_ORDERS, C_SPEND);
            for (Object[] row : rows.subList(from, Math.min(rows.size(), from + 1000))) {
                insert = insert.values((Long) row[0], (String) row[1], (Integer) row[2], (BigDecimal) row[3]);
            }
            insert.onConflict(C_CUSTOMER, C_CHANNEL).doUpdate()
                    .set(C_ORDERS, C_ORDERS.plus(DSL.excluded(C_ORDERS)))
                    .set(C_SPEND, C_SPEND.plus(DSL.excluded(C_SPEND)))
                    .execute();
        }
    }

    /** Folds the merged customer's summary, purchase days and channel figures into the survivor's. */
    @Transactional(propagation = Propagation.MANDATORY)
    void mergeInto(long survivorId, long mergedId) {
        Summary survivor = find(survivorId).orElseThrow();
        Summary merged = find(mergedId).orElseThrow();
        db.insertInto(PURCHASE_DAY, D_CUSTOMER, D_DAY)
                .select(db.select(DSL.val(survivorId), D_DAY).from(PURCHASE_DAY).where(D_CUSTOMER.eq(mergedId))
                        .and(D_DAY.notIn(db.select(D_DAY).from(PURCHASE_DAY).where(D_CUSTOMER.eq(survivorId)))))
                .execute();
        db.deleteFrom(PURCHASE_DAY).where(D_CUSTOMER.eq(mergedId)).execute();
        int days = db.fetchCount(PURCHASE_DAY, D_CUSTOMER.eq(survivorId));

        String lastChannel = survivor.lastChannel();
        OffsetDateTime last = survivor.lastPurchaseAt();
        if (merged.lastPurchaseAt() != null && (last == null || merged.lastPurchaseAt().isAfter(last)
                || merged.lastPurchaseAt().isEqual(last) && merged.lastChannel().compareTo(lastChannel) > 0)) {
            lastChannel = merged.lastChannel();
            last = merged.lastPurchaseAt();
        }
        db.update(SUMMARY)
                .set(S_ORDERS, survivor.orderCount() + merged.orderCount())
                .set(S_RETURNS, survivor.returnCount() + merged.returnCount())
                .set(S_DAYS, days)
                .set(S_SPEND, survivor.totalSpend().add(merged.totalSpend()))
                .set(S_EVENTS, survivor.eventCount() + merged.eventCount())
                .set(S_FIRST, earliest(survivor.firstPurchaseAt(), merged.firstPurchaseAt()))
                .set(S_LAST, last)
                .set(S_LAST_CHANNEL, lastChannel)
                .set(S_LAST_INTERACTION, latest(survivor.lastInteractionAt(), merged.lastInteractionAt()))
                .where(S_CUSTOMER.eq(survivorId)).execute();
        db.deleteFrom(SUMMARY).where(S_CUSTOMER.eq(mergedId)).execute();

        for (var entry : merged.channels().entrySet()) {
            db.insertInto(CHANNEL, C_CUSTOMER, C_CHANNEL, C_ORDERS, C_SPEND)
                    .values(survivorId, entry.getKey(), entry.getValue().orders(), entry.getValue().netSpend())
                    .onConflict(C_CUSTOMER, C_CHANNEL).doUpdate()
                    .set(C_ORDERS, C_ORDERS.plus(DSL.excluded(C_ORDERS)))
                    .set(C_SPEND, C_SPEND.plus(DSL.excluded(C_SPEND)))
                    .execute();
        }
        db.deleteFrom(CHANNEL).where(C_CUSTOMER.eq(mergedId)).execute();
    }

    private static OffsetDateTime earliest(OffsetDateTime a, OffsetDateTime b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    private static OffsetDateTime latest(OffsetDateTime a, OffsetDateTime b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    /**
     * Every active (not merged) customer's summary, in customer id order, read through one server-side cursor: one
     * query for the whole customer base, rows streamed in batches, never a query per customer. A customer without a
     * summary row yet reads as all zeros. Channel figures are left out (an empty map): bulk readers such as scoring
     * do not use them, and reading them would multiply the rows read.
     */
    @Transactional(readOnly = true)
    public void forEachActive(Consumer<Summary> action) {
        try (Cursor<? extends Record> rows = db.select(P_ID, S_ORDERS, S_RETURNS, S_DAYS, S_SPEND, S_FIRST, S_LAST,
                        S_LAST_CHANNEL, S_EVENTS, S_LAST_INTERACTION)
                .from(PROFILE).leftJoin(SUMMARY).on(S_CUSTOMER.eq(P_ID))
                .where(P_STATUS.eq("active"))
                .orderBy(P_ID)
                .fetchSize(5_000)
                .fetchLazy()) {
            for (Record r : rows) {
                action.accept(new Summary(r.get(P_ID), orZero(r.get(S_ORDERS)), orZero(r.get(S_RETURNS)),
                        orZero(r.get(S_DAYS)), r.get(S_SPEND) == null ? BigDecimal.ZERO : r.get(S_SPEND),
                        r.get(S_FIRST), r.get(S_LAST), r.get(S_LAST_CHANNEL), orZero(r.get(S_EVENTS)),
                        r.get(S_LAST_INTERACTION), Map.of()));
            }
        }
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    /** The order count of each of these customers that has a summary (one query per thousand customers). */
    public Map<Long, Integer> orderCounts(Collection<Long> customerIds) {
        Map<Long, Integer> counts = new java.util.HashMap<>();
        List<Long> ids = List.copyOf(new java.util.LinkedHashSet<>(customerIds));
        for (int from = 0; from < ids.size(); from += 1000) {
            db.select(S_CUSTOMER, S_ORDERS).from(SUMMARY)
                    .where(S_CUSTOMER.in(ids.subList(from, Math.min(ids.size(), from + 1000))))
                    .forEach(r -> counts.put(r.get(S_CUSTOMER), r.get(S_ORDERS)));
        }
        return counts;
    }

    public java.util.Optional<Summary> find(long customerId) {
        Record row = db.selectFrom(SUMMARY).where(S_CUSTOMER.eq(customerId)).fetchOne();
        if (row == null) {
            return java.util.Optional.empty();
        }
        Map<String, ChannelFigures> channels = new java.util.TreeMap<>();
        db.select(C_CHANNEL, C_ORDERS, C_SPEND).from(CHANNEL).where(C_CUSTOMER.eq(customerId))
                .forEach(r -> channels.put(r.get(C_CHANNEL), new ChannelFigures(r.get(C_ORDERS), r.get(C_SPEND))));
        return java.util.Optional.of(new Summary(customerId,
                row.get(S_ORDERS.getName(), Integer.class), row.get(S_RETURNS.getName(), Integer.class),
                row.get(S_DAYS.getName(), Integer.class), row.get(S_SPEND.getName(), BigDecimal.class),
                row.get(S_FIRST.getName(), OffsetDateTime.class), row.get(S_LAST.getName(), OffsetDateTime.class),
                row.get(S_LAST_CHANNEL.getName(), String.class), row.get(S_EVENTS.getName(), Integer.class),
                row.get(S_LAST_INTERACTION.getName(), OffsetDateTime.class), channels));
    }
}
