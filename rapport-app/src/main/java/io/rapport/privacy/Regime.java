package io.rapport.privacy;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Optional;
import java.util.Set;

/** The law a request falls under, the deadline it sets for answering, and whether that deadline may be extended. */
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

    /**
     * The deadline after the one extension the law allows, counted from the original deadline: GDPR art. 12(3) "by two
     * further months where necessary, taking into account the complexity and number of the requests"; CCPA
     * §1798.130(a)(2) "once by an additional 45 days when reasonably necessary". PIPL and GB/T 35273 name no extension:
     * empty.
     */
    public Optional<LocalDate> extendedDueOn(LocalDate dueOn) {
        return switch (this) {
            case GDPR -> Optional.of(dueOn.plusMonths(2));
            case CCPA -> Optional.of(dueOn.plusDays(45));
            case PIPL -> Optional.empty();
        };
    }
}
