package io.rapport.analytics.synthetic;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Simulates one customer at a time: who they are, what they buy when, and what they do between
 * purchases. Reused across customers; holds only the current customer's data.
 *
 * <p>Times are epoch seconds internally. Local times are China Standard Time, a fixed UTC+8
 * (China has had no daylight saving time since 1991).
 */
final class DemoCustomerSimulation {

    private static final long MINUTE = 60;
    private static final long HOUR = 3600;
    private static final long DAY = 86_400;
    private static final double MONTH = 30.44 * DAY;
    private static final long LOCAL_OFFSET = 8 * HOUR;

    /** Purchase behaviour of a group of customers. */
    enum Segment {
        //          share, consumable adherence, extra appliances, browse sessions/month, open rate, app uses/month
        BROWSER(0.07, 0.0, 0.0, 0.5, 0.08, 0.2),
        ONE_OFF(0.50, 0.0, 0.0, 0.08, 0.10, 0.25),
        OCCASIONAL(0.18, 0.3, 0.5, 0.2, 0.18, 0.4),
        LOYAL(0.12, 0.85, 1.4, 0.4, 0.35, 1.0),
        CHURNING(0.13, 0.7, 0.6, 0.35, 0.28, 0.7);

        final double share;
        final double adherence;
        final double extraAppliances;
        final double browsePerMonth;
        final double openRate;
        final double appUsesPerMonth;

        Segment(double share, double adherence, double extraAppliances, double browsePerMonth, double openRate, double appUsesPerMonth) {
            this.share = share;
            this.adherence = adherence;
            this.extraAppliances = extraAppliances;
            this.browsePerMonth = browsePerMonth;
            this.openRate = openRate;
            this.appUsesPerMonth = appUsesPerMonth;
        }
    }

    private static final WeightedChoice<Segment> SEGMENTS = new WeightedChoice<>();

    static {
        for (var s : Segment.values()) {
            SEGMENTS.add(s, s.share);
        }
    }

    private static final WeightedChoice<Integer> ONLINE_HOURS = new WeightedChoice<>();

    static {
        double[] weights = {2, 1, 0.5, 0.3, 0.3, 0.5, 1, 2, 3, 4, 5, 5, 6, 5, 4, 4, 4, 4, 5, 7, 9, 10, 9, 5};
        for (int h = 0; h < 24; h++) {
            ONLINE_HOURS.add(h, weights[h]);
        }
    }

    private static final List<String> GENERAL_FEATURES =
            List.of("member_card", "points_check", "warranty_registration", "e_manual", "service_booking");
    private static final Map<String, List<String>> DEVICE_FEATURES = Map.of(
            "air_conditioner", List.of("remote_control", "energy_report"),
            "water_purifier", List.of("filter_life_check", "water_quality_report"),
            "air_purifier", List.of("filter_life_check", "air_quality_report"),
            "vacuum_cleaner", List.of("cleaning_map", "remote_control"),
            "washing_machine", List.of("remote_start", "cycle_selection"),
            "refrigerator", List.of("temperature_control"),
            "dishwasher", List.of("remote_start"));
    private static final String[] MESSAGE_CHANNELS = {"email", "sms", "wecom"};

    private record Campaign(String id, long at, String topic) {}

    private record Intent(long at, DemoProduct product, int quantity) {}

    private record Owned(long at, DemoCatalog.Appliance appliance) {}

    private record Line(DemoProduct product, int quantity, BigDecimal discount, Optional<String> coupon) {}

    private static final class Order {
        String id;
        long at;
        DemoStore store;
        String kind = DemoOrderLine.SALE;
        Order original;
        boolean cancelled;
        final List<Line> lines = new ArrayList<>();
    }

    private record Event(long at, String type, Map<String, String> properties) {}

    private final DemoCatalog catalog;
    private final DemoPeople people;
    private final long start;
    private final long end;
    private final LocalDate today;
    private final List<Campaign> campaigns;
    private final List<String> applianceCategories;

