package io.rapport.ingest;

import static io.rapport.ingest.IngestTables.*;

import io.rapport.customer.CustomerTimeline;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

/** The customer timeline read from the append-only order and event tables, newest first. */
@Component
class StoredTimeline implements CustomerTimeline {

    private final DSLContext db;

    private final io.rapport.privacy.PersonalEventProperties personal;

    StoredTimeline(DSLContext db, io.rapport.privacy.PersonalEventProperties personal) {
        this.db = db;
        this.personal = personal;
    }

    @Override
    public Page page(long customerId, int page, int size) {
        var at = DSL.field(DSL.name("at"), OffsetDateTime.class);
        var kind = DSL.field(DSL.name("kind"), String.class);
        var id = DSL.field(DSL.name("id"), Long.class);
        var orders = db.select(DSL.val("order").as("kind"), O_ID.as("id"), O_ORDERED_AT.as("at")).from(ORDER)
                .where(O_CUSTOMER.eq(customerId));
        var events = db.select(DSL.val("event").as("kind"), E_ID.as("id"), E_OCCURRED_AT.as("at")).from(EVENT)
                .where(E_CUSTOMER.eq(customerId));
        var union = orders.unionAll(events).asTable("t");
        List<? extends Record> keys = db.select(kind, id, at).from(union).orderBy(at.desc(), kind, id.desc())
                .limit(size).offset(page * size).fetch();
        long total = db.fetchCount(ORDER, O_CUSTOMER.eq(customerId)) + db.fetchCount(EVENT, E_CUSTOMER.eq(customerId));

        List<Long> orderIds = keys.stream().filter(r -> "order".equals(r.get(kind))).map(r -> r.get(id)).toList();
        List<Long> eventIds = keys.stream().filter(r -> "event".equals(r.get(kind))).map(r -> r.get(id)).toList();
        Map<Long, ? extends Record> orderRows = db.select(O_ID, O_SOURCE, O_EXTERNAL_ID, O_KIND, O_CHANNEL, O_STORE, O_ORDERED_AT,
                        O_CURRENCY).from(ORDER).where(O_ID.in(orderIds)).fetchMap(O_ID);
        Map<Long, List<Record>> lines = db.select(L_ORDER, L_SKU, L_DESCRIPTION, L_QUANTITY, L_NET).from(LINE)
                .where(L_ORDER.in(orderIds)).orderBy(L_ID).fetch().stream()
                .collect(Collectors.groupingBy(r -> r.get(L_ORDER)));
        Map<Long, ? extends Record> eventRows = db.select(E_ID, E_SOURCE, E_TYPE, E_OCCURRED_AT, E_PROPERTIES).from(EVENT)
                .where(E_ID.in(eventIds)).fetchMap(E_ID);

        List<Entry> entries = new ArrayList<>();
        for (Record key : keys) {
            if ("order".equals(key.get(kind))) {
                Record o = orderRows.get(key.get(id));
                List<Record> ls = lines.getOrDefault(key.get(id), List.of());
                BigDecimal total2 = ls.stream().map(l -> l.get(L_NET)).reduce(BigDecimal.ZERO, BigDecimal::add);
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("source", o.get(O_SOURCE));
                detail.put("orderId", o.get(O_EXTERNAL_ID));
                detail.put("channel", o.get(O_CHANNEL));
                detail.put("store", o.get(O_STORE));
                detail.put("total", total2);
                detail.put("currency", o.get(O_CURRENCY));
                detail.put("lines", ls.stream().map(l -> Map.of("sku", l.get(L_SKU),
                        "description", String.valueOf(l.get(L_DESCRIPTION)), "quantity", l.get(L_QUANTITY),
                        "net", l.get(L_NET))).toList());
                entries.add(new Entry("order", o.get(O_ORDERED_AT).toInstant(), o.get(O_KIND),
                        o.get(O_KIND) + " " + o.get(O_EXTERNAL_ID) + " · " + ls.size() + " line(s) · " + total2.stripTrailingZeros().toPlainString()
                                + " " + o.get(O_CURRENCY), detail));
            } else {
                Record e = eventRows.get(key.get(id));
                Map<String, Object> detail = new LinkedHashMap<>();
                detail.put("source", e.get(E_SOURCE));
                detail.put("properties", personal.masked(e.get(E_PROPERTIES)));
                entries.add(new Entry("event", e.get(E_OCCURRED_AT).toInstant(), e.get(E_TYPE), e.get(E_TYPE), detail));
            }
        }
        return new Page(entries, page, size, total);
    }
}
