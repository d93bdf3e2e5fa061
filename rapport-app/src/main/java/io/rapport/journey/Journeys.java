package io.rapport.journey;

import static io.rapport.journey.JourneyTables.*;

import io.rapport.channel.Outbox;
import io.rapport.platform.RapportException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SelectFieldOrAsterisk;
import org.jooq.impl.DSL;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Journeys as people manage them: save a definition (every save of a changed definition is a new version;
 * customers already inside go on with the version they entered with), activate or pause, and read statistics.
 */
@Service
public class Journeys {

    public static final List<String> STATUSES = List.of("draft", "active", "paused");

    private final DSLContext db;
    private final Clock clock;
    private final JourneyDefinitions definitions;
    private final Outbox outbox;
    private final Map<String, JourneyDefinition> parsed = new ConcurrentHashMap<>();
    private final ActiveJourneys active;

    Journeys(DSLContext db, Clock clock, JourneyDefinitions definitions, Outbox outbox, JourneyProperties settings) {
        this.db = db;
        this.clock = clock;
        this.definitions = definitions;
        this.outbox = outbox;
        this.active = new ActiveJourneys(this::loadActive, settings.activeCacheTtl());
    }

    /** A journey's head: its current version and status. */
    public record Journey(long id, String code, String name, String status, int version, OffsetDateTime updatedAt) {}

    /** A journey with the definition of its current version (as JSON text). */
    public record Detail(Journey journey, String definition) {}

    /** Counts of one group (treatment or holdout). */
    public record Group(long entered, long converted, BigDecimal revenue, double conversionRate,
                        BigDecimal revenuePerCustomer) {}

    /**
     * Statistics: instances by status, per-step counts, messages by outbox status and suppression reason, and
     * uplift vs the holdout: difference in conversion rate with a 95% confidence interval (normal approximation),
     * difference in revenue per customer, and a sample-ratio-mismatch check of the holdout share (chi-square,
     * one degree of freedom; p below 0.001 means the split is broken).
     */
    public record Stats(String code, Map<String, Long> byStatus, Map<String, Long> byStep, Group treatment,
                        Group holdout, double upliftConversion, double upliftLow, double upliftHigh,
                        BigDecimal upliftRevenuePerCustomer, double expectedHoldoutShare, double srmPValue,
                        Outbox.Stats messages) {}

    @Transactional
    public Detail save(String code, String definitionJson, String by) {
        if (code == null || !code.matches("[a-z0-9][a-z0-9_-]{0,99}")) {
            throw RapportException.badRequest("invalid-journey", "code",
                    "Journey code '" + code + "' must be 1-100 lower-case letters, digits, '_' or '-'");
        }
        JourneyDefinition definition = definitions.parse(definitionJson);
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        Record head = db.select(J_ID, J_VERSION).from(JOURNEY).where(J_CODE.eq(code)).forUpdate().fetchOne();
        long id;
        int version;
        if (head == null) {
            db.insertInto(JOURNEY).set(J_CODE, code).set(J_NAME, definition.name()).set(J_STATUS, "draft")
                    .set(J_VERSION, 1).set(J_CREATED, now).set(J_UPDATED, now).execute();
            id = db.select(J_ID).from(JOURNEY).where(J_CODE.eq(code)).fetchOne(J_ID);
            version = 1;
        } else {
            id = head.get(J_ID);
            String current = db.select(V_DEFINITION).from(VERSION).where(V_JOURNEY.eq(id))
                    .and(V_VERSION.eq(head.get(J_VERSION))).fetchOne(V_DEFINITION);
            if (definitionJson.equals(current)) {
                return get(code);
            }
            version = head.get(J_VERSION) + 1;
            db.update(JOURNEY).set(J_NAME, definition.name()).set(J_VERSION, version).set(J_UPDATED, now)
                    .where(J_ID.eq(id)).execute();
        }
        db.insertInto(VERSION).set(V_JOURNEY, id).set(V_VERSION, version).set(V_DEFINITION, definitionJson)
                .set(V_BY, by).set(V_CREATED, now).execute();
        active.invalidate();
        return get(code);
    }

    @Transactional
    public Journey setStatus(String code, String status) {
        if (!STATUSES.contains(status)) {
            throw RapportException.badRequest("invalid-status", "status",
                    "Status '" + status + "' is not one of " + STATUSES);
        }
        Journey journey = head(code);
        db.update(JOURNEY).set(J_STATUS, status).set(J_UPDATED, clock.instant().atOffset(ZoneOffset.UTC))
                .where(J_ID.eq(journey.id())).execute();
        active.invalidate();
        return head(code);
    }

    /** A journey in the list with its live counts. */
    public record Overview(Journey journey, long active, long holdout, long completed, long exited, long converted) {}

