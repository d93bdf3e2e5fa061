package io.rapport.ingest;

import static io.rapport.ingest.IngestTables.*;

import io.rapport.ingest.IngestRecords.Outcome;
import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import io.rapport.privacy.AuditLog;
import io.rapport.platform.RapportProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * File imports as jobs: the upload is stored, then read in the background with progress and a per-row error report.
 * A job that was running when the server stopped (even by kill -9) is picked up again on the next start; because
 * every record is keyed by its source and id, the rerun skips what was stored and completes the rest.
 */
@Service
public class ImportJobs {

    private static final Logger log = LoggerFactory.getLogger(ImportJobs.class);
    static final Pattern SOURCE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,59}");
    /** Errors kept per job; counts go on beyond it. */
    static final int MAX_STORED_ERRORS = 10_000;

    private final DSLContext db;
    private final ImportRunner runner;
    private final RapportProperties properties;
    private final Clock clock;
    private final ObjectMapper json;
    private final AuditLog audit;
    private final ExecutorService executor = Executors.newFixedThreadPool(2, Thread.ofPlatform()
            .name("rapport-import-", 1).daemon(true).factory());

    ImportJobs(DSLContext db, ImportRunner runner, RapportProperties properties, Clock clock, ObjectMapper json,
               AuditLog audit) {
        this.audit = audit;
        this.db = db;
        this.runner = runner;
        this.properties = properties;
        this.clock = clock;
        this.json = json;
    }

    /** A job as shown to users. */
    public record Job(long id, String kind, String preset, String source, String fileName, String status,
                      long bytesTotal, long bytesRead, long rowsRead, long accepted, long duplicates, long rejected,
                      long anonymous, String failure, String createdBy, OffsetDateTime createdAt,
                      OffsetDateTime startedAt, OffsetDateTime finishedAt) {

        public int percent() {
            if ("done".equals(status)) {
                return 100;
            }
            return bytesTotal == 0 ? 0 : (int) Math.min(100, bytesRead * 100 / bytesTotal);
        }

        public boolean finished() {
            return List.of("done", "failed", "incomplete").contains(status);
        }
    }

    /** One rejected row. */
    public record RowError(long row, String field, String value, String reason) {}

    /** Stores the upload and starts the job in the background. */
    public Job submit(String kind, String preset, String source, String fileName, InputStream content,
                      Map<String, String> columnMapping, String actor) {
        Job job = create(kind, preset, source, fileName, content, columnMapping, actor);
        executor.submit(() -> execute(job.id()));
        return job;
    }

    /** Stores the upload and runs the job on the calling thread (CLI-style and demo loading). */
    public Job runNow(String kind, String preset, String source, String fileName, InputStream content,
                      Map<String, String> columnMapping, String actor) {
        Job job = create(kind, preset, source, fileName, content, columnMapping, actor);
        execute(job.id());
        return find(job.id());
    }

    private Job create(String kind, String preset, String source, String fileName, InputStream content,
                       Map<String, String> columnMapping, String actor) {
        ImportFormat format = ImportFormat.of(kind, preset);
        String src = source == null || source.isBlank() ? "import" : source.strip();
        if (!SOURCE.matcher(src).matches()) {
            throw RapportException.badRequest("invalid-source", "source",
                    "Source '" + src + "' must be 1-60 lower-case letters, digits, '_' or '-'");
        }
        Map<String, String> mapping = columnMapping == null ? Map.of() : columnMapping;
        String name = fileName == null || fileName.isBlank() ? "upload" : Path.of(fileName).getFileName().toString();
        try {
            Files.createDirectories(properties.uploadDir());
            Path stored = Files.createTempFile(properties.uploadDir(), "import-", ".upload");
            Files.copy(content, stored, StandardCopyOption.REPLACE_EXISTING);
            long id = db.insertInto(JOB)
                    .set(J_KIND, format.kind).set(J_PRESET, format.preset).set(J_SOURCE, src)
                    .set(J_FILE_NAME, name.length() > 300 ? name.substring(0, 300) : name)
                    .set(J_STORED_PATH, stored.toAbsolutePath().toString())
                    .set(J_MAPPING, json.writeValueAsString(mapping))
                    .set(J_STATUS, "queued").set(J_BYTES_TOTAL, Files.size(stored))
                    .set(J_CREATED_BY, actor).set(J_CREATED_AT, OffsetDateTime.now(clock))
                    .returningResult(J_ID).fetchOne(J_ID);
            return find(id);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not store the upload", e);
        }
    }

    /** Picks up jobs that a stopped server left queued or running. */
    @EventListener(ApplicationReadyEvent.class)
    void resumeInterrupted() {
        List<Long> pending = db.select(J_ID).from(JOB).where(J_STATUS.in("queued", "running")).orderBy(J_ID)
                .fetch(J_ID);
        for (long id : pending) {
            log.info("Resuming import job {} left unfinished by the previous run", id);
            executor.submit(() -> execute(id));
        }
    }

    void execute(long id) {
        Record row = db.selectFrom(JOB).where(J_ID.eq(id)).fetchOne();
        ImportFormat format = ImportFormat.of(row.get(J_KIND.getName(), String.class),
                row.get(J_PRESET.getName(), String.class));
        String source = row.get(J_SOURCE.getName(), String.class);
        Path file = Path.of(row.get(J_STORED_PATH.getName(), String.class));
        Map<String, String> mapping = json.readValue(row.get(J_MAPPING.getName(), String.class),
                new TypeReference<LinkedHashMap<String, String>>() {});
        // A rerun starts its counts afresh: rows stored by the interrupted run now count as duplicates.
        db.update(JOB).set(J_STATUS, "running").set(J_STARTED_AT, OffsetDateTime.now(clock))
                .set(J_BYTES_READ, 0L).set(J_ROWS_READ, 0L).set(J_ACCEPTED, 0L).set(J_DUPLICATES, 0L)
                .set(J_REJECTED, 0L).set(J_ANONYMOUS, 0L).setNull(J_FAILURE).where(J_ID.eq(id)).execute();
        db.deleteFrom(JOB_ERROR).where(JE_JOB.eq(id)).execute();
        AtomicLong storedErrors = new AtomicLong();
        List<RowError> pendingErrors = new java.util.ArrayList<>();
        ImportRunner.Progress progress = new ImportRunner.Progress() {
            @Override
            public void chunk(long bytesRead, long rowsRead, Map<Outcome, Integer> outcomes, int rejected) {
                flushErrors(id, pendingErrors, storedErrors);
                int accepted = outcomes.getOrDefault(Outcome.ACCEPTED, 0);
                int anonymous = outcomes.getOrDefault(Outcome.ANONYMOUS, 0);
                db.update(JOB).set(J_BYTES_READ, bytesRead).set(J_ROWS_READ, rowsRead)
                        .set(J_ACCEPTED, J_ACCEPTED.plus(accepted + anonymous))
                        .set(J_ANONYMOUS, J_ANONYMOUS.plus(anonymous))
                        .set(J_DUPLICATES, J_DUPLICATES.plus(outcomes.getOrDefault(Outcome.DUPLICATE, 0)))
                        .set(J_REJECTED, J_REJECTED.plus(rejected))
                        .where(J_ID.eq(id)).execute();
            }

            @Override
            public void problem(long rowNo, String field, String value, String reason) {
                pendingErrors.add(new RowError(rowNo, field, value, reason));
            }
        };
        ImportRunner.Result result;
        try {
            result = runner.run(format, source, file, mapping, progress);
        } catch (Exception e) {
            log.error("Import job {} failed", id, e);
            result = new ImportRunner.Result("failed", "Unexpected error: " + e.getMessage());
        }
        flushErrors(id, pendingErrors, storedErrors);
        String failure = result.failure();
        db.update(JOB).set(J_STATUS, result.status())
                .set(J_FAILURE, failure == null || failure.length() <= 1000 ? failure : failure.substring(0, 1000))
                .set(J_FINISHED_AT, OffsetDateTime.now(clock))
                .set(J_BYTES_READ, "done".equals(result.status()) ? J_BYTES_TOTAL : J_BYTES_READ)
                .where(J_ID.eq(id)).execute();
        Job done = find(id);
        analyseAfterBulk(done);
        log.info("Import job {} ({} {}) {}: read {}, accepted {} ({} anonymous), duplicates {}, rejected {}",
                id, done.kind(), done.preset(), done.status(), done.rowsRead(), done.accepted(), done.anonymous(),
                done.duplicates(), done.rejected());
    }

    /** Rows accepted by one job from which the written tables' planner statistics are refreshed at once. */
    static final long ANALYSE_AFTER = 10_000;

    /** The tables an import of each kind fills, whose statistics a bulk import changes. */
    private static final Map<String, List<String>> WRITTEN = Map.of(
            "customers", List.of("customer_profile", "customer_identity"),
            "orders", List.of("ingest_order", "ingest_order_line", "customer_summary", "customer_purchase_day",
                    "customer_profile", "customer_identity"),
            "events", List.of("ingest_event", "customer_profile", "customer_identity"),
            "products", List.of("product_item"));

    /**
     * After a bulk import on PostgreSQL, {@code ANALYZE} the tables it filled, as one does after any bulk load.
     * Autovacuum would do it later (where it runs at all); until then the planner plans with the statistics of the
     * empty or smaller tables and reads whole tables where an index would answer (the contacts of 500 customers read
     * all of {@code customer_identity}: 96 ms per chunk of a birthday check at 100,000 customers).
     */
    private void analyseAfterBulk(Job done) {
        if (done.accepted() < ANALYSE_AFTER || db.dialect().family() != org.jooq.SQLDialect.POSTGRES) {
            return;
        }
        for (String table : WRITTEN.getOrDefault(done.kind(), List.of())) {
            try {
                db.execute("analyze " + table);
            } catch (org.springframework.dao.DataAccessException | org.jooq.exception.DataAccessException e) {
                // the import is done and stored; stale statistics only make later reads slower until autovacuum
                log.warn("Import job {}: analyze {} failed: {}", done.id(), table, e.getMessage());
            }
        }
    }

    private void flushErrors(long id, List<RowError> errors, AtomicLong stored) {
        if (errors.isEmpty()) {
            return;
        }
        var insert = db.insertInto(JOB_ERROR, JE_JOB, JE_ROW, JE_FIELD, JE_VALUE, JE_REASON);
        boolean any = false;
        for (RowError e : errors) {
            if (stored.incrementAndGet() > MAX_STORED_ERRORS) {
                break;
            }
            insert = insert.values(id, e.row(), storable(e.field(), 100), storable(e.value(), 200),
                    storable(e.reason(), 500));
            any = true;
        }
        if (any) {
            insert.execute();
        }
        errors.clear();
    }

    /**
     * Shortened to the column, and without NUL (PostgreSQL cannot store it): an error report must never fail on the
     * bad bytes it reports.
     */
    private static String storable(String text, int max) {
        if (text == null) {
            return null;
        }
        String clean = text.replace('\u0000', '\uFFFD');
        return clean.length() <= max ? clean : clean.substring(0, max - 3) + "...";
    }

    public Job find(long id) {
        Record r = db.selectFrom(JOB).where(J_ID.eq(id)).fetchOne();
        if (r == null) {
            throw RapportException.notFound("import-job", id);
        }
        return job(r);
    }

    public List<Job> recent(int limit) {
        return db.selectFrom(JOB).orderBy(J_ID.desc()).limit(limit).fetch(this::job);
    }

    public List<RowError> errors(long id, int limit) {
        find(id);
        return db.select(JE_ROW, JE_FIELD, JE_VALUE, JE_REASON).from(JOB_ERROR).where(JE_JOB.eq(id))
                .orderBy(JE_ROW).limit(limit)
                .fetch(r -> new RowError(r.get(JE_ROW), r.get(JE_FIELD), r.get(JE_VALUE), r.get(JE_REASON)));
    }

    /**
     * The error report as CSV: row, field, value, reason. Flushes {@code out} but leaves it open to its owner.
     * Rejected values can hold personal data, so every download is an audited export.
     */
    public void writeErrorReport(long id, Writer out) throws IOException {
        audit.record(Actor.current(), "export", "import-job", Long.toString(id), "import error report (CSV)");
        CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder()
                .setHeader("row", "field", "value", "reason").get());
        for (RowError e : errors(id, MAX_STORED_ERRORS)) {
            printer.printRecord(e.row(), e.field(), e.value(), e.reason());
        }
        printer.flush();
    }

    private Job job(Record r) {
        return new Job(r.get(J_ID.getName(), Long.class), r.get(J_KIND.getName(), String.class),
                r.get(J_PRESET.getName(), String.class), r.get(J_SOURCE.getName(), String.class),
                r.get(J_FILE_NAME.getName(), String.class), r.get(J_STATUS.getName(), String.class),
                r.get(J_BYTES_TOTAL.getName(), Long.class), r.get(J_BYTES_READ.getName(), Long.class),
                r.get(J_ROWS_READ.getName(), Long.class), r.get(J_ACCEPTED.getName(), Long.class),
                r.get(J_DUPLICATES.getName(), Long.class), r.get(J_REJECTED.getName(), Long.class),
                r.get(J_ANONYMOUS.getName(), Long.class), r.get(J_FAILURE.getName(), String.class),
                r.get(J_CREATED_BY.getName(), String.class), r.get(J_CREATED_AT.getName(), OffsetDateTime.class),
                r.get(J_STARTED_AT.getName(), OffsetDateTime.class),
                r.get(J_FINISHED_AT.getName(), OffsetDateTime.class));
    }
}