    // State of the current customer, reused to keep allocation low.
    private final List<Intent> intents = new ArrayList<>();
    private final List<Owned> owned = new ArrayList<>();
    private final List<Order> orders = new ArrayList<>();
    private final List<Order> reversals = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();

    /** Mean extra small lines per sale order (benchmark baskets); 0 draws nothing, so the default stream is unchanged. */
    private final double extraLinesPerOrder;
    private final boolean withEvents;
    private final List<DemoProduct> basketExtras;

    DemoCustomerSimulation(DemoCatalog catalog, DemoPeople people, Instant start, Instant end) {
        this(catalog, people, start, end, 0.0, true);
    }

    DemoCustomerSimulation(DemoCatalog catalog, DemoPeople people, Instant start, Instant end,
                           double extraLinesPerOrder, boolean withEvents) {
        this.catalog = catalog;
        this.extraLinesPerOrder = extraLinesPerOrder;
        this.withEvents = withEvents;
        var extras = new ArrayList<DemoProduct>(catalog.accessories());
        for (var category : catalog.applianceCategories()) {
            for (var appliance : catalog.appliancesOf(category)) {
                for (var c : appliance.consumables()) {
                    if (!extras.contains(c)) {
                        extras.add(c);
                    }
                }
            }
        }
        this.basketExtras = List.copyOf(extras);
        this.people = people;
        this.start = start.getEpochSecond();
        // Whole seconds only: every generated second is before this one, hence before `end`.
        this.end = end.getNano() == 0 ? end.getEpochSecond() : end.getEpochSecond() + 1;
        this.today = localDate(this.end - 1);
        this.campaigns = campaignCalendar(this.start, this.end);
        this.applianceCategories = catalog.applianceCategories();
    }

    void run(int index, SplittableRandom rng, DemoDataSink sink) {
        intents.clear();
        owned.clear();
        orders.clear();
        reversals.clear();
        events.clear();

        var segment = SEGMENTS.pick(rng);
        var city = people.city(rng);
        var stores = catalog.storesIn(city);
        var preferred = preferredChannel(rng, !stores.isEmpty());
        long span = end - start;
        // Loyal and churning customers need time for their story: they joined in the first part of the period.
        double joinedBy = segment == Segment.LOYAL || segment == Segment.CHURNING ? 0.55 : 1.0;
        long registeredDay = localDayStart(start + (long) (rng.nextDouble() * span * joinedBy));
        long registeredAt = Math.max(start, registeredDay + timeOfDay(rng, preferred));
        if (registeredAt >= end - HOUR) {
            registeredAt = end - HOUR - rng.nextLong(DAY);
        }
        var customer = people.customer(index, rng, city, Instant.ofEpochSecond(registeredAt), today);
        sink.customer(customer);

        // When purchases stop: churners lose interest between 30% and 60% of their remaining time.
        long activeUntil = end;
        if (segment == Segment.CHURNING) {
            activeUntil = registeredAt + (long) ((end - registeredAt) * (0.3 + 0.3 * rng.nextDouble()));
        }

        if (segment != Segment.BROWSER) {
            planPurchases(rng, segment, registeredAt, activeUntil);
            buildOrders(rng, segment, customer, preferred, stores, registeredAt);
            reverseSome(rng);
        }
        String number = people.number(index);
        emitOrders(sink, customer.externalId(), number);

        if (!withEvents) {
            return;
        }
        boolean appUser = preferred.equals(DemoStore.APP) || rng.nextDouble() < 0.3;
        planEvents(rng, segment, preferred, appUser, registeredAt, activeUntil);
        emitEvents(sink, customer.externalId(), number);
    }

    // ---- purchases -------------------------------------------------------------------------

