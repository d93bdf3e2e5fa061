package io.rapport.journey;

import static io.rapport.journey.JourneyTables.*;

import io.rapport.customer.CustomerContacts;
import io.rapport.ingest.Purchases;
import io.rapport.platform.RapportProperties;
import io.rapport.product.ProductCatalog;
import java.time.Instant;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Whose day it is for a {@code date} trigger: a birthday, a bought product's maintenance falling due (every service
 * interval after the purchase), its warranty ending — shifted by {@code offsetDays} and reached at {@code at} in the
 * customer's own time zone (the brand's when the profile has none). Each check is a few set-based queries for all
 * customers (the birthdays or sale lines of the candidate days, their time zones, the entries already made), never
 * one per customer. Every check looks at the two calendar days that are "today" somewhere on earth, so a customer
 * whose zone reaches {@code at} between two checks is enrolled at the next one.
 */
@Component
class DateOccasions {

    /** A maintenance interval repeats for at most this long after the purchase (a durable good's service life). */
    static final int MAX_MONTHS_AFTER_PURCHASE = 180;

    /** A customer's occasion: the entry key (once per occasion) and what the messages may name. */
    record Occasion(long customerId, String key, Map<String, String> context) {}

    private final DSLContext db;
    private final CustomerContacts contacts;
    private final ProductCatalog catalog;
    private final Purchases purchases;
    private final RapportProperties rapport;

    DateOccasions(DSLContext db, CustomerContacts contacts, ProductCatalog catalog, Purchases purchases,
                  RapportProperties rapport) {
        this.db = db;
        this.contacts = contacts;
        this.catalog = catalog;
        this.purchases = purchases;
        this.rapport = rapport;
    }

    /** {@code everyMonths} (1–120) overrides the products' own service interval; only for {@code maintenance-due}. */
    static Optional<Integer> everyMonths(JsonNode t, String field, BiConsumer<String, String> problems) {
        JsonNode every = t.path("everyMonths");
        if (every.isMissingNode()) {
            return Optional.empty();
        }
        if (!field.equals("maintenance-due")) {
            problems.accept("trigger.everyMonths", "only a maintenance-due date repeats every N months");
            return Optional.empty();
        }
        if (!every.isIntegralNumber() || every.asInt() < 1 || every.asInt() > 120) {
            problems.accept("trigger.everyMonths", "a whole number of months from 1 to 120 is required");
            return Optional.empty();
        }
        return Optional.of(every.asInt());
    }

    /** A purchase date may be narrowed to products: {@code filter} on {@code category} and/or {@code sku}. */
    static void productFilter(JsonNode t, String field, Map<String, String> filter,
                              BiConsumer<String, String> problems) {
        JsonNode f = t.path("filter");
        if (f.isMissingNode()) {
            return;
        }
        if (field.equals("birthday") || !f.isObject()) {
            problems.accept("trigger.filter", "a filter of {\"category\": ..., \"sku\": ...} narrows only "
                    + "maintenance-due and warranty-end");
            return;
        }
        for (var e : f.properties()) {
            if (!e.getKey().equals("category") && !e.getKey().equals("sku")) {
                problems.accept("trigger.filter." + e.getKey(), "a purchase date filters on category or sku only");
            } else {
                filter.put(e.getKey(), e.getValue().asString());
            }
        }
    }

    /** The occasions of this trigger whose moment has come at {@code now} (entered or not). */
    List<Occasion> due(JourneyDefinition.Trigger trigger, Instant now) {
        // the local dates of every zone at this instant: UTC-12 is the latest, UTC+14 the earliest
        Set<LocalDate> occasions = new LinkedHashSet<>();
        for (LocalDate today : List.of(now.atOffset(ZoneOffset.ofHours(-12)).toLocalDate(),
                now.atOffset(ZoneOffset.ofHours(14)).toLocalDate())) {
            occasions.add(today.minusDays(trigger.offsetDays()));
        }
        String field = trigger.dateField().orElseThrow();
        return field.equals("birthday") ? birthdays(trigger, now, occasions)
                : purchaseDates(trigger, field, now, occasions);
    }

    private List<Occasion> birthdays(JourneyDefinition.Trigger trigger, Instant now, Set<LocalDate> occasions) {
        Set<MonthDay> days = new HashSet<>();
        for (LocalDate o : occasions) {
            days.add(MonthDay.from(o));
            if (o.getMonthValue() == 2 && o.getDayOfMonth() == 28 && !o.isLeapYear()) {
                days.add(MonthDay.of(2, 29)); // born on 29 February: celebrated on the 28th in common years
            }
        }
        List<Occasion> due = new ArrayList<>();
        for (CustomerContacts.Birthday b : contacts.bornOn(days)) {
            Optional<LocalDate> occasion = occasion(trigger, now, b.timeZone().orElse(rapport.timeZone()));
            if (occasion.isPresent() && birthdayOn(b.bornOn(), occasion.get())) {
                due.add(new Occasion(b.customerId(), "date:" + occasion.get(), Map.of()));
            }
        }
        return due;
    }

    private static boolean birthdayOn(MonthDay bornOn, LocalDate day) {
        return bornOn.equals(MonthDay.from(day)) || (bornOn.equals(MonthDay.of(2, 29))
                && MonthDay.from(day).equals(MonthDay.of(2, 28)) && !day.isLeapYear());
    }

