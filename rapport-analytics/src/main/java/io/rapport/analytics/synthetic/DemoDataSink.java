package io.rapport.analytics.synthetic;

/**
 * Receives the stream of a {@link DemoDataGenerator}.
 *
 * <p>Call order: every {@link #store}, then every {@link #product}, then for each customer:
 * {@link #customer}, followed by that customer's order lines and then that customer's events.
 * The lines of one order arrive together, in line-number order.
 */
public interface DemoDataSink {

    void store(DemoStore s);

    void product(DemoProduct p);

    void customer(DemoCustomer c);

    void orderLine(DemoOrderLine l);

    void event(DemoEvent e);
}