    private void planPurchases(SplittableRandom rng, Segment segment, long registeredAt, long activeUntil) {
        // Six in ten register at the till or checkout of their first purchase.
        long first = rng.nextDouble() < 0.6
                ? registeredAt + MINUTE + rng.nextLong(30 * MINUTE)
                : registeredAt + (long) (exponential(rng, 12) * DAY) + HOUR;
        if (first >= activeUntil) {
            return;
        }
        if (segment == Segment.ONE_OFF && rng.nextDouble() < 0.15) {
            // A small first and only purchase: an accessory, or a consumable for an appliance bought elsewhere.
            var consumables = pick(rng, catalog.appliancesOf(catalog.pickApplianceCategory(rng))).consumables();
            var p = rng.nextBoolean() || consumables.isEmpty() ? pick(rng, catalog.accessories()) : pick(rng, consumables);
            intents.add(new Intent(first, p, 1));
            return;
        }
        buyAppliance(rng, first, pick(rng, catalog.appliancesOf(catalog.pickApplianceCategory(rng))));
        int extra = poisson(rng, segment.extraAppliances);
        for (int i = 0; i < extra; i++) {
            long earliest = first + 30 * DAY;
            if (earliest >= activeUntil) {
                break;
            }
            long at = earliest + (long) (rng.nextDouble() * (activeUntil - earliest));
            if (rng.nextDouble() < 0.35) {
                at = promotionDay(rng, at);
            }
            if (at < activeUntil) {
                buyAppliance(rng, at, pick(rng, catalog.appliancesOf(catalog.pickApplianceCategory(rng))));
            }
        }
        if (segment == Segment.OCCASIONAL) {
            int smallOrders = rng.nextInt(3);
            for (int i = 0; i < smallOrders; i++) {
                long at = first + 14 * DAY + (long) (rng.nextDouble() * Math.max(DAY, activeUntil - first - 14 * DAY));
                if (at < activeUntil) {
                    intents.add(new Intent(at, pick(rng, catalog.accessories()), 1));
                }
            }
        }
        // Consumables come back on their replacement cycle, for as long as the customer is active.
        if (segment.adherence > 0) {
            for (var o : owned) {
                for (var c : o.appliance().consumables()) {
                    double cycle = c.maintenanceMonths() * MONTH;
                    long t = o.at() + (long) (cycle * (0.85 + 0.5 * rng.nextDouble()));
                    while (t < activeUntil) {
                        if (rng.nextDouble() < segment.adherence) {
                            intents.add(new Intent(t, c, consumableQuantity(rng, c)));
                        }
                        t += (long) (cycle * (0.85 + 0.5 * rng.nextDouble()));
                    }
                }
            }
        }
    }

    private void buyAppliance(SplittableRandom rng, long at, DemoCatalog.Appliance appliance) {
        var p = appliance.product();
        int quantity = p.category().equals("air_conditioner") && rng.nextDouble() < 0.25 ? 2 + rng.nextInt(2) : 1;
        intents.add(new Intent(at, p, quantity));
        owned.add(new Owned(at, appliance));
        if (rng.nextDouble() < 0.2) {
            intents.add(new Intent(at, pick(rng, catalog.accessories()), 1));
        }
        if (rng.nextDouble() < 0.12) {
            intents.add(new Intent(at, catalog.extendedWarranty(), quantity));
        }
        if (!appliance.consumables().isEmpty() && rng.nextDouble() < 0.3) {
            intents.add(new Intent(at, appliance.consumables().getFirst(), 1));
        }
    }

    private static int consumableQuantity(SplittableRandom rng, DemoProduct c) {
        return c.maintenanceMonths() <= 3 && rng.nextDouble() < 0.4 ? 2 + rng.nextInt(2) : 1;
    }

