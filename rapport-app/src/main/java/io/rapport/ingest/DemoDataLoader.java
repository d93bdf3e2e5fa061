package io.rapport.ingest;

import static io.rapport.ingest.IngestTables.*;

import io.rapport.analytics.synthetic.DemoDataFiles;
import io.rapport.analytics.synthetic.DemoDataGenerator;
import io.rapport.platform.RapportProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Fills an empty database with the demo brand (a household-appliance maker) on the first start of the demo profile.
 * It goes through the same import jobs a user would run, so the demo also exercises the real path.
 */
@Component
class DemoDataLoader {

    private static final Logger log = LoggerFactory.getLogger(DemoDataLoader.class);
    static final String SOURCE = "demo";

    private final RapportProperties properties;
    private final ImportJobs jobs;
    private final DSLContext db;
    private final Clock clock;

    DemoDataLoader(RapportProperties properties, ImportJobs jobs, DSLContext db, Clock clock) {
        this.properties = properties;
        this.jobs = jobs;
        this.db = db;
        this.clock = clock;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(10)
    void loadOnFirstStart() throws IOException {
        if (!properties.demo().enabled()) {
            return;
        }
        if (db.fetchExists(JOB, J_SOURCE.eq(SOURCE))) {
            log.info("Demo data already loaded");
            return;
        }
        load(properties.demo().customers(), properties.demo().seed());
    }

    void load(int customers, long seed) throws IOException {
        long started = System.nanoTime();
        Instant end = clock.instant().truncatedTo(ChronoUnit.DAYS);
        log.info("Generating demo data: {} customers, seed {}", customers, seed);
        Path dir = Files.createTempDirectory("rapport-demo-");
        try {
            DemoDataFiles.write(new DemoDataGenerator(seed, customers, end, 3), dir);
            importFile(dir, DemoDataFiles.STORES, "stores");
            importFile(dir, DemoDataFiles.PRODUCTS, "products");
            importFile(dir, DemoDataFiles.CUSTOMERS, "customers");
            importFile(dir, DemoDataFiles.ORDERS, "orders");
            importFile(dir, DemoDataFiles.EVENTS, "events");
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        log.info("Demo data loaded in {} s", (System.nanoTime() - started) / 1_000_000_000);
    }

    private void importFile(Path dir, String file, String kind) throws IOException {
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            jobs.runNow(kind, "native", SOURCE, file, in, Map.of(), "system");
        }
    }
}
