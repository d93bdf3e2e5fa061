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

    /** Active customers born on this day of the year (birthday journeys); 29 February counts on 28 February. */
    public List<Long> bornOn(java.time.MonthDay day) {
        List<java.time.MonthDay> days = day.equals(java.time.MonthDay.of(2, 28)) && !java.time.Year.now().isLeap()
                ? List.of(day, java.time.MonthDay.of(2, 29)) : List.of(day);
        return db.select(P_ID).from(PROFILE).where(P_STATUS.eq("active")).and(profileProtection.bornOn(days))
                .orderBy(P_ID).fetch(P_ID);
    }

    /** Contacts of many customers with two queries, keyed by the id asked for. */
    public Map<Long, Contact> findAll(Collection<Long> customerIds) {
        Map<Long, Contact> result = new HashMap<>();
        if (customerIds.isEmpty()) {
            return result;
        }
        Map<Long, Long> current = new HashMap<>();
        for (Record r : db.select(P_ID, P_STATUS, P_MERGED_INTO).from(PROFILE).where(P_ID.in(customerIds)).fetch()) {
            current.put(r.get(P_ID), "merged".equals(r.get(P_STATUS)) ? r.get(P_MERGED_INTO) : r.get(P_ID));
        }
        Map<Long, Record> profiles = new HashMap<>();
        for (Record r : db.select(P_ID, P_NAME, P_NAME_CIPHER, P_BIRTHDAY, P_BIRTHDAY_CIPHER, P_CITY, P_COUNTRY,
                        P_TIME_ZONE).from(PROFILE)
                .where(P_ID.in(current.values())).fetch()) {
            profiles.put(r.get(P_ID), r);
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