    /** Groups purchase intents that fall within a week into one order, and prices the lines. */
    private void buildOrders(SplittableRandom rng, Segment segment, DemoCustomer customer, String preferred,
                             List<DemoStore> cityStores, long registeredAt) {
        intents.sort(Comparator.comparingLong(Intent::at));
        Order current = null;
        long groupStart = 0;
        for (var intent : intents) {
            if (current == null || intent.at() >= groupStart + 7 * DAY) {
                current = new Order();
                groupStart = intent.at();
                current.at = intent.at();
                orders.add(current);
            }
            current.lines.add(new Line(intent.product(), intent.quantity(), BigDecimal.ZERO, Optional.empty()));
        }
        if (extraLinesPerOrder > 0) {
            for (var order : orders) {
                int extra = poisson(rng, extraLinesPerOrder);
                for (int k = 0; k < extra; k++) {
                    order.lines.add(new Line(pick(rng, basketExtras), 1, BigDecimal.ZERO, Optional.empty()));
                }
            }
        }
        int birthdayMonth = customer.birthday().getMonthValue();
        for (int i = 0; i < orders.size(); i++) {
            var order = orders.get(i);
            boolean hasAppliance = order.lines.stream().anyMatch(l -> isAppliance(l.product()));
            order.store = chooseStore(rng, preferred, cityStores, hasAppliance);
            if (i > 0) {
                order.at = Math.max(registeredAt + 5 * MINUTE, localDayStart(order.at) + timeOfDay(rng, order.store.channel()));
            }
            var date = localDate(order.at);
            boolean promotion = isPromotion(date);
            for (int j = 0; j < order.lines.size(); j++) {
                order.lines.set(j, priced(rng, order.lines.get(j), segment, promotion, date, i == 0, birthdayMonth));
            }
        }
        orders.removeIf(o -> o.at >= end);
    }

    private Line priced(SplittableRandom rng, Line line, Segment segment, boolean promotion, LocalDate date,
                        boolean firstOrder, int birthdayMonth) {
        var gross = line.product().unitPrice().multiply(BigDecimal.valueOf(line.quantity()));
        double percent = 0;
        if (rng.nextDouble() < (promotion ? 0.7 : 0.2)) {
            percent = promotion ? 0.10 + 0.10 * rng.nextDouble() : 0.05 + 0.05 * rng.nextDouble();
        }
        String coupon = null;
        BigDecimal couponAmount = BigDecimal.ZERO;
        if (rng.nextDouble() < (promotion ? 0.4 : 0.08)) {
            boolean big = gross.compareTo(BigDecimal.valueOf(2000)) >= 0;
            boolean medium = gross.compareTo(BigDecimal.valueOf(300)) >= 0;
            if (promotion) {
                coupon = (date.getMonthValue() == 6 ? "618-" : "D11-") + (big ? 200 : medium ? 50 : 10);
                couponAmount = BigDecimal.valueOf(big ? 200 : medium ? 50 : 10);
            } else if (firstOrder && medium) {
                coupon = "WELCOME50";
                couponAmount = BigDecimal.valueOf(50);
            } else if (date.getMonthValue() == birthdayMonth) {
                coupon = "BDAY30";
                couponAmount = BigDecimal.valueOf(30);
            } else if (line.product().isConsumable()) {
                coupon = "REFILL20";
                couponAmount = BigDecimal.valueOf(20);
            } else if (segment == Segment.LOYAL && big) {
                coupon = "VIP100";
                couponAmount = BigDecimal.valueOf(100);
            }
        }
        var discount = gross.multiply(BigDecimal.valueOf(percent)).add(couponAmount);
        var cap = gross.divide(BigDecimal.TWO, 2, RoundingMode.HALF_UP);
        if (discount.compareTo(cap) > 0) {
            discount = cap;
        }
        return new Line(line.product(), line.quantity(), discount.setScale(2, RoundingMode.HALF_UP), Optional.ofNullable(coupon));
    }

