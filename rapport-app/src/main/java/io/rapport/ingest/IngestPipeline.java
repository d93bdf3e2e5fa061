package io.rapport.ingest;

import static io.rapport.ingest.IngestTables.*;

import io.rapport.customer.CustomerDirectory;
import io.rapport.customer.CustomerSummaries;
import io.rapport.customer.SummaryDelta;
import io.rapport.ingest.IngestRecords.Outcome;
import io.rapport.platform.NaturalKeys;
import io.rapport.product.ProductCatalog;
import io.rapport.platform.RapportProperties;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.Field;
import org.jooq.Table;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Stores a chunk of validated records in one transaction: skips what is already stored (idempotency by
 * source + external id), resolves customers, appends orders, lines and events, and updates the customers'
 * summaries — all or nothing, so a crash between chunks loses no accepted row and counts none twice.
 */
@Service
class IngestPipeline {

    private final DSLContext db;
    private final CustomerDirectory directory;
    private final CustomerSummaries summaries;
    private final ProductCatalog catalog;
    private final ReportingCurrency money;
    private final ZoneId zone;
    private final Clock clock;
    private final ApplicationEventPublisher published;

    private final io.rapport.privacy.PersonalEventProperties personal;

    IngestPipeline(DSLContext db, CustomerDirectory directory, CustomerSummaries summaries, ProductCatalog catalog,
                   ReportingCurrency money, RapportProperties properties, Clock clock,
                   ApplicationEventPublisher published, io.rapport.privacy.PersonalEventProperties personal) {
        this.personal = personal;
        this.db = db;
        this.directory = directory;
        this.summaries = summaries;
        this.catalog = catalog;
        this.money = money;
        this.zone = properties.timeZone();
        this.clock = clock;
        this.published = published;
    }

    @Transactional
    public List<Outcome> orderLines(List<IngestRecords.OrderLine> lines) {
        Outcome[] outcomes = new Outcome[lines.size()];
        List<Integer> fresh = notYetStored(LINE, L_SOURCE, L_EXTERNAL_ID, lines, IngestRecords.OrderLine::source,
                IngestRecords.OrderLine::lineKey, outcomes);
        if (fresh.isEmpty()) {
            return List.of(outcomes);
        }
        // Orders already stored (an earlier chunk or file holds their first lines) keep their customer.
        Map<String, Long> orderIds = new HashMap<>();
        Map<String, Long> orderCustomers = new HashMap<>();
        existingOrders(fresh.stream().map(lines::get).toList(), orderIds, orderCustomers);

        Map<String, Integer> firstLineOfNewOrder = new LinkedHashMap<>();
        for (int i : fresh) {
            var line = lines.get(i);
            String orderKey = line.source() + "\u0000" + line.orderId();
            if (!orderIds.containsKey(orderKey)) {
                firstLineOfNewOrder.putIfAbsent(orderKey, i);
            }
        }
        List<Integer> newOrders = new ArrayList<>(firstLineOfNewOrder.values());
        List<Optional<Long>> customers = directory.resolve(newOrders.stream()
                .map(i -> new CustomerDirectory.Claim(lines.get(i).identities(), lines.get(i).profile())).toList(),
                CustomerDirectory.Mode.CREATE);

        Map<Long, SummaryDelta> deltas = new LinkedHashMap<>();
        if (!newOrders.isEmpty()) {
            var insert = db.insertInto(ORDER, O_SOURCE, O_EXTERNAL_ID, O_CUSTOMER, O_KIND, O_CHANNEL, O_STORE,
                    O_ORDERED_AT, O_DAY, O_CURRENCY, O_ORIGINAL);
            for (int n = 0; n < newOrders.size(); n++) {
                var line = lines.get(newOrders.get(n));
                Long customer = customers.get(n).orElse(null);
                insert = insert.values(line.source(), line.orderId(), customer, line.kind(), line.channel(),
                        line.storeCode(), line.orderedAt().atOffset(ZoneOffset.UTC),
                        line.orderedAt().atZone(zone).toLocalDate(), line.currency().getCurrencyCode(),
                        line.originalOrderId());
                orderCustomers.put(line.source() + "\u0000" + line.orderId(), customer);
                if (customer != null) {
                    SummaryDelta delta = deltas.computeIfAbsent(customer, SummaryDelta::new);
                    if ("sale".equals(line.kind())) {
                        delta.sale(line.orderedAt(), line.orderedAt().atZone(zone).toLocalDate(), line.channel());
                    } else {
                        delta.refund(line.orderedAt());
                    }
                }
            }
            insert.execute();
            existingOrders(newOrders.stream().map(lines::get).toList(), orderIds, new HashMap<>());
        }

        List<OrderLinesStored.Line> stored = new ArrayList<>(fresh.size());
        var lineInsert = db.insertInto(LINE, L_ORDER, L_SOURCE, L_EXTERNAL_ID, L_SKU, L_DESCRIPTION, L_QUANTITY,
                L_UNIT_PRICE, L_DISCOUNT, L_COUPON, L_NET);
        for (int i : fresh) {
            var line = lines.get(i);
            String orderKey = line.source() + "\u0000" + line.orderId();
            lineInsert = lineInsert.values(orderIds.get(orderKey), line.source(), line.lineKey(), line.sku(),
                    line.description(), line.quantity(), line.unitPrice(), line.discount(), line.couponCode(),
                    line.netAmount());
            Long customer = orderCustomers.get(orderKey);
            outcomes[i] = customer == null ? Outcome.ANONYMOUS : Outcome.ACCEPTED;
            if (customer != null) {
                var amount = money.convert(line.netAmount(), line.currency()).orElseThrow(() ->
                        new IllegalStateException("currency " + line.currency() + " passed validation without a rate"));
                deltas.computeIfAbsent(customer, SummaryDelta::new).amount(line.channel(), amount);
                stored.add(new OrderLinesStored.Line(customer, orderIds.get(orderKey), line.source(), line.orderId(),
                        line.lineId(), line.kind(), line.channel(), line.storeCode(), line.orderedAt(), line.sku(),
                        line.quantity(), amount, line.discount(), line.couponCode(), line.originalOrderId()));
            }
        }
        lineInsert.execute();
        summaries.apply(deltas.values());
        if (!stored.isEmpty()) {
            published.publishEvent(new OrderLinesStored(stored));
        }
        return List.of(outcomes);
    }

