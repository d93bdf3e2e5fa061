package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.customer.CustomerProfiles;
import io.rapport.ingest.EventsStored;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Tasks and streaks from behaviour events, and green actions. A one-off task completes on its first event; a streak
 * counts consecutive days in the member's own time zone (a day is a calendar date there, so midnight and daylight-saving
 * changes fall where the member lives) and completes when it reaches its length. Completion grants points once
 * (idempotency key per member and task). Green action events (recycling, trade-in) grant their points once per event.
 */
@Service
public class Tasks {

    private final DSLContext db;
    private final Programme programme;
    private final Points points;
    private final CustomerProfiles profiles;

    Tasks(DSLContext db, Programme programme, Points points, CustomerProfiles profiles) {
        this.db = db;
        this.programme = programme;
        this.points = points;
        this.profiles = profiles;
    }

    /** A member's progress on a task. */
    public record Progress(String task, String kind, int progress, int target, long points,
                           Optional<LocalDate> lastDay, Optional<OffsetDateTime> completedAt) {}

    @EventListener
    void on(EventsStored stored) {
        ProgrammeSettings settings = programme.settings();
        if (settings.tasks().isEmpty() && settings.greenActions().isEmpty()) {
            return;
        }
        Map<Long, List<EventsStored.Event>> byCustomer = new TreeMap<>();
        for (EventsStored.Event e : stored.events()) {
            boolean counts = settings.tasks().stream().anyMatch(t -> t.eventType().equals(e.type()))
                    || settings.greenActions().stream().anyMatch(g -> g.eventType().equals(e.type()));
            if (counts) {
                byCustomer.computeIfAbsent(e.customerId(), c -> new ArrayList<>()).add(e);
            }
        }
        if (byCustomer.isEmpty()) {
            return;
        }
        var members = db.select(M_CUSTOMER).from(MEMBER).where(M_CUSTOMER.in(byCustomer.keySet())).fetchSet(M_CUSTOMER);
        var calendars = profiles.calendars(byCustomer.keySet());
        for (var entry : byCustomer.entrySet()) {
            long customer = entry.getKey();
            if (!members.contains(customer)) {
                continue;
            }
            ZoneId zone = Optional.ofNullable(calendars.get(customer)).flatMap(CustomerProfiles.Calendar::timeZone)
                    .orElse(programme.brandZone());
            List<EventsStored.Event> events = entry.getValue().stream()
                    .sorted(Comparator.comparing(EventsStored.Event::occurredAt)).toList();
            for (EventsStored.Event event : events) {
                for (ProgrammeSettings.GreenAction green : settings.greenActions()) {
                    if (green.eventType().equals(event.type()) && green.points() != null && green.points() > 0) {
                        points.earn(customer, green.points(), "green", OrderEarning.shorten("green:" + event.source()
                                + ":" + event.externalId()), "green", "green action " + event.type(), "system");
                    }
                }
                for (ProgrammeSettings.Task task : settings.tasks()) {
                    if (task.eventType().equals(event.type())) {
                        count(customer, task, event.occurredAt().atZone(zone).toLocalDate());
                    }
                }
            }
        }
    }

    /** Counts one event's day towards a task; completes it (granting its points once) when the target is reached. */
    void count(long customer, ProgrammeSettings.Task task, LocalDate day) {
        Record row = db.select(T_PROGRESS, T_LAST_DAY, T_COMPLETED).from(TASK).where(T_CUSTOMER.eq(customer))
                .and(T_CODE.eq(task.code())).forUpdate().fetchOne();
        if (row != null && row.get(T_COMPLETED) != null) {
            return;
        }
        int target = task.kind() == ProgrammeSettings.TaskKind.STREAK ? task.days() : 1;
        int progress;
        if (row == null) {
            progress = 1;
        } else {
            LocalDate last = row.get(T_LAST_DAY);
            if (!day.isAfter(last)) {
                return; // the same day again, or a late event for an earlier day: the streak is not changed
            }
            progress = day.equals(last.plusDays(1)) ? row.get(T_PROGRESS) + 1 : 1;
        }
        boolean done = progress >= target;
        OffsetDateTime completed = done ? OffsetDateTime.now(java.time.ZoneOffset.UTC) : null;
        if (row == null) {
            db.insertInto(TASK, T_CUSTOMER, T_CODE, T_PROGRESS, T_LAST_DAY, T_COMPLETED)
                    .values(customer, task.code(), progress, day, completed).execute();
        } else {
            db.update(TASK).set(T_PROGRESS, progress).set(T_LAST_DAY, day).set(T_COMPLETED, completed)
                    .where(T_CUSTOMER.eq(customer)).and(T_CODE.eq(task.code())).execute();
        }
        if (done && task.points() > 0) {
            points.earn(customer, task.points(), "task", "task:" + task.code() + ":" + customer, "task",
                    "completed " + task.code(), "system");
        }
    }

    /** Progress on every task of the programme (tasks not started show 0). */
    public List<Progress> progress(long customer) {
        Map<String, Record> rows = new java.util.HashMap<>();
        db.select(T_CODE, T_PROGRESS, T_LAST_DAY, T_COMPLETED).from(TASK).where(T_CUSTOMER.eq(customer))
                .forEach(r -> rows.put(r.get(T_CODE), r));
        List<Progress> result = new ArrayList<>();
        for (ProgrammeSettings.Task task : programme.settings().tasks()) {
            Record r = rows.get(task.code());
            int target = task.kind() == ProgrammeSettings.TaskKind.STREAK ? task.days() : 1;
            result.add(new Progress(task.code(), task.kind().name().toLowerCase(), r == null ? 0 : r.get(T_PROGRESS),
                    target, task.points(), Optional.ofNullable(r == null ? null : r.get(T_LAST_DAY)),
                    Optional.ofNullable(r == null ? null : r.get(T_COMPLETED))));
        }
        return result;
    }
}
