package io.rapport.ingest;

import static io.rapport.ingest.IngestTables.*;

import io.rapport.privacy.RetainedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jooq.DSLContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Ingest's data with a retention period: raw behaviour events ({@code events}: deleted — customer summaries keep
 * their counts) and uploaded import files with their row errors ({@code import-files}: the files hold the raw
 * records, personal data included; the job record stays).
 */
@Configuration(proxyBeanMethods = false)
class IngestRetention {

    @Bean
    RetainedData rawEvents(DSLContext db) {
        return new RetainedData() {
            @Override
            public String kind() {
                return "events";
            }

            @Override
            public String action() {
                return "deleted";
            }

            @Override
            public long countOlderThan(Instant cutoff) {
                return db.fetchCount(EVENT, E_OCCURRED_AT.lt(cutoff.atOffset(ZoneOffset.UTC)));
            }

            @Override
            public long removeOlderThan(Instant cutoff) {
                return db.deleteFrom(EVENT).where(E_OCCURRED_AT.lt(cutoff.atOffset(ZoneOffset.UTC))).execute();
            }
        };
    }

    @Bean
    RetainedData importFiles(DSLContext db) {
        return new RetainedData() {
            @Override
            public String kind() {
                return "import-files";
            }

            @Override
            public String action() {
                return "files and row errors deleted";
            }

            @Override
            public long countOlderThan(Instant cutoff) {
                return db.fetchCount(JOB, J_CREATED_AT.lt(cutoff.atOffset(ZoneOffset.UTC))
                        .and(J_STATUS.notIn("queued", "running")));
            }

            @Override
            public long removeOlderThan(Instant cutoff) {
                OffsetDateTime at = cutoff.atOffset(ZoneOffset.UTC);
                var jobs = db.select(J_ID, J_STORED_PATH).from(JOB).where(J_CREATED_AT.lt(at))
                        .and(J_STATUS.notIn("queued", "running")).fetch();
                for (var job : jobs) {
                    try {
                        Files.deleteIfExists(Path.of(job.get(J_STORED_PATH)));
                    } catch (IOException | RuntimeException e) {
                        // a file already moved or unreadable path: the row errors still go
                    }
                    db.deleteFrom(table("ingest_job_error")).where(field("job_id", Long.class).eq(job.get(J_ID)))
                            .execute();
                }
                return jobs.size();
            }
        };
    }

    private static org.jooq.Table<?> table(String name) {
        return io.rapport.platform.Tables.table(name);
    }

    private static <T> org.jooq.Field<T> field(String name, Class<T> type) {
        return io.rapport.platform.Tables.field(name, type);
    }
}