    /** About 1.5% of orders are cancelled within a day, and about 3% of lines are returned within 15 days. */
    private void reverseSome(SplittableRandom rng) {
        for (var order : orders) {
            if (rng.nextDouble() < 0.015) {
                long at = order.at + 5 * MINUTE + rng.nextLong(DAY);
                if (at < end) {
                    order.cancelled = true;
                    var cancellation = reversal(order, at, DemoOrderLine.CANCELLATION);
                    for (var l : order.lines) {
                        cancellation.lines.add(new Line(l.product(), -l.quantity(), l.discount().negate(), Optional.empty()));
                    }
                    continue;
                }
            }
            for (var l : order.lines) {
                if (rng.nextDouble() < 0.03) {
                    long at = order.at + DAY + rng.nextLong(14 * DAY);
                    if (at < end) {
                        int quantity = l.quantity() == 1 ? 1 : 1 + rng.nextInt(l.quantity());
                        var share = l.discount().multiply(BigDecimal.valueOf(quantity))
                                .divide(BigDecimal.valueOf(l.quantity()), 2, RoundingMode.HALF_UP);
                        reversal(order, at, DemoOrderLine.RETURN)
                                .lines.add(new Line(l.product(), -quantity, share.negate(), Optional.empty()));
                    }
                }
            }
        }
    }

    private Order reversal(Order original, long at, String kind) {
        var r = new Order();
        r.at = at;
        r.store = original.store;
        r.kind = kind;
        r.original = original;
        reversals.add(r);
        return r;
    }

    private void emitOrders(DemoDataSink sink, String customerId, String number) {
        for (int i = 0; i < orders.size(); i++) {
            orders.get(i).id = "SO-" + number + "-" + twoDigits(i + 1);
        }
        int returns = 0;
        int cancellations = 0;
        for (var r : reversals) {
            r.id = r.kind.equals(DemoOrderLine.RETURN)
                    ? "RT-" + number + "-" + twoDigits(++returns)
                    : "CX-" + number + "-" + twoDigits(++cancellations);
        }
        var all = new ArrayList<Order>(orders.size() + reversals.size());
        all.addAll(orders);
        all.addAll(reversals);
        all.sort(Comparator.<Order>comparingLong(o -> o.at).thenComparing(o -> o.id));
        for (var o : all) {
            var at = Instant.ofEpochSecond(o.at);
            var original = o.original == null ? Optional.<String>empty() : Optional.of(o.original.id);
            for (int n = 0; n < o.lines.size(); n++) {
                var l = o.lines.get(n);
                sink.orderLine(new DemoOrderLine(o.id, n + 1, customerId, o.store.channel(), o.store.code(), at,
                        l.product().sku(), l.quantity(), l.product().unitPrice(), l.discount(), l.coupon(),
                        DemoCatalog.CURRENCY, o.kind, original));
            }
        }
    }

    private DemoStore chooseStore(SplittableRandom rng, String preferred, List<DemoStore> cityStores, boolean hasAppliance) {
        String channel = preferred;
        if (rng.nextDouble() < 0.25) {
            channel = pick(rng, List.of(DemoStore.SHOP, DemoStore.APP, DemoStore.MINI_PROGRAM, DemoStore.STORE));
        }
        // Refills are rarely worth a trip to the store.
        if (channel.equals(DemoStore.STORE) && !hasAppliance && rng.nextDouble() < 0.6) {
            channel = rng.nextBoolean() ? DemoStore.MINI_PROGRAM : DemoStore.SHOP;
        }
        return switch (channel) {
            case DemoStore.STORE -> cityStores.isEmpty() ? catalog.onlineStore(DemoCatalog.ONLINE_SHOP) : pick(rng, cityStores);
            case DemoStore.APP -> catalog.onlineStore(DemoCatalog.APP);
            case DemoStore.MINI_PROGRAM -> catalog.onlineStore(DemoCatalog.MINI_PROGRAM);
            default -> catalog.onlineStore(DemoCatalog.ONLINE_SHOP);
        };
    }

