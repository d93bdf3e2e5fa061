package io.rapport.journey;

import static io.rapport.journey.JourneyTables.*;

import io.rapport.channel.MessageEngagement;
import io.rapport.channel.Outbox;
import io.rapport.channel.SendOutcome;
import io.rapport.channel.SendRequest;
import io.rapport.customer.CustomerContacts;
import io.rapport.ingest.EventsStored;
import io.rapport.ingest.OrderLinesStored;
import io.rapport.platform.ColumnArrays;
import io.rapport.platform.RapportException;
import io.rapport.platform.RapportProperties;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Runs journeys: enrols customers when triggers fire, moves each instance through its steps, and keeps the facts
 * steps and statistics need (events seen since entry, conversions, exits). Everything an event causes happens in
 * the transaction that stored the event (ingest publishes inside it), so an event and its consequences — a new
 * instance, a message in the outbox, a timer — commit together or not at all.
 */
@Component
class JourneyEngine {

    private static final Logger log = LoggerFactory.getLogger(JourneyEngine.class);
    /** Steps one advance may take before it must reach a wait (validation forbids cycles without waits). */
    private static final int MAX_STEPS = 200;

    private final DSLContext db;
    private final Clock clock;
    private final Journeys journeys;
    private final JourneyTimers timers;
    private final Outbox outbox;
    private final CustomerContacts contacts;
    private final JourneyProperties settings;
    private final RapportProperties rapport;
    private final ObjectMapper json;
    private final io.rapport.segment.BehaviourWindows behaviour;
    private final io.rapport.segment.Tags tags;
    private final StepActions actions;
    private final StaffTasks staffTasks;
    private final JourneyVariables variables;
    private final WebhookSteps webhooks;
    private final DateOccasions dates;
    private final EntryContext entryContext;
    private final CustomerFacts facts;
    private final OrderFacts orderFacts;

    JourneyEngine(DSLContext db, Clock clock, Journeys journeys, JourneyTimers timers, Outbox outbox,
                  CustomerContacts contacts, JourneyProperties settings, RapportProperties rapport, ObjectMapper json,
                  io.rapport.segment.BehaviourWindows behaviour, io.rapport.segment.Tags tags,
                  StepActions actions, StaffTasks staffTasks, JourneyVariables variables, WebhookSteps webhooks,
                  DateOccasions dates, EntryContext entryContext, CustomerFacts facts, OrderFacts orderFacts) {
        this.variables = variables;
        this.webhooks = webhooks;
        this.orderFacts = orderFacts;
        this.dates = dates;
        this.entryContext = entryContext;
        this.facts = facts;
        this.behaviour = behaviour;
        this.tags = tags;
        this.actions = actions;
        this.staffTasks = staffTasks;
        this.db = db;
        this.clock = clock;
        this.journeys = journeys;
        this.timers = timers;
        this.outbox = outbox;
        this.contacts = contacts;
        this.settings = settings;
        this.rapport = rapport;
        this.json = json;
    }

    /** Prefix of the outbox origin of a journey's messages ({@code journey:<code>:<step>}). */
    static String origin(String code, String step) {
        return "journey:" + code + ":" + step;
    }

    /** Something a customer did: a behaviour event or a purchase ({@code order}), with its idempotency key. */
    record Signal(long customerId, String type, String key, Instant at, String propertiesJson, BigDecimal revenue) {}

    @EventListener
    void on(EventsStored stored) {
        signals(stored.events().stream().map(e -> new Signal(e.customerId(), e.type(),
                e.source() + ":" + e.externalId(), e.occurredAt(), e.propertiesJson(), BigDecimal.ZERO)).toList());
    }

    @EventListener
    void on(OrderLinesStored stored) {
        Map<String, Signal> orders = new LinkedHashMap<>();
        Map<Long, Integer> counts = orderFacts.counts(stored);
        for (OrderLinesStored.Line line : stored.lines()) {
            if (!"sale".equals(line.kind())) {
                continue;
            }
            String key = line.source() + ":" + line.externalOrderId();
            Signal previous = orders.get(key);
            BigDecimal amount = line.netAmount() == null ? BigDecimal.ZERO : line.netAmount();
            orders.put(key, new Signal(line.customerId(), JourneyDefinition.ORDER, key, line.orderedAt(),
                    json.writeValueAsString(orderFacts.properties(line, counts)),
                    previous == null ? amount : previous.revenue().add(amount)));
        }
        signals(List.copyOf(orders.values()));
    }

    /** Engagement with a journey's message: remembered on the instance for {@code message} branch conditions. */
    @EventListener
    void on(MessageEngagement engagement) {
        String key = engagement.dedupeKey();
        if (!key.startsWith("journey:")) {
            return;
        }
        String[] parts = key.split(":");
        if (parts.length < 5 || !parts[3].startsWith("i")) {
            return;
        }
        long instanceId = Long.parseLong(parts[3].substring(1));
        remember(instanceId, "msg." + parts[4] + "." + engagement.kind());
    }

    void signals(List<Signal> signals) {
        if (signals.isEmpty()) {
            return;
        }
        List<Map.Entry<Journeys.Journey, JourneyDefinition>> active = journeys.active();
        if (active.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Map<String, Set<String>> watched = new java.util.HashMap<>();
        Set<String> exits = new java.util.HashSet<>();
        Set<String> goals = new java.util.HashSet<>();
        Set<String> conditions = new java.util.HashSet<>();
        for (var j : active) {
            // a watch awaits one type or several ("cart_add,order"): any of them fulfils it
            j.getValue().trigger().missing().ifPresent(m -> List.of(m.split(",")).forEach(type ->
                    watched.computeIfAbsent(type, t -> new java.util.HashSet<>()).add(m)));
            exits.addAll(j.getValue().exitOn());
            j.getValue().goal().ifPresent(g -> goals.add(g.event()));
            j.getValue().steps().forEach(step -> step.condition().flatMap(JourneyDefinition.Condition::event)
                    .ifPresent(conditions::add));
        }
        List<Signal> fresh = signals.stream()
                .filter(signal -> !signal.at().isBefore(now.minus(settings.maxEventAge())))
                .toList(); // history being imported: no journey reacts to it
        // a customer's signals in order, one per round; the customers of a round enter their journeys together
        for (List<Integer> round : rounds(fresh.stream().map(Signal::customerId).toList())) {
            List<Signal> batch = round.stream().map(fresh::get).toList();
            List<Set<Long>> enteredNow = batch.stream().map(s -> (Set<Long>) new java.util.HashSet<Long>()).toList();
            for (var j : active) {
                JourneyDefinition.Trigger trigger = j.getValue().trigger();
                if (!trigger.type().equals("event")) {
                    continue;
                }
                List<Integer> matching = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    if (trigger.event().filter(batch.get(i).type()::equals).isPresent()
                            && matches(trigger, batch.get(i))) {
                        matching.add(i);
                    }
                }
                List<Optional<Long>> entered = enrolAll(j.getKey(), j.getValue(), matching.stream().map(batch::get)
                        .map(signal -> new Entrant(signal.customerId(), signal.key(),
                                orderFacts.context(signal.propertiesJson()))).toList());
                for (int m = 0; m < matching.size(); m++) {
                    entered.get(m).ifPresent(enteredNow.get(matching.get(m))::add);
                }
            }
            for (int i = 0; i < batch.size(); i++) {
                Signal signal = batch.get(i);
                for (var j : active) {
                    JourneyDefinition.Trigger trigger = j.getValue().trigger();
                    if (trigger.type().equals("absence") && trigger.event().filter(signal.type()::equals).isPresent()
                            && matches(trigger, signal)) {
                        watch(j.getKey(), trigger, signal);
                    }
                }
                if (watched.containsKey(signal.type())) {
                    db.update(WATCH).set(W_STATUS, "fulfilled").where(W_CUSTOMER.eq(signal.customerId()))
                            .and(W_AWAITED.in(watched.get(signal.type()))).and(W_STATUS.eq("waiting"))
                            .and(W_STARTED.le(signal.at().atOffset(ZoneOffset.UTC))).execute();
                }
                String type = signal.type();
                if (exits.contains(type) || goals.contains(type) || conditions.contains(type)) {
                    afterEntry(signal, exits.contains(type), goals.contains(type), enteredNow.get(i));
                }
            }
        }
        countTriggers(active, signals, now);
    }

