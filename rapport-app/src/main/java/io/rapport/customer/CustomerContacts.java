package io.rapport.customer;

import static io.rapport.customer.CustomerTables.*;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.stereotype.Service;

/**
 * What the modules that contact customers (channels, journeys) need: the unmasked address for each way of reaching
 * a customer, their language, time zone and birthday. Callers must not show these values to people; previews mask
 * them.
 */
@Service
public class CustomerContacts {

    /** Countries whose customers get Chinese messages unless the template lacks them. */
    private static final Set<String> CHINESE = Set.of("cn", "china", "中国", "tw", "taiwan", "hk", "hong kong",
            "mo", "macau", "sg", "singapore");

    private static final Set<String> CHINESE_ZONES = Set.of("Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin",
            "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "PRC");

    private final DSLContext db;

    private final ProfileProtection profileProtection;
    private final IdentityProtection identityProtection;

    CustomerContacts(DSLContext db, ProfileProtection profileProtection, IdentityProtection identityProtection) {
        this.profileProtection = profileProtection;
        this.identityProtection = identityProtection;
        this.db = db;
    }

    /**
     * A customer as a message sees them. {@code language} is {@code zh-CN} or {@code en} as the profile's country
     * (or else its time zone) suggests, empty when unknown (the template's default applies); the profile keeps no
     * language of its own yet.
     */
    public record Contact(long customerId, Optional<String> name, Optional<String> email, Optional<String> phone,
                          Optional<String> appDevice, Optional<String> messagingId, Optional<String> language,
                          Optional<ZoneId> timeZone, Optional<LocalDate> birthday, Optional<String> city) {}

    /** The contact of an active customer (a merged id leads to its survivor); empty when it never existed. */
    public Optional<Contact> find(long customerId) {
        return Optional.ofNullable(findAll(List.of(customerId)).get(customerId));
    }

    /**
     * An active customer's day of birth in the year and time zone (date triggers: whose day it is depends on their
     * zone). Only the month and day: with encryption on, the full date is not readable without decrypting.
     */
    public record Birthday(long customerId, java.time.MonthDay bornOn, Optional<ZoneId> timeZone) {}

    /** Active customers born on any of these days of the year, with their time zones; one query. */
    public List<Birthday> bornOn(Collection<java.time.MonthDay> days) {
        Map<String, java.time.MonthDay> stored = profileProtection.birthMonthDayValues(days);
        if (stored.isEmpty()) {
            return List.of();
        }
        return db.select(P_ID, P_BIRTH_MONTH_DAY, P_TIME_ZONE).from(PROFILE).where(P_STATUS.eq("active"))
                .and(P_BIRTH_MONTH_DAY.in(stored.keySet())).orderBy(P_ID)
                .fetch(r -> new Birthday(r.get(P_ID), stored.get(r.get(P_BIRTH_MONTH_DAY)), zone(r.get(P_TIME_ZONE))));
    }

    /** The time zone of each of these customers that has one (one query per thousand customers). */
    public Map<Long, ZoneId> timeZones(Collection<Long> customerIds) {
        Map<Long, ZoneId> result = new HashMap<>();
        List<Long> ids = List.copyOf(Set.copyOf(customerIds));
        for (int from = 0; from < ids.size(); from += 1000) {
            db.select(P_ID, P_TIME_ZONE).from(PROFILE).where(P_ID.in(ids.subList(from, Math.min(ids.size(),
                    from + 1000)))).and(P_TIME_ZONE.isNotNull())
                    .forEach(r -> zone(r.get(P_TIME_ZONE)).ifPresent(z -> result.put(r.get(P_ID), z)));
        }
        return result;
    }

    /**
     * Contacts of many customers, keyed by the id asked for: the profiles and the identifiers with one query each,
     * and one more for the survivors of merged customers when some were merged.
     */
    public Map<Long, Contact> findAll(Collection<Long> customerIds) {
        Map<Long, Contact> result = new HashMap<>();
        if (customerIds.isEmpty()) {
            return result;
        }
        Map<Long, Long> current = new HashMap<>();
        Map<Long, Record> profiles = new HashMap<>();
        for (Record r : db.select(P_ID, P_STATUS, P_MERGED_INTO, P_NAME, P_NAME_CIPHER, P_BIRTHDAY, P_BIRTHDAY_CIPHER,
                P_CITY, P_COUNTRY, P_TIME_ZONE).from(PROFILE).where(P_ID.in(customerIds)).fetch()) {
            boolean merged = "merged".equals(r.get(P_STATUS));
            current.put(r.get(P_ID), merged ? r.get(P_MERGED_INTO) : r.get(P_ID));
            if (!merged) {
                profiles.put(r.get(P_ID), r);
            }
        }
        Set<Long> survivors = new java.util.HashSet<>(current.values());
        survivors.removeAll(profiles.keySet());
        survivors.remove(null);
        if (!survivors.isEmpty()) {
            for (Record r : db.select(P_ID, P_NAME, P_NAME_CIPHER, P_BIRTHDAY, P_BIRTHDAY_CIPHER, P_CITY, P_COUNTRY,
                            P_TIME_ZONE).from(PROFILE)
                    .where(P_ID.in(survivors)).fetch()) {
                profiles.put(r.get(P_ID), r);
            }
        }
        Map<Long, Map<String, String>> identities = new HashMap<>();
        for (Record r : db.select(I_CUSTOMER, I_KIND, I_VALUE, I_CIPHER).from(IDENTITY)
                .where(I_CUSTOMER.in(current.values())).orderBy(I_ID.desc()).fetch()) {
            // the newest identifier of each kind is the one to use
            identities.computeIfAbsent(r.get(I_CUSTOMER), k -> new HashMap<>())
                    .put(r.get(I_KIND), identityProtection.shown(r.get(I_VALUE), r.get(I_CIPHER)));
        }
        for (var entry : current.entrySet()) {
            Record p = profiles.get(entry.getValue());
            if (p == null) {
                continue;
            }
            Map<String, String> ids = identities.getOrDefault(entry.getValue(), Map.of());
            result.put(entry.getKey(), new Contact(entry.getValue(), profileProtection.name(p),
                    Optional.ofNullable(ids.get(IdentityKind.EMAIL.name())),
                    Optional.ofNullable(ids.get(IdentityKind.PHONE.name())),
                    Optional.ofNullable(ids.get(IdentityKind.DEVICE_ID.name())),
                    Optional.ofNullable(ids.get(IdentityKind.WECHAT_UNIONID.name())),
                    language(p.get(P_COUNTRY), p.get(P_TIME_ZONE)), zone(p.get(P_TIME_ZONE)),
                    profileProtection.birthday(p), Optional.ofNullable(p.get(P_CITY))));
        }
        return result;
    }

    /** From the country when known, else from the time zone; empty when neither says anything. */
    private static Optional<String> language(String country, String timeZone) {
        if (country != null && !country.isBlank()) {
            return Optional.of(CHINESE.contains(country.strip().toLowerCase(Locale.ROOT)) ? "zh-CN" : "en");
        }
        if (timeZone != null && !timeZone.isBlank()) {
            return Optional.of(CHINESE_ZONES.contains(timeZone.strip()) ? "zh-CN" : "en");
        }
        return Optional.empty();
    }

    private static Optional<ZoneId> zone(String zone) {
        try {
            return zone == null || zone.isBlank() ? Optional.empty() : Optional.of(ZoneId.of(zone));
        } catch (java.time.DateTimeException e) {
            return Optional.empty();
        }
    }
}
