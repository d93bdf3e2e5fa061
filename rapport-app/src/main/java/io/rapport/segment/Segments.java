package io.rapport.segment;

import static io.rapport.segment.SegmentTables.*;

import io.rapport.customer.CustomerSegmentSource;
import io.rapport.customer.IdentityKind;
import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import io.rapport.privacy.AuditLog;
import io.rapport.privacy.PersonalDataMask;
import java.io.IOException;
import java.io.Writer;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jooq.Condition;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Segments: saved condition trees (dynamic) and frozen lists (static), their preview, overlap, size history and
 * member export. The public entry point of the segment capability for other modules and the console.
 */
@Service
public class Segments {

    static final int SAMPLE_SIZE = 10;

    private final DSLContext db;
    private final SegmentStore store;
    private final Memberships memberships;
    private final AuditLog audit;
    private final Clock clock;
    private final ObjectMapper json;

    private final io.rapport.privacy.PersonalDataCipher cipher;

    Segments(DSLContext db, SegmentStore store, Memberships memberships, AuditLog audit, Clock clock, ObjectMapper json,
             io.rapport.privacy.PersonalDataCipher cipher) {
        this.cipher = cipher;
        this.db = db;
        this.store = store;
        this.memberships = memberships;
        this.audit = audit;
        this.clock = clock;
        this.json = json;
    }

    /** What a caller sends to create or edit a segment. {@code kind}: dynamic (default) or static. */
    public record Request(String name, String description, String kind, JsonNode definition) {}

    /** A segment as shown. */
    public record View(long id, String name, String description, String kind, JsonNode definition, long size,
                       boolean timeRelative, int version, String createdBy, OffsetDateTime createdAt,
                       String updatedBy, OffsetDateTime updatedAt, OffsetDateTime refreshedAt) {}

    /** A member as shown: personal data masked unless revealed to a role that may see it. */
    public record Member(long customerId, String name, String email, String phone, String city, OffsetDateTime since) {}

    public record Preview(long count, List<Member> sample) {}

    public record Overlap(long segmentId, long otherId, long size, long otherSize, long both) {}

    public record SizePoint(LocalDate day, long size, long entries, long exits) {}

    public record Change(long customerId, String change, OffsetDateTime at, String cause) {}

    /** The field catalogue, for API clients and the builder page. */
    public record FieldInfo(String key, String type, List<String> operators, List<String> parameters,
                            List<String> choices, String source) {}

    public List<FieldInfo> fields() {
        return java.util.Arrays.stream(SegmentField.values())
                .map(f -> new FieldInfo(f.key, f.type.wire(), f.type.operators,
                        f.parameters.stream().sorted().toList(), f.choices, f.source.name().toLowerCase()))
                .toList();
    }

    public List<View> list() {
        var sizes = sizes();
        return store.all().stream().map(row -> view(row, sizes.getOrDefault(row.id(), 0))).toList();
    }

    public View find(long id) {
        SegmentStore.Row row = row(id);
        return view(row, db.fetchCount(MEMBER, M_SEGMENT.eq(id)));
    }

    private java.util.Map<Long, Integer> sizes() {
        return db.select(M_SEGMENT, DSL.count()).from(MEMBER).groupBy(M_SEGMENT).fetchMap(M_SEGMENT, DSL.count());
    }

    private SegmentStore.Row row(long id) {
        return store.find(id).orElseThrow(() -> RapportException.notFound("segment", id));
    }

    private View view(SegmentStore.Row row, long size) {
        return new View(row.id(), row.name(), row.description(), row.kind(),
                row.definition().map(json::readTree).orElse(null), size, row.timeRelative(), row.version(),
                row.createdBy(), row.createdAt(), row.updatedBy(), row.updatedAt(), row.refreshedAt().orElse(null));
    }

    /** Counts and samples what a definition would select, without saving anything. */
    public Preview preview(JsonNode definition) {
        SegmentCompiler.Compiled compiled = store.compile(store.parse(definition));
        return new Preview(count(compiled), sample(compiled));
    }

    public long count(JsonNode definition) {
        return count(store.compile(store.parse(definition)));
    }

    long count(SegmentCompiler.Compiled compiled) {
        return db.fetchValue(SegmentCompiler.join(db.selectCount().from(CustomerSegmentSource.profiles()), compiled)
                .where(SegmentCompiler.where(compiled)));
    }

    private List<Member> sample(SegmentCompiler.Compiled compiled) {
        List<Long> ids = SegmentCompiler.from(db, compiled).where(SegmentCompiler.where(compiled))
                .orderBy(CustomerSegmentSource.id()).limit(SAMPLE_SIZE).fetch(CustomerSegmentSource.id());
        return members(CustomerSegmentSource.id().in(ids), false, null).stream().toList();
    }

