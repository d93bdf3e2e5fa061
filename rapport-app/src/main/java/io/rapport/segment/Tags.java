package io.rapport.segment;

import static io.rapport.segment.SegmentTables.*;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The tag catalogue and customers' tags: manual tags (set by staff or the API, with who and when), rule tags (carried
 * by the members of a segment) and computed tags ({@link TagComputation}); every change is kept in the tag history.
 */
@Service
public class Tags {

    static final Set<String> CATEGORIES = Set.of("basic", "behaviour", "preference", "value", "emotion", "manual");
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,59}");

    private final DSLContext db;
    private final Memberships memberships;
    private final SegmentStore store;
    private final Clock clock;

    Tags(DSLContext db, Memberships memberships, SegmentStore store, Clock clock) {
        this.db = db;
        this.memberships = memberships;
        this.store = store;
        this.clock = clock;
    }

    /** A catalogue entry. {@code segmentId}: the segment whose members carry a rule tag. */
    public record Tag(String code, String name, String category, String kind, Long segmentId, String description,
                      String createdBy, OffsetDateTime createdAt) {}

    public record NewTag(String code, String name, String category, String kind, Long segmentId, String description) {}

    /** A tag a customer carries now. {@code setBy}: the person, {@code system} or the rule segment. */
    public record CustomerTag(String code, String name, String category, String kind, String value, String setBy,
                              OffsetDateTime setAt, String reason) {}

    public record HistoryEntry(String code, String value, String change, OffsetDateTime at, String actor, String reason) {}

    public record CustomerTags(List<CustomerTag> current, List<HistoryEntry> history) {}

    public List<Tag> catalogue() {
        return db.selectFrom(TAG).orderBy(TG_CATEGORY, TG_CODE).fetch(r -> new Tag(r.get(TG_CODE.getName(), String.class),
                r.get(TG_NAME.getName(), String.class), r.get(TG_CATEGORY.getName(), String.class),
                r.get(TG_KIND.getName(), String.class), r.get(TG_SEGMENT.getName(), Long.class),
                r.get(TG_DESCRIPTION.getName(), String.class), r.get(TG_CREATED_BY.getName(), String.class),
                r.get(TG_CREATED_AT.getName(), OffsetDateTime.class)));
    }

    Optional<Tag> find(String code) {
        return catalogue().stream().filter(t -> t.code().equals(code)).findFirst();
    }

    @Transactional
    public Tag create(NewTag tag, Actor actor) {
        if (tag.code() == null || !CODE.matcher(tag.code()).matches()) {
            throw RapportException.badRequest("invalid-value", "code",
                    "A tag code is 1-60 lower-case letters, digits or _, starting with a letter");
        }
        if (tag.name() == null || tag.name().isBlank() || tag.name().length() > 200
                || tag.name().chars().anyMatch(c -> c < 0x20)) {
            throw RapportException.badRequest("invalid-value", "name", "A tag needs a name of 1-200 characters");
        }
        String category = tag.category() == null ? "manual" : tag.category();
        if (!CATEGORIES.contains(category)) {
            throw RapportException.badRequest("invalid-value", "category", "A tag's category is one of "
                    + CATEGORIES.stream().sorted().toList());
        }
        String kind = tag.kind() == null ? "manual" : tag.kind();
        if (!kind.equals("manual") && !kind.equals("rule")) {
            throw RapportException.badRequest("invalid-value", "kind",
                    "A new tag is manual or rule (computed tags are built in)");
        }
        if (kind.equals("rule") && (tag.segmentId() == null || store.find(tag.segmentId()).isEmpty())) {
            throw RapportException.badRequest("unknown-segment", "segmentId",
                    "A rule tag names the segment whose members carry it (segmentId)");
        }
        if (tag.description() != null && tag.description().length() > 2000) {
            throw RapportException.badRequest("value-too-long", "description", "At most 2000 characters");
        }
        if (db.fetchExists(TAG, TG_CODE.eq(tag.code()))) {
            throw new RapportException(HttpStatus.CONFLICT, "tag-exists", "Tag " + tag.code() + " exists already");
        }
        db.insertInto(TAG).set(TG_CODE, tag.code()).set(TG_NAME, tag.name().strip()).set(TG_CATEGORY, category)
                .set(TG_KIND, kind).set(TG_SEGMENT, kind.equals("rule") ? tag.segmentId() : null)
                .set(TG_DESCRIPTION, tag.description()).set(TG_CREATED_BY, actor.name()).set(TG_CREATED_AT, now())
                .execute();
        return find(tag.code()).orElseThrow();
    }

    /** Sets a manual tag on a customer (a value of up to 100 characters, or none), recorded with who, when and why. */
    @Transactional
    public CustomerTags set(long customerId, String code, String value, String reason, Actor actor) {
        Tag tag = find(code).orElseThrow(() -> RapportException.notFound("tag", code));
        if (!tag.kind().equals("manual")) {
            throw RapportException.badRequest("not-manual", "tag", "Tag " + code + " is " + tag.kind()
                    + ": Rapport keeps it up to date itself");
        }
        String v = value == null ? "" : value.strip();
        if (v.length() > 100 || v.chars().anyMatch(c -> c < 0x20)) {
            throw RapportException.badRequest("invalid-value", "value", "A tag value has at most 100 characters");
        }
        String why = reason == null ? null : reason.length() > 300 ? reason.substring(0, 300) : reason;
        write(customerId, code, Optional.of(v), actor.name(), why);
        memberships.customersChanged(List.of(customerId), "tag");
        return of(customerId);
    }

    @Transactional
    public CustomerTags remove(long customerId, String code, String reason, Actor actor) {
        Tag tag = find(code).orElseThrow(() -> RapportException.notFound("tag", code));
        if (!tag.kind().equals("manual")) {
            throw RapportException.badRequest("not-manual", "tag", "Tag " + code + " is " + tag.kind());
        }
        write(customerId, code, Optional.empty(), actor.name(), reason);
        memberships.customersChanged(List.of(customerId), "tag");
        return of(customerId);
    }

    /** Sets ({@code value} present) or removes a tag and records the change; no change, no history. */
    boolean write(long customerId, String code, Optional<String> value, String actor, String reason) {
        Optional<String> before = db.select(CT_VALUE).from(CUSTOMER_TAG).where(CT_CUSTOMER.eq(customerId))
                .and(CT_TAG.eq(code)).fetchOptional(CT_VALUE);
        if (before.equals(value)) {
            return false;
        }
        OffsetDateTime at = now();
        if (value.isEmpty()) {
            db.deleteFrom(CUSTOMER_TAG).where(CT_CUSTOMER.eq(customerId)).and(CT_TAG.eq(code)).execute();
        } else if (before.isEmpty()) {
            db.insertInto(CUSTOMER_TAG).set(CT_CUSTOMER, customerId).set(CT_TAG, code).set(CT_VALUE, value.get())
                    .set(CT_BY, actor).set(CT_AT, at).set(CT_REASON, reason).execute();
        } else {
            db.update(CUSTOMER_TAG).set(CT_VALUE, value.get()).set(CT_BY, actor).set(CT_AT, at).set(CT_REASON, reason)
                    .where(CT_CUSTOMER.eq(customerId)).and(CT_TAG.eq(code)).execute();
        }
        db.insertInto(TAG_HISTORY).set(TH_CUSTOMER, customerId).set(TH_TAG, code)
                .set(TH_VALUE, value.orElse(before.orElse(""))).set(TH_CHANGE, value.isEmpty() ? "removed"
                        : before.isEmpty() ? "added" : "changed")
                .set(TH_AT, at).set(TH_ACTOR, actor).set(TH_REASON, reason).execute();
        return true;
    }

    /** The current value of one stored tag of a customer (computed or manual, e.g. {@code best_send_hour}). */
    public Optional<String> value(long customerId, String code) {
        return db.select(CT_VALUE).from(CUSTOMER_TAG).where(CT_CUSTOMER.eq(customerId)).and(CT_TAG.eq(code))
                .fetchOptional(CT_VALUE);
    }

    /** A customer's tags now (rule tags from segment membership) and their history, newest first. */
    public CustomerTags of(long customerId) {
        Map<String, Tag> catalogue = new java.util.HashMap<>();
        catalogue().forEach(t -> catalogue.put(t.code(), t));
        List<CustomerTag> current = new ArrayList<>();
        db.selectFrom(CUSTOMER_TAG).where(CT_CUSTOMER.eq(customerId)).forEach(r -> {
            Tag tag = catalogue.get(r.get(CT_TAG.getName(), String.class));
            current.add(new CustomerTag(tag.code(), tag.name(), tag.category(), tag.kind(),
                    r.get(CT_VALUE.getName(), String.class), r.get(CT_BY.getName(), String.class),
                    r.get(CT_AT.getName(), OffsetDateTime.class), r.get(CT_REASON.getName(), String.class)));
        });
        List<HistoryEntry> history = new ArrayList<>(db.select(TH_TAG, TH_VALUE, TH_CHANGE, TH_AT, TH_ACTOR, TH_REASON)
                .from(TAG_HISTORY).where(TH_CUSTOMER.eq(customerId)).orderBy(TH_ID.desc()).limit(200)
                .fetch(r -> new HistoryEntry(r.get(TH_TAG), r.get(TH_VALUE), r.get(TH_CHANGE), r.get(TH_AT),
                        r.get(TH_ACTOR), r.get(TH_REASON))));
        for (Tag rule : catalogue.values().stream().filter(t -> t.kind().equals("rule")).toList()) {
            db.select(M_SINCE).from(MEMBER).where(M_SEGMENT.eq(rule.segmentId())).and(M_CUSTOMER.eq(customerId))
                    .fetchOptional(M_SINCE).ifPresent(since -> current.add(new CustomerTag(rule.code(), rule.name(),
                            rule.category(), "rule", "", "segment " + rule.segmentId(), since, null)));
            db.select(C_CHANGE, C_AT, C_CAUSE).from(CHANGE).where(C_SEGMENT.eq(rule.segmentId()))
                    .and(C_CUSTOMER.eq(customerId)).orderBy(C_ID.desc()).limit(50)
                    .forEach(r -> history.add(new HistoryEntry(rule.code(), "", "entry".equals(r.get(C_CHANGE))
                            ? "added" : "removed", r.get(C_AT), "segment " + rule.segmentId(), r.get(C_CAUSE))));
        }
        current.sort(Comparator.comparing(CustomerTag::category).thenComparing(CustomerTag::code));
        history.sort(Comparator.comparing(HistoryEntry::at).reversed());
        return new CustomerTags(current, history);
    }

    /** The merged profile's manual tags move to the survivor (unless it has the tag already). */
    @org.springframework.context.event.EventListener
    @org.springframework.core.annotation.Order(0)
    @Transactional(propagation = org.springframework.transaction.annotation.Propagation.MANDATORY)
    public void merged(io.rapport.customer.CustomersMerged merge) {
        var rows = db.select(CT_TAG, CT_VALUE).from(CUSTOMER_TAG).join(TAG).on(TG_CODE.eq(CT_TAG))
                .where(CT_CUSTOMER.eq(merge.mergedId())).and(TG_KIND.eq("manual")).fetch();
        for (var row : rows) {
            String code = row.get(CT_TAG);
            if (!db.fetchExists(CUSTOMER_TAG, CT_CUSTOMER.eq(merge.survivorId()).and(CT_TAG.eq(code)))) {
                write(merge.survivorId(), code, Optional.of(row.get(CT_VALUE)), "system",
                        "merged from customer " + merge.mergedId());
            }
        }
        for (String code : db.select(CT_TAG).from(CUSTOMER_TAG).where(CT_CUSTOMER.eq(merge.mergedId())).fetch(CT_TAG)) {
            write(merge.mergedId(), code, Optional.empty(), "system", "merged into customer " + merge.survivorId());
        }
    }

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }
}
