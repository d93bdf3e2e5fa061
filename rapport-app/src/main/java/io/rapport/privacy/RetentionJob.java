package io.rapport.privacy;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Enforces retention periods per data kind: {@code rapport.privacy.retention.periods.<kind>} (ISO-8601 periods such
 * as {@code P24M}). Kinds come from every {@link RetainedData} bean, plus {@code inactive-customers}: customers with no
 * purchase or interaction since the period (and registered before it) are erased like an erasure request, in
 * batches. A kind without a period is kept. The scheduled run ({@code rapport.privacy.retention.cron}, "-" turns it
 * off) and {@code POST /api/v1/privacy/retention/run} apply it; {@code GET /api/v1/privacy/retention} is the dry run.
 */
@Service
public class RetentionJob {

    static final String INACTIVE_CUSTOMERS = "inactive-customers";

    private final List<RetainedData> kinds;
    private final DataSubjects subjects;
    private final DataSubjectRequests requests;
    private final AuditLog audit;
    private final Environment environment;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();

    RetentionJob(List<RetainedData> kinds, DataSubjects subjects, DataSubjectRequests requests, AuditLog audit,
                 Environment environment, Clock clock) {
        this.kinds = kinds;
        this.subjects = subjects;
        this.requests = requests;
        this.audit = audit;
        this.environment = environment;
        this.clock = clock;
    }

    /** One kind in a report: its period (absent: kept forever), the cutoff, and how many items are (or were) due. */
    public record Line(String kind, String period, Instant cutoff, String action, long items) {}

    /** A dry run or a run. */
    public record Report(boolean dryRun, Instant at, List<Line> lines) {}

    public Report dryRun() {
        return run(true, Actor.SYSTEM);
    }

    @Scheduled(cron = "${rapport.privacy.retention.cron:0 30 3 * * *}", zone = "${rapport.time-zone:Asia/Shanghai}")
    void scheduled() {
        run(false, Actor.SYSTEM);
    }

    public Report run(boolean dryRun, Actor actor) {
        if (!dryRun && !running.compareAndSet(false, true)) {
            throw new RapportException(org.springframework.http.HttpStatus.CONFLICT, "retention-running",
                    "A retention run is already under way");
        }
        try {
            Instant now = clock.instant();
            List<Line> lines = new ArrayList<>();
            for (RetainedData kind : kinds) {
                Period period = period(kind.kind());
                if (period == null) {
                    lines.add(new Line(kind.kind(), null, null, "kept", 0));
                    continue;
                }
                Instant cutoff = now.atOffset(ZoneOffset.UTC).minus(period).toInstant();
                long items = dryRun ? kind.countOlderThan(cutoff) : kind.removeOlderThan(cutoff);
                lines.add(new Line(kind.kind(), period.toString(), cutoff, kind.action(), items));
            }
            Period inactive = period(INACTIVE_CUSTOMERS);
            if (inactive == null) {
                lines.add(new Line(INACTIVE_CUSTOMERS, null, null, "kept", 0));
            } else {
                Instant cutoff = now.atOffset(ZoneOffset.UTC).minus(inactive).toInstant();
                long erased = 0;
                if (dryRun) {
                    erased = subjects.inactiveSince(cutoff, Integer.MAX_VALUE).size();
                } else {
                    List<Long> batch;
                    while (!(batch = subjects.inactiveSince(cutoff, 500)).isEmpty()) {
                        for (Long customer : batch) {
                            requests.eraseForRetention(customer, actor);
                            erased++;
                        }
                    }
                }
                lines.add(new Line(INACTIVE_CUSTOMERS, inactive.toString(), cutoff, "erased (anonymised)", erased));
            }
            if (!dryRun) {
                audit.record(actor, "retention.run", "retention", null, lines.stream()
                        .filter(l -> l.period() != null).map(l -> l.kind() + " " + l.action() + " " + l.items())
                        .reduce((a, b) -> a + "; " + b).orElse("no retention periods configured"));
            }
            return new Report(dryRun, now, lines);
        } finally {
            if (!dryRun) {
                running.set(false);
            }
        }
    }

    private Period period(String kind) {
        String value = environment.getProperty("rapport.privacy.retention.periods." + kind);
        if (value == null || value.isBlank() || value.equals("-")) {
            return null;
        }
        try {
            return Period.parse(value.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalStateException("rapport.privacy.retention.periods." + kind + " = '" + value
                    + "' is not an ISO-8601 period such as P24M or P5Y");
        }
    }

}
