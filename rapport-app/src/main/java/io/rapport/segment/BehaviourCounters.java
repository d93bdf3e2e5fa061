package io.rapport.segment;

import static io.rapport.segment.SegmentTables.*;

import io.rapport.customer.CustomersMerged;
import io.rapport.ingest.EventsStored;
import io.rapport.ingest.OrderLinesStored;
import io.rapport.platform.RapportProperties;
import io.rapport.product.ProductCatalog;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Keeps the behaviour counters that segment windows read, in the transaction that stores the orders and events:
 * per customer, event type, SKU / category / all, and day in the brand's time zone (see docs/segments.md, "Behaviour
 * windows"). Ingest publishes only new lines and events, so replays never count twice; a late or out-of-order event
 * lands in the bucket of the day it happened. Then the customers whose membership may have changed are re-evaluated.
 */
@Component
class BehaviourCounters {

    private static final Logger log = LoggerFactory.getLogger(BehaviourCounters.class);

    static final String PURCHASE = "purchase";
    static final String CART_ADD = "cart_add";
    static final String ALL = "all";
    static final String SKU = "sku";
    static final String CATEGORY = "category";
    /**
     * Interactions (events other than purchases) by the channel in their {@code channel} property (app, shop, wecom,
     * email ...): they feed the preferred-channel tag beside the orders per sales channel.
     */
    static final String CHANNEL = "channel";
    /** Event types that show when a customer reads messages: they feed the best-send-time tag. */
    static final Set<String> ENGAGEMENT = Set.of("message_open", "message_click");

    private final DSLContext db;
    private final ZoneId zone;
    private final ProductCatalog products;
    private final ObjectMapper json;
    private final Memberships memberships;

    BehaviourCounters(DSLContext db, RapportProperties properties, ProductCatalog products, ObjectMapper json,
                      Memberships memberships) {
        this.db = db;
        this.zone = properties.timeZone();
        this.products = products;
        this.json = json;
        this.memberships = memberships;
    }

    private record Key(long customer, String type, String dimension, String value, LocalDate day)
            implements Comparable<Key> {
        private static final Comparator<Key> ORDER = Comparator.comparingLong(Key::customer).thenComparing(Key::type)
                .thenComparing(Key::dimension).thenComparing(Key::value).thenComparing(Key::day);

        public int compareTo(Key other) {
            return ORDER.compare(this, other);
        }
    }

    private static final class Tally {
        int count;
        BigDecimal amount = BigDecimal.ZERO;
    }

    private record Last(long customer, String type) implements Comparable<Last> {
        public int compareTo(Last other) {
            int c = Long.compare(customer, other.customer);
            return c != 0 ? c : type.compareTo(other.type);
        }
    }

    private record Hour(long customer, int hour) implements Comparable<Hour> {
        public int compareTo(Hour other) {
            int c = Long.compare(customer, other.customer);
            return c != 0 ? c : Integer.compare(hour, other.hour);
        }
    }

    private static final class Traits {
        int lines;
        int promotion;
        long units;
        BigDecimal net = BigDecimal.ZERO;
    }

    @EventListener
    @Order(0)
    @Transactional(propagation = Propagation.MANDATORY)
    public void eventsStored(EventsStored stored) {
        Map<Key, Tally> days = new TreeMap<>();
        Map<Last, Instant> last = new TreeMap<>();
        Map<Hour, Integer> hours = new TreeMap<>();
        List<String> skusWithoutCategory = new ArrayList<>();
        List<Object[]> parsed = new ArrayList<>();
        for (EventsStored.Event event : stored.events()) {
            String[] dims = dimensions(event.propertiesJson());
            parsed.add(new Object[] {event, dims});
            if (dims[0] != null && dims[1] == null) {
                skusWithoutCategory.add(dims[0]);
            }
        }
        Map<String, String> categories = skusWithoutCategory.isEmpty() ? Map.of() : products.categories(skusWithoutCategory);
        Set<Long> customers = new TreeSet<>();
        for (Object[] item : parsed) {
            EventsStored.Event event = (EventsStored.Event) item[0];
            String[] dims = (String[]) item[1];
            String category = dims[1] != null ? dims[1] : dims[0] == null ? null : categories.get(dims[0]);
            count(days, event.customerId(), event.type(), event.occurredAt(), dims[0], category, BigDecimal.ZERO);
            if (dims[2] != null && dims[2].length() <= SegmentLanguage.MAX_TEXT && !PURCHASE.equals(event.type())) {
                add(days, new Key(event.customerId(), event.type(), CHANNEL, dims[2].strip().toLowerCase(Locale.ROOT),
                        event.occurredAt().atZone(zone).toLocalDate()), BigDecimal.ZERO);
            }
            last.merge(new Last(event.customerId(), event.type()), event.occurredAt(), BehaviourCounters::later);
            if (ENGAGEMENT.contains(event.type())) {
                hours.merge(new Hour(event.customerId(), hourOfWeek(event.occurredAt())), 1, Integer::sum);
            }
            customers.add(event.customerId());
        }
        write(days, last, hours, Map.of());
        memberships.customersChanged(customers, "event");
    }