    private static String preferredChannel(SplittableRandom rng, boolean storeInCity) {
        double u = rng.nextDouble();
        if (storeInCity) {
            return u < 0.35 ? DemoStore.STORE : u < 0.70 ? DemoStore.SHOP : u < 0.85 ? DemoStore.APP : DemoStore.MINI_PROGRAM;
        }
        return u < 0.55 ? DemoStore.SHOP : u < 0.77 ? DemoStore.APP : DemoStore.MINI_PROGRAM;
    }

    /** Seconds after local midnight: stores open 10:00–21:30, online peaks in the evening. */
    private static long timeOfDay(SplittableRandom rng, String channel) {
        if (channel.equals(DemoStore.STORE)) {
            return 10 * HOUR + rng.nextLong(11 * HOUR + 30 * MINUTE);
        }
        return ONLINE_HOURS.pick(rng) * HOUR + rng.nextLong(HOUR);
    }

    /** The shopping festivals: 618 (1–18 June) and Double 11 (1–11 November). */
    private static boolean isPromotion(LocalDate d) {
        return (d.getMonthValue() == 6 && d.getDayOfMonth() <= 18) || (d.getMonthValue() == 11 && d.getDayOfMonth() <= 11);
    }

    /** Moves a purchase to the next shopping festival, half of them onto its final day. */
    private static long promotionDay(SplittableRandom rng, long at) {
        var d = localDate(at);
        LocalDate windowStart;
        int length;
        if (d.getMonthValue() < 6 || (d.getMonthValue() == 6 && d.getDayOfMonth() <= 18)) {
            windowStart = LocalDate.of(d.getYear(), 6, 1);
            length = 18;
        } else if (d.getMonthValue() < 11 || (d.getMonthValue() == 11 && d.getDayOfMonth() <= 11)) {
            windowStart = LocalDate.of(d.getYear(), 11, 1);
            length = 11;
        } else {
            windowStart = LocalDate.of(d.getYear() + 1, 6, 1);
            length = 18;
        }
        var day = rng.nextBoolean() ? windowStart.plusDays(length - 1) : windowStart.plusDays(rng.nextInt(length));
        if (day.isBefore(d)) {
            day = d;
        }
        return day.toEpochDay() * DAY - LOCAL_OFFSET + 12 * HOUR;
    }

    // ---- events ----------------------------------------------------------------------------

