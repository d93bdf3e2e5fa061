package io.rapport.cli;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * Turns the text of a date column into the shop's calendar day (epoch day). A value with an
 * offset or a Z is an instant and is moved into the shop's zone; a local date-time or a date is
 * already a shop-local value. The last value is remembered, because logs repeat a timestamp on
 * every line of an order.
 */
final class TransactionDates {

    static final String ISO = "ISO";

    private final DateTimeFormatter formatter;
    private final ZoneId zone;
    private final String description;
    private String lastText;
    private long lastDay;

    private TransactionDates(DateTimeFormatter formatter, ZoneId zone, String description) {
        this.formatter = formatter;
        this.zone = zone;
        this.description = description;
    }

    /** @throws IllegalArgumentException when the pattern is not a valid java.time pattern */
    static TransactionDates of(String format, ZoneId zone) {
        if (format.equalsIgnoreCase(ISO)) {
            var iso = new java.time.format.DateTimeFormatterBuilder()
                    .parseCaseInsensitive()
                    .append(DateTimeFormatter.ISO_LOCAL_DATE)
                    .optionalStart().appendLiteral('T').append(DateTimeFormatter.ISO_LOCAL_TIME)
                    .optionalStart().appendOffsetId().optionalEnd()
                    .optionalEnd()
                    .toFormatter(Locale.ROOT);
            return new TransactionDates(iso, zone, "an ISO-8601 date or date-time (e.g. 2026-03-01 or 2026-03-01T10:15:00Z)");
        }
        try {
            return new TransactionDates(DateTimeFormatter.ofPattern(format, Locale.ROOT), zone, "a date in format " + format);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + format + "' is not a date pattern: " + e.getMessage(), e);
        }
    }

    /** What a valid value looks like, for error messages. */
    String description() {
        return description;
    }

    /** @throws DateTimeParseException when the text is not a date in this format */
    long epochDay(String text) {
        if (text.equals(lastText)) {
            return lastDay;
        }
        TemporalAccessor parsed = formatter.parse(text.strip());
        long day;
        if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
            day = OffsetDateTime.from(parsed).atZoneSameInstant(zone).toLocalDate().toEpochDay();
        } else if (parsed.isSupported(ChronoField.HOUR_OF_DAY)) {
            day = LocalDateTime.from(parsed).toLocalDate().toEpochDay();
        } else {
            day = LocalDate.from(parsed).toEpochDay();
        }
        lastText = text;
        lastDay = day;
        return day;
    }
}