    @EventListener
    @Order(0)
    @Transactional(propagation = Propagation.MANDATORY)
    public void orderLinesStored(OrderLinesStored stored) {
        Map<String, String> categories = products.categories(stored.lines().stream().map(OrderLinesStored.Line::sku).toList());
        Map<Key, Tally> days = new TreeMap<>();
        Map<Last, Instant> last = new TreeMap<>();
        Map<Hour, Integer> hours = new TreeMap<>();
        Map<Long, Traits> traits = new TreeMap<>();
        Set<Long> customers = new TreeSet<>();
        Set<Long> ordersSeen = new HashSet<>();
        for (OrderLinesStored.Line line : stored.lines()) {
            customers.add(line.customerId());
            if (!"sale".equals(line.kind())) {
                continue;
            }
            count(days, line.customerId(), PURCHASE, line.orderedAt(), line.sku(), categories.get(line.sku()),
                    line.netAmount());
            last.merge(new Last(line.customerId(), PURCHASE), line.orderedAt(), BehaviourCounters::later);
            if (ordersSeen.add(line.orderId())) {
                hours.merge(new Hour(line.customerId(), hourOfWeek(line.orderedAt())), 1, Integer::sum);
            }
            Traits t = traits.computeIfAbsent(line.customerId(), c -> new Traits());
            t.lines++;
            boolean promoted = line.discount() != null && line.discount().signum() > 0
                    || line.couponCode() != null && !line.couponCode().isBlank();
            t.promotion += promoted ? 1 : 0;
            t.units += Math.max(line.quantity(), 0);
            t.net = t.net.add(line.netAmount());
        }
        write(days, last, hours, traits);
        memberships.customersChanged(customers, "order");
    }

    private void count(Map<Key, Tally> days, long customer, String type, Instant at, String sku, String category,
                       BigDecimal amount) {
        LocalDate day = at.atZone(zone).toLocalDate();
        add(days, new Key(customer, type, ALL, "", day), amount);
        if (sku != null && sku.length() <= SegmentLanguage.MAX_TEXT) {
            add(days, new Key(customer, type, SKU, sku, day), amount);
        }
        if (category != null && category.length() <= SegmentLanguage.MAX_TEXT) {
            add(days, new Key(customer, type, CATEGORY, category, day), amount);
        }
    }