    /**
     * Count thresholds ("viewed the same product more than 5 times in 7 days"): per journey, customer and product of
     * this batch, the count over the window ending on the day of the batch's latest such event, read from the
     * segment module's behaviour counters (already holding this batch: they are written earlier in this
     * transaction). The journey is entered only when this batch carried the count across the threshold, so further
     * views do not enter again; dropping back under and crossing later is a new crossing (re-entry rules apply).
     */
    private void countTriggers(List<Map.Entry<Journeys.Journey, JourneyDefinition>> active, List<Signal> signals,
                               Instant now) {
        for (var j : active) {
            JourneyDefinition.Trigger trigger = j.getValue().trigger();
            if (!trigger.type().equals("count") || trigger.count().isEmpty()) {
                continue;
            }
            JourneyDefinition.CountThreshold threshold = trigger.count().get();
            long days = trigger.within().orElseThrow().toDays();
            Map<String, List<Signal>> groups = new LinkedHashMap<>();
            Map<String, Optional<String>> skus = new java.util.HashMap<>();
            for (Signal signal : signals) {
                if (signal.at().isBefore(now.minus(settings.maxEventAge()))
                        || trigger.event().filter(signal.type()::equals).isEmpty() || !matches(trigger, signal)) {
                    continue;
                }
                Optional<String> sku = threshold.per().equals("sku") ? sku(signal) : Optional.empty();
                if (threshold.per().equals("sku") && sku.isEmpty()) {
                    continue; // an event about no product counts towards no product
                }
                String group = signal.customerId() + "|" + sku.orElse("");
                groups.computeIfAbsent(group, g -> new ArrayList<>()).add(signal);
                skus.put(group, sku);
            }
            if (groups.isEmpty()) {
                continue;
            }
            // the counts of every group of the batch in one query, over the union of their windows
            Map<String, LocalDate> lasts = new java.util.HashMap<>();
            groups.forEach((group, batch) -> lasts.put(group, batch.stream()
                    .map(s -> s.at().atZone(rapport.timeZone()).toLocalDate()).max(LocalDate::compareTo).orElseThrow()));
            LocalDate latest = lasts.values().stream().max(LocalDate::compareTo).orElseThrow();
            LocalDate earliest = lasts.values().stream().min(LocalDate::compareTo).orElseThrow().minusDays(days - 1);
            var counts = behaviour.countsByDay(groups.entrySet().stream().map(g -> new io.rapport.segment
                    .BehaviourWindows.Key(g.getValue().getFirst().customerId(), skus.get(g.getKey()))).toList(),
                    trigger.event().orElseThrow(), earliest, latest);
            for (var group : groups.entrySet()) {
                List<Signal> batch = group.getValue();
                LocalDate last = lasts.get(group.getKey());
                LocalDate first = last.minusDays(days - 1);
                long customerId = batch.getFirst().customerId();
                Optional<String> sku = skus.get(group.getKey());
                int total = counts.getOrDefault(new io.rapport.segment.BehaviourWindows.Key(customerId, sku), Map.of())
                        .entrySet().stream().filter(d -> !d.getKey().isBefore(first) && !d.getKey().isAfter(last))
                        .mapToInt(Map.Entry::getValue).sum();
                long fromBatch = batch.stream().map(s -> s.at().atZone(rapport.timeZone()).toLocalDate())
                        .filter(d -> !d.isBefore(first)).count();
                if (total > threshold.moreThan() && total - fromBatch <= threshold.moreThan()) {
                    enrol(j.getKey(), j.getValue(), customerId,
                            "count:" + trigger.event().get() + ":" + sku.orElse("all") + ":" + last);
                }
            }
        }
    }

    /** The product an event is about: its {@code sku} or {@code product_id} property (as the counters read it). */
    private Optional<String> sku(Signal signal) {
        if (signal.propertiesJson() == null || signal.propertiesJson().isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode properties = json.readTree(signal.propertiesJson());
            for (String name : List.of("sku", "product_id")) {
                JsonNode value = properties.get(name);
                if (value != null && (value.isString() || value.isNumber()) && !value.asString().isBlank()) {
                    return Optional.of(value.asString());
                }
            }
        } catch (tools.jackson.core.JacksonException notJson) {
            // counted without a product, as the counters do
        }
        return Optional.empty();
    }

    private boolean matches(JourneyDefinition.Trigger trigger, Signal signal) {
        if (trigger.filter().isEmpty()) {
            return true;
        }
        if (signal.propertiesJson() == null) {
            return false;
        }
        JsonNode properties = json.readTree(signal.propertiesJson());
        for (var entry : trigger.filter().entrySet()) {
            JsonNode value = properties.get(entry.getKey());
            if (value == null || !entry.getValue().equals(value.asString())) {
                return false;
            }
        }
        return true;
    }

