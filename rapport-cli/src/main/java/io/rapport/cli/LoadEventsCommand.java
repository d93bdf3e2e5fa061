package io.rapport.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rapport load-events}: a load client for the event API. Several clients post batches of generated events
 * for known customers to {@code POST /api/v1/events} and the command reports events/s committed, request
 * latency and what the server answered (accepted, anonymous, duplicates, rejected).
 */
@Command(
        name = "load-events",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Load-test the event API: post generated events for known customers in batches from several "
                    + "concurrent clients, then report events/s committed and p50/p99 request latency.",
            "",
            "The customers come from a customers.csv (column customer_id, as written by 'rapport generate'); "
                    + "each event names one of them by customer_id within --source, so the server attaches it "
                    + "and maintains that customer's summary."
        },
        footer = {"", "Example:",
            "  rapport load-events --user admin --password secret --customers-file demo-data/customers.csv "
                    + "--source demo --events 200000 --batch 1000 --clients 4"})
final class LoadEventsCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://localhost:8080",
            description = "Base URL of the Rapport server (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY", description = "API key (sent as X-API-Key).")
    String apiKey;

    @Option(names = "--user", paramLabel = "USER", description = "User for HTTP Basic authentication (with --password).")
    String user;

    @Option(names = "--password", paramLabel = "P", description = "Password of --user.")
    String password;

    @Option(names = {"-n", "--events"}, paramLabel = "N", defaultValue = "100000",
            description = "Number of events to send (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "1000",
            description = "Events per request, 1 to 100000; the server refuses more than its rapport.ingest.max-batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--clients", paramLabel = "C", defaultValue = "4",
            description = "Concurrent clients, each with one request in flight, 1 to 256 (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--customers-file", paramLabel = "FILE", required = true,
            description = "CSV with a header and a customer_id column (e.g. customers.csv of 'rapport generate').")
    Path customersFile;

    @Option(names = "--customer-col", paramLabel = "NAME", defaultValue = "customer_id",
            description = "Column of --customers-file holding the customer id (default: ${DEFAULT-VALUE}).")
    String customerColumn;

    @Option(names = "--source", paramLabel = "SRC", defaultValue = "demo",
            description = "Source the customers were imported from; it scopes customer_id and the events' external ids (default: ${DEFAULT-VALUE}).")
    String source;

    @Option(names = "--run-id", paramLabel = "ID",
            description = "Prefix of the events' external ids (default: the current time): a second run with the same id sends only duplicates.")
    String runId;

    @Option(names = {"-s", "--seed"}, paramLabel = "S", defaultValue = "42",
            description = "Seed choosing customers, types and times (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = {"-q", "--quiet"}, description = "Do not show progress on standard error.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        validate();
        List<String> customers = readCustomerIds(customersFile, customerColumn);
        String run = runId != null ? runId : "load-" + Long.toString(System.currentTimeMillis(), 36);
        var generator = new LoadEvents(customers, source, run, seed, Instant.now().minusSeconds(60));
        var target = URI.create(url.replaceAll("/+$", "") + "/api/v1/events");
        String auth = apiKey != null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));

        long batches = (events + batch - 1) / batch;
        var next = new AtomicLong();
        var totals = new Totals();
        long[] latencies = new long[(int) batches];
        var failure = new AtomicReference<String>();
        var err = spec.commandLine().getErr();
        var progress = new ProgressMeter(err, !quiet, ProgressMeter.onTerminal());

        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build()) {
            long started = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                threads.add(Thread.ofPlatform().name("load-client-" + c).start(() -> {
                    long b;
                    while (failure.get() == null && (b = next.getAndIncrement()) < batches) {
                        long from = b * batch;
                        int size = (int) Math.min(batch, events - from);
                        var request = HttpRequest.newBuilder(target).timeout(Duration.ofMinutes(2))
                                .header("Content-Type", "application/json")
                                .header(apiKey != null ? "X-API-Key" : "Authorization", apiKey != null ? apiKey : auth)
                                .POST(HttpRequest.BodyPublishers.ofString(generator.batchJson(from, size)))
                                .build();
                        long t0 = System.nanoTime();
                        try {
                            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                            latencies[(int) b] = System.nanoTime() - t0;
                            if (response.statusCode() != 200 && response.statusCode() != 207) {
                                failure.compareAndSet(null, "HTTP " + response.statusCode() + " from " + target + ": "
                                        + abbreviate(response.body()));
                                return;
                            }
                            totals.add(BatchCounts.parse(response.body()));
                            progress.update(totals.sent(), events);
                        } catch (IOException e) {
                            failure.compareAndSet(null, "request to " + target + " failed: " + FailureMessage.of(e));
                            return;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            progress.finish();
            if (failure.get() != null) {
                throw new FailureMessage.CommandFailure(failure.get());
            }
            report(seconds, latencies, totals);
        }
        return CommandLine.ExitCode.OK;
    }

    private void validate() {
        if (events < 1) {
            throw usage("--events must be at least 1, was " + events);
        }
        if (batch < 1 || batch > 100_000) {
            throw usage("--batch must be between 1 and 100000, was " + batch);
        }
        if (clients < 1 || clients > 256) {
            throw usage("--clients must be between 1 and 256, was " + clients);
        }
        if ((events + batch - 1) / batch > Integer.MAX_VALUE - 8) {
            throw usage("--events / --batch gives too many requests");
        }
        if (apiKey != null && (user != null || password != null)) {
            throw usage("give either --api-key or --user and --password, not both");
        }
        if (apiKey == null && (user == null || password == null)) {
            throw usage("credentials missing: give --api-key KEY, or --user USER and --password P");
        }
        if (!source.matches("[a-z0-9][a-z0-9_-]{0,59}")) {
            throw usage("--source must be 1-60 lower-case letters, digits, '_' or '-', was '" + source + "'");
        }
        if (runId != null && !runId.matches("[A-Za-z0-9._-]{1,60}")) {
            throw usage("--run-id must be 1-60 letters, digits, '.', '_' or '-', was '" + runId + "'");
        }
        try {
            URI u = URI.create(url);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw usage("--url must be an http or https URL such as http://localhost:8080, was '" + url + "'");
            }
        } catch (IllegalArgumentException e) {
            throw usage("--url '" + url + "' is not a URL: " + e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    static List<String> readCustomerIds(Path file, String column) throws IOException {
        if (!Files.isReadable(file)) {
            throw new FailureMessage.CommandFailure("cannot read customers file " + file);
        }
        List<String> ids = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CSVParser csv = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
            if (!csv.getHeaderMap().containsKey(column)) {
                throw new FailureMessage.CommandFailure("no column '" + column + "' in " + file + "; the header has: "
                        + String.join(", ", csv.getHeaderNames()));
            }
            for (CSVRecord row : csv) {
                String id = row.get(column).strip();
                if (!id.isEmpty()) {
                    ids.add(id);
                }
            }
        }
        if (ids.isEmpty()) {
            throw new FailureMessage.CommandFailure(file + " has no customer ids in column '" + column + "'");
        }
        return ids;
    }

    private void report(double seconds, long[] latencies, Totals t) {
        long[] sorted = Arrays.copyOf(latencies, latencies.length);
        Arrays.sort(sorted);
        long stored = t.accepted.get() + t.anonymous.get();
        var o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "Sent %,d events in %,d requests of up to %,d from %d clients in %.1f s%n",
                t.sent(), latencies.length, batch, clients, seconds);
        o.printf(Locale.ROOT, "  committed   %,12.0f events/s  (accepted + anonymous + duplicates)%n", t.sent() / seconds);
        o.printf(Locale.ROOT, "  stored      %,12.0f events/s  (accepted + anonymous)%n", stored / seconds);
        o.printf(Locale.ROOT, "  latency     p50 %,.0f ms  p99 %,.0f ms  max %,.0f ms%n",
                percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6, sorted[sorted.length - 1] / 1e6);
        o.printf(Locale.ROOT, "  accepted    %,12d%n", t.accepted.get());
        o.printf(Locale.ROOT, "  anonymous   %,12d%n", t.anonymous.get());
        o.printf(Locale.ROOT, "  duplicates  %,12d%n", t.duplicates.get());
        o.printf(Locale.ROOT, "  rejected    %,12d%n", t.rejected.get());
        o.flush();
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static String abbreviate(String body) {
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 297) + "...";
    }

    /** The counts of one response: {@code {"accepted":…,"anonymous":…,"duplicates":…,"rejected":…,"items":[…]}}. */
    record BatchCounts(long accepted, long anonymous, long duplicates, long rejected) {

        private static final java.util.regex.Pattern COUNT =
                java.util.regex.Pattern.compile("\"(accepted|anonymous|duplicates|rejected)\"\\s*:\\s*(\\d+)");

        /** Reads the top-level counts, which the server writes before the per-item results. */
        static BatchCounts parse(String body) {
            int items = body.indexOf("\"items\"");
            var m = COUNT.matcher(items < 0 ? body : body.substring(0, items));
            long[] v = new long[4];
            boolean[] seen = new boolean[4];
            while (m.find()) {
                int i = List.of("accepted", "anonymous", "duplicates", "rejected").indexOf(m.group(1));
                v[i] = Long.parseLong(m.group(2));
                seen[i] = true;
            }
            for (boolean s : seen) {
                if (!s) {
                    throw new FailureMessage.CommandFailure("unexpected response from the event API: " + abbreviate(body));
                }
            }
            return new BatchCounts(v[0], v[1], v[2], v[3]);
        }
    }

    private static final class Totals {
        final AtomicLong accepted = new AtomicLong();
        final AtomicLong anonymous = new AtomicLong();
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();

        void add(BatchCounts c) {
            accepted.addAndGet(c.accepted());
            anonymous.addAndGet(c.anonymous());
            duplicates.addAndGet(c.duplicates());
            rejected.addAndGet(c.rejected());
        }

        long sent() {
            return accepted.get() + anonymous.get() + duplicates.get() + rejected.get();
        }
    }
}
