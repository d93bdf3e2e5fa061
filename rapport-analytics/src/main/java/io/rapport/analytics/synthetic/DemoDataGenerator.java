package io.rapport.analytics.synthetic;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Deterministic demo data of a household-appliance brand: stores, products, customers, and for
 * each customer some years of orders (with returns and cancellations) and behavioural events.
 *
 * <p>The output is streamed to a {@link DemoDataSink} one customer at a time and nothing of a
 * customer is kept once the next one starts, so memory use does not grow with the number of
 * customers (millions are fine). Each customer draws from a random generator seeded from
 * {@code (seed, customer index)}, so the same seed and size always give the same stream, and a
 * customer's data does not depend on how many customers come before it.
 *
 * <p>Behaviour follows a few segments of a durable-goods brand: many buy one appliance and never
 * come back; loyal customers buy more appliances and rebuy consumables (filters, detergent, bags)
 * on the products' replacement cycles; a churning group does the same for a while and then stops;
 * occasional buyers come back once or twice; a few members only browse.
 */
public final class DemoDataGenerator {

    public static final int DEFAULT_CUSTOMERS = 20_000;
    public static final int DEFAULT_YEARS = 3;
    /** Largest supported number of customers (phone numbers are unique up to this size). */
    public static final int MAX_CUSTOMERS = DemoPeople.MAX_CUSTOMERS;
    public static final String CURRENCY = DemoCatalog.CURRENCY;

    private final long seed;
    private final int customers;
    private final Instant end;
    private final int years;
    private final Instant start;
    private final double extraLinesPerOrder;
    private final boolean events;
    private final DemoCatalog catalog = new DemoCatalog();

    /**
     * @param seed      seed of all randomness
     * @param customers number of customers, 0 to {@link #MAX_CUSTOMERS}
     * @param end       end of the period (exclusive): every timestamp is before it
     * @param years     length of the period in years, 1 to 20
     */
    public DemoDataGenerator(long seed, int customers, Instant end, int years) {
        this(seed, customers, end, years, 0.0, true);
    }

    private DemoDataGenerator(long seed, int customers, Instant end, int years, double extraLinesPerOrder, boolean events) {
        Objects.requireNonNull(end, "end");
        if (customers < 0 || customers > MAX_CUSTOMERS) {
            throw new IllegalArgumentException("customers must be between 0 and " + MAX_CUSTOMERS + ": " + customers);
        }
        if (years < 1 || years > 20) {
            throw new IllegalArgumentException("years must be between 1 and 20: " + years);
        }
        this.seed = seed;
        this.customers = customers;
        this.end = end;
        this.years = years;
        if (!(extraLinesPerOrder >= 0 && extraLinesPerOrder <= 20)) {
            throw new IllegalArgumentException("extra lines per order must be between 0 and 20: " + extraLinesPerOrder);
        }
        this.start = end.atOffset(ZoneOffset.UTC).minusYears(years).toInstant();
        this.extraLinesPerOrder = extraLinesPerOrder;
        this.events = events;
    }

    /**
     * The same customers with bigger baskets: each sale order gets a Poisson number of extra
     * lines (accessories and consumables of the brand's appliances) with the given mean. Purchase
     * days, and so every customer's (x, t_x, T), stay as they are; only the line count and spend
     * grow. With mean 0 (the default) the output is byte-identical to a generator without it.
     * Benchmarks use it to reach ~10 order lines per customer (mean 2.0).
     */
    public DemoDataGenerator withExtraLinesPerOrder(double mean) {
        return new DemoDataGenerator(seed, customers, end, years, mean, events);
    }

    /**
     * The same customers and orders without behavioural events (views, carts, app use,
     * messages, reviews), which are ~90% of the output and not needed to score purchases.
     * Orders are identical with or without events: events are drawn after a customer's orders.
     */
    public DemoDataGenerator withoutEvents() {
        return new DemoDataGenerator(seed, customers, end, years, extraLinesPerOrder, false);
    }

    /** Mean number of extra lines per sale order; 0 unless {@link #withExtraLinesPerOrder} was used. */
    public double extraLinesPerOrder() {
        return extraLinesPerOrder;
    }

    /** Whether behavioural events are generated. */
    public boolean events() {
        return events;
    }

    public long seed() {
        return seed;
    }

    public int customers() {
        return customers;
    }

    /** Start of the period (inclusive). */
    public Instant start() {
        return start;
    }

    /** End of the period (exclusive). */
    public Instant end() {
        return end;
    }

    public int years() {
        return years;
    }

    public List<DemoStore> stores() {
        return catalog.stores();
    }

    public List<DemoProduct> products() {
        return catalog.products();
    }

    /** Streams all data to the sink, in the order described on {@link DemoDataSink}. */
    public void generate(DemoDataSink sink) {
        Objects.requireNonNull(sink, "sink");
        catalog.stores().forEach(sink::store);
        catalog.products().forEach(sink::product);
        var people = new DemoPeople(seed, customers);
        var simulation = new DemoCustomerSimulation(catalog, people, start, end, extraLinesPerOrder, events);
        for (int i = 0; i < customers; i++) {
            simulation.run(i, new SplittableRandom(customerSeed(seed, i)), sink);
        }
    }

    /** Independent, well-mixed seeds per customer (SplitMix64 finaliser, Steele et al. 2014). */
    static long customerSeed(long seed, int index) {
        long z = seed + (index + 1L) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