    /** What an event means for instances the customer is already in: seen events, exits, conversions. */
    private void afterEntry(Signal signal, boolean mayExit, boolean mayConvert, Set<Long> enteredNow) {
        List<Record> instances = db.select(I_ID, I_JOURNEY, I_VERSION, I_STATUS, I_ENTERED, I_CONVERTED, I_SEEN)
                .from(INSTANCE).where(I_CUSTOMER.eq(signal.customerId()))
                .and(I_STATUS.in("active", "holdout").or(mayConvert ? I_CONVERTED.isNull() : I_ID.isNull()))
                .fetch().stream().map(r -> (Record) r).toList();
        OffsetDateTime at = signal.at().atOffset(ZoneOffset.UTC);
        for (Record instance : instances) {
            if (instance.get(I_ENTERED).isAfter(at) || enteredNow.contains(instance.get(I_ID))) {
                continue; // before entry, or the very event that enrolled (an order entering and exiting on orders)
            }
            JourneyDefinition definition = journeys.definition(instance.get(I_JOURNEY), instance.get(I_VERSION));
            long id = instance.get(I_ID);
            if ("active".equals(instance.get(I_STATUS))) {
                remember(id, signal.type());
            }
            if ("active".equals(instance.get(I_STATUS)) && awaitable(definition, signal.type())) {
                awaitedEventCame(id, instance.get(I_JOURNEY), signal);
            }
            if (mayConvert && instance.get(I_CONVERTED) == null && definition.goal().isPresent()
                    && definition.goal().get().event().equals(signal.type())
                    && !instance.get(I_ENTERED).plus(definition.goal().get().within()).isBefore(at)) {
                db.update(INSTANCE).set(I_CONVERTED, at).set(I_REVENUE, signal.revenue())
                        .where(I_ID.eq(id)).and(I_CONVERTED.isNull()).execute();
            }
            if (mayExit && "active".equals(instance.get(I_STATUS)) && definition.exitOn().contains(signal.type())) {
                finish(id, "exited", "exit:" + signal.type());
            }
        }
    }

    private static boolean awaitable(JourneyDefinition definition, String type) {
        return definition.steps().stream().anyMatch(step -> step.type().equals("wait")
                && step.condition().flatMap(JourneyDefinition.Condition::event).filter(type::equals).isPresent());
    }

    private void remember(long instanceId, String fact) {
        String seen = db.select(I_SEEN).from(INSTANCE).where(I_ID.eq(instanceId)).fetchOne(I_SEEN);
        if (seen == null || Arrays.asList(seen.split(",")).contains(fact) || seen.length() + fact.length() > 1990) {
            return;
        }
        db.update(INSTANCE).set(I_SEEN, seen.isEmpty() ? fact : seen + "," + fact).where(I_ID.eq(instanceId))
                .execute();
    }

    private void watch(Journeys.Journey journey, JourneyDefinition.Trigger trigger, Signal signal) {
        Instant deadline = signal.at().plus(trigger.within().orElseThrow());
        int inserted = db.insertInto(WATCH).set(W_JOURNEY, journey.id()).set(W_CUSTOMER, signal.customerId())
                .set(W_KEY, signal.key()).set(W_AWAITED, trigger.missing().orElseThrow())
                .set(W_STARTED, signal.at().atOffset(ZoneOffset.UTC)).set(W_DEADLINE, deadline.atOffset(ZoneOffset.UTC))
                .set(W_STATUS, "waiting").set(W_CONTEXT, entryContext.write(orderFacts.context(signal.propertiesJson())))
                .onConflict(W_JOURNEY, W_KEY).doNothing().execute();
        if (inserted == 1) {
            long id = db.select(W_ID).from(WATCH).where(W_JOURNEY.eq(journey.id())).and(W_KEY.eq(signal.key()))
                    .fetchOne(W_ID);
            timers.watchUntil(id, deadline);
        }
    }

    /**
     * The deadline of an absence watch: nothing came, so the customer enters (if the journey still runs) with what
     * the watched event knew (the product viewed: {@code product.name}).
     */
    @Transactional
    public void watchExpired(long watchId) {
        Record watch = db.selectFrom(WATCH).where(W_ID.eq(watchId)).forUpdate().fetchOne();
        if (watch == null || !"waiting".equals(watch.get(W_STATUS.getName(), String.class))) {
            return;
        }
        db.update(WATCH).set(W_STATUS, "expired").where(W_ID.eq(watchId)).execute();
        long journeyId = watch.get(W_JOURNEY.getName(), Long.class);
        journeys.active().stream().filter(j -> j.getKey().id() == journeyId).findFirst().ifPresent(j ->
                enrol(j.getKey(), j.getValue(), watch.get(W_CUSTOMER.getName(), Long.class),
                        "watch:" + watch.get(W_KEY.getName(), String.class),
                        entryContext.read(watch.get(W_CONTEXT.getName(), String.class))));
    }

    /**
     * Date triggers (birthdays, maintenance due, warranty end) whose moment has come in each customer's time zone;
     * idempotent per occasion (the entry key), and set-based: see {@link DateOccasions}.
     */
    @Transactional
    public int runDateTriggers() {
        Instant now = clock.instant();
        int enrolled = 0;
        for (var j : journeys.active()) {
            JourneyDefinition.Trigger trigger = j.getValue().trigger();
            if (!trigger.type().equals("date")) {
                continue;
            }
            // one date run per journey at a time (the hourly timer, another instance, an operator)
            db.select(J_ID).from(JOURNEY).where(J_ID.eq(j.getKey().id())).forUpdate().fetch();
            List<Entrant> entrants = dates.notEntered(j.getKey().id(), dates.due(trigger, now)).stream()
                    .map(o -> new Entrant(o.customerId(), o.key(), o.context())).toList();
            enrolled += (int) enrolAll(j.getKey(), j.getValue(), entrants).stream().filter(Optional::isPresent)
                    .count();
        }
        if (enrolled >= ANALYZE_AFTER && db.dialect().family() == org.jooq.SQLDialect.POSTGRES) {
            // A day of birthdays is a bulk load of instances. The next hourly check asks, per 1,000 customers, which
            // of them are inside; planned without statistics for the new rows, that query reads all of the journey's
            // instances each time (27 s for 100,000 customers against about 0.2 s planned with them). Autovacuum
            // would analyse the table later (where it runs at all); the check does it now, as after any bulk load.
            db.execute("analyze journey_instance");
        }
        return enrolled;
    }

    /** Entries by one date check from which the instances' statistics are refreshed at once (see runDateTriggers). */
    static final int ANALYZE_AFTER = 10_000;

    /** The repurchase probability fell below the scoring threshold: {@code score} triggers on that enrol. */
    @EventListener
    @Transactional
    public void on(io.rapport.scoring.RepurchaseProbabilityFell fell) {
        scoreChanged(fell.customerId(), "repurchase-probability-fell", Optional.empty(), Optional.empty(),
                "score:repurchase-probability-fell:" + fell.asOf());
    }

    /** The stored churn risk (model or fallback) rose past its threshold. */
    @EventListener
    @Transactional
    public void on(io.rapport.scoring.ChurnRiskCrossed crossed) {
        scoreChanged(crossed.customerId(), "churn-risk-crossed", Optional.empty(), Optional.empty(),
                "score:churn-risk-crossed:" + crossed.asOf());
    }

    /** A scoring run moved the customer to another lifecycle stage ("becomes dormant"). */
    @EventListener
    @Transactional
    public void on(io.rapport.scoring.LifecycleStageChanged changed) {
        String to = changed.to().name().toLowerCase(java.util.Locale.ROOT);
        scoreChanged(changed.customerId(), "lifecycle-stage", Optional.of(to),
                Optional.of(changed.from().name().toLowerCase(java.util.Locale.ROOT)),
                "score:lifecycle-stage:" + to + ":" + changed.asOf());
    }

