package io.rapport.customer;

import static io.rapport.customer.CustomerTables.*;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import io.rapport.privacy.AuditLog;
import io.rapport.privacy.PersonalDataMask;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;

/**
 * Reads customers for people and machines: the 360 view and search. Personal data (name, phone, email,
 * birthday) is masked unless the caller holds {@code PII_READ} <em>and</em> asks to reveal it; every revealed read
 * is written to the audit log.
 */
@Service
public class CustomerProfiles {

    private final DSLContext db;
    private final CustomerSummaries summaries;
    private final IdentityNormalizer normalizer;
    private final AuditLog audit;
    private final IdentityProtection protection;
    private final ProfileProtection profileProtection;

    CustomerProfiles(DSLContext db, CustomerSummaries summaries, IdentityNormalizer normalizer, AuditLog audit,
                     IdentityProtection protection, ProfileProtection profileProtection) {
        this.protection = protection;
        this.profileProtection = profileProtection;
        this.db = db;
        this.summaries = summaries;
        this.normalizer = normalizer;
        this.audit = audit;
    }

    /** An identifier as shown: masked unless revealed. */
    public record IdentityView(String kind, String namespace, String value, OffsetDateTime since) {}

    /** A profile as shown. {@code masked} says whether personal fields were masked. */
    public record ProfileView(long id, String status, Long mergedInto, String name, String gender, String birthday,
                              String city, String country, String timeZone, OffsetDateTime registeredAt,
                              OffsetDateTime createdAt, boolean masked) {}

    /** A recorded merge: which profile joined which, when and why. */
    public record MergeView(long survivorId, long mergedId, String reason, OffsetDateTime at) {}

    /** The customer 360 view without the timeline (paged separately). */
    public record Customer360(ProfileView profile, List<IdentityView> identities,
                              Optional<CustomerSummaries.Summary> summary, List<MergeView> merges) {}

    /** A search hit. */
    public record Hit(long id, String name, String phone, String email, String memberNo, String city,
                      int orderCount, java.math.BigDecimal totalSpend, OffsetDateTime lastPurchaseAt) {}

    /** A page of search hits. */
    public record HitPage(List<Hit> hits, int page, int size, boolean hasMore) {}

    public Customer360 view(long requestedId, Actor actor, boolean reveal) {
        long id = current(requestedId);
        boolean unmasked = reveal && actor.maySeePersonalData();
        if (reveal && !actor.maySeePersonalData()) {
            throw new RapportException(org.springframework.http.HttpStatus.FORBIDDEN, "pii-not-allowed",
                    "Your role may not see unmasked personal data");
        }
        Record p = db.selectFrom(PROFILE).where(P_ID.eq(id)).fetchOne();
        List<IdentityView> identities = db.select(I_KIND, I_NAMESPACE, I_VALUE, I_CIPHER, I_CREATED_AT).from(IDENTITY)
                .where(I_CUSTOMER.eq(id)).orderBy(I_KIND, I_VALUE)
                .fetch(r -> {
                    IdentityKind kind = IdentityKind.valueOf(r.get(I_KIND));
                    String value = protection.shown(r.get(I_VALUE), r.get(I_CIPHER));
                    return new IdentityView(kind.wire(), r.get(I_NAMESPACE),
                            unmasked ? value : mask(kind, value), r.get(I_CREATED_AT));
                });
        List<MergeView> merges = db.select(M_SURVIVOR, M_MERGED, M_REASON, M_AT).from(MERGE)
                .where(M_SURVIVOR.eq(id)).or(M_MERGED.eq(id)).orderBy(M_ID)
                .fetch(r -> new MergeView(r.get(M_SURVIVOR), r.get(M_MERGED), r.get(M_REASON), r.get(M_AT)));
        if (unmasked) {
            audit.record(actor, "pii.read", "customer", Long.toString(id), "customer 360 with personal data revealed");
        }
        return new Customer360(profile(p, unmasked), identities, summaries.find(id), merges);
    }

    /** What date rules need of a customer (birthday month and day, time zone), without the rest of the profile. */
    public record Calendar(long customerId, Optional<java.time.MonthDay> birthday, Optional<java.time.ZoneId> timeZone) {}

