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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** What playbook tests share: the demo brand imported at {@link #T0}, its Shanghai customers, holdout lookup. */
abstract class PlaybookTestBase extends JourneyTestBase {

    static final Instant T0 = Instant.parse("2026-03-10T02:00:00Z"); // 10:00 in Shanghai

    @TempDir
    Path dir;

    private final List<String> activePlaybooks = new ArrayList<>();

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

    /** A demo file's rows, column name to value (RFC 4180). */
    List<Map<String, String>> rows(String file) throws Exception {
        try (var parser = org.apache.commons.csv.CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .get().parse(Files.newBufferedReader(dir.resolve(file)))) {
            return parser.stream().map(org.apache.commons.csv.CSVRecord::toMap).toList();
        }
    }

    /** A sale line of a demo customer (email empty when they have none) on a day in Shanghai. */
    record Bought(String customer, String email, java.time.LocalDate day, String sku) {}

    /**
     * From the demo files: sale lines of the products {@code product} accepts (a products.csv row) that no return or
     * cancellation of the same order undid.
     */
    List<Bought> keptPurchases(java.util.function.Predicate<Map<String, String>> product) throws Exception {
        java.util.Set<String> skus = new java.util.HashSet<>();
        rows(DemoDataFiles.PRODUCTS).stream().filter(product).forEach(p -> skus.add(p.get("sku")));
        Map<String, String> emails = new HashMap<>();
        rows(DemoDataFiles.CUSTOMERS).forEach(c -> emails.put(c.get("customer_id"),
                c.get("email").toLowerCase(java.util.Locale.ROOT)));
        List<Map<String, String>> lines = rows(DemoDataFiles.ORDERS);
        java.util.Set<String> undone = new java.util.HashSet<>();
        for (Map<String, String> l : lines) {
            if (!l.get("kind").equals("sale")) {
                undone.add(l.get("original_order_id") + "|" + l.get("sku"));
            }
        }
        List<Bought> kept = new ArrayList<>();
        for (Map<String, String> l : lines) {
            if (l.get("kind").equals("sale") && skus.contains(l.get("sku"))
                    && !undone.contains(l.get("order_id") + "|" + l.get("sku"))) {
                kept.add(new Bought(l.get("customer_id"), emails.getOrDefault(l.get("customer_id"), ""),
                        Instant.parse(l.get("ordered_at")).atZone(java.time.ZoneId.of("Asia/Shanghai"))
                                .toLocalDate(), l.get("sku")));
            }
        }
        return kept;
    }

    /**
     * The daily date check as the hourly timer would run it, day by day from {@code first}: at 10:00 in Shanghai,
     * except on the first day, when it runs only at 21:30 (a late check: its messages must wait for the morning,
     * {@code atNight} says to whom none may have gone). {@code capped} has used the day's marketing cap on
     * {@code cappedDay} before the check; {@code after} runs after each day's check, timers and dispatch.
     */
    void dailyDateChecks(JourneyEngine engine, java.time.LocalDate first, int days, List<String> atNight,
                         String capped, java.time.LocalDate cappedDay,
                         java.util.function.Consumer<java.time.LocalDate> after, String... subjects) throws Exception {
        java.time.ZoneId shanghai = java.time.ZoneId.of("Asia/Shanghai");
        for (int d = 0; d < days; d++) {
            java.time.LocalDate day = first.plusDays(d);
            if (d == 0) {
                clock.set(day.atTime(21, 30).atZone(shanghai).toInstant());
                engine.runDateTriggers();
                outbox.dispatchDue();
                for (String e : atNight) {
                    assertThat(received(e, subjects)).as("nothing at night to " + e).isZero();
                }
                clock.set(day.plusDays(1).atTime(9, 0).atZone(shanghai).toInstant());
                awaitTimers(() -> dueTimers() == 0);
                outbox.dispatchDue();
                after.accept(day);
                continue;
            }
            clock.set(day.atTime(9, 0).atZone(shanghai).toInstant());
            awaitTimers(() -> dueTimers() == 0);
            assertThat(engine.runDateTriggers()).as("before 10:00 on " + day).isZero();
            if (day.equals(cappedDay)) {
                capToday(capped);
            }
            clock.set(day.atTime(10, 0).atZone(shanghai).toInstant());
            engine.runDateTriggers();
            awaitTimers(() -> dueTimers() == 0);
            outbox.dispatchDue();
            after.accept(day);
        }
    }

    /** Two marketing messages already today for this customer: a third would break the daily cap. */
    void capToday(String email) {
        template("promo", "marketing", List.of("n"), "本周活动 {{n}}");
        long id = customerByEmail(email);
        for (int n = 1; n <= 2; n++) {
            assertThat(outbox.enqueue(new io.rapport.channel.SendRequest(source + "-promo-" + id + "-" + n
                    + clock.instant().getEpochSecond(), id, "promo", Map.of("n", Integer.toString(n)), "test"))
                    .status()).isEqualTo("PENDING");
        }
    }

    void noConsent(String email) {
        io.rapport.channel.ChannelTestSupport.marketingConsent(consents, customerByEmail(email), false, "email");
    }

    /** How many emails to this address have a subject containing one of these fragments (zh-CN or en). */
    int received(String email, String... subjects) throws Exception {
        int count = 0;
        for (jakarta.mail.internet.MimeMessage m : mailTo(email)) {
            if (java.util.Arrays.stream(subjects).anyMatch(m.getSubject()::contains)) {
                count++;
            }
        }
        return count;
    }

    void install(String playbook) {
        var installed = admin().postJson("/api/v1/journeys/playbooks/" + playbook + "?activate=true", "");
        assertThat(installed.status()).as(installed.body()).isEqualTo(200);
        activePlaybooks.add(installed.json().get("code").asString());
    }

    /** Test classes share one database: a playbook left active would enrol the next class's customers. */
    @AfterEach
    void pausePlaybooks() {
        activePlaybooks.forEach(code -> journeys.setStatus(code, "paused"));
        activePlaybooks.clear();
    }

    long entered(String code) {
        var stats = journeys.stats(code);
        return stats.treatment().entered() + stats.holdout().entered();
    }

    /** Instances of a journey by customer: whether each is in the holdout. */
    Map<Long, Boolean> holdout(String code) {
        Map<Long, Boolean> result = new HashMap<>();
        admin().get("/api/v1/journeys/" + code + "/instances?limit=1000").json()
                .forEach(i -> result.put(i.get("customerId").asLong(), i.get("holdout").asBoolean()));
        return result;
    }
}