    /**
     * Enrols the customer in each active journey whose {@code score} trigger names this change; re-entry rules
     * decide as for any trigger, and the entry key (change and as-of day) makes a repeated run of the same day enrol
     * nobody twice under {@code always}.
     */
    private void scoreChanged(long customerId, String change, Optional<String> to, Optional<String> from,
                              String entryKey) {
        for (var j : journeys.active()) {
            JourneyDefinition.Trigger trigger = j.getValue().trigger();
            if (!trigger.type().equals("score") || trigger.score().isEmpty()) {
                continue;
            }
            JourneyDefinition.ScoreChange wanted = trigger.score().get();
            if (wanted.change().equals(change)
                    && (wanted.to().isEmpty() || wanted.to().equals(to))
                    && (wanted.from().isEmpty() || wanted.from().equals(from))) {
                enrol(j.getKey(), j.getValue(), customerId, entryKey);
            }
        }
    }

    /** Manual or API enrolment. */
    @Transactional
    public Optional<Long> enrolByHand(Journeys.Journey journey, long customerId, String key) {
        return enrol(journey, journeys.definition(journey.id(), journey.version()), customerId, "manual:" + key);
    }

    /**
     * Enters a customer (idempotent per entry key) unless re-entry forbids it or they are inside already. The
     * holdout is decided here, deterministically per journey and customer; holdout customers get no step.
     */
    Optional<Long> enrol(Journeys.Journey journey, JourneyDefinition definition, long customerId, String entryKey) {
        return enrol(journey, definition, customerId, entryKey, Map.of());
    }

    /** Enters with what the trigger knew ({@link EntryContext}), offered to the journey's messages. */
    Optional<Long> enrol(Journeys.Journey journey, JourneyDefinition definition, long customerId, String entryKey,
                         Map<String, String> context) {
        return enrolAll(journey, definition, List.of(new Entrant(customerId, entryKey, context))).getFirst();
    }

    /** A customer a trigger enters: the entry key (idempotent per key) and what the trigger knew. */
    record Entrant(long customerId, String entryKey, Map<String, String> context) {}

    /**
     * Enters many customers as {@link #enrol} would one after the other, and runs their first steps: per chunk, the
     * customers inside and those within the re-entry period are read with one query each, the instances written with
     * one statement (PostgreSQL) and advanced together ({@link #advance(List, boolean)}). A customer entered twice is
     * taken in a later round, after the first entry's steps, so the second finds them inside as one by one. The
     * instance of each entrant that entered, in order.
     */
    List<Optional<Long>> enrolAll(Journeys.Journey journey, JourneyDefinition definition, List<Entrant> entrants) {
        List<Optional<Long>> result = new ArrayList<>(java.util.Collections.nCopies(entrants.size(), Optional.empty()));
        for (List<Integer> round : rounds(entrants.stream().map(Entrant::customerId).toList())) {
            for (int from = 0; from < round.size(); from += CHUNK) {
                List<Integer> chunk = round.subList(from, Math.min(round.size(), from + CHUNK));
                List<Optional<Long>> entered = enrolChunk(journey, definition,
                        chunk.stream().map(entrants::get).toList());
                for (int i = 0; i < chunk.size(); i++) {
                    result.set(chunk.get(i), entered.get(i));
                }
            }
        }
        return result;
    }

    /** Positions grouped so that each customer is in a round at most once, rounds and positions in order. */
    static List<List<Integer>> rounds(List<Long> customers) {
        List<List<Integer>> rounds = new ArrayList<>();
        Map<Long, Integer> seen = new java.util.HashMap<>();
        for (int i = 0; i < customers.size(); i++) {
            int round = seen.merge(customers.get(i), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(i);
        }
        return rounds;
    }

    /** Entrants of distinct customers: the holdout is decided here, deterministically per journey and customer. */
    private List<Optional<Long>> enrolChunk(Journeys.Journey journey, JourneyDefinition definition,
                                            List<Entrant> entrants) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        List<Long> customers = entrants.stream().map(Entrant::customerId).toList();
        // The customers' own active and holdout instances, the journey tested here: asked with the journey in SQL,
        // PostgreSQL (the table unanalysed) read all of the journey's active instances through (journey_id, status)
        // and filtered them by customer; by customer and status alone the only index is (customer_id, status).
        Set<Long> skipped = new java.util.HashSet<>();
        db.select(I_CUSTOMER, I_JOURNEY).from(INSTANCE).where(JourneyTables.customerAmong(customers))
                .and(I_STATUS.in("active", "holdout")).forEach(r -> {
                    if (r.value2() == journey.id()) {
                        skipped.add(r.value1());
                    }
                });
        JourneyDefinition.Reentry reentry = definition.reentry();
        if (!reentry.rule().equals("once") && reentry.period().isPresent()) {
            skipped.addAll(db.selectDistinct(I_CUSTOMER).from(INSTANCE).where(I_JOURNEY.eq(journey.id()))
                    .and(JourneyTables.customerAmong(customers)).and(I_ENTERED.gt(now.minus(reentry.period().get())))
                    .fetch(I_CUSTOMER));
        }
        String first = definition.steps().getFirst().id();
        List<Entrant> entering = entrants.stream().filter(e -> !skipped.contains(e.customerId())).toList();
        Map<Long, Long> ids = new java.util.HashMap<>();
        List<Record> inserted = new ArrayList<>();
        if (db.dialect().family() == org.jooq.SQLDialect.POSTGRES && !entering.isEmpty()) {
            List<List<?>> rows = new ArrayList<>();
            for (Entrant e : entering) {
                boolean holdout = holdout(journey, definition, e.customerId());
                rows.add(Arrays.asList(journey.id(), journey.version(), e.customerId(), entryKey(reentry, e),
                        holdout ? "holdout" : "active", holdout, holdout ? null : first, 0, "", now, now,
                        entryContext.write(e.context())));
            }
            // one array per column rather than 12 bind values per entrant (see ColumnArrays); the rows come back with
            // what advancing them needs, so they are not read again
            db.insertInto(INSTANCE, INSTANCE_COLUMNS).select(ColumnArrays.select(INSTANCE_COLUMNS, rows))
                    .onConflict(I_JOURNEY, I_CUSTOMER, I_ENTRY).doNothing()
                    .returningResult(I_ID, I_JOURNEY, I_VERSION, I_CUSTOMER, I_CONTEXT, I_STEP, I_SEQ).fetch()
                    .forEach(r -> {
                        ids.put(r.get(I_CUSTOMER), r.get(I_ID));
                        if (!holdout(journey, definition, r.get(I_CUSTOMER))) {
                            inserted.add(r);
                        }
                    });
            advance(inserted, Map.of(journey.id(), journey.code()), true);
        } else {
            // H2 emulates ON CONFLICT with MERGE, which reports no keys: one row at a time
            for (Entrant e : entering) {
                insertOne(journey, definition, e, now, first).ifPresent(id -> ids.put(e.customerId(), id));
            }
            advance(entering.stream().filter(e -> ids.containsKey(e.customerId())
                    && !holdout(journey, definition, e.customerId())).map(e -> ids.get(e.customerId())).toList(),
                    true);
        }
        return entrants.stream().map(e -> Optional.ofNullable(ids.get(e.customerId()))).toList();
    }

