package io.rapport.journey;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tasks journeys give to staff (a care call, a personal follow-up): opened by a {@code task} step, once per visit of
 * the step, with an assignee (or a role), a due time, and completed by a person with an outcome.
 */
@Service
public class StaffTasks {

    static final Table<?> TASK = table("journey_staff_task");
    static final Field<Long> T_ID = field("journey_staff_task", "id", Long.class);
    static final Field<Long> T_JOURNEY = field("journey_staff_task", "journey_id", Long.class);
    static final Field<Long> T_INSTANCE = field("journey_staff_task", "instance_id", Long.class);
    static final Field<String> T_STEP = field("journey_staff_task", "step_id", String.class);
    static final Field<String> T_VISIT = field("journey_staff_task", "visit_key", String.class);
    static final Field<Long> T_CUSTOMER = field("journey_staff_task", "customer_id", Long.class);
    static final Field<String> T_KIND = field("journey_staff_task", "kind", String.class);
    static final Field<String> T_TITLE = field("journey_staff_task", "title", String.class);
    static final Field<String> T_ASSIGNEE = field("journey_staff_task", "assignee", String.class);
    static final Field<String> T_ROLE = field("journey_staff_task", "assignee_role", String.class);
    static final Field<OffsetDateTime> T_DUE = field("journey_staff_task", "due_at", OffsetDateTime.class);
    static final Field<String> T_STATUS = field("journey_staff_task", "status", String.class);
    static final Field<String> T_OUTCOME = field("journey_staff_task", "outcome", String.class);
    static final Field<String> T_DONE_BY = field("journey_staff_task", "done_by", String.class);
    static final Field<OffsetDateTime> T_DONE_AT = field("journey_staff_task", "done_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> T_CREATED = field("journey_staff_task", "created_at", OffsetDateTime.class);

    private static final List<Field<?>> COLUMNS = List.of(T_ID, T_STEP, T_CUSTOMER, T_KIND, T_TITLE, T_ASSIGNEE,
            T_ROLE, T_DUE, T_STATUS, T_OUTCOME, T_DONE_BY, T_DONE_AT, T_CREATED, JourneyTables.J_CODE);

    public static final String OPEN = "open";
    public static final String DONE = "done";

    private final DSLContext db;
    private final Clock clock;
    private final org.springframework.context.ApplicationEventPublisher events;

    StaffTasks(DSLContext db, Clock clock, org.springframework.context.ApplicationEventPublisher events) {
        this.db = db;
        this.clock = clock;
        this.events = events;
    }

    /** The state of the task a journey waits for. */
    record Opened(long id, String status, Optional<String> outcome, OffsetDateTime dueAt) {}

    /** The latest task the instance's step {@code step} opened (a step passed again opens a new one). */
    Optional<Opened> latest(long instanceId, String step) {
        return db.select(T_ID, T_STATUS, T_OUTCOME, T_DUE).from(TASK).where(T_INSTANCE.eq(instanceId))
                .and(T_STEP.eq(step)).orderBy(T_ID.desc()).limit(1)
                .fetchOptional(r -> new Opened(r.get(T_ID), r.get(T_STATUS), Optional.ofNullable(r.get(T_OUTCOME)),
                        r.get(T_DUE)));
    }

    /** A task as staff see it; {@code overdue}: open past its due time. */
    public record Task(long id, String journey, String step, long customerId, String kind, String title,
                       Optional<String> assignee, Optional<String> role, OffsetDateTime dueAt, String status,
                       boolean overdue, Optional<String> outcome, Optional<String> doneBy,
                       Optional<OffsetDateTime> doneAt, OffsetDateTime createdAt) {}

    /** Which tasks: {@code status} open, done or all; {@code mine}: assigned to the caller or to a role of theirs. */
    public record Filter(String status, boolean mine, boolean overdue) {}

    /** Opens the step's task for this visit (a re-run of the visit opens none); returns the step's outcome. */
    String open(StepActions.Visit visit, JourneyDefinition.StaffTask task) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        int inserted = db.insertInto(TASK).set(T_JOURNEY, visit.journeyId()).set(T_INSTANCE, visit.instanceId())
                .set(T_STEP, visit.step()).set(T_VISIT, visit.key()).set(T_CUSTOMER, visit.customerId())
                .set(T_KIND, task.kind()).set(T_TITLE, task.title()).set(T_ASSIGNEE, task.assignee().orElse(null))
                .set(T_ROLE, task.role().orElse(null)).set(T_DUE, now.plus(task.due())).set(T_STATUS, OPEN)
                .set(T_CREATED, now).onConflict(T_VISIT).doNothing().execute();
        return "task " + task.kind() + (inserted == 1 ? " opened" : " already open");
    }