    /** Every journey with its instance counts, from one grouped query. */
    public List<Overview> overview() {
        Map<Long, Map<String, Long>> counts = new java.util.HashMap<>();
        Map<Long, Long> converted = new java.util.HashMap<>();
        db.select(I_JOURNEY, I_STATUS, DSL.count(), DSL.count(I_CONVERTED)).from(INSTANCE)
                .groupBy(I_JOURNEY, I_STATUS).forEach(r -> {
                    counts.computeIfAbsent(r.value1(), k -> new java.util.HashMap<>())
                            .put(r.value2(), r.value3().longValue());
                    converted.merge(r.value1(), r.value4().longValue(), Long::sum);
                });
        return list().stream().map(j -> {
            Map<String, Long> c = counts.getOrDefault(j.id(), Map.of());
            return new Overview(j, c.getOrDefault("active", 0L), c.getOrDefault("holdout", 0L),
                    c.getOrDefault("completed", 0L), c.getOrDefault("exited", 0L), converted.getOrDefault(j.id(), 0L));
        }).toList();
    }

    public List<Journey> list() {
        return db.selectFrom(JOURNEY).orderBy(J_CODE).fetch(Journeys::journey);
    }

    public Detail get(String code) {
        Journey journey = head(code);
        return new Detail(journey, db.select(V_DEFINITION).from(VERSION).where(V_JOURNEY.eq(journey.id()))
                .and(V_VERSION.eq(journey.version())).fetchOne(V_DEFINITION));
    }

    public boolean exists(String code) {
        return db.fetchExists(JOURNEY, J_CODE.eq(code));
    }

    Journey head(String code) {
        return db.selectFrom(JOURNEY).where(J_CODE.eq(code)).fetchOptional().map(Journeys::journey)
                .orElseThrow(() -> RapportException.notFound("journey", code));
    }

    /** A version's definition, parsed once (versions never change). */
    JourneyDefinition definition(long journeyId, int version) {
        return parsed.computeIfAbsent(journeyId + ":" + version, k -> definitions.stored(
                db.select(V_DEFINITION).from(VERSION).where(V_JOURNEY.eq(journeyId)).and(V_VERSION.eq(version))
                        .fetchOptional(V_DEFINITION).orElseThrow(() -> new RapportException(HttpStatus.NOT_FOUND,
                                "journey-version-not-found", "journey " + journeyId + " has no version " + version))));
    }

    /**
     * Active journeys with their current definitions, from memory (see {@link ActiveJourneys}: reloaded after a
     * change on this server, at the latest {@code rapport.journey.active-cache-ttl} after a change on another).
     */
    List<Map.Entry<Journey, JourneyDefinition>> active() {
        return active.get();
    }

    /** The active journeys as the database has them now (what the in-memory list is loaded from). */
    List<Map.Entry<Journey, JourneyDefinition>> loadActive() {
        return db.selectFrom(JOURNEY).where(J_STATUS.eq("active")).orderBy(J_ID).fetch(Journeys::journey).stream()
                .map(j -> Map.entry(j, definition(j.id(), j.version()))).toList();
    }

    public Stats stats(String code) {
        Journey journey = head(code);
        Map<String, Long> byStatus = new LinkedHashMap<>();
        for (String s : List.of("active", "holdout", "completed", "exited")) {
            byStatus.put(s, 0L);
        }
        db.select(I_STATUS, DSL.count()).from(INSTANCE).where(I_JOURNEY.eq(journey.id())).groupBy(I_STATUS)
                .forEach(r -> byStatus.put(r.value1(), r.value2().longValue()));
        Map<String, Long> byStep = new LinkedHashMap<>();
        db.select(L_STEP, DSL.count()).from(STEP_LOG).where(L_JOURNEY.eq(journey.id())).groupBy(L_STEP)
                .orderBy(L_STEP).forEach(r -> byStep.put(r.value1(), r.value2().longValue()));
        Group treatment = group(journey.id(), false);
        Group holdout = group(journey.id(), true);
        Uplift uplift = Uplift.of(treatment.entered(), treatment.converted(), holdout.entered(), holdout.converted());
        double expectedShare = definition(journey.id(), journey.version()).holdoutPercent() / 100.0;
        long total = treatment.entered() + holdout.entered();
        double srm = 1.0;
        if (total > 0 && expectedShare > 0) {
            double eh = total * expectedShare;
            double et = total - eh;
            double chi = Math.pow(holdout.entered() - eh, 2) / eh + Math.pow(treatment.entered() - et, 2) / et;
            srm = chiSquare1Survival(chi);
        }
        return new Stats(code, byStatus, byStep, treatment, holdout, uplift.difference(), uplift.low(), uplift.high(),
                treatment.revenuePerCustomer().subtract(holdout.revenuePerCustomer()), expectedShare, srm,
                outbox.stats(Optional.of(JourneyEngine.origin(journey.code(), ""))));
    }

    /** Longest curve drawn: a goal window beyond it is cut here; a journey without a goal gets the default. */
    static final int MAX_CURVE_DAYS = 90;
    static final int DEFAULT_CURVE_DAYS = 30;