    /** The columns a bulk enrolment writes, in the order of its rows' values. */
    private static final List<org.jooq.Field<?>> INSTANCE_COLUMNS = List.of(I_JOURNEY, I_VERSION, I_CUSTOMER, I_ENTRY,
            I_STATUS, I_HOLDOUT, I_STEP, I_SEQ, I_SEEN, I_ENTERED, I_UPDATED, I_CONTEXT);

    private static String entryKey(JourneyDefinition.Reentry reentry, Entrant entrant) {
        String key = entrant.entryKey();
        return reentry.rule().equals("once") ? "once" : key.length() > 200 ? key.substring(0, 200) : key;
    }

    private static boolean holdout(Journeys.Journey journey, JourneyDefinition definition, long customerId) {
        return bucket(journey.code() + ":holdout:" + customerId, 100) < definition.holdoutPercent();
    }

    private Optional<Long> insertOne(Journeys.Journey journey, JourneyDefinition definition, Entrant entrant,
                                     OffsetDateTime now, String first) {
        boolean holdout = holdout(journey, definition, entrant.customerId());
        String key = entryKey(definition.reentry(), entrant);
        int inserted;
        try {
            inserted = db.insertInto(INSTANCE).set(I_JOURNEY, journey.id()).set(I_VERSION, journey.version())
                    .set(I_CUSTOMER, entrant.customerId()).set(I_ENTRY, key)
                    .set(I_STATUS, holdout ? "holdout" : "active").set(I_HOLDOUT, holdout)
                    .set(I_STEP, holdout ? null : first).set(I_SEQ, 0).set(I_SEEN, "")
                    .set(I_ENTERED, now).set(I_UPDATED, now).set(I_CONTEXT, entryContext.write(entrant.context()))
                    .onConflict(I_JOURNEY, I_CUSTOMER, I_ENTRY).doNothing().execute();
        } catch (org.springframework.dao.DuplicateKeyException enteredMeanwhile) {
            // H2 emulates ON CONFLICT with MERGE, which a concurrent insert of the same entry can still beat
            inserted = 0;
        }
        if (inserted == 0) {
            return Optional.empty();
        }
        return Optional.of(db.select(I_ID).from(INSTANCE).where(I_JOURNEY.eq(journey.id()))
                .and(I_CUSTOMER.eq(entrant.customerId())).and(I_ENTRY.eq(key)).fetchOne(I_ID));
    }

    /** A timer fired: continue if the instance still waits at the same place (a repeated timer does nothing). */
    @Transactional
    public void resume(long instanceId, int seq) {
        Record instance = db.select(I_STATUS, I_SEQ).from(INSTANCE).where(I_ID.eq(instanceId)).forUpdate().fetchOne();
        if (instance == null || !"active".equals(instance.get(I_STATUS)) || instance.get(I_SEQ) != seq) {
            return;
        }
        db.update(INSTANCE).setNull(I_WAITING).setNull(I_AWAITING).where(I_ID.eq(instanceId)).execute();
        advance(instanceId);
    }

    /** Runs steps from the instance's current step until it waits or ends. */
    void advance(long instanceId) {
        advance(List.of(instanceId), false);
    }

    /**
     * Runs steps from each instance's current step until it waits or ends, many instances at once, with the same
     * steps and outcomes as one by one. The instances move in waves, one step each: the sends of a wave go to the
     * outbox together ({@link Outbox#enqueueAll}), splits, exits and the end are decided in memory, and the
     * instances' places and step log are written once at the end, grouped. Any other step runs for its instance as
     * before, after that instance's pending writes. {@code entered}: the instances were entered in this transaction,
     * so no message of theirs can be in the outbox yet and the first send of each step is not looked up there.
     */
    void advance(List<Long> instanceIds, boolean entered) {
        if (instanceIds.isEmpty()) {
            return;
        }
        List<Record> rows = new ArrayList<>();
        for (int from = 0; from < instanceIds.size(); from += CHUNK) {
            Long[] ids = instanceIds.subList(from, Math.min(instanceIds.size(), from + CHUNK)).toArray(Long[]::new);
            db.selectFrom(INSTANCE).where(I_ID.eq(org.jooq.impl.DSL.any(ids))).forEach(rows::add);
        }
        Map<Long, String> codes = new java.util.HashMap<>();
        db.select(J_ID, J_CODE).from(JOURNEY).where(J_ID.in(rows.stream().map(r -> r.get(I_JOURNEY.getName(),
                        Long.class)).distinct().toList()))
                .forEach(r -> codes.put(r.value1(), r.value2()));
        advance(rows, codes, entered);
    }

    /**
     * {@link #advance(List, boolean)} for instances already read (at least id, journey, version, customer, context,
     * current step and step sequence), with the codes of their journeys.
     */
    private void advance(List<Record> rows, Map<Long, String> codes, boolean entered) {
        if (rows.isEmpty()) {
            return;
        }
        List<Cursor> all = new ArrayList<>(rows.size());
        rows.forEach(r -> all.add(new Cursor(r, entered)));
        for (Cursor c : all) {
            c.code = codes.get(c.journeyId);
            c.definition = journeys.definition(c.journeyId, c.version);
        }
        List<Cursor> running = all;
        while (!running.isEmpty()) {
            List<Cursor> goingOn = new ArrayList<>();
            List<Cursor> sending = new ArrayList<>();
            for (Cursor c : running) {
                if (c.current.isEmpty()) {
                    c.finish("completed", null);
                    continue;
                }
                if (c.taken >= MAX_STEPS) {
                    log.error("Journey {} instance {} took {} steps without waiting; stopped", c.code, c.id, c.taken);
                    c.finish("exited", "too-many-steps");
                    continue;
                }
                c.taken++;
                JourneyDefinition.Step step = c.definition.step(c.current.get()).orElseThrow();
                switch (step.type()) {
                    case "send" -> sending.add(c);
                    case "exit" -> {
                        c.log(step.id(), "exit");
                        c.finish("completed", "exit-step");
                    }
                    case "split" -> {
                        int total = step.branches().stream().mapToInt(JourneyDefinition.SplitBranch::weight).sum();
                        int pick = bucket(c.code + ":" + step.id() + ":" + c.customerId, total);
                        Optional<String> next = c.definition.following(step);
                        for (JourneyDefinition.SplitBranch branch : step.branches()) {
                            if (pick < branch.weight()) {
                                next = Optional.of(branch.next());
                                break;
                            }
                            pick -= branch.weight();
                        }
                        c.log(step.id(), "to " + next.orElse("end"));
                        c.moveTo(next);
                        goingOn.add(c);
                    }
                    default -> {
                        write(List.of(c));
                        if (step(c, step)) {
                            goingOn.add(c);
                        }
                    }
                }
            }
            send(sending);
            goingOn.addAll(sending);
            running = goingOn;
        }
        write(all);
    }

