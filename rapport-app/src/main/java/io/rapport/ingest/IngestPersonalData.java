package io.rapport.ingest;

import static io.rapport.ingest.IngestTables.*;

import io.rapport.privacy.PersonalDataHolder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

/**
 * Ingest's part of data-subject exports and erasures: the customer's orders (with lines) and behaviour events.
 * Erasure removes the events' free-form properties (they may carry anything a source sent); orders and lines hold no
 * personal data and stay, so revenue totals and summaries do not change. The customer id stays on them, pointing to
 * a profile that no longer says who it was.
 */
@Component
class IngestPersonalData implements PersonalDataHolder {

    private final DSLContext db;

    private final io.rapport.privacy.PersonalEventProperties personal;

    IngestPersonalData(DSLContext db, io.rapport.privacy.PersonalEventProperties personal) {
        this.db = db;
        this.personal = personal;
    }

    @Override
    public String category() {
        return "orders-and-events";
    }

    @Override
    public Export export(long customerId) {
        List<Map<String, Object>> orders = new ArrayList<>();
        Map<Long, Map<String, Object>> byId = new LinkedHashMap<>();
        db.select(O_ID, O_SOURCE, O_EXTERNAL_ID, O_KIND, O_CHANNEL, O_STORE, O_ORDERED_AT, O_CURRENCY).from(ORDER)
                .where(O_CUSTOMER.eq(customerId)).orderBy(O_ORDERED_AT).forEach(r -> {
                    Map<String, Object> order = new LinkedHashMap<>();
                    order.put("order", r.get(O_EXTERNAL_ID));
                    order.put("source", r.get(O_SOURCE));
                    order.put("kind", r.get(O_KIND));
                    order.put("channel", r.get(O_CHANNEL));
                    order.put("store", r.get(O_STORE));
                    order.put("at", r.get(O_ORDERED_AT).toString());
                    order.put("currency", r.get(O_CURRENCY));
                    order.put("lines", new ArrayList<Map<String, Object>>());
                    orders.add(order);
                    byId.put(r.get(O_ID), order);
                });
        if (!byId.isEmpty()) {
            db.select(L_ORDER, L_SKU, L_DESCRIPTION, L_QUANTITY, L_UNIT_PRICE, L_DISCOUNT, L_NET).from(LINE)
                    .where(L_ORDER.in(byId.keySet())).orderBy(L_ID).forEach(r -> {
                        Map<String, Object> line = new LinkedHashMap<>();
                        line.put("sku", r.get(L_SKU));
                        line.put("description", r.get(L_DESCRIPTION));
                        line.put("quantity", r.get(L_QUANTITY));
                        line.put("unitPrice", r.get(L_UNIT_PRICE).toPlainString());
                        line.put("discount", r.get(L_DISCOUNT).toPlainString());
                        line.put("net", r.get(L_NET).toPlainString());
                        @SuppressWarnings("unchecked")
                        var lines = (List<Map<String, Object>>) byId.get(r.get(L_ORDER)).get("lines");
                        lines.add(line);
                    });
        }
        List<Map<String, Object>> events = new ArrayList<>();
        db.select(E_SOURCE, E_EXTERNAL_ID, E_TYPE, E_OCCURRED_AT, E_PROPERTIES).from(EVENT)
                .where(E_CUSTOMER.eq(customerId)).orderBy(E_OCCURRED_AT).forEach(r -> {
                    Map<String, Object> event = new LinkedHashMap<>();
                    event.put("type", r.get(E_TYPE));
                    event.put("source", r.get(E_SOURCE));
                    event.put("at", r.get(E_OCCURRED_AT).toString());
                    event.put("properties", personal.revealed(r.get(E_PROPERTIES)));
                    events.add(event);
                });
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("orders", orders);
        data.put("events", events);
        List<String> summary = new ArrayList<>();
        orders.forEach(o -> summary.add(o.get("at") + " " + o.get("kind") + " " + o.get("order") + " ("
                + o.get("channel") + ", " + ((List<?>) o.get("lines")).size() + " lines)"));
        summary.add(events.size() + " recorded interactions (page views, carts, service contacts, messages opened …)");
        return new Export(category(), "What you bought and returned, and your recorded interactions with us.", data,
                summary);
    }

    @Override
    public Erasure erase(long customerId) {
        int events = db.update(EVENT).set(E_PROPERTIES, (String) null).where(E_CUSTOMER.eq(customerId))
                .and(E_PROPERTIES.isNotNull()).execute();
        return new Erasure(category(), events, events + " event(s) stripped of their properties; orders kept without "
                + "personal data so that revenue totals stay the same");
    }
}