    private void existingOrders(List<IngestRecords.OrderLine> lines, Map<String, Long> ids, Map<String, Long> customers) {
        Map<String, Set<String>> bySource = new HashMap<>();
        lines.forEach(l -> bySource.computeIfAbsent(l.source(), s -> new HashSet<>()).add(l.orderId()));
        bySource.forEach((source, orderIds) -> NaturalKeys.select(db, List.of(O_ID, O_EXTERNAL_ID, O_CUSTOMER), ORDER,
                        O_SOURCE.eq(source), O_EXTERNAL_ID, orderIds)
                .forEach(r -> {
                    ids.put(source + "\u0000" + r.get(O_EXTERNAL_ID), r.get(O_ID));
                    customers.put(source + "\u0000" + r.get(O_EXTERNAL_ID), r.get(O_CUSTOMER));
                }));
    }

    @Transactional
    public List<Outcome> events(List<IngestRecords.Event> events) {
        return events(events, fresh -> directory.resolve(fresh.stream()
                .map(i -> new CustomerDirectory.Claim(events.get(i).identities(), null)).toList(),
                CustomerDirectory.Mode.ATTACH_ONLY));
    }

    /** Events of a customer known by id (recorded by another module, e.g. a survey answer), not by identities. */
    @Transactional
    public List<Outcome> eventsOf(long customerId, List<IngestRecords.Event> events) {
        return events(events, fresh -> fresh.stream().map(i -> Optional.of(customerId)).toList());
    }

    private List<Outcome> events(List<IngestRecords.Event> events,
                                 java.util.function.Function<List<Integer>, List<Optional<Long>>> resolve) {
        Outcome[] outcomes = new Outcome[events.size()];
        List<Integer> fresh = notYetStored(EVENT, E_SOURCE, E_EXTERNAL_ID, events, IngestRecords.Event::source,
                IngestRecords.Event::externalId, outcomes);
        if (fresh.isEmpty()) {
            return List.of(outcomes);
        }
        List<Optional<Long>> customers = resolve.apply(fresh);
        OffsetDateTime now = OffsetDateTime.now(clock);
        Map<Long, SummaryDelta> deltas = new LinkedHashMap<>();
        List<EventsStored.Event> stored = new ArrayList<>(fresh.size());
        var insert = db.insertInto(EVENT, E_SOURCE, E_EXTERNAL_ID, E_CUSTOMER, E_TYPE, E_OCCURRED_AT, E_RECEIVED_AT,
                E_PROPERTIES);
        for (int n = 0; n < fresh.size(); n++) {
            int i = fresh.get(n);
            var event = events.get(i);
            Long customer = customers.get(n).orElse(null);
            // personal values (email, phone, name … keys) are stored encrypted when encryption is on
            String properties = personal.protect(event.propertiesJson());
            insert = insert.values(event.source(), event.externalId(), customer, event.type(),
                    event.occurredAt().atOffset(ZoneOffset.UTC), now, properties);
            outcomes[i] = customer == null ? Outcome.ANONYMOUS : Outcome.ACCEPTED;
            if (customer != null) {
                deltas.computeIfAbsent(customer, SummaryDelta::new).event(event.occurredAt());
                stored.add(new EventsStored.Event(customer, event.source(), event.externalId(), event.type(),
                        event.occurredAt(), properties));
            }
        }
        insert.execute();
        summaries.apply(deltas.values());
        if (!stored.isEmpty()) {
            published.publishEvent(new EventsStored(stored));
        }
        return List.of(outcomes);
    }