    /** Instances advanced, or looked at, per statement. */
    private static final int CHUNK = 500;

    /** An instance being advanced, with what it has done but not yet written. */
    private final class Cursor {
        final long id;
        final long journeyId;
        final int version;
        final long customerId;
        final String context;
        String code;
        JourneyDefinition definition;
        Optional<String> current;
        int seq;
        int taken;
        /** Step log rows not yet written: step id, outcome. */
        final List<String[]> logs = new ArrayList<>();
        boolean moved;
        String status;
        String exitReason;
        /** Entered in this transaction: the steps it has sent from since are the only ones in the outbox. */
        final boolean entered;
        final Set<String> sentFrom = new java.util.HashSet<>();

        Cursor(Record instance, boolean entered) {
            this.entered = entered;
            id = instance.get(I_ID.getName(), Long.class);
            journeyId = instance.get(I_JOURNEY.getName(), Long.class);
            version = instance.get(I_VERSION.getName(), Integer.class);
            customerId = instance.get(I_CUSTOMER.getName(), Long.class);
            context = instance.get(I_CONTEXT.getName(), String.class);
            current = Optional.ofNullable(instance.get(I_STEP.getName(), String.class));
            seq = instance.get(I_SEQ.getName(), Integer.class);
        }

        void log(String stepId, String outcome) {
            logs.add(new String[] {stepId, outcome.length() > 200 ? outcome.substring(0, 200) : outcome});
        }

        void moveTo(Optional<String> next) {
            current = next;
            moved = true;
        }

        void finish(String status, String reason) {
            this.status = status;
            this.exitReason = reason;
        }
    }

    /** The sends of a wave, queued together; each instance then goes to the step after its send. */
    private void send(List<Cursor> sending) {
        if (sending.isEmpty()) {
            return;
        }
        List<SendRequest> requests = new ArrayList<>();
        List<Cursor> asked = new ArrayList<>();
        Map<Cursor, String> outcomes = new java.util.IdentityHashMap<>();
        Set<String> unused = new java.util.HashSet<>();
        var declared = entryContext.declaredOnce();
        for (Cursor c : sending) {
            JourneyDefinition.Step step = c.definition.step(c.current.orElseThrow()).orElseThrow();
            JourneyVariables.Filled filled = variables.fill(step.variables(), c.id, step.id());
            if (filled.missing().isPresent()) {
                // e.g. the coupon step was refused (out of stock): no message without the code
                outcomes.put(c, "skipped:no-" + filled.missing().get());
                continue;
            }
            String template = step.template().orElseThrow();
            String key = "journey:" + c.journeyId + ":v" + c.version + ":i" + c.id + ":" + step.id();
            if (c.entered && c.sentFrom.add(step.id())) {
                unused.add(key);
            }
            requests.add(new SendRequest(key, c.customerId, template,
                    entryContext.variables(template, filled.variables(), c.context, declared),
                    origin(c.code, step.id())));
            asked.add(c);
        }
        List<Outbox.Queued> queued = outbox.enqueueAll(requests, unused);
        for (int i = 0; i < asked.size(); i++) {
            Outbox.Queued q = queued.get(i);
            Cursor c = asked.get(i);
            if (q.refused().isPresent()) {
                // the template changed after the journey was validated (a new required variable, deleted): this
                // customer goes on without the message rather than the event's transaction failing
                log.warn("Journey {} step {}: message not queued: {}", c.code, c.current.orElseThrow(),
                        q.refused().get().getMessage());
                outcomes.put(c, "failed:" + q.refused().get().code());
            } else {
                SendOutcome sent = q.outcome().orElseThrow();
                outcomes.put(c, sent.status().toLowerCase(java.util.Locale.ROOT)
                        + sent.reason().map(r -> ":" + r).orElse(""));
            }
        }
        for (Cursor c : sending) {
            JourneyDefinition.Step step = c.definition.step(c.current.orElseThrow()).orElseThrow();
            c.log(step.id(), outcomes.get(c));
            c.moveTo(c.definition.following(step));
        }
    }