    @Transactional
    public View create(Request request, Actor actor) {
        String kind = kind(request.kind());
        String name = name(request.name());
        if (kind.equals("dynamic") && (request.definition() == null || request.definition().isNull())) {
            throw SegmentLanguage.problem("missing-definition", "definition", "A dynamic segment needs a definition");
        }
        Optional<SegmentCondition> condition = Optional.ofNullable(request.definition()).filter(d -> !d.isNull())
                .map(store::parse);
        Optional<SegmentCompiler.Compiled> compiled = condition.map(store::compile);
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        long id = db.insertInto(DEFINITION).set(D_NAME, name).set(D_DESCRIPTION, description(request.description()))
                .set(D_KIND, kind).set(D_DEFINITION, condition.map(c -> request.definition().toString()).orElse(null))
                .set(D_TIME_RELATIVE, compiled.map(SegmentCompiler.Compiled::timeRelative).orElse(false))
                .set(D_CREATED_BY, actor.name()).set(D_CREATED_AT, now).set(D_UPDATED_BY, actor.name())
                .set(D_UPDATED_AT, now).returningResult(D_ID).fetchOne(D_ID);
        compiled.ifPresent(c -> dependencies(id, c));
        if (kind.equals("dynamic")) {
            memberships.refresh(new SegmentStore.Evaluable(row(id), condition.orElseThrow(), compiled.orElseThrow()),
                    "created", true);
        } else if (compiled.isPresent()) {
            memberships.replaceStatic(id, SegmentCompiler.from(db, compiled.get()).where(SegmentCompiler.where(compiled.get()))
                    .fetch(CustomerSegmentSource.id()), "snapshot");
        }
        memberships.recordSizes();
        return find(id);
    }

    /**
     * Saves the audiences brands ask for most (classpath segment/examples.json, documented in docs/segments.md) as
     * dynamic segments; one already saved under the same name is left alone.
     */
    @Transactional
    public List<View> saveExamples(Actor actor) throws IOException {
        JsonNode examples;
        try (var in = Segments.class.getResourceAsStream("/segment/examples.json")) {
            examples = json.readTree(in);
        }
        List<String> names = store.all().stream().map(SegmentStore.Row::name).toList();
        List<View> saved = new ArrayList<>();
        for (JsonNode example : examples) {
            if (!names.contains(example.get("name").asString())) {
                saved.add(create(new Request(example.get("name").asString(), example.get("description").asString(),
                        "dynamic", example.get("definition")), actor));
            }
        }
        return saved;
    }

    @Transactional
    public View update(long id, Request request, Actor actor) {
        SegmentStore.Row existing = row(id);
        String name = request.name() == null ? existing.name() : name(request.name());
        if (request.kind() != null && !kind(request.kind()).equals(existing.kind())) {
            throw RapportException.badRequest("kind-fixed", "kind", "A segment's kind cannot change; create a new one");
        }
        Optional<SegmentCondition> condition = Optional.ofNullable(request.definition()).filter(d -> !d.isNull())
                .map(store::parse);
        Optional<SegmentCompiler.Compiled> compiled = condition
                .map(c -> SegmentCompiler.compile(c, store.context(), Optional.of(id)));
        var update = db.update(DEFINITION).set(D_NAME, name)
                .set(D_DESCRIPTION, request.description() == null ? existing.description() : description(request.description()))
                .set(D_UPDATED_BY, actor.name()).set(D_UPDATED_AT, clock.instant().atOffset(ZoneOffset.UTC))
                .set(D_VERSION, existing.version() + 1);
        if (compiled.isPresent()) {
            update = update.set(D_DEFINITION, request.definition().toString())
                    .set(D_TIME_RELATIVE, compiled.get().timeRelative());
        }
        update.where(D_ID.eq(id)).execute();
        if (compiled.isPresent()) {
            db.deleteFrom(DEPENDENCY).where(DEP_SEGMENT.eq(id)).execute();
            dependencies(id, compiled.get());
            if (existing.dynamic()) {
                // this segment and every segment that reads it now select differently
                memberships.refresh(new SegmentStore.Evaluable(row(id), condition.get(), compiled.get()), "edited", true);
                for (long dependent : store.dependents(id)) {
                    SegmentStore.Row row = row(dependent);
                    if (row.dynamic()) {
                        memberships.refresh(store.evaluable(row), "edited", true);
                    }
                }
            } else {
                memberships.replaceStatic(id, SegmentCompiler.from(db, compiled.get())
                        .where(SegmentCompiler.where(compiled.get())).fetch(CustomerSegmentSource.id()), "snapshot");
            }
            memberships.recordSizes();
        }
        return find(id);
    }

