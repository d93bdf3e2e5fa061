package io.rapport.customer;

import static io.rapport.customer.CustomerTables.*;

import io.rapport.privacy.PersonalDataCipher;
import io.rapport.privacy.ProtectedValues;
import java.time.LocalDate;
import java.time.MonthDay;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * How the profile's name and birthday are stored: AES-GCM encrypted (privacy's {@link PersonalDataCipher}) when
 * encryption is configured, as they are otherwise. Beside them, always: the birth year alone and the birth month-day
 * ({@code MM-DD}, or its blind index when encrypted), so birthday journeys, birthday and age segment conditions keep
 * working without the full date in plain text (docs/privacy.md, "Encryption at rest", explains the choice). A name is
 * found by exact match through its blind index once encrypted (prefix search of names needs plain names).
 *
 * <p>Values written before encryption was turned on are read as they are and found by both forms until
 * {@link #protectBatch} (run by privacy's key rotation) encrypts them; it also moves old-key values to the current key.
 */
@Component
class ProfileProtection implements ProtectedValues, CustomerSegmentSource.Birthdays {

    private static final String NAME_INDEX = "PROFILE_NAME";
    private static final String MONTH_DAY_INDEX = "PROFILE_BIRTH_MONTH_DAY";

    private final PersonalDataCipher cipher;
    private final DSLContext db;
    private final TransactionTemplate transaction;

    ProfileProtection(PersonalDataCipher cipher, DSLContext db, TransactionTemplate transaction) {
        this.cipher = cipher;
        this.db = db;
        this.transaction = transaction;
    }

    /** Every column a name is stored in, with its values (null clears the name). */
    Map<Field<?>, Object> nameColumns(String name) {
        Map<Field<?>, Object> set = new LinkedHashMap<>();
        boolean encrypted = cipher.enabled() && name != null;
        set.put(P_NAME, encrypted ? null : name);
        set.put(P_NAME_CIPHER, encrypted ? cipher.encrypt(name) : null);
        set.put(P_NAME_INDEX, encrypted ? cipher.blindIndex(NAME_INDEX, normalisedName(name)) : null);
        return set;
    }

    /** Every column a birthday is stored in, with its values (null clears the birthday). */
    Map<Field<?>, Object> birthdayColumns(LocalDate birthday) {
        Map<Field<?>, Object> set = new LinkedHashMap<>();
        boolean encrypted = cipher.enabled() && birthday != null;
        set.put(P_BIRTHDAY, encrypted ? null : birthday);
        set.put(P_BIRTHDAY_CIPHER, encrypted ? cipher.encrypt(birthday.toString()) : null);
        set.put(P_BIRTH_YEAR, birthday == null ? null : birthday.getYear());
        set.put(P_BIRTH_MONTH_DAY, birthday == null ? null : monthDayKey(MonthDay.from(birthday)));
        return set;
    }

    /** Name and birthday columns together, for a new profile or a full rewrite. */
    Map<Field<?>, Object> columns(String name, LocalDate birthday) {
        Map<Field<?>, Object> set = nameColumns(name);
        set.putAll(birthdayColumns(birthday));
        return set;
    }

    /** The plain name of a profile row (selected with {@link #NAME_FIELDS}). */
    Optional<String> name(Record r) {
        String plain = r.get(P_NAME.getName(), String.class);
        return plain != null ? Optional.of(plain)
                : Optional.ofNullable(r.get(P_NAME_CIPHER.getName(), String.class)).map(cipher::decrypt);
    }

    /** The plain birthday of a profile row (selected with {@link #BIRTHDAY_FIELDS}). */
    Optional<LocalDate> birthday(Record r) {
        LocalDate plain = r.get(P_BIRTHDAY.getName(), LocalDate.class);
        return plain != null ? Optional.of(plain)
                : Optional.ofNullable(r.get(P_BIRTHDAY_CIPHER.getName(), String.class))
                        .map(c -> LocalDate.parse(cipher.decrypt(c)));
    }

    /** The columns {@link #name(Record)} reads. */
    static final java.util.List<Field<?>> NAME_FIELDS = java.util.List.of(P_NAME, P_NAME_CIPHER);
    /** The columns {@link #birthday(Record)} reads. */
    static final java.util.List<Field<?>> BIRTHDAY_FIELDS = java.util.List.of(P_BIRTHDAY, P_BIRTHDAY_CIPHER);

    /**
     * Profiles whose name matches a search: by prefix on plain names; by exact (case- and space-insensitive) match
     * through the blind index on encrypted ones.
     */
    Condition nameMatches(String query) {
        Condition plain = P_NAME.startsWith(query);
        return cipher.enabled() ? plain.or(P_NAME_INDEX.eq(cipher.blindIndex(NAME_INDEX, normalisedName(query))))
                : plain;
    }

    boolean namesPrefixSearchable() {
        return !cipher.enabled();
    }

    @Override
    public Condition known() {
        return P_BIRTH_YEAR.isNotNull();
    }

    @Override
    public Condition bornOn(Collection<MonthDay> days) {
        Set<String> values = birthMonthDayValues(days).keySet();
        return values.isEmpty() ? DSL.falseCondition() : P_BIRTH_MONTH_DAY.in(values);
    }

    /**
     * The stored {@code birth_month_day} values that mean each of these days: the plain {@code MM-DD}, and with
     * encryption on also its blind index (rows written before encryption was on, or not yet rotated, hold the first).
     */
    Map<String, MonthDay> birthMonthDayValues(Collection<MonthDay> days) {
        Map<String, MonthDay> values = new LinkedHashMap<>();
        for (MonthDay day : days) {
            values.put(plainMonthDay(day), day);
            if (cipher.enabled()) {
                values.put(monthDayKey(day), day);
            }
        }
        return values;
    }

    /**
     * Age of at least {@code years} on {@code today}: exact from the date when it is plain; when encrypted, from the
     * birth year alone (the age reached in today's calendar year), as the full date is not readable by SQL.
     */
    @Override
    public Condition ageAtLeast(long years, LocalDate today) {
        return cipher.enabled() ? P_BIRTH_YEAR.le((int) Math.max(Math.min(today.getYear() - years, 9999), -9999))
                : P_BIRTHDAY.le(today.minusYears(Math.max(years, 0)));
    }

    private String monthDayKey(MonthDay day) {
        return cipher.enabled() ? cipher.blindIndex(MONTH_DAY_INDEX, plainMonthDay(day)) : plainMonthDay(day);
    }

    private static String plainMonthDay(MonthDay day) {
        return String.format(Locale.ROOT, "%02d-%02d", day.getMonthValue(), day.getDayOfMonth());
    }

    static String normalisedName(String name) {
        return name.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    @Override
    public String name() {
        return "customer names and birthdays";
    }

    @Override
    public int protectBatch(int limit) {
        if (!cipher.enabled()) {
            return 0;
        }
        String current = cipher.currentKeyPattern();
        Integer done = transaction.execute(status -> {
            var rows = db.select(P_ID, P_NAME, P_NAME_CIPHER, P_BIRTHDAY, P_BIRTHDAY_CIPHER).from(PROFILE)
                    .where(P_NAME.isNotNull().or(P_BIRTHDAY.isNotNull())
                            .or(P_NAME_CIPHER.isNotNull().and(P_NAME_CIPHER.notLike(current)))
                            .or(P_BIRTHDAY_CIPHER.isNotNull().and(P_BIRTHDAY_CIPHER.notLike(current))))
                    .orderBy(P_ID).limit(limit).forUpdate().fetch();
            for (Record r : rows) {
                db.update(PROFILE).set(columns(name(r).orElse(null), birthday(r).orElse(null)))
                        .where(P_ID.eq(r.get(P_ID))).execute();
            }
            return rows.size();
        });
        return done == null ? 0 : done;
    }
}
