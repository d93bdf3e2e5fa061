package io.rapport.customer;

import static io.rapport.customer.CustomerTables.*;

import io.rapport.platform.NaturalKeys;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.jooq.Field;
import org.jooq.Record;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Identity resolution: finds the customer behind a set of identifiers, creating, extending or merging profiles.
 *
 * <p>Rules, applied record by record in the order given:
 * <ul>
 *   <li>no identifier at all: no customer (the caller keeps the record as anonymous);</li>
 *   <li>no identifier known: a new profile owning all of them (only when the caller may create customers);</li>
 *   <li>identifiers of one customer: unknown identifiers are attached to that customer;</li>
 *   <li>linking identifiers of several customers: they are merged into the oldest profile (lowest id), the
 *       survivor's profile values win and the others fill gaps, the merge is recorded in {@code customer_merge}
 *       and {@link CustomersMerged} moves every capability's rows in the same transaction.</li>
 * </ul>
 * Works on a whole chunk with a handful of queries, so imports stay O(chunk) round trips.
 */
@Service
public class CustomerDirectory {

    private final DSLContext db;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final CustomerSummaries summaries;
    private final IdentityProtection protection;
    private final ProfileProtection profileProtection;

    CustomerDirectory(DSLContext db, Clock clock, ApplicationEventPublisher events, CustomerSummaries summaries,
                      IdentityProtection protection, ProfileProtection profileProtection) {
        this.protection = protection;
        this.profileProtection = profileProtection;
        this.db = db;
        this.clock = clock;
        this.events = events;
        this.summaries = summaries;
    }

    /** What one incoming record says about who it belongs to. */
    public record Claim(List<IdentityKey> identities, ProfilePatch profile) {
        public Claim {
            identities = List.copyOf(new LinkedHashSet<>(identities));
            profile = profile == null ? ProfilePatch.NONE : profile;
        }
    }

    /** Whether unknown identifiers may create a new profile (orders, customer files) or not (behaviour events). */
    public enum Mode { CREATE, ATTACH_ONLY }

    /** The customer id for each claim, in order; empty for anonymous claims. */
    @Transactional(propagation = Propagation.MANDATORY)
    public List<Optional<Long>> resolve(List<Claim> claims, Mode mode) {
        Map<IdentityKey, Long> owners = owners(claims.stream().flatMap(c -> c.identities().stream())
                .collect(Collectors.toCollection(LinkedHashSet::new)));
        List<Optional<Long>> result = new ArrayList<>(claims.size());
        Map<IdentityKey, Long> newIdentities = new LinkedHashMap<>();
        Map<Long, ProfilePatch> patches = new LinkedHashMap<>();
        Map<Long, Long> redirect = new HashMap<>();
        Set<Long> changed = new TreeSet<>();
        for (Claim claim : claims) {
            if (claim.identities().isEmpty()) {
                result.add(Optional.empty());
                continue;
            }
            TreeSet<Long> linked = new TreeSet<>();
            Long deviceOwner = null;
            for (IdentityKey key : claim.identities()) {
                Long owner = owners.get(key);
                if (owner != null) {
                    owner = follow(redirect, owner);
                    if (key.kind().links()) {
                        linked.add(owner);
                    } else if (deviceOwner == null) {
                        deviceOwner = owner;
                    }
                }
            }
            if (linked.isEmpty() && deviceOwner != null) {
                linked.add(deviceOwner);
            }
            Long customer;
            if (linked.isEmpty()) {
                if (mode == Mode.ATTACH_ONLY) {
                    result.add(Optional.empty());
                    continue;
                }
                customer = create(claim.profile());
            } else {
                customer = linked.first();
                for (Long other : linked.tailSet(customer, false)) {
                    String via = claim.identities().stream()
                            .filter(k -> k.kind().links() && Long.valueOf(other).equals(follow(redirect, owners.get(k))))
                            .map(k -> k.kind().wire()).distinct().collect(Collectors.joining(","));
                    changed.addAll(flush(newIdentities, patches));
                    merge(customer, other, "record linked them through " + via);
                    redirect.put(other, customer);
                }
                if (!claim.profile().isEmpty()) {
                    patches.merge(customer, claim.profile(), CustomerDirectory::later);
                }
            }
            for (IdentityKey key : claim.identities()) {
                if (!owners.containsKey(key)) {
                    owners.put(key, customer);
                    newIdentities.put(key, customer);
                }
            }
            result.add(Optional.of(customer));
        }
        changed.addAll(flush(newIdentities, patches));
        Set<Long> current = changed.stream().map(c -> follow(redirect, c)).collect(Collectors.toCollection(TreeSet::new));
        if (!current.isEmpty()) {
            events.publishEvent(new ProfileChanged(List.copyOf(current)));
        }
        return result.stream().map(id -> id.map(c -> follow(redirect, c))).toList();
    }