    /**
     * Day {@code day} of the uplift curve: among the customers inside for at least {@code day} whole days (so every
     * one of them had the full time to convert), how many of each group converted within {@code day} days of
     * entering, and the uplift with its 95 % interval ({@link Uplift}, the same maths as {@link #stats}).
     */
    public record UpliftDay(int day, long treatmentEntered, long treatmentConverted, long holdoutEntered,
                            long holdoutConverted, double treatmentRate, double holdoutRate, double uplift,
                            double upliftLow, double upliftHigh) {}

    /** Treatment vs holdout conversion by day since entry, days 1 to {@code horizonDays} (the goal's window). */
    public record UpliftCurve(String code, int horizonDays, OffsetDateTime asOf, List<UpliftDay> days) {}

    /**
     * The uplift curve by day since entry: one grouped query with a filtered count per day for the customers old
     * enough, and one pass over the converted instances (a difference array adds each conversion to the days from
     * the one it happened in to the customer's age).
     */
    public UpliftCurve upliftByDay(String code) {
        Journey journey = head(code);
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        int horizon = definition(journey.id(), journey.version()).goal()
                .map(g -> (int) Math.min(MAX_CURVE_DAYS, Math.max(1, wholeDaysUp(g.within()))))
                .orElse(DEFAULT_CURVE_DAYS);
        List<SelectFieldOrAsterisk> columns = new ArrayList<>();
        columns.add(I_HOLDOUT);
        for (int d = 1; d <= horizon; d++) {
            columns.add(DSL.count().filterWhere(I_ENTERED.le(now.minusDays(d))));
        }
        long[][] entered = new long[2][horizon + 1];
        db.select(columns).from(INSTANCE).where(I_JOURNEY.eq(journey.id())).groupBy(I_HOLDOUT).forEach(r -> {
            int group = Boolean.TRUE.equals(r.get(I_HOLDOUT)) ? 1 : 0;
            for (int d = 1; d <= horizon; d++) {
                entered[group][d] = r.get(d, Long.class);
            }
        });
        long[][] converted = new long[2][horizon + 2];
        db.select(I_HOLDOUT, I_ENTERED, I_CONVERTED).from(INSTANCE).where(I_JOURNEY.eq(journey.id()))
                .and(I_CONVERTED.isNotNull()).forEach(r -> {
                    OffsetDateTime entry = r.get(I_ENTERED);
                    long first = Math.max(1, wholeDaysUp(Duration.between(entry, r.get(I_CONVERTED))));
                    long last = Math.min(horizon, Duration.between(entry, now).toDays());
                    if (first <= last) {
                        int group = Boolean.TRUE.equals(r.get(I_HOLDOUT)) ? 1 : 0;
                        converted[group][(int) first]++;
                        converted[group][(int) last + 1]--;
                    }
                });
        List<UpliftDay> days = new ArrayList<>();
        long treatmentConverted = 0;
        long holdoutConverted = 0;
        for (int d = 1; d <= horizon; d++) {
            treatmentConverted += converted[0][d];
            holdoutConverted += converted[1][d];
            Uplift u = Uplift.of(entered[0][d], treatmentConverted, entered[1][d], holdoutConverted);
            days.add(new UpliftDay(d, entered[0][d], treatmentConverted, entered[1][d], holdoutConverted,
                    u.treatmentRate(), u.holdoutRate(), u.difference(), u.low(), u.high()));
        }
        return new UpliftCurve(code, horizon, now, days);
    }

    /** Whole days, a started day counting as one (P1DT1H is 2). */
    static long wholeDaysUp(Duration duration) {
        long days = duration.toDays();
        return duration.minusDays(days).isPositive() ? days + 1 : days;
    }

    private Group group(long journeyId, boolean holdout) {
        Record r = db.select(DSL.count(), DSL.count(I_CONVERTED), DSL.coalesce(DSL.sum(I_REVENUE), BigDecimal.ZERO))
                .from(INSTANCE).where(I_JOURNEY.eq(journeyId)).and(I_HOLDOUT.eq(holdout)).fetchOne();
        long entered = r.get(0, Long.class);
        long converted = r.get(1, Long.class);
        BigDecimal revenue = r.get(2, BigDecimal.class);
        return new Group(entered, converted, revenue, Uplift.rate(converted, entered),
                entered == 0 ? BigDecimal.ZERO : revenue.divide(BigDecimal.valueOf(entered), 2, RoundingMode.HALF_UP));
    }

    /** P(X > chi) for a chi-square variable with one degree of freedom: erfc(sqrt(chi / 2)). */
    static double chiSquare1Survival(double chi) {
        return erfc(Math.sqrt(chi / 2));
    }

    /** Complementary error function (Numerical Recipes' erfcc, fractional error below 1.2e-7). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    private static Journey journey(Record r) {
        return new Journey(r.get(J_ID.getName(), Long.class), r.get(J_CODE.getName(), String.class),
                r.get(J_NAME.getName(), String.class), r.get(J_STATUS.getName(), String.class),
                r.get(J_VERSION.getName(), Integer.class), r.get(J_UPDATED.getName(), OffsetDateTime.class));
    }
}
