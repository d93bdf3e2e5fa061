package io.rapport.customer;

import io.rapport.privacy.ConsentLedger;
import io.rapport.privacy.DataSubjects;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The customer capability's side of privacy's ports: which customers exist (following merges), finding one by an
 * identifier, and carrying consent over when profiles merge (in the merging transaction).
 */
@Component
class CustomerDataSubjects implements DataSubjects {

    private final CustomerDirectory directory;
    private final IdentityNormalizer normalizer;
    private final ConsentLedger consents;
    private final org.jooq.DSLContext db;
    private final org.springframework.context.ApplicationEventPublisher events;
    private final ProfileProtection profileProtection;

    CustomerDataSubjects(CustomerDirectory directory, IdentityNormalizer normalizer, ConsentLedger consents,
                         org.jooq.DSLContext db, org.springframework.context.ApplicationEventPublisher events,
                         ProfileProtection profileProtection) {
        this.events = events;
        this.profileProtection = profileProtection;
        this.directory = directory;
        this.normalizer = normalizer;
        this.consents = consents;
        this.db = db;
    }

    @Override
    public Optional<Long> current(long customerId) {
        return directory.current(customerId);
    }

    @Override
    public Optional<Long> findByIdentity(String kind, String value) {
        IdentityKind identityKind = IdentityKind.valueOf(kind.toUpperCase(Locale.ROOT));
        if (!Set.of(IdentityKind.PHONE, IdentityKind.EMAIL, IdentityKind.MEMBER_NO).contains(identityKind)) {
            throw new IllegalArgumentException("Customers are found by phone, email or member_no, not " + kind);
        }
        IdentityKey key = normalizer.of(identityKind, "", value);
        Map<IdentityKey, Long> owners = directory.owners(Set.of(key));
        return Optional.ofNullable(owners.get(key)).flatMap(directory::current);
    }

    @Override
    @org.springframework.transaction.annotation.Transactional
    public java.util.List<String> rectify(long customerId, Map<String, String> fields) {
        Map<org.jooq.Field<?>, Object> set = new java.util.LinkedHashMap<>();
        Map<String, Object> asked = new java.util.LinkedHashMap<>();
        java.util.List<String> changed = new java.util.ArrayList<>();
        for (var entry : fields.entrySet()) {
            String value = entry.getValue() == null || entry.getValue().isBlank() ? null : entry.getValue().strip();
            org.jooq.Field<?> field = switch (entry.getKey()) {
                case "name" -> CustomerTables.P_NAME;
                case "gender" -> CustomerTables.P_GENDER;
                case "city" -> CustomerTables.P_CITY;
                case "country" -> CustomerTables.P_COUNTRY;
                case "timeZone" -> CustomerTables.P_TIME_ZONE;
                case "birthday" -> CustomerTables.P_BIRTHDAY;
                default -> throw new IllegalArgumentException("Field '" + entry.getKey() + "' cannot be rectified here;"
                        + " correctable: name, gender, birthday, city, country, timeZone");
            };
            Object typed = value;
            try {
                if ("birthday".equals(entry.getKey()) && value != null) {
                    typed = java.time.LocalDate.parse(value);
                }
                if ("timeZone".equals(entry.getKey()) && value != null) {
                    java.time.ZoneId.of(value);
                }
            } catch (java.time.DateTimeException e) {
                throw new IllegalArgumentException("Field '" + entry.getKey() + "' has an invalid value");
            }
            if (value != null && value.length() > 200) {
                throw new IllegalArgumentException("Field '" + entry.getKey() + "' is longer than 200 characters");
            }
            asked.put(entry.getKey(), typed);
            // name and birthday are written with all their columns (plain or encrypted, index, generalised parts)
            switch (entry.getKey()) {
                case "name" -> set.putAll(profileProtection.nameColumns((String) typed));
                case "birthday" -> set.putAll(profileProtection.birthdayColumns((java.time.LocalDate) typed));
                default -> set.put(field, typed);
            }
            changed.add(entry.getKey());
        }
        org.jooq.Record before = set.isEmpty() ? null : db.selectFrom(CustomerTables.PROFILE)
                .where(CustomerTables.P_ID.eq(customerId)).fetchOne();
        boolean differs = before != null && asked.entrySet().stream().anyMatch(e -> !java.util.Objects.equals(
                switch (e.getKey()) {
                    case "name" -> profileProtection.name(before).orElse(null);
                    case "birthday" -> profileProtection.birthday(before).orElse(null);
                    case "gender" -> before.get(CustomerTables.P_GENDER);
                    case "city" -> before.get(CustomerTables.P_CITY);
                    case "country" -> before.get(CustomerTables.P_COUNTRY);
                    default -> before.get(CustomerTables.P_TIME_ZONE);
                }, e.getValue()));
        set.put(CustomerTables.P_UPDATED_AT, java.time.OffsetDateTime.now());
        db.update(CustomerTables.PROFILE).set(set).where(CustomerTables.P_ID.eq(customerId)).execute();
        if (differs) {
            events.publishEvent(new ProfileChanged(java.util.List.of(customerId)));
        }
        return changed;
    }

    @Override
    public java.util.List<Long> inactiveSince(java.time.Instant cutoff, int limit) {
        var at = cutoff.atOffset(java.time.ZoneOffset.UTC);
        return db.select(CustomerTables.P_ID).from(CustomerTables.PROFILE)
                .leftJoin(CustomerTables.SUMMARY).on(CustomerTables.S_CUSTOMER.eq(CustomerTables.P_ID))
                .where(CustomerTables.P_STATUS.eq("active"))
                .and(CustomerTables.S_LAST.isNull().or(CustomerTables.S_LAST.lt(at)))
                .and(CustomerTables.S_LAST_INTERACTION.isNull().or(CustomerTables.S_LAST_INTERACTION.lt(at)))
                .and(org.jooq.impl.DSL.coalesce(CustomerTables.P_REGISTERED_AT, CustomerTables.P_CREATED_AT).lt(at))
                .orderBy(CustomerTables.P_ID).limit(limit).fetch(CustomerTables.P_ID);
    }

    @EventListener
    void merged(CustomersMerged event) {
        consents.carryOver(event.survivorId(), event.mergedId());
    }
}