    /** Tasks by the filter, the soonest due first (at most {@code limit}). */
    public List<Task> list(Filter filter, String user, Set<String> roles, int limit) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        Condition condition = DSL.trueCondition();
        String status = filter.status() == null ? OPEN : filter.status();
        if (!List.of(OPEN, DONE, "all").contains(status)) {
            throw RapportException.badRequest("invalid-status", "status",
                    "Task status '" + status + "' is not one of [open, done, all]");
        }
        if (!status.equals("all")) {
            condition = condition.and(T_STATUS.eq(status));
        }
        if (filter.mine()) {
            condition = condition.and(T_ASSIGNEE.eq(user).or(T_ASSIGNEE.isNull().and(T_ROLE.in(roles))));
        }
        if (filter.overdue()) {
            condition = condition.and(T_STATUS.eq(OPEN)).and(T_DUE.lt(now));
        }
        return db.select(COLUMNS).from(TASK).join(JourneyTables.JOURNEY)
                .on(JourneyTables.J_ID.eq(T_JOURNEY)).where(condition).orderBy(T_DUE, T_ID).limit(limit)
                .fetch(r -> task(r, now));
    }

    public Task get(long id) {
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        return db.select(COLUMNS).from(TASK).join(JourneyTables.JOURNEY)
                .on(JourneyTables.J_ID.eq(T_JOURNEY)).where(T_ID.eq(id)).fetchOptional(r -> task(r, now))
                .orElseThrow(() -> RapportException.notFound("staff-task", id));
    }

    /**
     * Completes an open task with its outcome (what the call or follow-up brought). 400 {@code outcome-required};
     * 404 {@code staff-task-not-found}; 409 {@code task-already-done} when someone completed it first.
     */
    @Transactional
    public Task complete(long id, String outcome, Actor by) {
        if (outcome == null || outcome.isBlank() || outcome.length() > 2000) {
            throw RapportException.badRequest("outcome-required", "outcome",
                    "Say what came of the task: an outcome of 1-2000 characters");
        }
        Task task = get(id);
        int updated = db.update(TASK).set(T_STATUS, DONE).set(T_OUTCOME, outcome.strip()).set(T_DONE_BY, by.name())
                .set(T_DONE_AT, clock.instant().atOffset(ZoneOffset.UTC)).where(T_ID.eq(id)).and(T_STATUS.eq(OPEN))
                .execute();
        if (updated == 0) {
            throw new RapportException(HttpStatus.CONFLICT, "task-already-done", "Task " + id + " was completed by "
                    + task.doneBy().orElse("someone") + " already").with("id", id);
        }
        long instanceId = db.select(T_INSTANCE).from(TASK).where(T_ID.eq(id)).fetchOne(T_INSTANCE);
        events.publishEvent(new StaffTaskCompleted(id, instanceId, task.step(), outcome.strip()));
        return get(id);
    }

    private static Task task(Record r, OffsetDateTime now) {
        String status = r.get(T_STATUS);
        return new Task(r.get(T_ID), r.get(JourneyTables.J_CODE), r.get(T_STEP), r.get(T_CUSTOMER), r.get(T_KIND),
                r.get(T_TITLE), Optional.ofNullable(r.get(T_ASSIGNEE)), Optional.ofNullable(r.get(T_ROLE)),
                r.get(T_DUE), status, status.equals(OPEN) && r.get(T_DUE).isBefore(now),
                Optional.ofNullable(r.get(T_OUTCOME)), Optional.ofNullable(r.get(T_DONE_BY)),
                Optional.ofNullable(r.get(T_DONE_AT)), r.get(T_CREATED));
    }
}
