package io.rapport.segment;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A validated condition tree: groups (all / any), negation and leaves naming a catalogue field. */
sealed interface SegmentCondition {

    /** Where in the submitted JSON this node was, e.g. {@code $.all[2].any[0]}. */
    String path();

    /** {@code all} (every item holds; an empty list holds for everyone) or {@code any} (at least one item holds). */
    record Group(String path, boolean all, List<SegmentCondition> items) implements SegmentCondition {}

    record Not(String path, SegmentCondition item) implements SegmentCondition {}

    /**
     * One test of one field. {@code values} holds the parsed operand(s): {@link java.math.BigDecimal} for numbers,
     * {@link LocalDate} for dates, {@link String} for text, {@link Long} for segment ids; empty for operators without
     * one. {@code parameters} holds the field's extra parameters (event, sku, category, purpose, channel, tag_value).
     */
    record Leaf(String path, SegmentField field, String operator, List<Object> values, Map<String, String> parameters,
                Optional<Window> window) implements SegmentCondition {

        Optional<String> parameter(String name) {
            return Optional.ofNullable(parameters.get(name));
        }
    }

    /** A behaviour window in days of the brand's calendar. */
    sealed interface Window {

        /** The first and last day (inclusive) the window covers on {@code today}. */
        Days days(LocalDate today);

        /** Whether the days move with today (all windows but an absolute one). */
        default boolean relative() {
            return true;
        }

        /** Today and the {@code days - 1} days before it. */
        record InLastDays(int days) implements Window {
            public Days days(LocalDate today) {
                return new Days(today.minusDays(days - 1L), today);
            }
        }

        /** From {@code to} days ago up to {@code from} days ago, both inclusive ({@code from <= to}). */
        record DaysAgoBetween(int from, int to) implements Window {
            public Days days(LocalDate today) {
                return new Days(today.minusDays(to), today.minusDays(from));
            }
        }

        /** Absolute dates, both inclusive. */
        record Between(LocalDate first, LocalDate last) implements Window {
            public Days days(LocalDate today) {
                return new Days(first, last);
            }

            @Override
            public boolean relative() {
                return false;
            }
        }

        /**
         * Days whose {@code months}-month anniversary falls in the next {@code inNextDays} days (tomorrow up to
         * {@code inNextDays} days ahead): "bought an appliance that turns 12 months old next week".
         */
        record Anniversary(int months, int inNextDays) implements Window {
            public Days days(LocalDate today) {
                return new Days(today.plusDays(1).minusMonths(months), today.plusDays(inNextDays).minusMonths(months));
            }
        }
    }

    record Days(LocalDate first, LocalDate last) {}
}
