package io.rapport.segment;

import static io.rapport.segment.SegmentTables.*;

import io.rapport.scoring.ScoresRefreshed;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The full re-evaluation of every dynamic segment: nightly (time moves relative dates and windows), after each
 * scoring run (every score may have moved), and on demand. Differences the trigger explains are applied as normal
 * changes; any other difference is drift — the incremental update missed it — and is logged and counted, and must
 * stay zero.
 */
@Component
class SegmentRefresh {

    private static final Logger log = LoggerFactory.getLogger(SegmentRefresh.class);

    private final DSLContext db;
    private final SegmentStore store;
    private final Memberships memberships;
    private final Clock clock;

    SegmentRefresh(DSLContext db, SegmentStore store, Memberships memberships, Clock clock) {
        this.db = db;
        this.store = store;
        this.memberships = memberships;
        this.clock = clock;
    }

    /** One full re-evaluation. */
    record Run(long id, String trigger, OffsetDateTime startedAt, OffsetDateTime finishedAt, int segments,
               long entries, long exits, long drift, String detail) {}

    @Scheduled(cron = "${rapport.segment.refresh-cron:0 30 3 * * *}", zone = "${rapport.time-zone:Asia/Shanghai}")
    void nightly() {
        refreshAll("schedule");
    }

    @EventListener
    void scoresRefreshed(ScoresRefreshed scores) {
        try {
            refreshAll("scores");
        } catch (RuntimeException e) {
            // the scores are stored either way; the nightly refresh will try again
            log.warn("segment refresh after scoring run {} failed", scores.runId(), e);
        }
    }

    synchronized Run refreshAll(String trigger) {
        OffsetDateTime started = now();
        long id = db.insertInto(REFRESH).set(R_TRIGGER, trigger).set(R_STARTED, started).returningResult(R_ID)
                .fetchOne(R_ID);
        long entries = 0;
        long exits = 0;
        long drift = 0;
        List<String> drifted = new ArrayList<>();
        List<SegmentStore.Evaluable> segments = store.dynamicSegments();
        for (SegmentStore.Evaluable segment : segments) {
            boolean explained = switch (trigger) {
                case "schedule" -> segment.compiled().timeRelative();
                case "scores" -> segment.compiled().sources().contains(SegmentField.Source.SCORES)
                        || segment.compiled().timeRelative();
                default -> false;
            };
            Memberships.Difference difference = memberships.refresh(segment, trigger, explained);
            entries += difference.entries();
            exits += difference.exits();
            if (!explained && difference.entries() + difference.exits() > 0) {
                drift += difference.entries() + difference.exits();
                drifted.add(segment.row().id() + ":+" + difference.entries() + "/-" + difference.exits());
                log.warn("segment {} drifted: {} entries and {} exits found by the full refresh ({}) that the "
                        + "incremental update had not made", segment.row().id(), difference.entries(),
                        difference.exits(), trigger);
            }
        }
        memberships.recordSizes();
        String detail = drifted.isEmpty() ? null : "drift in segments " + String.join(", ", drifted);
        db.update(REFRESH).set(R_FINISHED, now()).set(R_SEGMENTS, segments.size()).set(R_ENTRIES, entries)
                .set(R_EXITS, exits).set(R_DRIFT, drift)
                .set(R_DETAIL, detail == null || detail.length() <= 2000 ? detail : detail.substring(0, 2000))
                .where(R_ID.eq(id)).execute();
        log.info("segment refresh {} ({}): {} segments, {} entries, {} exits, drift {}", id, trigger, segments.size(),
                entries, exits, drift);
        return find(id);
    }

    Run find(long id) {
        return db.selectFrom(REFRESH).where(R_ID.eq(id)).fetchOne(r -> new Run(r.get(R_ID.getName(), Long.class),
                r.get(R_TRIGGER.getName(), String.class), r.get(R_STARTED.getName(), OffsetDateTime.class),
                r.get(R_FINISHED.getName(), OffsetDateTime.class), r.get(R_SEGMENTS.getName(), Integer.class),
                r.get(R_ENTRIES.getName(), Long.class), r.get(R_EXITS.getName(), Long.class),
                r.get(R_DRIFT.getName(), Long.class), r.get(R_DETAIL.getName(), String.class)));
    }

    List<Run> recent(int limit) {
        return db.select(R_ID).from(REFRESH).orderBy(R_ID.desc()).limit(limit).fetch(R_ID).stream().map(this::find).toList();
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }
}