    private void dependencies(long id, SegmentCompiler.Compiled compiled) {
        for (long on : compiled.segments()) {
            if (on == id) {
                continue;
            }
            db.insertInto(DEPENDENCY, DEP_SEGMENT, DEP_ON).values(id, on).execute();
        }
    }

    @Transactional
    public void delete(long id, Actor actor) {
        row(id);
        List<Long> users = db.select(DEP_SEGMENT).from(DEPENDENCY).where(DEP_ON.eq(id)).fetch(DEP_SEGMENT);
        List<String> tags = db.select(TG_CODE).from(TAG).where(TG_SEGMENT.eq(id)).fetch(TG_CODE);
        if (!users.isEmpty() || !tags.isEmpty()) {
            throw new RapportException(HttpStatus.CONFLICT, "segment-in-use", "Segment " + id
                    + " is used by segments " + users + (tags.isEmpty() ? "" : " and rule tags " + tags))
                    .with("segments", users).with("tags", tags);
        }
        List<Long> members = db.select(M_CUSTOMER).from(MEMBER).where(M_SEGMENT.eq(id)).fetch(M_CUSTOMER);
        memberships.replaceStatic(id, List.of(), "deleted");
        db.deleteFrom(SIZE_DAY).where(SZ_SEGMENT.eq(id)).execute();
        db.deleteFrom(DEPENDENCY).where(DEP_SEGMENT.eq(id)).execute();
        db.deleteFrom(DEFINITION).where(D_ID.eq(id)).execute();
        audit.record(actor, "segment.delete", "segment", Long.toString(id), members.size() + " members left it");
    }

    public Overlap overlap(long id, long otherId) {
        row(id);
        row(otherId);
        long both = db.fetchCount(MEMBER, M_SEGMENT.eq(id).and(M_CUSTOMER.in(
                DSL.select(M_CUSTOMER).from(MEMBER).where(M_SEGMENT.eq(otherId)))));
        return new Overlap(id, otherId, db.fetchCount(MEMBER, M_SEGMENT.eq(id)), db.fetchCount(MEMBER, M_SEGMENT.eq(otherId)),
                both);
    }

    public List<SizePoint> sizes(long id, int days) {
        row(id);
        return db.select(SZ_DAY, SZ_SIZE, SZ_ENTRIES, SZ_EXITS).from(SIZE_DAY).where(SZ_SEGMENT.eq(id))
                .and(SZ_DAY.ge(store.today().minusDays(days))).orderBy(SZ_DAY)
                .fetch(r -> new SizePoint(r.get(SZ_DAY), r.get(SZ_SIZE), r.get(SZ_ENTRIES), r.get(SZ_EXITS)));
    }

    public List<Change> changes(long id, int limit) {
        row(id);
        return db.select(C_CUSTOMER, C_CHANGE, C_AT, C_CAUSE).from(CHANGE).where(C_SEGMENT.eq(id))
                .orderBy(C_ID.desc()).limit(limit)
                .fetch(r -> new Change(r.get(C_CUSTOMER), r.get(C_CHANGE), r.get(C_AT), r.get(C_CAUSE)));
    }

    /** The segments a customer is in now. */
    public List<View> segmentsOf(long customerId) {
        Set<Long> ids = Set.copyOf(db.select(M_SEGMENT).from(MEMBER).where(M_CUSTOMER.eq(customerId)).fetch(M_SEGMENT));
        var sizes = sizes();
        return store.all().stream().filter(r -> ids.contains(r.id())).map(r -> view(r, sizes.getOrDefault(r.id(), 0)))
                .toList();
    }

    /** Whether the customer is a member of the segment now. */
    public boolean isMember(long segmentId, long customerId) {
        return db.fetchExists(MEMBER, M_SEGMENT.eq(segmentId).and(M_CUSTOMER.eq(customerId)));
    }

