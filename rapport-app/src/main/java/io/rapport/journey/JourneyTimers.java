package io.rapport.journey;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.stereotype.Component;

/**
 * Durable, cluster-safe timers on the application database with db-scheduler (table
 * {@code journey_scheduled_tasks}). Timers are written through a {@link TransactionAwareDataSourceProxy}, so a
 * timer scheduled by a journey step commits or rolls back with the step. db-scheduler runs each due timer on one
 * instance; a timer that fires twice (an instance died after the step committed but before the timer was marked
 * done) is ignored by the step sequence check in {@link JourneyEngine#resume}.
 */
@Component
class JourneyTimers {

    static final String STEP = "journey-step";
    static final String WATCH = "journey-watch";
    static final String DATES = "journey-dates";

    private final Scheduler scheduler;
    private final OneTimeTask<Void> step;
    private final OneTimeTask<Void> watch;
    private final JourneyProperties settings;

    JourneyTimers(DataSource dataSource, Clock clock, JourneyProperties settings,
                  ObjectProvider<JourneyEngine> engine) {
        this.settings = settings;
        this.step = Tasks.oneTime(STEP).execute((instance, context) -> {
            String[] parts = instance.getId().split("-");
            engine.getObject().resume(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
        });
        this.watch = Tasks.oneTime(WATCH).execute((instance, context) ->
                engine.getObject().watchExpired(Long.parseLong(instance.getId())));
        RecurringTask<Void> dates = Tasks.recurring(DATES, FixedDelay.of(settings.dateCheck()))
                .execute((instance, context) -> engine.getObject().runDateTriggers());
        this.scheduler = Scheduler.create(new TransactionAwareDataSourceProxy(dataSource), List.of(step, watch))
                .startTasks(List.of(dates))
                .tableName("journey_scheduled_tasks")
                .clock(clock::instant)
                .pollingInterval(settings.pollingInterval())
                .heartbeatInterval(settings.heartbeat())
                .missedHeartbeatsLimit(6)
                .threads(settings.threads())
                .alwaysPersistTimestampInUTC()
                .build();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (settings.enabled()) {
            scheduler.start();
        }
    }

    @PreDestroy
    void stop() {
        scheduler.stop();
    }

    /** Resumes the instance at {@code at} if its step sequence is still {@code seq} then. */
    void resumeAt(long instanceId, int seq, Instant at) {
        scheduler.scheduleIfNotExists(step.instance(instanceId + "-" + seq), at);
    }

    void watchUntil(long watchId, Instant deadline) {
        scheduler.scheduleIfNotExists(watch.instance(Long.toString(watchId)), deadline);
    }

    /** Looks for due timers now rather than at the next poll (after a test moved the clock, or an operator asks). */
    void checkNow() {
        scheduler.triggerCheckForDueExecutions();
    }

    /** Timers not yet run. */
    int pending() {
        return scheduler.getScheduledExecutions().size();
    }
}
