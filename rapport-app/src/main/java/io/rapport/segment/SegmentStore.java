package io.rapport.segment;

import static io.rapport.segment.SegmentTables.*;

import io.rapport.platform.RapportProperties;
import io.rapport.privacy.ConsentConditions;
import java.time.Clock;
import java.time.Instant;
import io.rapport.customer.CustomerSegmentSource;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Stored segment definitions, and compiling them in the brand's time zone as of now. */
@Component
class SegmentStore {

    /** A stored segment as written. */
    record Row(long id, String name, String description, String kind, Optional<String> definition,
               boolean timeRelative, int version, String createdBy, OffsetDateTime createdAt, String updatedBy,
               OffsetDateTime updatedAt, Optional<OffsetDateTime> refreshedAt) {

        boolean dynamic() {
            return "dynamic".equals(kind);
        }
    }

    /** A dynamic segment compiled for evaluation now (the tree kept to compile it for a few customers). */
    record Evaluable(Row row, SegmentCondition condition, SegmentCompiler.Compiled compiled) {}

    private final DSLContext db;
    private final Clock clock;
    private final ZoneId zone;
    private final ObjectMapper json;
    private final ObjectProvider<ConsentConditions> consent;
    private final CustomerSegmentSource.Birthdays birthdays;

    SegmentStore(DSLContext db, Clock clock, RapportProperties properties, ObjectMapper json,
                 ObjectProvider<ConsentConditions> consent, CustomerSegmentSource.Birthdays birthdays) {
        this.birthdays = birthdays;
        this.db = db;
        this.clock = clock;
        this.zone = properties.timeZone();
        this.json = json;
        this.consent = consent;
    }

    ZoneId zone() {
        return zone;
    }

    LocalDate today() {
        return LocalDate.now(clock.withZone(zone));
    }

    Optional<Row> find(long id) {
        return db.selectFrom(DEFINITION).where(D_ID.eq(id)).fetchOptional(SegmentStore::row);
    }

    List<Row> all() {
        return db.selectFrom(DEFINITION).orderBy(D_ID).fetch(SegmentStore::row);
    }

    private static Row row(Record r) {
        return new Row(r.get(D_ID.getName(), Long.class), r.get(D_NAME.getName(), String.class),
                r.get(D_DESCRIPTION.getName(), String.class), r.get(D_KIND.getName(), String.class),
                Optional.ofNullable(r.get(D_DEFINITION.getName(), String.class)),
                Boolean.TRUE.equals(r.get(D_TIME_RELATIVE.getName(), Boolean.class)),
                r.get(D_VERSION.getName(), Integer.class), r.get(D_CREATED_BY.getName(), String.class),
                r.get(D_CREATED_AT.getName(), OffsetDateTime.class), r.get(D_UPDATED_BY.getName(), String.class),
                r.get(D_UPDATED_AT.getName(), OffsetDateTime.class),
                Optional.ofNullable(r.get(D_REFRESHED_AT.getName(), OffsetDateTime.class)));
    }

    SegmentLanguage.References references() {
        return new SegmentLanguage.References() {
            public boolean tagExists(String code) {
                return db.fetchExists(TAG, TG_CODE.eq(code));
            }

            public boolean segmentExists(long id) {
                return db.fetchExists(DEFINITION, D_ID.eq(id));
            }
        };
    }

    SegmentCondition parse(JsonNode definition) {
        return SegmentLanguage.parse(definition, references());
    }

    Optional<SegmentCondition> condition(Row row) {
        return row.definition().map(text -> parse(json.readTree(text)));
    }

    /** Compiles as of now; one context per call, so every segment of one evaluation sees the same "today". */
    SegmentCompiler.Context context() {
        Instant now = clock.instant();
        Map<Long, Optional<SegmentCompiler.StoredSegment>> seen = new HashMap<>();
        return new SegmentCompiler.Context(LocalDate.ofInstant(now, zone), now, zone,
                id -> seen.computeIfAbsent(id, key -> find(key).map(row -> new SegmentCompiler.StoredSegment(row.id(),
                        row.dynamic(), row.dynamic() ? condition(row) : Optional.empty()))),
                code -> db.select(TG_SEGMENT).from(TAG).where(TG_CODE.eq(code)).and(TG_KIND.eq("rule"))
                        .fetchOptional(TG_SEGMENT),
                Optional.ofNullable(consent.getIfAvailable()), birthdays);
    }

    SegmentCompiler.Compiled compile(SegmentCondition condition) {
        return SegmentCompiler.compile(condition, context());
    }

    Evaluable evaluable(Row row) {
        SegmentCondition condition = condition(row).orElseThrow();
        return new Evaluable(row, condition, compile(condition));
    }

    /** Every dynamic segment, compiled against one shared context. */
    List<Evaluable> dynamicSegments() {
        SegmentCompiler.Context context = context();
        return all().stream().filter(Row::dynamic)
                .map(row -> {
                    SegmentCondition condition = condition(row).orElseThrow();
                    return new Evaluable(row, condition, SegmentCompiler.compile(condition, context));
                })
                .toList();
    }

    /** Segments whose conditions read {@code segmentId} (directly or through other segments). */
    java.util.Set<Long> dependents(long segmentId) {
        java.util.Set<Long> found = new java.util.LinkedHashSet<>();
        java.util.Deque<Long> todo = new java.util.ArrayDeque<>(List.of(segmentId));
        while (!todo.isEmpty()) {
            long next = todo.pop();
            for (Long dependent : db.select(DEP_SEGMENT).from(DEPENDENCY).where(DEP_ON.eq(next)).fetch(DEP_SEGMENT)) {
                if (found.add(dependent)) {
                    todo.push(dependent);
                }
            }
        }
        return found;
    }
}