    /** Customer rows update the profile they resolve to; a row whose source id is already known is a duplicate. */
    @Transactional
    public List<Outcome> customers(List<IngestRecords.Customer> rows) {
        var known = directory.owners(rows.stream().flatMap(r -> r.identities().stream())
                .filter(k -> k.kind() == io.rapport.customer.IdentityKind.EXTERNAL)
                .collect(java.util.stream.Collectors.toSet())).keySet();
        List<Outcome> outcomes = new ArrayList<>(rows.size());
        Set<Object> seen = new HashSet<>();
        for (var row : rows) {
            boolean duplicate = row.identities().stream()
                    .filter(k -> k.kind() == io.rapport.customer.IdentityKind.EXTERNAL)
                    .anyMatch(k -> known.contains(k) || !seen.add(k));
            outcomes.add(duplicate ? Outcome.DUPLICATE : Outcome.ACCEPTED);
        }
        directory.resolve(rows.stream().map(r -> new CustomerDirectory.Claim(r.identities(), r.profile())).toList(),
                CustomerDirectory.Mode.CREATE);
        return outcomes;
    }

    @Transactional
    public List<Outcome> products(List<IngestRecords.Product> rows) {
        List<Boolean> created = catalog.upsert(rows.stream().map(p -> new ProductCatalog.Product(p.sku(), p.name(),
                p.category(), p.unitPrice(), p.currency() == null ? null : p.currency().getCurrencyCode(),
                p.maintenanceMonths(), p.warrantyMonths(), p.consumableFor())).toList());
        return created.stream().map(isNew -> isNew ? Outcome.ACCEPTED : Outcome.DUPLICATE).toList();
    }

    @Transactional
    public List<Outcome> stores(List<IngestRecords.Store> rows) {
        Set<String> known = new HashSet<>(db.select(ST_CODE).from(STORE)
                .where(ST_CODE.in(rows.stream().map(IngestRecords.Store::code).toList())).fetch(ST_CODE));
        List<Outcome> outcomes = new ArrayList<>();
        for (var s : rows) {
            if (known.add(s.code())) {
                db.insertInto(STORE).set(ST_CODE, s.code()).set(ST_NAME, s.name()).set(ST_CHANNEL, s.channel())
                        .set(ST_CITY, s.city()).execute();
                outcomes.add(Outcome.ACCEPTED);
            } else {
                db.update(STORE).set(ST_NAME, s.name()).set(ST_CHANNEL, s.channel()).set(ST_CITY, s.city())
                        .where(ST_CODE.eq(s.code())).execute();
                outcomes.add(Outcome.DUPLICATE);
            }
        }
        return outcomes;
    }

    /**
     * The positions of records whose natural key is neither stored already nor repeated earlier in the chunk; the
     * others are marked {@link Outcome#DUPLICATE} in {@code outcomes}.
     */
    private <R> List<Integer> notYetStored(Table<?> table, Field<String> sourceField, Field<String> idField,
                                           List<R> records, Function<R, String> source, Function<R, String> id,
                                           Outcome[] outcomes) {
        Set<String> stored = existing(table, sourceField, idField, records, source, id);
        List<Integer> fresh = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < records.size(); i++) {
            String key = source.apply(records.get(i)) + "\u0000" + id.apply(records.get(i));
            if (stored.contains(key) || !seen.add(key)) {
                outcomes[i] = Outcome.DUPLICATE;
            } else {
                fresh.add(i);
            }
        }
        return fresh;
    }

    private <R> Set<String> existing(Table<?> table, Field<String> sourceField, Field<String> idField, List<R> rows,
                                     Function<R, String> source, Function<R, String> id) {
        Map<String, List<String>> bySource = new HashMap<>();
        rows.forEach(r -> bySource.computeIfAbsent(source.apply(r), s -> new ArrayList<>()).add(id.apply(r)));
        Set<String> found = new HashSet<>();
        bySource.forEach((src, ids) -> NaturalKeys.select(db, List.of(idField), table, sourceField.eq(src), idField, ids)
                .forEach(r -> found.add(src + "\u0000" + r.get(idField))));
        return found;
    }
}
