package io.rapport.journey;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.analytics.synthetic.DemoDataFiles;
import io.rapport.analytics.synthetic.DemoDataGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/** What playbook tests share: the demo brand imported at {@link #T0}, its Shanghai customers, holdout lookup. */
abstract class PlaybookTestBase extends JourneyTestBase {

    static final Instant T0 = Instant.parse("2026-03-10T02:00:00Z"); // 10:00 in Shanghai

    @TempDir
    Path dir;

    record Demo(String email) {}

    /** Demo customers with an email in Shanghai's time zone (so quiet hours are known), in file order. */
    List<String> importDemo() throws Exception {
        DemoDataFiles.write(new DemoDataGenerator(11, 400, T0.minus(Duration.ofDays(10)), 1), dir);
        for (String[] file : new String[][] {{DemoDataFiles.STORES, "stores"}, {DemoDataFiles.PRODUCTS, "products"},
                {DemoDataFiles.CUSTOMERS, "customers"}, {DemoDataFiles.ORDERS, "orders"},
                {DemoDataFiles.EVENTS, "events"}}) {
            var job = importFile(file[1], "native", file[0], Files.readAllBytes(dir.resolve(file[0])));
            assertThat(job.status()).as(job.body()).isLessThan(300);
        }
        List<String> emails = new ArrayList<>();
        List<String> lines = Files.readAllLines(dir.resolve(DemoDataFiles.CUSTOMERS));
        List<String> header = List.of(lines.getFirst().split(","));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            String email = cells[header.indexOf("email")];
            if (!email.isBlank() && cells[header.indexOf("time_zone")].equals("Asia/Shanghai")) {
                emails.add(email.toLowerCase(java.util.Locale.ROOT));
            }
        }
        assertThat(emails).hasSizeGreaterThanOrEqualTo(33);
        return emails;
    }

    String sku() throws Exception {
        return Files.readAllLines(dir.resolve(DemoDataFiles.PRODUCTS)).get(1).split(",")[0];
    }

    /** Instances of a journey by customer: whether each is in the holdout. */
    Map<Long, Boolean> holdout(String code) {
        Map<Long, Boolean> result = new HashMap<>();
        admin().get("/api/v1/journeys/" + code + "/instances?limit=1000").json()
                .forEach(i -> result.put(i.get("customerId").asLong(), i.get("holdout").asBoolean()));
        return result;
    }
}