    /** Birthdays (month and day only) and time zones of these customers; unknown ids are left out. Not audited. */
    public Map<Long, Calendar> calendars(java.util.Collection<Long> ids) {
        Map<Long, Calendar> result = new java.util.HashMap<>();
        for (Record r : db.select(P_ID, P_BIRTHDAY, P_BIRTHDAY_CIPHER, P_TIME_ZONE).from(PROFILE).where(P_ID.in(ids))
                .fetch()) {
            Optional<java.time.ZoneId> zone = Optional.ofNullable(r.get(P_TIME_ZONE)).flatMap(z -> {
                try {
                    return Optional.of(java.time.ZoneId.of(z));
                } catch (java.time.DateTimeException unknownZone) {
                    return Optional.empty();
                }
            });
            result.put(r.get(P_ID), new Calendar(r.get(P_ID),
                    profileProtection.birthday(r).map(java.time.MonthDay::from), zone));
        }
        return result;
    }

    /** Active customers (merged profiles are not counted). */
    public long count() {
        return db.fetchCount(PROFILE, P_STATUS.eq("active"));
    }

    /** The id a (possibly merged) customer id leads to; 404 when it never existed. */
    public long current(long requestedId) {
        Record row = db.select(P_STATUS, P_MERGED_INTO).from(PROFILE).where(P_ID.eq(requestedId)).fetchOne();
        if (row == null) {
            throw RapportException.notFound("customer", requestedId);
        }
        return "merged".equals(row.get(P_STATUS)) ? row.get(P_MERGED_INTO) : requestedId;
    }

    private ProfileView profile(Record p, boolean unmasked) {
        String name = profileProtection.name(p).orElse(null);
        LocalDate birthday = profileProtection.birthday(p).orElse(null);
        return new ProfileView(p.get(P_ID.getName(), Long.class), p.get(P_STATUS.getName(), String.class),
                p.get(P_MERGED_INTO.getName(), Long.class),
                unmasked ? name : PersonalDataMask.name(name),
                p.get(P_GENDER.getName(), String.class),
                birthday == null ? null : unmasked ? birthday.toString() : "****-" + birthday.toString().substring(5),
                p.get(P_CITY.getName(), String.class), p.get(P_COUNTRY.getName(), String.class),
                p.get(P_TIME_ZONE.getName(), String.class),
                p.get(P_REGISTERED_AT.getName(), OffsetDateTime.class),
                p.get(P_CREATED_AT.getName(), OffsetDateTime.class), !unmasked);
    }

    static String mask(IdentityKind kind, String value) {
        return switch (kind) {
            case PHONE -> PersonalDataMask.phone(value);
            case EMAIL -> PersonalDataMask.email(value);
            case EXTERNAL -> value;
            default -> PersonalDataMask.identifier(value);
        };
    }

    /**
     * Finds active customers by name, phone, email or member number: exact, or by prefix when the query ends with
     * {@code *} or is a name. Results are masked; search terms are never logged.
     */
    public HitPage search(String query, int page, int size) {
        int safeSize = Math.min(Math.max(size, 1), 200);
        int safePage = Math.max(page, 0);
        String q = query == null ? "" : query.strip();
        boolean prefix = q.endsWith("*");
        if (prefix) {
            q = q.substring(0, q.length() - 1).strip();
        }
        Condition condition;
        if (q.isEmpty()) {
            condition = P_STATUS.eq("active");
        } else {
            Set<Long> viaIdentity = new LinkedHashSet<>(identityMatches(q, prefix));
            Condition byName = prefix || !q.matches("[+\\d\\s-]+") ? profileProtection.nameMatches(q)
                    : DSL.falseCondition();
            condition = P_STATUS.eq("active").and(viaIdentity.isEmpty() ? byName : byName.or(P_ID.in(viaIdentity)));
        }
        List<? extends Record> rows = db.select(P_ID, P_NAME, P_NAME_CIPHER, P_CITY, S_ORDERS, S_SPEND, S_LAST)
                .from(PROFILE)
                .leftJoin(SUMMARY).on(S_CUSTOMER.eq(P_ID))
                .where(condition).orderBy(P_ID).limit(safeSize + 1).offset(safePage * safeSize).fetch();
        boolean hasMore = rows.size() > safeSize;
        List<? extends Record> pageRows = hasMore ? rows.subList(0, safeSize) : rows;
        List<Long> ids = pageRows.stream().map(r -> r.get(P_ID)).toList();
        Map<Long, List<Record>> identities = db.select(I_CUSTOMER, I_KIND, I_VALUE, I_CIPHER).from(IDENTITY)
                .where(I_CUSTOMER.in(ids)).and(I_KIND.in("PHONE", "EMAIL", "MEMBER_NO")).orderBy(I_ID)
                .fetch().stream().collect(Collectors.groupingBy(r -> r.get(I_CUSTOMER)));
        List<Hit> hits = new ArrayList<>();
        for (Record r : pageRows) {
            List<Record> ids4 = identities.getOrDefault(r.get(P_ID), List.of());
            hits.add(new Hit(r.get(P_ID), PersonalDataMask.name(profileProtection.name(r).orElse(null)),
                    first(ids4, IdentityKind.PHONE), first(ids4, IdentityKind.EMAIL),
                    first(ids4, IdentityKind.MEMBER_NO),
                    r.get(P_CITY), Optional.ofNullable(r.get(S_ORDERS)).orElse(0),
                    Optional.ofNullable(r.get(S_SPEND)).orElse(java.math.BigDecimal.ZERO), r.get(S_LAST)));
        }
        return new HitPage(hits, safePage, safeSize, hasMore);
    }