    /**
     * Writes what the instances did and have not written yet: the step log rows in order (one insert per chunk,
     * of one array per column on PostgreSQL: {@link ColumnArrays}), and their places — grouped, one update per
     * distinct outcome (finished how, at which step).
     */
    private void write(List<Cursor> cursors) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        List<Cursor> logged = cursors.stream().filter(c -> !c.logs.isEmpty()).toList();
        List<List<?>> rows = new ArrayList<>();
        for (Cursor c : logged) {
            c.logs.forEach(l -> rows.add(Arrays.asList(c.id, c.journeyId, l[0], l[1], now)));
            c.logs.clear();
        }
        boolean postgres = db.dialect().family() == org.jooq.SQLDialect.POSTGRES;
        for (int from = 0; from < rows.size(); from += CHUNK) {
            List<List<?>> part = rows.subList(from, Math.min(rows.size(), from + CHUNK));
            if (postgres) {
                db.insertInto(STEP_LOG, LOG_COLUMNS).select(ColumnArrays.select(LOG_COLUMNS, part)).execute();
            } else {
                var insert = db.insertInto(STEP_LOG, LOG_COLUMNS).values(part.getFirst());
                for (List<?> row : part.subList(1, part.size())) {
                    insert = insert.values(row);
                }
                insert.execute();
            }
        }
        Map<List<Object>, List<Long>> groups = new LinkedHashMap<>();
        for (Cursor c : cursors) {
            if (c.moved || c.status != null) {
                groups.computeIfAbsent(Arrays.asList(c.moved, c.moved ? c.current.orElse(null) : null, c.status,
                        c.exitReason), k -> new ArrayList<>()).add(c.id);
                c.moved = false;
                c.status = null;
            }
        }
        groups.forEach((group, ids) -> {
            for (int from = 0; from < ids.size(); from += CHUNK) {
                var update = db.update(INSTANCE).set(I_UPDATED, now);
                if ((Boolean) group.get(0)) {
                    update = update.set(I_STEP, (String) group.get(1));
                }
                if (group.get(2) != null) {
                    update = update.set(I_STATUS, (String) group.get(2)).set(I_EXIT, (String) group.get(3))
                            .set(I_FINISHED, now).setNull(I_WAITING);
                }
                update.where(I_ID.eq(org.jooq.impl.DSL.any(ids.subList(from, Math.min(ids.size(), from + CHUNK))
                        .toArray(Long[]::new)))).execute();
            }
        });
    }

    /**
     * Why the message right after a coupon step would be suppressed for this customer (no address, no consent): then
     * the coupon is not issued — nobody would tell the customer of it, and it would sit on their account unused.
     * Only a send step that directly follows is asked; caps and quiet hours are left to the send.
     */
    private Optional<String> nextMessageSuppressed(JourneyDefinition definition, JourneyDefinition.Step coupon,
                                                   long customerId) {
        return definition.following(coupon).flatMap(definition::step).filter(s -> s.type().equals("send"))
                .flatMap(JourneyDefinition.Step::template).flatMap(t -> outbox.wouldSuppress(customerId, t));
    }

    /** The columns of a step log row, in the order {@link #write} gives them. */
    private static final List<org.jooq.Field<?>> LOG_COLUMNS = List.of(L_INSTANCE, L_JOURNEY, L_STEP, L_OUTCOME, L_AT);

    /**
     * Runs a step other than send, split or exit for one instance (its earlier steps written): true when the
     * instance goes on to {@code current}, false when it waits.
     */
    private boolean step(Cursor c, JourneyDefinition.Step step) {
        long instanceId = c.id;
        long journeyId = c.journeyId;
        long customerId = c.customerId;
        JourneyDefinition definition = c.definition;
        Optional<String> next = definition.following(step);
        String outcome = step.type();
        // this pass over the step: grants, tags and tasks happen once per visit
        var visit = new StepActions.Visit(c.code, journeyId, instanceId, c.seq, customerId, step.id());
        switch (step.type()) {
            case "wait" -> {
                if (step.taskOutcome().isPresent()) {
                    Optional<Optional<String>> decided = awaitTask(instanceId, journeyId, c.seq, definition, step);
                    if (decided.isEmpty()) {
                        return false; // waiting for staff
                    }
                    next = decided.get();
                    outcome = "task outcome: to " + next.orElse("end");
                    break;
                }
                Instant until = waitUntil(step, customerId);
                Optional<String> awaited = step.condition().flatMap(JourneyDefinition.Condition::event);
                String awaiting = null;
                if (awaited.isPresent()) {
                    // for the event the instance goes to 'then'; the timer (timeout) takes it to 'else'
                    awaiting = awaited.get() + ">" + step.thenStep().or(() -> definition.following(step)).orElse("");
                    next = step.elseStep().or(() -> definition.following(step));
                }
                c.seq++;
                db.update(INSTANCE).set(I_STEP, next.orElse(null)).set(I_SEQ, c.seq)
                        .set(I_WAITING, until.atOffset(ZoneOffset.UTC)).set(I_AWAITING, awaiting)
                        .set(I_UPDATED, clock.instant().atOffset(ZoneOffset.UTC)).where(I_ID.eq(instanceId))
                        .execute();
                log(instanceId, journeyId, step.id(), (awaiting == null ? "wait until " : "wait for "
                        + awaited.get() + " until ") + until);
                if (next.isEmpty() && awaiting == null) {
                    finish(instanceId, "completed", null);
                } else {
                    timers.resumeAt(instanceId, c.seq, until);
                }
                return false;
            }
            case "branch" -> {
                boolean holds = CustomerFacts.about(step.condition().orElseThrow())
                        ? facts.holds(step.condition().get(), customerId, instanceId)
                        : holds(instanceId, step.condition().orElseThrow());
                next = holds ? step.thenStep().or(() -> definition.following(step))
                        : step.elseStep().or(() -> definition.following(step));
                outcome = holds ? "then" : "else";
            }
            case "tag", "untag" -> outcome = actions.tag(visit, step.tag().orElseThrow(),
                    step.type().equals("untag"));
            case "points", "coupon" -> {
                Optional<String> untold = step.type().equals("coupon") ? nextMessageSuppressed(definition, step,
                        customerId) : Optional.empty();
                StepActions.Granted granted = untold.isPresent() ? StepActions.notIssued(untold.get())
                        : actions.grant(visit, step.grant().orElseThrow());
                variables.put(instanceId, granted.variables());
                outcome = granted.outcome();
            }
            case "webhook" -> outcome = webhooks.call(visit, step.webhook().orElseThrow());
            case "task" -> outcome = staffTasks.open(visit, step.task().orElseThrow());
            case "goal" -> db.update(INSTANCE).set(I_CONVERTED, clock.instant().atOffset(ZoneOffset.UTC))
                    .where(I_ID.eq(instanceId)).and(I_CONVERTED.isNull()).execute();
            default -> throw new IllegalStateException("validated step type " + step.type());
        }
        c.log(step.id(), outcome);
        c.moveTo(next);
        return true;
    }

    /**
     * When a wait step ends: after its duration (or timeout); at the next {@code until} local time of day in the
     * customer's time zone (the brand's when the profile has none); or at the next hour of the customer's
     * {@code best_send_hour} tag (an hour of the week in the brand's time zone, of which the hour of day is used:
     * waiting up to a week for the weekday would delay more than it gains), else at
     * {@code rapport.journey.default-send-time} in the customer's zone. A local time that does not exist that day
     * (a daylight-saving gap) is taken as the same wall time after the shift; an ambiguous one as its first instant.
     */
    private Instant waitUntil(JourneyDefinition.Step step, long customerId) {
        Instant now = clock.instant();
        if (step.until().isEmpty()) {
            return now.plus(step.duration().orElseThrow());
        }
        java.time.ZoneId customerZone = contacts.find(customerId).flatMap(CustomerContacts.Contact::timeZone)
                .orElse(rapport.timeZone());
        if (!step.until().get().equals(JourneyDefinition.BEST_SEND_TIME)) {
            return nextLocal(now, java.time.LocalTime.parse(step.until().get()), customerZone);
        }
        Optional<Integer> bestHour = tags.value(customerId, "best_send_hour")
                .filter(v -> v.matches("[a-z]{3}-[0-2][0-9]")).map(v -> Integer.parseInt(v.substring(4)))
                .filter(h -> h < 24);
        return bestHour.map(h -> nextLocal(now, java.time.LocalTime.of(h, 0), rapport.timeZone()))
                .orElseGet(() -> nextLocal(now, settings.defaultSendTime(), customerZone));
    }

    /** The first instant at or after {@code now} whose wall time in {@code zone} is {@code time}. */
    static Instant nextLocal(Instant now, java.time.LocalTime time, java.time.ZoneId zone) {
        ZonedDateTime local = now.atZone(zone);
        ZonedDateTime candidate = ZonedDateTime.of(local.toLocalDate(), time, zone);
        if (candidate.toInstant().isBefore(now)) {
            candidate = ZonedDateTime.of(local.toLocalDate().plusDays(1), time, zone);
        }
        return candidate.toInstant();
    }

    /** The awaited event of a wait with a timeout came: the instance goes on to the wait's 'then' now. */
    private void awaitedEventCame(long instanceId, long journeyId, Signal signal) {
        Record instance = db.select(I_STATUS, I_SEQ, I_AWAITING).from(INSTANCE).where(I_ID.eq(instanceId))
                .forUpdate().fetchOne();
        String awaiting = instance == null ? null : instance.get(I_AWAITING);
        if (awaiting == null || !"active".equals(instance.get(I_STATUS))
                || !awaiting.substring(0, awaiting.indexOf('>')).equals(signal.type())) {
            return;
        }
        String then = awaiting.substring(awaiting.indexOf('>') + 1);
        moveOn(instanceId, journeyId, instance.get(I_SEQ), then.isEmpty() ? Optional.empty() : Optional.of(then),
                "(" + signal.type() + ")", "awaited event came");
    }

    /**
     * Ends a wait before its timer: the instance goes to {@code next} now, with a new sequence number, so the wait's
     * timeout timer that fires later finds it moved on and does nothing.
     */
    private void moveOn(long instanceId, long journeyId, int seq, Optional<String> next, String logStep,
                        String outcome) {
        db.update(INSTANCE).set(I_STEP, next.orElse(null)).set(I_SEQ, seq + 1)
                .setNull(I_WAITING).setNull(I_AWAITING).set(I_UPDATED, clock.instant().atOffset(ZoneOffset.UTC))
                .where(I_ID.eq(instanceId)).execute();
        log(instanceId, journeyId, logStep, outcome);
        advance(instanceId);
    }

    /**
     * A wait for a staff task's outcome. Already completed (or never opened: the task step was not passed): decided
     * now, the step to go to is returned. Still open: the instance waits, {@code awaiting} {@code task:<id>><wait
     * step>}, with its timer at the task's due time (or after the wait's own {@code timeout}) leading to
     * {@code onTimeout} (default {@code else}); the completion moves it on ({@link #on(StaffTaskCompleted)}).
     */
    private Optional<Optional<String>> awaitTask(long instanceId, long journeyId, int seq,
                                                 JourneyDefinition definition, JourneyDefinition.Step step) {
        JourneyDefinition.TaskOutcome awaited = step.taskOutcome().orElseThrow();
        Optional<String> then = step.thenStep().or(() -> definition.following(step));
        Optional<String> otherwise = step.elseStep().or(() -> definition.following(step));
        Optional<StaffTasks.Opened> task = staffTasks.latest(instanceId, awaited.taskStep());
        if (task.isEmpty()) {
            return Optional.of(otherwise);
        }
        if (task.get().outcome().isPresent()) {
            return Optional.of(awaited.matches(task.get().outcome().get()) ? then : otherwise);
        }
        Instant until = step.duration().map(clock.instant()::plus).orElse(task.get().dueAt().toInstant());
        Optional<String> timeout = awaited.onTimeout().or(() -> otherwise);
        int next = seq + 1;
        db.update(INSTANCE).set(I_STEP, timeout.orElse(null)).set(I_SEQ, next)
                .set(I_WAITING, until.atOffset(ZoneOffset.UTC)).set(I_AWAITING, "task:" + task.get().id() + ">"
                        + step.id()).set(I_UPDATED, clock.instant().atOffset(ZoneOffset.UTC))
                .where(I_ID.eq(instanceId)).execute();
        log(instanceId, journeyId, step.id(), "wait for task " + task.get().id() + " until " + until);
        timers.resumeAt(instanceId, next, until);
        return Optional.empty();
    }

    /** Staff completed a task: an instance waiting for it goes to the wait's 'then' or 'else' by the outcome. */
    @EventListener
    void on(StaffTaskCompleted completed) {
        Record instance = db.select(I_STATUS, I_SEQ, I_AWAITING, I_JOURNEY, I_VERSION).from(INSTANCE)
                .where(I_ID.eq(completed.instanceId())).forUpdate().fetchOne();
        String awaiting = instance == null ? null : instance.get(I_AWAITING);
        String prefix = "task:" + completed.taskId() + ">";
        if (awaiting == null || !awaiting.startsWith(prefix) || !"active".equals(instance.get(I_STATUS))) {
            return;
        }
        JourneyDefinition definition = journeys.definition(instance.get(I_JOURNEY), instance.get(I_VERSION));
        Optional<JourneyDefinition.Step> wait = definition.step(awaiting.substring(prefix.length()))
                .filter(s -> s.taskOutcome().isPresent());
        if (wait.isEmpty()) {
            return; // migrated to a version without this wait: its timer goes on as mapped
        }
        JourneyDefinition.Step step = wait.get();
        boolean matched = step.taskOutcome().get().matches(completed.outcome());
        Optional<String> next = (matched ? step.thenStep() : step.elseStep()).or(() -> definition.following(step));
        moveOn(completed.instanceId(), instance.get(I_JOURNEY), instance.get(I_SEQ), next, step.id(),
                "task outcome " + (matched ? "then" : "else") + ": to " + next.orElse("end"));
    }

    /** Ends an active instance early ({@code exited}, with the reason): an exit condition held. */
    void exit(long instanceId, String reason) {
        finish(instanceId, "exited", reason);
    }

    private boolean holds(long instanceId, JourneyDefinition.Condition condition) {
        String seen = db.select(I_SEEN).from(INSTANCE).where(I_ID.eq(instanceId)).fetchOne(I_SEEN);
        List<String> facts = seen == null || seen.isEmpty() ? List.of() : Arrays.asList(seen.split(","));
        if (condition.event().isPresent()) {
            return facts.contains(condition.event().get());
        }
        return facts.contains("msg." + condition.messageStep().orElseThrow() + "."
                + condition.engagement().orElseThrow());
    }

    private void finish(long instanceId, String status, String reason) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        db.update(INSTANCE).set(I_STATUS, status).set(I_EXIT, reason).set(I_FINISHED, now).set(I_UPDATED, now)
                .setNull(I_WAITING).where(I_ID.eq(instanceId)).execute();
    }

    private void log(long instanceId, long journeyId, String stepId, String outcome) {
        db.insertInto(STEP_LOG).set(L_INSTANCE, instanceId).set(L_JOURNEY, journeyId).set(L_STEP, stepId)
                .set(L_OUTCOME, outcome.length() > 200 ? outcome.substring(0, 200) : outcome)
                .set(L_AT, clock.instant().atOffset(ZoneOffset.UTC)).execute();
    }

    /** A stable bucket in [0, n) per key: the same customer always lands in the same group. */
    static int bucket(String key, int n) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % n);
    }

    /** Instances of a customer in a journey, newest first (for the API). */
    List<Map<String, Object>> instances(long journeyId, Optional<Long> customerId, int limit) {
        var condition = I_JOURNEY.eq(journeyId);
        if (customerId.isPresent()) {
            condition = condition.and(I_CUSTOMER.eq(customerId.get()));
        }
        List<Map<String, Object>> result = new ArrayList<>();
        for (Record r : db.selectFrom(INSTANCE).where(condition).orderBy(I_ID.desc()).limit(limit).fetch()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.get(I_ID.getName()));
            m.put("customerId", r.get(I_CUSTOMER.getName()));
            m.put("version", r.get(I_VERSION.getName()));
            m.put("status", r.get(I_STATUS.getName()));
            m.put("holdout", r.get(I_HOLDOUT.getName()));
            m.put("currentStep", r.get(I_STEP.getName()));
            m.put("waitingUntil", r.get(I_WAITING.getName()));
            m.put("enteredAt", r.get(I_ENTERED.getName()));
            m.put("finishedAt", r.get(I_FINISHED.getName()));
            m.put("exitReason", r.get(I_EXIT.getName()));
            m.put("convertedAt", r.get(I_CONVERTED.getName()));
            m.put("revenue", r.get(I_REVENUE.getName()));
            result.add(m);
        }
        return result;
    }
}