    /**
     * Writes the members as CSV. Personal data is masked unless {@code reveal} and the actor may see it; every export is
     * written to the audit log (who, which segment, how many rows, masked or not).
     */
    public void export(long id, Actor actor, boolean reveal, Writer out) throws IOException {
        row(id);
        checkExport(actor, reveal);
        long rows = 0;
        try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.DEFAULT.builder()
                .setHeader("customer_id", "name", "email", "phone", "city", "member_since").get())) {
            Field<Long> customer = CustomerSegmentSource.id();
            var select = db.select(customer, CustomerSegmentSource.storedName(), CustomerSegmentSource.city(),
                            CustomerSegmentSource.firstIdentity(customer, IdentityKind.EMAIL).as("email"),
                            CustomerSegmentSource.firstIdentity(customer, IdentityKind.PHONE).as("phone"), M_SINCE)
                    .from(MEMBER).join(CustomerSegmentSource.profiles()).on(customer.eq(M_CUSTOMER))
                    .where(M_SEGMENT.eq(id)).orderBy(customer);
            try (Cursor<? extends Record> cursor = select.fetchSize(2000).fetchLazy()) {
                for (Record r : cursor) {
                    Member m = member(r.get(0, Long.class), r.get(1, String.class), r.get(3, String.class),
                            r.get(4, String.class), r.get(2, String.class), r.get(5, OffsetDateTime.class), reveal);
                    csv.printRecord(m.customerId(), m.name(), m.email(), m.phone(), m.city(), m.since());
                    rows++;
                }
            }
        }
        audit.record(actor, reveal ? "segment.export.revealed" : "segment.export", "segment", Long.toString(id),
                rows + " members exported" + (reveal ? " with personal data" : ", personal data masked"));
    }

    /** 403 when personal data is asked for by someone who may not see it. */
    public void checkExport(Actor actor, boolean reveal) {
        if (reveal && !actor.maySeePersonalData()) {
            throw new RapportException(HttpStatus.FORBIDDEN, "pii-not-allowed",
                    "Your role may not export unmasked personal data");
        }
    }

    /** Up to {@code limit} members of a segment, masked. */
    public List<Member> members(long id, int limit) {
        row(id);
        List<Long> ids = db.select(M_CUSTOMER).from(MEMBER).where(M_SEGMENT.eq(id)).orderBy(M_CUSTOMER).limit(limit)
                .fetch(M_CUSTOMER);
        return members(CustomerSegmentSource.id().in(ids), false, id);
    }

    private List<Member> members(Condition which, boolean reveal, Long segmentId) {
        Field<Long> customer = CustomerSegmentSource.id();
        Field<OffsetDateTime> since = segmentId == null ? DSL.inline((OffsetDateTime) null)
                : DSL.field(DSL.select(M_SINCE).from(MEMBER).where(M_SEGMENT.eq(segmentId)).and(M_CUSTOMER.eq(customer)));
        List<Member> members = new ArrayList<>();
        db.select(customer, CustomerSegmentSource.storedName(), CustomerSegmentSource.city(),
                        CustomerSegmentSource.firstIdentity(customer, IdentityKind.EMAIL).as("email"),
                        CustomerSegmentSource.firstIdentity(customer, IdentityKind.PHONE).as("phone"), since.as("since"))
                .from(CustomerSegmentSource.profiles()).where(which).orderBy(customer)
                .forEach(r -> members.add(member(r.get(0, Long.class), r.get(1, String.class), r.get(3, String.class),
                        r.get(4, String.class), r.get(2, String.class), r.get(5, OffsetDateTime.class), reveal)));
        return members;
    }

    /** A member from stored (possibly encrypted) name, email and phone. */
    private Member member(long id, String storedName, String storedEmail, String storedPhone, String city,
                          OffsetDateTime since, boolean reveal) {
        String name = cipher.decrypt(storedName);
        String email = cipher.decrypt(storedEmail);
        String phone = cipher.decrypt(storedPhone);
        return reveal ? new Member(id, name, email, phone, city, since)
                : new Member(id, PersonalDataMask.name(name), PersonalDataMask.email(email),
                        PersonalDataMask.phone(phone), city, since);
    }

    private static String kind(String kind) {
        String k = kind == null ? "dynamic" : kind.strip().toLowerCase(java.util.Locale.ROOT);
        if (!k.equals("dynamic") && !k.equals("static")) {
            throw RapportException.badRequest("invalid-kind", "kind", "A segment is dynamic or static, not '"
                    + SegmentLanguage.clip(kind) + "'");
        }
        return k;
    }

    private static String name(String name) {
        if (name == null || name.isBlank()) {
            throw RapportException.badRequest("missing-name", "name", "A segment needs a name");
        }
        if (name.length() > 200) {
            throw RapportException.badRequest("value-too-long", "name", "A segment name has at most 200 characters");
        }
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw RapportException.badRequest("invalid-value", "name", "A segment name may not contain control characters");
        }
        return name.strip();
    }

    private static String description(String description) {
        if (description != null && description.length() > 2000) {
            throw RapportException.badRequest("value-too-long", "description",
                    "A segment description has at most 2000 characters");
        }
        if (description != null && description.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
            throw RapportException.badRequest("invalid-value", "description",
                    "A segment description may not contain control characters other than line breaks and tabs");
        }
        return description;
    }
}
