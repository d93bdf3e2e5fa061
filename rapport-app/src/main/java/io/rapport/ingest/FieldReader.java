package io.rapport.ingest;

import io.rapport.customer.IdentityKey;
import io.rapport.customer.IdentityKind;
import io.rapport.customer.IdentityNormalizer;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Currency;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads typed values from one row's named fields; every failure is a {@link RowProblem} naming the field and value.
 * Shared by file imports and the event API so both accept and reject exactly the same things.
 */
final class FieldReader {

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd[ ]['T']HH:mm[:ss][.SSS]");
    /** Amounts are stored as NUMERIC(19, 4): anything this large is a broken export, not money. */
    static final BigDecimal MAX_AMOUNT = BigDecimal.TEN.pow(15);
    /**
     * Nothing a customer did or was born on lies before this; earlier values are placeholders ("0001-01-01") or
     * typos, and PostgreSQL cannot store dates before 4713 BC at all.
     */
    static final LocalDate EARLIEST = LocalDate.of(1900, 1, 1);

    private final Function<String, String> values;
    private final Clock clock;
    private final Duration futureTolerance;
    private final IdentityNormalizer normalizer;

    FieldReader(Function<String, String> values, Clock clock, Duration futureTolerance, IdentityNormalizer normalizer) {
        this.values = values;
        this.clock = clock;
        this.futureTolerance = futureTolerance;
        this.normalizer = normalizer;
    }

    static FieldReader of(Map<String, String> row, Clock clock, Duration futureTolerance, IdentityNormalizer normalizer) {
        return new FieldReader(row::get, clock, futureTolerance, normalizer);
    }

    /** The trimmed value, or null when the field is absent or blank. */
    String optional(String field) {
        String value = values.apply(field);
        if (value == null) {
            return null;
        }
        value = value.strip();
        if (value.indexOf('\u0000') >= 0) {
            // PostgreSQL cannot store NUL in text; a NUL in a field means binary data slipped into the file.
            throw new RowProblem(field, value.replace('\u0000', '\uFFFD'),
                    "'" + field + "' contains a NUL character (binary data?)");
        }
        return value.isEmpty() ? null : value;
    }

    String required(String field) {
        String value = optional(field);
        if (value == null) {
            throw new RowProblem(field, "", "required field '" + field + "' is empty");
        }
        return value;
    }

    String code(String field, int maxLength) {
        String value = required(field);
        if (value.length() > maxLength) {
            throw new RowProblem(field, value, "'" + field + "' is longer than " + maxLength + " characters");
        }
        return value;
    }

    String optionalText(String field, int maxLength) {
        String value = optional(field);
        if (value != null && value.length() > maxLength) {
            throw new RowProblem(field, value, "'" + field + "' is longer than " + maxLength + " characters");
        }
        return value;
    }

    BigDecimal decimal(String field) {
        String value = required(field);
        BigDecimal number;
        try {
            number = new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw new RowProblem(field, value, "'" + field + "' is not a number");
        }
        if (number.abs().compareTo(MAX_AMOUNT) >= 0) {
            throw new RowProblem(field, value, "'" + field + "' is too large (at most 15 digits before the point)");
        }
        return number;
    }

    BigDecimal optionalDecimal(String field, BigDecimal fallback) {
        return optional(field) == null ? fallback : decimal(field);
    }

    int integer(String field) {
        String value = required(field);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            // Exports often write integers as floats ("3.0"); accept them when they are whole.
            try {
                return new BigDecimal(value).intValueExact();
            } catch (NumberFormatException | ArithmeticException notWhole) {
                throw new RowProblem(field, value, "'" + field + "' is not a whole number");
            }
        }
    }

    Integer optionalInteger(String field) {
        return optional(field) == null ? null : integer(field);
    }

    Currency currency(String field) {
        String value = required(field);
        try {
            return Currency.getInstance(value.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RowProblem(field, value, "'" + value + "' is not an ISO 4217 currency code");
        }
    }

    /** An instant: ISO-8601 with offset or zone, or a local date-time read in {@code zone}. Never in the future. */
    Instant instant(String field, ZoneId zone) {
        String value = required(field);
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                instant = Instant.parse(value);
            } catch (DateTimeParseException notInstant) {
                try {
                    instant = LocalDateTime.parse(value, LOCAL).atZone(zone).toInstant();
                } catch (DateTimeParseException notLocal) {
                    throw new RowProblem(field, value,
                            "'" + field + "' is not a date-time (expected ISO-8601 such as 2025-03-01T10:15:00Z)");
                }
            }
        }
        if (instant.isAfter(clock.instant().plus(futureTolerance))) {
            throw new RowProblem(field, value, "'" + field + "' lies in the future");
        }
        if (instant.isBefore(EARLIEST.atStartOfDay(ZoneOffset.UTC).toInstant())) {
            throw new RowProblem(field, value, "'" + field + "' lies before " + EARLIEST + " (a placeholder date?)");
        }
        return instant;
    }

    Instant optionalInstant(String field, ZoneId zone) {
        return optional(field) == null ? null : instant(field, zone);
    }

    LocalDate optionalDate(String field) {
        String value = optional(field);
        if (value == null) {
            return null;
        }
        LocalDate date;
        try {
            date = LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new RowProblem(field, value, "'" + field + "' is not a date (expected yyyy-MM-dd)");
        }
        if (date.isBefore(EARLIEST)) {
            throw new RowProblem(field, value, "'" + field + "' lies before " + EARLIEST + " (a placeholder date?)");
        }
        return date;
    }

    String zoneId(String field) {
        String value = optional(field);
        if (value == null) {
            return null;
        }
        try {
            return ZoneId.of(value).getId();
        } catch (java.time.DateTimeException e) {
            throw new RowProblem(field, value, "'" + value + "' is not a time zone (e.g. Asia/Shanghai)");
        }
    }

    String oneOf(String field, List<String> allowed, String fallback) {
        String value = optional(field);
        if (value == null) {
            return fallback;
        }
        String lower = value.toLowerCase(java.util.Locale.ROOT);
        if (!allowed.contains(lower)) {
            throw new RowProblem(field, value, "'" + field + "' must be one of " + allowed);
        }
        return lower;
    }

    /** Adds the identifier in {@code field} (if any) to {@code out}, normalised; an invalid one rejects the row. */
    void identity(String field, IdentityKind kind, String source, List<IdentityKey> out) {
        String value = optional(field);
        if (value == null) {
            return;
        }
        try {
            out.add(kind == IdentityKind.EXTERNAL ? normalizer.external(source, value)
                    : normalizer.of(kind, source, value));
        } catch (IdentityNormalizer.InvalidIdentityException e) {
            throw new RowProblem(field, value, e.getMessage());
        }
    }
}
