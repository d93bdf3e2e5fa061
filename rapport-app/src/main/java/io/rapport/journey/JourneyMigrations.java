package io.rapport.journey;

import static io.rapport.journey.JourneyTables.*;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import io.rapport.privacy.AuditLog;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Moves customers inside a journey from one version to another, explicitly: customers otherwise finish on the
 * version they entered with. Only active instances move, and only those whose place (the step they will run next,
 * after their current wait) the mapping names; each moves once, because the move is conditional on the instance
 * still being on the old version. Their timers stay as they are: a timer resumes the instance, which then reads
 * its new version.
 */
@Service
public class JourneyMigrations {

    private final DSLContext db;
    private final Clock clock;
    private final Journeys journeys;
    private final AuditLog audit;

    JourneyMigrations(DSLContext db, Clock clock, Journeys journeys, AuditLog audit) {
        this.db = db;
        this.clock = clock;
        this.journeys = journeys;
        this.audit = audit;
    }

    /** A migration request: old step id → new step id. */
    public record Request(int fromVersion, int toVersion, Map<String, String> steps, boolean dryRun) {}

    /**
     * What a migration does (or would do): active instances on the old version by their next step, how many move,
     * and how many stay because the mapping does not name their step.
     */
    public record Result(String code, int fromVersion, int toVersion, boolean dryRun, Map<String, Long> byStep,
                         long moved, long staying) {}

    @Transactional
    public Result migrate(String code, Request request, Actor by) {
        Journeys.Journey journey = journeys.head(code);
        // one migration of a journey at a time, and none while the journey is being saved
        db.select(J_ID).from(JOURNEY).where(J_ID.eq(journey.id())).forUpdate().fetch();
        if (request.fromVersion() == request.toVersion()) {
            throw RapportException.badRequest("invalid-migration", "toVersion",
                    "toVersion must differ from fromVersion");
        }
        JourneyDefinition from = version(journey, request.fromVersion(), "fromVersion");
        JourneyDefinition to = version(journey, request.toVersion(), "toVersion");
        Map<String, String> steps = request.steps() == null ? Map.of() : request.steps();
        if (steps.isEmpty()) {
            throw RapportException.badRequest("invalid-migration", "steps",
                    "Map the old version's step ids to the new version's: {\"old\": \"new\"}");
        }
        for (var e : new TreeMap<>(steps).entrySet()) {
            if (from.step(e.getKey()).isEmpty()) {
                throw RapportException.badRequest("invalid-migration", "steps." + e.getKey(), "Version "
                        + request.fromVersion() + " has no step '" + e.getKey() + "'");
            }
            if (e.getValue() == null || to.step(e.getValue()).isEmpty()) {
                throw RapportException.badRequest("invalid-migration", "steps." + e.getKey(), "Version "
                        + request.toVersion() + " has no step '" + e.getValue() + "'");
            }
        }
        var waiting = I_JOURNEY.eq(journey.id()).and(I_VERSION.eq(request.fromVersion())).and(I_STATUS.eq("active"));
        Map<String, Long> byStep = new LinkedHashMap<>();
        db.select(I_STEP, DSL.count()).from(INSTANCE).where(waiting).groupBy(I_STEP).orderBy(I_STEP)
                .forEach(r -> byStep.put(r.value1() == null ? "" : r.value1(), r.value2().longValue()));
        long total = byStep.values().stream().mapToLong(Long::longValue).sum();
        long moved = 0;
        if (request.dryRun()) {
            moved = byStep.entrySet().stream().filter(e -> steps.containsKey(e.getKey()))
                    .mapToLong(Map.Entry::getValue).sum();
        } else {
            for (var e : steps.entrySet()) {
                moved += db.update(INSTANCE).set(I_VERSION, request.toVersion()).set(I_STEP, e.getValue())
                        .set(I_UPDATED, clock.instant().atOffset(ZoneOffset.UTC))
                        .where(waiting).and(I_STEP.eq(e.getKey())).execute();
            }
            audit.record(by, "journey.migrate", "journey", code, "v" + request.fromVersion() + " -> v"
                    + request.toVersion() + " steps " + new TreeMap<>(steps) + ": moved " + moved + " of " + total);
        }
        return new Result(code, request.fromVersion(), request.toVersion(), request.dryRun(), byStep, moved,
                total - moved);
    }

    private JourneyDefinition version(Journeys.Journey journey, int version, String field) {
        if (version < 1 || version > journey.version()) {
            throw RapportException.badRequest("invalid-migration", field, "Journey " + journey.code()
                    + " has versions 1 to " + journey.version() + ", not " + version);
        }
        return journeys.definition(journey.id(), version);
    }
}