    private String first(List<Record> identities, IdentityKind kind) {
        return identities.stream().filter(r -> kind.name().equals(r.get(I_KIND))).findFirst()
                .map(r -> mask(kind, protection.shown(r.get(I_VALUE), r.get(I_CIPHER)))).orElse(null);
    }

    private List<Long> identityMatches(String q, boolean prefix) {
        List<Condition> conditions = new ArrayList<>();
        if (q.contains("@")) {
            String email = q.toLowerCase(java.util.Locale.ROOT);
            if (!protection.prefixSearchable(IdentityKind.EMAIL)) {
                // encrypted: exact match through the blind index only
                if (!prefix) {
                    conditions.add(I_KIND.eq("EMAIL").and(I_VALUE.in(
                            protection.lookups(new IdentityKey(IdentityKind.EMAIL, "", email)))));
                }
            } else {
                conditions.add(I_KIND.eq("EMAIL").and(valueMatches(email, prefix)));
            }
        } else {
            conditions.add(I_KIND.eq("MEMBER_NO").and(valueMatches(q, prefix)));
            if (prefix && protection.prefixSearchable(IdentityKind.EMAIL)) {
                // The start of an email address typed without the '@' ("chen.j*").
                conditions.add(I_KIND.eq("EMAIL").and(valueMatches(q.toLowerCase(java.util.Locale.ROOT), true)));
            }
            if (q.matches("[+\\d\\s()-]{3,}")) {
                String digits = q.replaceAll("[\\s()-]", "");
                if (prefix && !protection.prefixSearchable(IdentityKind.PHONE)) {
                    // encrypted phone numbers are found by the whole number only
                } else if (prefix) {
                    Condition phone = DSL.falseCondition();
                    for (String candidate : normalizer.phonePrefixes(digits)) {
                        phone = phone.or(valueMatches(candidate, true));
                    }
                    conditions.add(I_KIND.eq("PHONE").and(phone));
                } else {
                    try {
                        conditions.add(I_KIND.eq("PHONE").and(I_VALUE.in(protection.lookups(normalizer.phone(q)))));
                    } catch (IllegalArgumentException notAPhone) {
                        // not a phone number: member number and name still apply
                    }
                }
            }
        }
        if (conditions.isEmpty()) {
            return List.of();
        }
        return db.selectDistinct(I_CUSTOMER).from(IDENTITY).where(DSL.or(conditions)).limit(1000)
                .fetch(I_CUSTOMER);
    }

    /** Exact match, or a prefix range that a B-tree index serves on every database (no LIKE collation issues). */
    private static Condition valueMatches(String value, boolean prefix) {
        return prefix ? I_VALUE.ge(value).and(I_VALUE.lt(value + Character.MAX_VALUE)) : I_VALUE.eq(value);
    }
}