    private static void add(Map<Key, Tally> days, Key key, BigDecimal amount) {
        Tally tally = days.computeIfAbsent(key, k -> new Tally());
        tally.count++;
        tally.amount = tally.amount.add(amount);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** 0 = Monday 00:00-00:59 in the brand's time zone, 167 = Sunday 23:00-23:59. */
    int hourOfWeek(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        return (local.getDayOfWeek().getValue() - 1) * 24 + local.getHour();
    }

    /** [sku, category] from an event's properties ({@code sku} or {@code product_id}, and {@code category}). */
    private String[] dimensions(String propertiesJson) {
        if (propertiesJson == null || propertiesJson.isBlank()) {
            return new String[3];
        }
        try {
            JsonNode properties = json.readTree(propertiesJson);
            return new String[] {textProperty(properties, "sku", "product_id"), textProperty(properties, "category"),
                    textProperty(properties, CHANNEL)};
        } catch (JacksonException e) {
            log.debug("event properties are not JSON; counted without sku, category or channel");
            return new String[3];
        }
    }

    private static String textProperty(JsonNode properties, String... names) {
        for (String name : names) {
            JsonNode value = properties.get(name);
            if (value != null && (value.isString() || value.isNumber()) && !value.asString().isBlank()) {
                return value.asString();
            }
        }
        return null;
    }

    /**
     * Rows per upsert statement. On H2, jOOQ writes ON CONFLICT as a MERGE over a union of one select per row, and H2
     * parses that union recursively: a thousand rows overflowed its stack (a 500 on a 1,000-event batch).
     */
    private static final int UPSERT_ROWS = 200;

    private void write(Map<Key, Tally> days, Map<Last, Instant> last, Map<Hour, Integer> hours, Map<Long, Traits> traits) {
        List<Map.Entry<Key, Tally>> dayRows = new ArrayList<>(days.entrySet());
        for (int from = 0; from < dayRows.size(); from += UPSERT_ROWS) {
            var insert = db.insertInto(BEHAVIOUR, B_CUSTOMER, B_TYPE, B_DIMENSION, B_VALUE, B_DAY, B_COUNT, B_AMOUNT);
            for (var row : dayRows.subList(from, Math.min(dayRows.size(), from + UPSERT_ROWS))) {
                Key k = row.getKey();
                insert = insert.values(k.customer(), k.type(), k.dimension(), k.value(), k.day(), row.getValue().count,
                        row.getValue().amount);
            }
            insert.onConflict(B_CUSTOMER, B_TYPE, B_DIMENSION, B_VALUE, B_DAY).doUpdate()
                    .set(B_COUNT, B_COUNT.plus(DSL.excluded(B_COUNT)))
                    .set(B_AMOUNT, B_AMOUNT.plus(DSL.excluded(B_AMOUNT)))
                    .execute();
        }
        List<Map.Entry<Last, Instant>> lastRows = new ArrayList<>(last.entrySet());
        for (int from = 0; from < lastRows.size(); from += UPSERT_ROWS) {
            var insert = db.insertInto(LAST_EVENT, L_CUSTOMER, L_TYPE, L_AT);
            for (var row : lastRows.subList(from, Math.min(lastRows.size(), from + UPSERT_ROWS))) {
                insert = insert.values(row.getKey().customer(), row.getKey().type(),
                        row.getValue().atOffset(ZoneOffset.UTC));
            }
            insert.onConflict(L_CUSTOMER, L_TYPE).doUpdate()
                    .set(L_AT, DSL.when(DSL.excluded(L_AT).gt(L_AT), DSL.excluded(L_AT)).otherwise(L_AT))
                    .execute();
        }
        if (!hours.isEmpty()) {
            var insert = db.insertInto(HOUR, H_CUSTOMER, H_HOUR, H_COUNT);
            for (var row : hours.entrySet()) {
                insert = insert.values(row.getKey().customer(), row.getKey().hour(), row.getValue());
            }
            insert.onConflict(H_CUSTOMER, H_HOUR).doUpdate().set(H_COUNT, H_COUNT.plus(DSL.excluded(H_COUNT))).execute();
        }
        if (!traits.isEmpty()) {
            var insert = db.insertInto(TRAITS, T_CUSTOMER, T_LINES, T_PROMOTION, T_UNITS, T_NET);
            for (var row : traits.entrySet()) {
                Traits t = row.getValue();
                insert = insert.values(row.getKey(), t.lines, t.promotion, t.units, t.net);
            }
            insert.onConflict(T_CUSTOMER).doUpdate()
                    .set(T_LINES, T_LINES.plus(DSL.excluded(T_LINES)))
                    .set(T_PROMOTION, T_PROMOTION.plus(DSL.excluded(T_PROMOTION)))
                    .set(T_UNITS, T_UNITS.plus(DSL.excluded(T_UNITS)))
                    .set(T_NET, T_NET.plus(DSL.excluded(T_NET)))
                    .execute();
        }
    }

    /** The merged customer's counters now count for the survivor. */
    @EventListener
    @Order(0)
    @Transactional(propagation = Propagation.MANDATORY)
    public void merged(CustomersMerged merge) {
        long survivor = merge.survivorId();
        long merged = merge.mergedId();
        Map<Key, Tally> days = new TreeMap<>();
        db.select(B_TYPE, B_DIMENSION, B_VALUE, B_DAY, B_COUNT, B_AMOUNT).from(BEHAVIOUR).where(B_CUSTOMER.eq(merged))
                .forEach(r -> {
                    Tally t = new Tally();
                    t.count = r.get(B_COUNT);
                    t.amount = r.get(B_AMOUNT);
                    days.put(new Key(survivor, r.get(B_TYPE), r.get(B_DIMENSION), r.get(B_VALUE), r.get(B_DAY)), t);
                });
        Map<Last, Instant> last = new TreeMap<>();
        db.select(L_TYPE, L_AT).from(LAST_EVENT).where(L_CUSTOMER.eq(merged))
                .forEach(r -> last.put(new Last(survivor, r.get(L_TYPE)), r.get(L_AT).toInstant()));
        Map<Hour, Integer> hours = new TreeMap<>();
        db.select(H_HOUR, H_COUNT).from(HOUR).where(H_CUSTOMER.eq(merged))
                .forEach(r -> hours.put(new Hour(survivor, r.get(H_HOUR)), r.get(H_COUNT)));
        Map<Long, Traits> traits = new TreeMap<>();
        db.select(T_LINES, T_PROMOTION, T_UNITS, T_NET).from(TRAITS).where(T_CUSTOMER.eq(merged)).forEach(r -> {
            Traits t = new Traits();
            t.lines = r.get(T_LINES);
            t.promotion = r.get(T_PROMOTION);
            t.units = r.get(T_UNITS);
            t.net = r.get(T_NET);
            traits.put(survivor, t);
        });
        write(days, last, hours, traits);
        db.deleteFrom(BEHAVIOUR).where(B_CUSTOMER.eq(merged)).execute();
        db.deleteFrom(LAST_EVENT).where(L_CUSTOMER.eq(merged)).execute();
        db.deleteFrom(HOUR).where(H_CUSTOMER.eq(merged)).execute();
        db.deleteFrom(TRAITS).where(T_CUSTOMER.eq(merged)).execute();
    }

    static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
