package io.rapport.privacy;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Set;

/** The law a request falls under, and the deadline it sets for answering. */
public enum Regime {
    /** GDPR art. 12(3): one month from receipt. */
    GDPR,
    /** PIPL art. 50 with the national standard GB/T 35273: 15 working days. */
    PIPL,
    /** CCPA §1798.130(a)(2): 45 calendar days. */
    CCPA;

    /** The last day to answer a request received on {@code received}; {@code holidays} are non-working weekdays. */
    public LocalDate dueOn(LocalDate received, Set<LocalDate> holidays) {
        return switch (this) {
            case GDPR -> received.plusMonths(1);
            case CCPA -> received.plusDays(45);
            case PIPL -> {
                LocalDate day = received;
                int working = 0;
                while (working < 15) {
                    day = day.plusDays(1);
                    if (day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY
                            && !holidays.contains(day)) {
                        working++;
                    }
                }
                yield day;
            }
        };
    }
}
