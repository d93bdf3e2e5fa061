package io.rapport.customer;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * Recomputes customer summaries from the raw order, line and event tables, independently of the incremental code,
 * with the definitions documented on {@link SummaryDelta}. Amounts are assumed to be in the reporting currency.
 */
final class SummaryRecomputation {

    private SummaryRecomputation() {}

    /** A summary as a comparable value (timestamps as instants, money scale-free). */
    record Figures(int orders, int returns, int days, BigDecimal spend, java.time.Instant first,
                   java.time.Instant last, String lastChannel, int events, java.time.Instant lastInteraction,
                   Map<String, String> channels) {}

    static Figures stored(DSLContext db, long customer) {
        Record s = db.fetchOne("select * from customer_summary where customer_id = ?", customer);
        Map<String, String> channels = new TreeMap<>();
        db.fetch("select channel, order_count, net_spend from customer_channel_summary where customer_id = ?", customer)
                .forEach(r -> channels.put(r.get("channel", String.class),
                        r.get("order_count", Integer.class) + "/" + r.get("net_spend", BigDecimal.class).stripTrailingZeros().toPlainString()));
        return new Figures(s.get("order_count", Integer.class), s.get("return_count", Integer.class),
                s.get("purchase_days", Integer.class), s.get("total_spend", BigDecimal.class).stripTrailingZeros(),
                instant(s.get("first_purchase_at", OffsetDateTime.class)), instant(s.get("last_purchase_at", OffsetDateTime.class)),
                s.get("last_channel", String.class), s.get("event_count", Integer.class),
                instant(s.get("last_interaction_at", OffsetDateTime.class)), channels);
    }

    static Figures recomputed(DSLContext db, long customer) {
        Record o = db.fetchOne("""
                select count(case when kind = 'sale' then 1 end) as orders,
                       count(case when kind <> 'sale' then 1 end) as returns,
                       count(distinct case when kind = 'sale' then order_day end) as days,
                       min(case when kind = 'sale' then ordered_at end) as first_at,
                       max(case when kind = 'sale' then ordered_at end) as last_at,
                       max(ordered_at) as last_any
                from ingest_order where customer_id = ?""", customer);
        BigDecimal spend = db.fetchOne("""
                select coalesce(sum(l.net_amount), 0) as spend from ingest_order_line l
                join ingest_order o on o.id = l.order_id where o.customer_id = ?""", customer)
                .get("spend", BigDecimal.class);
        OffsetDateTime last = o.get("last_at", OffsetDateTime.class);
        String lastChannel = last == null ? null : db.fetchOne("""
                select max(channel) as c from ingest_order
                where customer_id = ? and kind = 'sale' and ordered_at = cast(? as timestamp with time zone)""", customer, last).get("c", String.class);
        Record e = db.fetchOne("select count(*) as n, max(occurred_at) as last_at from ingest_event where customer_id = ?",
                customer);
        java.time.Instant interaction = latest(instant(o.get("last_any", OffsetDateTime.class)),
                instant(e.get("last_at", OffsetDateTime.class)));
        Map<String, String> channels = new TreeMap<>();
        db.fetch("""
                select o.channel as channel,
                       (select count(*) from ingest_order s where s.customer_id = o.customer_id
                          and s.channel = o.channel and s.kind = 'sale') as orders,
                       sum(l.net_amount) as spend
                from ingest_order o join ingest_order_line l on l.order_id = o.id
                where o.customer_id = ? group by o.customer_id, o.channel""", customer)
                .forEach(r -> channels.put(r.get("channel", String.class), r.get("orders", Integer.class) + "/"
                        + r.get("spend", BigDecimal.class).stripTrailingZeros().toPlainString()));
        return new Figures(o.get("orders", Integer.class), o.get("returns", Integer.class), o.get("days", Integer.class),
                spend.stripTrailingZeros(), instant(o.get("first_at", OffsetDateTime.class)), instant(last), lastChannel,
                e.get("n", Integer.class), interaction, channels);
    }

    static List<Long> activeCustomers(DSLContext db) {
        return new ArrayList<>(db.fetch("select id from customer_profile where status = 'active' order by id")
                .getValues("id", Long.class));
    }

    private static java.time.Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static java.time.Instant latest(java.time.Instant a, java.time.Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