    private void planEvents(SplittableRandom rng, Segment segment, String preferred, boolean appUser,
                            long registeredAt, long activeUntil) {
        String webChannel = preferred.equals(DemoStore.STORE) ? DemoStore.SHOP : preferred;
        // Research before each purchase, and the cart on the way to an online checkout.
        for (var o : orders) {
            var main = o.lines.getFirst().product();
            boolean appliance = isAppliance(main);
            int views = appliance ? 2 + rng.nextInt(5) : rng.nextInt(2);
            var browseChannel = o.store.channel().equals(DemoStore.STORE) ? webChannel : o.store.channel();
            for (int v = 0; v < views; v++) {
                long at = o.at - rng.nextLong(appliance ? 14 * DAY : 2 * DAY) - HOUR;
                var p = v == views - 1 ? main : pick(rng, catalog.productsOf(main.category()));
                if (at > registeredAt) {
                    events.add(new Event(at, DemoEvent.PRODUCT_VIEW, productProperties(p, browseChannel)));
                }
            }
            if (!o.store.channel().equals(DemoStore.STORE)) {
                for (var l : o.lines) {
                    long at = o.at - MINUTE - rng.nextLong(HOUR);
                    if (at > registeredAt) {
                        events.add(new Event(at, DemoEvent.CART_ADD, cartProperties(l.product(), l.quantity(), browseChannel)));
                    }
                }
            }
            if (!o.cancelled) {
                for (var l : o.lines) {
                    if (rng.nextDouble() < (isAppliance(l.product()) ? 0.12 : 0.04)) {
                        long at = o.at + 5 * DAY + rng.nextLong(35 * DAY);
                        if (at < end) {
                            var props = new LinkedHashMap<String, String>();
                            props.put("sku", l.product().sku());
                            props.put("order_id", o.id);
                            props.put("rating", Integer.toString(rating(rng)));
                            events.add(new Event(at, DemoEvent.REVIEW, props));
                        }
                    }
                }
            }
        }
        // Browsing sessions without a purchase; churned customers hardly come back.
        double rate = segment.browsePerMonth / MONTH;
        for (long t = registeredAt + (long) (exponential(rng, 1 / rate)); t < end; t += (long) exponential(rng, 1 / rate)) {
            if (t > activeUntil && rng.nextDouble() > 0.05) {
                continue;
            }
            var category = rng.nextDouble() < 0.8 ? pick(rng, applianceCategories) : "accessory";
            int views = 1 + rng.nextInt(3);
            long at = t;
            for (int v = 0; v < views && at < end; v++, at += MINUTE + rng.nextLong(5 * MINUTE)) {
                events.add(new Event(at, DemoEvent.PRODUCT_VIEW, productProperties(pick(rng, catalog.productsOf(category)), webChannel)));
            }
            if (rng.nextDouble() < 0.2 && at < end) {
                events.add(new Event(at, DemoEvent.CART_ADD, cartProperties(pick(rng, catalog.productsOf(category)), 1, webChannel)));
            }
        }
        // App owners check their devices, filters and points.
        if (appUser && segment.appUsesPerMonth > 0) {
            double appRate = segment.appUsesPerMonth / MONTH;
            long from = owned.isEmpty() ? registeredAt : owned.getFirst().at();
            for (long t = from + (long) exponential(rng, 1 / appRate); t < Math.min(end, activeUntil); t += (long) exponential(rng, 1 / appRate)) {
                var props = new LinkedHashMap<String, String>();
                var device = owned.isEmpty() || rng.nextDouble() < 0.3 ? null : pick(rng, owned).appliance().product();
                if (device != null) {
                    props.put("feature", pick(rng, DEVICE_FEATURES.get(device.category())));
                    props.put("category", device.category());
                } else {
                    props.put("feature", pick(rng, GENERAL_FEATURES));
                }
                events.add(new Event(t, DemoEvent.APP_FEATURE_USE, props));
            }
        }
        // Campaign messages: 80% consented; loyal members open most, churned ones almost never.
        if (rng.nextDouble() < 0.8) {
            var channel = appUser && rng.nextBoolean() ? "app_push" : MESSAGE_CHANNELS[rng.nextInt(MESSAGE_CHANNELS.length)];
            for (var c : campaigns) {
                if (c.at() <= registeredAt) {
                    continue;
                }
                double openRate = c.at() > activeUntil ? 0.03 : segment.openRate;
                if (rng.nextDouble() >= openRate) {
                    continue;
                }
                long openedAt = c.at() + (long) Math.min(72 * HOUR, exponential(rng, 6 * HOUR));
                if (openedAt >= end) {
                    continue;
                }
                var props = new LinkedHashMap<String, String>();
                props.put("campaign", c.id());
                props.put("channel", channel);
                events.add(new Event(openedAt, DemoEvent.MESSAGE_OPEN, props));
                long clickedAt = openedAt + 10 + rng.nextLong(5 * MINUTE);
                if (rng.nextDouble() < 0.25 && clickedAt < end) {
                    var click = new LinkedHashMap<>(props);
                    click.put("target", c.topic());
                    events.add(new Event(clickedAt, DemoEvent.MESSAGE_CLICK, click));
                }
            }
        }
    }

    private void emitEvents(DemoDataSink sink, String customerId, String number) {
        events.sort(Comparator.comparingLong(Event::at));
        for (int i = 0; i < events.size(); i++) {
            var e = events.get(i);
            sink.event(new DemoEvent("EV-" + number + "-" + (i + 1), customerId, e.type(), Instant.ofEpochSecond(e.at()), e.properties()));
        }
    }

