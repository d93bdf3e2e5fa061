package io.rapport.cli;

import io.rapport.analytics.synthetic.DemoCustomer;
import io.rapport.analytics.synthetic.DemoDataGenerator;
import io.rapport.analytics.synthetic.DemoDataSink;
import io.rapport.analytics.synthetic.DemoEvent;
import io.rapport.analytics.synthetic.DemoOrderLine;
import io.rapport.analytics.synthetic.DemoProduct;
import io.rapport.analytics.synthetic.DemoStore;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The benchmark's input: one row per order line of the demo generator, reduced to what scoring
 * reads ({@value #HEADER}); amount = quantity × unit price − discount, negative for returns and
 * cancellations, instants in UTC.
 */
final class BenchTransactionsFile {

    static final String HEADER = "order_id,customer_id,ordered_at,amount";

    private BenchTransactionsFile() {}

    /** @return the number of order lines written */
    static long write(DemoDataGenerator generator, Path file, ProgressMeter progress) throws IOException {
        var temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
        long[] lines = {0};
        int total = generator.customers();
        try (Writer w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(temporary), StandardCharsets.UTF_8), 1 << 20)) {
            w.write(HEADER);
            w.write('\n');
            var row = new StringBuilder(64);
            generator.generate(new DemoDataSink() {
                int customers;

                @Override
                public void store(DemoStore s) {}

                @Override
                public void product(DemoProduct p) {}

                @Override
                public void customer(DemoCustomer c) {
                    if (customers > 0 && customers % 10_000 == 0) {
                        progress.update(customers, total);
                    }
                    customers++;
                }

                @Override
                public void orderLine(DemoOrderLine l) {
                    row.setLength(0);
                    row.append(l.orderId()).append(',').append(l.customerExternalId()).append(',')
                            .append(l.orderedAt()).append(',').append(l.amount().toPlainString()).append('\n');
                    try {
                        w.append(row);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    lines[0]++;
                }

                @Override
                public void event(DemoEvent e) {}
            });
            progress.update(total, total);
        } catch (IOException | UncheckedIOException e) {
            Files.deleteIfExists(temporary);
            throw e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return lines[0];
    }
}