    /** The customers owning these identifiers now, without creating or changing anything. */
    public Map<IdentityKey, Long> owners(Set<IdentityKey> keys) {
        Map<IdentityKey, Long> owners = new HashMap<>();
        Map<List<String>, List<String>> byKind = new LinkedHashMap<>();
        Map<List<String>, Map<String, IdentityKey>> stored = new HashMap<>();
        for (IdentityKey key : keys) {
            List<String> group = List.of(key.kind().name(), key.namespace());
            for (String value : protection.lookups(key)) {
                byKind.computeIfAbsent(group, k -> new ArrayList<>()).add(value);
                stored.computeIfAbsent(group, k -> new HashMap<>()).put(value, key);
            }
        }
        for (var entry : byKind.entrySet()) {
            IdentityKind kind = IdentityKind.valueOf(entry.getKey().get(0));
            String namespace = entry.getKey().get(1);
            Map<String, IdentityKey> back = stored.get(entry.getKey());
            List<String> values = entry.getValue();
            for (int from = 0; from < values.size(); from += 1000) {
                List<String> batch = values.subList(from, Math.min(values.size(), from + 1000));
                NaturalKeys.select(db, List.of(I_VALUE, I_CUSTOMER), IDENTITY,
                                I_KIND.eq(kind.name()).and(I_NAMESPACE.eq(namespace)), I_VALUE, batch)
                        .forEach(row -> owners.put(back.get(row.get(I_VALUE)), row.get(I_CUSTOMER)));
            }
        }
        return owners;
    }

    private static Long follow(Map<Long, Long> redirect, Long id) {
        Long current = id;
        while (current != null && redirect.containsKey(current)) {
            current = redirect.get(current);
        }
        return current;
    }

    private static ProfilePatch later(ProfilePatch earlier, ProfilePatch later) {
        return new ProfilePatch(
                later.name() != null ? later.name() : earlier.name(),
                later.gender() != null ? later.gender() : earlier.gender(),
                later.birthday() != null ? later.birthday() : earlier.birthday(),
                later.city() != null ? later.city() : earlier.city(),
                later.country() != null ? later.country() : earlier.country(),
                later.timeZone() != null ? later.timeZone() : earlier.timeZone(),
                later.registeredAt() != null ? later.registeredAt() : earlier.registeredAt());
    }