    private static Map<String, String> productProperties(DemoProduct p, String channel) {
        var props = new LinkedHashMap<String, String>();
        props.put("sku", p.sku());
        props.put("category", p.category());
        props.put("channel", channel);
        return props;
    }

    private static Map<String, String> cartProperties(DemoProduct p, int quantity, String channel) {
        var props = new LinkedHashMap<String, String>();
        props.put("sku", p.sku());
        props.put("category", p.category());
        props.put("quantity", Integer.toString(quantity));
        props.put("channel", channel);
        return props;
    }

    private static int rating(SplittableRandom rng) {
        double u = rng.nextDouble();
        return u < 0.55 ? 5 : u < 0.80 ? 4 : u < 0.90 ? 3 : u < 0.95 ? 2 : 1;
    }

    /**
     * Two campaigns a month (a newsletter on the 5th, a product campaign on the 20th) plus the
     * warm-up and final-day pushes of 618 and Double 11.
     */
    private static List<Campaign> campaignCalendar(long start, long end) {
        var topics = List.of("air_conditioner", "water_purifier", "washing_machine", "refrigerator",
                "vacuum_cleaner", "air_purifier", "dishwasher", "water_filter", "detergent", "maintenance_service");
        var result = new ArrayList<Campaign>();
        var month = localDate(start).withDayOfMonth(1);
        for (int i = 0; !month.isAfter(localDate(end)); i++, month = month.plusMonths(1)) {
            var ym = month.getYear() + "-" + twoDigits(month.getMonthValue());
            result.add(new Campaign("NL-" + ym, localAt(month.withDayOfMonth(5), 10), "newsletter"));
            result.add(new Campaign("PC-" + ym, localAt(month.withDayOfMonth(20), 19), topics.get(Math.floorMod(i, topics.size()))));
            if (month.getMonthValue() == 6) {
                result.add(new Campaign("618-" + month.getYear() + "-WARMUP", localAt(month.withDayOfMonth(1), 20), "promotion"));
                result.add(new Campaign("618-" + month.getYear() + "-FINAL", localAt(month.withDayOfMonth(17), 20), "promotion"));
            } else if (month.getMonthValue() == 10) {
                result.add(new Campaign("D11-" + month.getYear() + "-WARMUP", localAt(month.withDayOfMonth(31), 20), "promotion"));
            } else if (month.getMonthValue() == 11) {
                result.add(new Campaign("D11-" + month.getYear() + "-FINAL", localAt(month.withDayOfMonth(10), 20), "promotion"));
            }
        }
        result.removeIf(c -> c.at() < start || c.at() >= end);
        result.sort(Comparator.comparingLong(Campaign::at));
        return result;
    }

    // ---- small helpers ---------------------------------------------------------------------

    private boolean isAppliance(DemoProduct p) {
        return catalog.isAppliance(p);
    }

    private static long localDayStart(long epochSecond) {
        return Math.floorDiv(epochSecond + LOCAL_OFFSET, DAY) * DAY - LOCAL_OFFSET;
    }

    private static LocalDate localDate(long epochSecond) {
        return LocalDate.ofEpochDay(Math.floorDiv(epochSecond + LOCAL_OFFSET, DAY));
    }

    private static long localAt(LocalDate date, int hour) {
        return date.toEpochDay() * DAY - LOCAL_OFFSET + hour * HOUR;
    }

    private static String twoDigits(int n) {
        return n < 10 ? "0" + n : Integer.toString(n);
    }

    private static double exponential(SplittableRandom rng, double mean) {
        return -mean * Math.log(1 - rng.nextDouble());
    }

    /** Knuth's method; fine for the small means used here. */
    private static int poisson(SplittableRandom rng, double mean) {
        double limit = Math.exp(-mean);
        double p = 1;
        int k = 0;
        while ((p *= rng.nextDouble()) > limit) {
            k++;
        }
        return k;
    }

    private static <T> T pick(SplittableRandom rng, List<T> items) {
        return items.get(rng.nextInt(items.size()));
    }
}
