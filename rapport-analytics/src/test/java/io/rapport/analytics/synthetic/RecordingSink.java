package io.rapport.analytics.synthetic;

import java.util.ArrayList;
import java.util.List;

/** Keeps everything a generator streams, in order; for tests on small sizes only. */
final class RecordingSink implements DemoDataSink {

    final List<DemoStore> stores = new ArrayList<>();
    final List<DemoProduct> products = new ArrayList<>();
    final List<DemoCustomer> customers = new ArrayList<>();
    final List<DemoOrderLine> lines = new ArrayList<>();
    final List<DemoEvent> events = new ArrayList<>();
    /** Every call in order, as "kind:record". */
    final List<Record> calls = new ArrayList<>();

    static RecordingSink of(DemoDataGenerator generator) {
        var sink = new RecordingSink();
        generator.generate(sink);
        return sink;
    }

    @Override
    public void store(DemoStore s) {
        stores.add(s);
        calls.add(s);
    }

    @Override
    public void product(DemoProduct p) {
        products.add(p);
        calls.add(p);
    }

    @Override
    public void customer(DemoCustomer c) {
        customers.add(c);
        calls.add(c);
    }

    @Override
    public void orderLine(DemoOrderLine l) {
        lines.add(l);
        calls.add(l);
    }

    @Override
    public void event(DemoEvent e) {
        events.add(e);
        calls.add(e);
    }
}