    /** The occasion day the customer's zone has reached {@code at} of, or empty before {@code at}. */
    private static Optional<LocalDate> occasion(JourneyDefinition.Trigger trigger, Instant now, ZoneId zone) {
        ZonedDateTime local = now.atZone(zone);
        return local.toLocalTime().isBefore(trigger.at()) ? Optional.empty()
                : Optional.of(local.toLocalDate().minusDays(trigger.offsetDays()));
    }

    private List<Occasion> purchaseDates(JourneyDefinition.Trigger trigger, String field, Instant now,
                                         Set<LocalDate> occasions) {
        boolean maintenance = field.equals("maintenance-due");
        Map<String, ProductCatalog.Product> products = new LinkedHashMap<>();
        Map<String, Integer> months = new LinkedHashMap<>();
        for (ProductCatalog.Product p : catalog.durable()) {
            Integer own = maintenance ? p.maintenanceMonths() : p.warrantyMonths();
            if (own == null || own <= 0 || !matches(trigger.filter(), p)) {
                continue;
            }
            products.put(p.sku(), p);
            months.put(p.sku(), maintenance ? trigger.everyMonths().orElse(own) : own);
        }
        // the purchase days whose date (after k intervals, or the warranty) is one of the occasions
        Set<LocalDate> purchaseDays = new HashSet<>();
        for (int interval : Set.copyOf(months.values())) {
            int repeats = maintenance ? Math.max(1, MAX_MONTHS_AFTER_PURCHASE / interval) : 1;
            for (LocalDate occasion : occasions) {
                for (int k = 1; k <= repeats; k++) {
                    purchaseDays.addAll(monthsBefore(occasion, k * interval));
                }
            }
        }
        List<Purchases.Purchase> bought = purchases.bought(products.keySet(), purchaseDays);
        Map<Long, ZoneId> zones = contacts.timeZones(bought.stream().map(Purchases.Purchase::customerId).toList());
        List<Occasion> due = new ArrayList<>();
        for (Purchases.Purchase p : bought) {
            Optional<LocalDate> occasion = occasion(trigger, now, zones.getOrDefault(p.customerId(),
                    rapport.timeZone()));
            int interval = months.get(p.sku());
            int after = occasion.map(o -> monthsBetween(p.orderDay(), o)).orElse(0);
            if (occasion.isEmpty() || after <= 0 || after % interval != 0 || (!maintenance && after != interval)
                    || !p.orderDay().plusMonths(after).equals(occasion.get())) {
                continue;
            }
            ProductCatalog.Product product = products.get(p.sku());
            Map<String, String> context = new LinkedHashMap<>();
            context.put("product", product.name() == null ? product.sku() : product.name());
            context.put("sku", product.sku());
            context.put("purchased_on", p.orderDay().toString());
            context.put(maintenance ? "due_on" : "warranty_ends_on", occasion.get().toString());
            context.put("months", Integer.toString(after));
            due.add(new Occasion(p.customerId(), "date:" + field + ":" + p.lineId() + ":" + occasion.get(), context));
        }
        return SameDayOccasions.merge(due);
    }

    private static boolean matches(Map<String, String> filter, ProductCatalog.Product p) {
        return filter.entrySet().stream().allMatch(e -> e.getKey().equals("sku") ? e.getValue().equals(p.sku())
                : e.getValue().equals(p.category()));
    }

    /**
     * The days {@code d} with {@code d.plusMonths(n) == day}: the same day of the month n months earlier, and when
     * {@code day} is the last of a shorter month, the later days of that month too (31 January + 1 month is
     * 28 February).
     */
    static List<LocalDate> monthsBefore(LocalDate day, int n) {
        YearMonth month = YearMonth.from(day).minusMonths(n);
        List<LocalDate> days = new ArrayList<>();
        for (int d = day.getDayOfMonth(); d <= month.lengthOfMonth(); d++) {
            LocalDate candidate = month.atDay(d);
            if (candidate.plusMonths(n).equals(day)) {
                days.add(candidate);
            }
        }
        return days;
    }

    private static int monthsBetween(LocalDate from, LocalDate to) {
        return (to.getYear() * 12 + to.getMonthValue()) - (from.getYear() * 12 + from.getMonthValue());
    }

    /**
     * Of these occasions, those the journey may still enter: not already entered with the same key, not by a customer
     * inside the journey or who entered a once-only journey. One query.
     */
    List<Occasion> notEntered(long journeyId, List<Occasion> due) {
        if (due.isEmpty()) {
            return due;
        }
        Set<String> entered = new HashSet<>();
        Set<Long> blocked = new HashSet<>();
        List<Long> customers = due.stream().map(Occasion::customerId).distinct().toList();
        for (int from = 0; from < customers.size(); from += 1000) {
            db.select(I_CUSTOMER, I_ENTRY, I_STATUS).from(INSTANCE).where(I_JOURNEY.eq(journeyId))
                    .and(JourneyTables.customerAmong(customers.subList(from, Math.min(customers.size(), from + 1000))))
                    .forEach(r -> {
                        entered.add(r.get(I_CUSTOMER) + "|" + r.get(I_ENTRY));
                        if ("once".equals(r.get(I_ENTRY)) || "active".equals(r.get(I_STATUS))
                                || "holdout".equals(r.get(I_STATUS))) {
                            blocked.add(r.get(I_CUSTOMER));
                        }
                    });
        }
        return due.stream().filter(o -> !blocked.contains(o.customerId())
                && !entered.contains(o.customerId() + "|" + o.key())).toList();
    }
}