    private long create(ProfilePatch profile) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        long id = db.insertInto(PROFILE)
                .set(P_STATUS, "active")
                .set(profileProtection.columns(profile.name(), profile.birthday()))
                .set(P_GENDER, profile.gender())
                .set(P_CITY, profile.city())
                .set(P_COUNTRY, profile.country())
                .set(P_TIME_ZONE, profile.timeZone())
                .set(P_REGISTERED_AT, profile.registeredAt() == null ? null
                        : profile.registeredAt().atOffset(ZoneOffset.UTC))
                .set(P_CREATED_AT, now)
                .set(P_UPDATED_AT, now)
                .returningResult(P_ID).fetchOne(P_ID);
        db.insertInto(SUMMARY).set(S_CUSTOMER, id).execute();
        return id;
    }

    /**
     * Writes the new identities and the profile values that differ from the stored ones; returns the customers that
     * changed (a value the source repeats is not a change, so a replayed file changes nothing).
     */
    private Set<Long> flush(Map<IdentityKey, Long> newIdentities, Map<Long, ProfilePatch> patches) {
        Set<Long> changed = new TreeSet<>(newIdentities.values());
        if (!newIdentities.isEmpty()) {
            OffsetDateTime now = OffsetDateTime.now(clock);
            List<Map.Entry<IdentityKey, Long>> rows = new ArrayList<>(newIdentities.entrySet());
            for (int from = 0; from < rows.size(); from += 1000) {
                var step = db.insertInto(IDENTITY, I_CUSTOMER, I_KIND, I_NAMESPACE, I_VALUE, I_CIPHER, I_CREATED_AT);
                for (var entry : rows.subList(from, Math.min(rows.size(), from + 1000))) {
                    IdentityKey key = entry.getKey();
                    step = step.values(entry.getValue(), key.kind().name(), key.namespace(), protection.stored(key),
                            protection.cipherText(key), now);
                }
                step.execute();
            }
            newIdentities.clear();
        }
        if (!patches.isEmpty()) {
            OffsetDateTime now = OffsetDateTime.now(clock);
            Map<Long, Record> stored = new HashMap<>();
            List<Long> ids = new ArrayList<>(patches.keySet());
            for (int from = 0; from < ids.size(); from += 1000) {
                db.select(P_ID, P_NAME, P_NAME_CIPHER, P_GENDER, P_BIRTHDAY, P_BIRTHDAY_CIPHER, P_CITY, P_COUNTRY,
                                P_TIME_ZONE, P_REGISTERED_AT)
                        .from(PROFILE).where(P_ID.in(ids.subList(from, Math.min(ids.size(), from + 1000))))
                        .forEach(r -> stored.put(r.get(P_ID), r));
            }
            for (var entry : patches.entrySet()) {
                ProfilePatch p = entry.getValue();
                Record before = stored.get(entry.getKey());
                Map<Field<?>, Object> set = new LinkedHashMap<>();
                if (p.name() != null && (before == null
                        || !p.name().equals(profileProtection.name(before).orElse(null)))) {
                    set.putAll(profileProtection.nameColumns(p.name()));
                }
                putIfChanged(set, before, P_GENDER, p.gender());
                if (p.birthday() != null && (before == null
                        || !p.birthday().equals(profileProtection.birthday(before).orElse(null)))) {
                    set.putAll(profileProtection.birthdayColumns(p.birthday()));
                }
                putIfChanged(set, before, P_CITY, p.city());
                putIfChanged(set, before, P_COUNTRY, p.country());
                putIfChanged(set, before, P_TIME_ZONE, p.timeZone());
                if (p.registeredAt() != null && (before == null || before.get(P_REGISTERED_AT) == null
                        || !before.get(P_REGISTERED_AT).toInstant().equals(p.registeredAt()))) {
                    set.put(P_REGISTERED_AT, p.registeredAt().atOffset(ZoneOffset.UTC));
                }
                if (!set.isEmpty()) {
                    set.put(P_UPDATED_AT, now);
                    db.update(PROFILE).set(set).where(P_ID.eq(entry.getKey())).execute();
                    changed.add(entry.getKey());
                }
            }
            patches.clear();
        }
        return changed;
    }

    private static <T> void putIfChanged(Map<Field<?>, Object> set, Record before, Field<T> field, T value) {
        if (value != null && (before == null || !value.equals(before.get(field)))) {
            set.put(field, value);
        }
    }

    /**
     * Merges {@code mergedId} into {@code survivorId}: identities, profile gaps, summaries, and (through
     * {@link CustomersMerged}) every other capability's rows. Recorded in {@code customer_merge}.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void merge(long survivorId, long mergedId, String reason) {
        if (survivorId == mergedId) {
            return;
        }
        Record survivor = db.selectFrom(PROFILE).where(P_ID.eq(survivorId)).forUpdate().fetchOne();
        Record merged = db.selectFrom(PROFILE).where(P_ID.eq(mergedId)).forUpdate().fetchOne();
        if (survivor == null || merged == null || !"active".equals(merged.get(P_STATUS))) {
            return;
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        Map<Field<?>, Object> fill = new LinkedHashMap<>();
        for (Field<?> field : List.of(P_GENDER, P_CITY, P_COUNTRY, P_TIME_ZONE, P_REGISTERED_AT)) {
            Object mine = survivor.get(field.getName());
            Object theirs = merged.get(field.getName());
            if (mine == null && theirs != null) {
                fill.put(field, theirs);
            }
        }
        // name and birthday move with all their columns (plain or encrypted, blind index, generalised parts)
        if (profileProtection.name(survivor).isEmpty() && profileProtection.name(merged).isPresent()) {
            fill.putAll(profileProtection.nameColumns(profileProtection.name(merged).get()));
        }
        if (profileProtection.birthday(survivor).isEmpty() && profileProtection.birthday(merged).isPresent()) {
            fill.putAll(profileProtection.birthdayColumns(profileProtection.birthday(merged).get()));
        }
        fill.put(P_UPDATED_AT, now);
        db.update(PROFILE).set(fill).where(P_ID.eq(survivorId)).execute();
        db.update(PROFILE).set(P_STATUS, "merged").set(P_MERGED_INTO, survivorId).set(P_UPDATED_AT, now)
                .where(P_ID.eq(mergedId)).execute();
        db.update(PROFILE).set(P_MERGED_INTO, survivorId).where(P_MERGED_INTO.eq(mergedId)).execute();
        db.update(IDENTITY).set(I_CUSTOMER, survivorId).where(I_CUSTOMER.eq(mergedId)).execute();
        summaries.mergeInto(survivorId, mergedId);
        db.insertInto(MERGE).set(M_SURVIVOR, survivorId).set(M_MERGED, mergedId)
                .set(M_REASON, reason.length() > 300 ? reason.substring(0, 300) : reason).set(M_AT, now).execute();
        events.publishEvent(new CustomersMerged(survivorId, mergedId));
    }

    /** Where a customer id leads now: itself, or the profile it was merged into. */
    public Optional<Long> current(long customerId) {
        Record row = db.select(P_STATUS, P_MERGED_INTO).from(PROFILE).where(P_ID.eq(customerId)).fetchOne();
        if (row == null) {
            return Optional.empty();
        }
        return Optional.of("merged".equals(row.get(P_STATUS)) ? row.get(P_MERGED_INTO) : customerId);
    }
}
