package io.rapport.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

import io.rapport.analytics.clv.BetaGeoFitter;
import io.rapport.analytics.clv.BgNbdParameters;
import io.rapport.analytics.clv.ClvSettings;
import io.rapport.analytics.clv.CustomerLifetimeValue;
import io.rapport.analytics.clv.GammaGammaParameters;
import io.rapport.analytics.clv.ModelFitException;
import io.rapport.analytics.lifecycle.LifecycleStage;
import io.rapport.analytics.rfm.SpendTier;
import io.rapport.customer.CustomerSummaries;
import io.rapport.ingest.IngestStatistics;
import io.rapport.testing.Http;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.PublishedEvents;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Scoring runs over stored summaries: what they store, that they match the library, the events and the dashboard. */
// Scoring reads every customer in the database: these classes get a database of their own (a separate Spring
// context) so that what other test classes imported cannot change the fitted models they check.
@org.springframework.test.context.TestPropertySource(properties = "rapport.test.context=scoring")
abstract class ScoringTests extends ServerTest {

    static final String ORDERS = "order_id,line_no,customer_id,email,phone,channel,store_code,ordered_at,sku,quantity,"
            + "unit_price,discount,coupon_code,currency,kind,original_order_id\n";
    static final ZoneId BRAND = ZoneId.of("Asia/Shanghai");

    @Autowired
    CustomerSummaries summaries;
    @Autowired
    IngestStatistics statistics;
    @RegisterExtension
    final PublishedEvents published = new PublishedEvents();

    /**
     * Sixty customers of this test: a third buy once, a third buy two to four times in a few weeks and lapse, a third
     * keep buying every month or two (without lapsed customers BG/NBD has no evidence of dropout to fit).
     */
    String population() {
        Random random = new Random(7);
        StringBuilder csv = new StringBuilder(ORDERS);
        for (int c = 0; c < 60; c++) {
            int days = c % 3 == 0 ? 1 : c % 3 == 1 ? 2 + random.nextInt(3) : 30;
            int gap = c % 3 == 1 ? 20 + random.nextInt(20) : 30 + random.nextInt(40);
            LocalDate day = LocalDate.of(2024, 1, 1).plusDays(random.nextInt(200));
            for (int d = 0; d < days && day.isBefore(LocalDate.of(2025, 12, 1)); d++) {
                csv.append(order(source + "-" + c + "-" + d, email(c), day, 50 + random.nextInt(400)));
                day = day.plusDays(gap / 2 + random.nextInt(gap));
            }
        }
        return csv.toString();
    }

    String email(int c) {
        return "s" + c + "." + source + "@example.com";
    }

    static String order(String id, String email, LocalDate day, int price) {
        return id + ",1,," + email + ",,shop,," + day + "T04:00:00Z,SKU-1,1," + price + ",0,,CNY,sale,\n";
    }

    void importOrders(String csv) {
        JsonNode job = importFile("orders", "native", "orders.csv", csv.getBytes(StandardCharsets.UTF_8)).json();
        assertThat(job.get("rejected").asLong()).as(job.toString()).isZero();
    }

    long customer(String email) {
        JsonNode hits = admin().get("/api/v1/customers?q=" + email).json().get("hits");
        assertThat(hits).hasSize(1);
        return hits.get(0).get("id").asLong();
    }

    JsonNode run(Http as, String asOf) {
        var response = as.postJson("/api/v1/scoring/runs?wait=true&asOf=" + asOf, "");
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        JsonNode run = response.json();
        assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("done");
        return run;
    }

    long count(String table, org.jooq.Condition condition) {
        return db.fetchCount(table(table), condition);
    }

    @Test
    void should_store_one_current_row_per_active_customer_and_one_history_row_per_customer_per_run() {
        importOrders(population());

        JsonNode first = run(admin(), "2025-12-31");
        JsonNode second = run(admin(), "2025-12-31");

        long active = count("customer_profile", field("status").eq("active"));
        assertThat(first.get("customersScored").asLong()).isEqualTo(active);
        assertThat(count("scoring_current", org.jooq.impl.DSL.noCondition())).isEqualTo(active);
        assertThat(count("scoring_current", field("run_id").eq(second.get("id").asLong()))).isEqualTo(active);
        assertThat(count("scoring_history", field("run_id").eq(first.get("id").asLong()))).isEqualTo(active);
        assertThat(count("scoring_history", field("run_id").eq(second.get("id").asLong()))).isEqualTo(active);
        assertThat(first.get("parameters").get("bgNbd").get("r").asDouble()).isPositive();
        assertThat(first.get("logLikelihood").asDouble()).isNegative();

        JsonNode report = admin().get("/api/v1/customers/" + customer(email(1)) + "/scores").json();
        assertThat(report.get("history")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(report.get("current").get("runId").asLong()).isEqualTo(second.get("id").asLong());
        assertThat(report.get("parameters").get("bgNbd").has("alpha")).isTrue();
        assertThat(report.get("current").get("inputs").get("purchaseDays").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(admin().get("/api/v1/scoring/runs").json().get(0).get("id").asLong())
                .isEqualTo(second.get("id").asLong());
    }

    @Test
    void should_give_the_same_scores_as_the_library_called_directly_on_the_same_inputs() {
        importOrders(population());
        LocalDate asOf = LocalDate.of(2025, 12, 31);
        JsonNode run = run(admin(), asOf.toString());

        // the documented inputs, rebuilt here from the stored summaries
        List<double[]> rows = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        summaries.forEachActive(s -> {
            if (s.purchaseDays() == 0) {
                return;
            }
            long first = s.firstPurchaseAt().atZoneSameInstant(BRAND).toLocalDate().toEpochDay();
            long last = s.lastPurchaseAt().atZoneSameInstant(BRAND).toLocalDate().toEpochDay();
            double x = s.purchaseDays() - 1;
            double tx = x == 0 ? 0 : last - first;
            double age = Math.max(asOf.toEpochDay() - first, tx);
            double m = x > 0 ? s.totalSpend().doubleValue() / s.orderCount() : 0;
            rows.add(new double[] {x, tx, age, m});
            ids.add(s.customerId());
        });
        double[] x = rows.stream().mapToDouble(r -> r[0]).toArray();
        double[] tx = rows.stream().mapToDouble(r -> r[1]).toArray();
        double[] age = rows.stream().mapToDouble(r -> r[2]).toArray();
        // the documented choice of fit: maximum likelihood, or the penalised fit (λ = 1e-4) where that has no
        // usable maximum (none at all, or a, b > 10^4)
        BgNbdParameters model;
        try {
            model = new BetaGeoFitter().fit(x, tx, age);
        } catch (ModelFitException e) {
            model = new BetaGeoFitter().fitPenalized(x, tx, age, 1e-4);
        }
        if (Math.max(model.a(), model.b()) > ScoreCalculator.MAX_BETA_SHAPE) {
            model = new BetaGeoFitter().fitPenalized(x, tx, age, 1e-4);
        }

        JsonNode fitted = run.get("parameters").get("bgNbd");
        assertThat(fitted.get("r").asDouble()).isCloseTo(model.r(), within(1e-9));
        assertThat(fitted.get("alpha").asDouble()).isCloseTo(model.alpha(), within(1e-9));
        assertThat(fitted.get("a").asDouble()).isCloseTo(model.a(), within(1e-9));
        assertThat(fitted.get("b").asDouble()).isCloseTo(model.b(), within(1e-9));
        JsonNode gg = run.get("parameters").get("gammaGamma");
        var spend = GammaGammaParameters.of(gg.get("p").asDouble(), gg.get("q").asDouble(), gg.get("gamma").asDouble());
        var clv = new CustomerLifetimeValue(model, spend, new ClvSettings(12, 0.01, 1.0, ClvSettings.DAYS_PER_MONTH));

        int checked = 0;
        for (int c = 0; c < 60; c += 7) {
            long id = customer(email(c));
            int i = ids.indexOf(id);
            JsonNode score = admin().get("/api/v1/customers/" + id + "/scores").json().get("current");
            assertThat(score.get("inputs").get("repeatDays").asInt()).isEqualTo((int) x[i]);
            assertThat(score.get("inputs").get("firstToLastDays").asInt()).isEqualTo((int) tx[i]);
            assertThat(score.get("inputs").get("ageDays").asInt()).isEqualTo((int) age[i]);
            assertThat(score.get("probabilityAlive").asDouble())
                    .isCloseTo(model.probabilityAlive(x[i], tx[i], age[i]), within(1e-9));
            assertThat(score.get("repurchaseProbability").asDouble())
                    .isCloseTo(model.probabilityOfPurchaseWithin(90, x[i], tx[i], age[i]), within(1e-9));
            assertThat(score.get("churnRisk").asDouble())
                    .isCloseTo(1 - model.probabilityOfPurchaseWithin(180, x[i], tx[i], age[i]), within(1e-9));
            if (run.get("parameters").path("notes").has("expectedPurchases")) {
                // the documented degenerate case (a, b > 10^4, see ScoreCalculator.MAX_BETA_SHAPE): CLV left empty
                assertThat(Math.max(model.a(), model.b())).isGreaterThan(ScoreCalculator.MAX_BETA_SHAPE);
                assertThat(score.path("lifetimeValue").isNull() || score.path("lifetimeValue").isMissingNode()).isTrue();
            } else {
                assertThat(score.get("lifetimeValue").asDouble()).as("%s; %s", run.get("parameters"), score)
                        .isCloseTo(clv.of(x[i], tx[i], age[i], rows.get(i)[3]), within(1e-6));
            }
            checked++;
        }
        assertThat(checked).isEqualTo(9);
    }

    @Test
    void should_publish_events_when_a_customers_stage_tier_or_repurchase_chance_changes() {
        importOrders(population());
        String regular = "regular." + source + "@example.com";
        StringBuilder csv = new StringBuilder(ORDERS);
        for (int month = 1; month <= 6; month++) {
            csv.append(order(source + "-regular-" + month, regular, LocalDate.of(2025, month, 10), 2_000));
        }
        importOrders(csv.toString());
        long id = customer(regular);

        run(admin(), "2025-07-01");
        JsonNode before = admin().get("/api/v1/customers/" + id + "/scores").json().get("current");
        assertThat(published).noneMatch(e -> e instanceof LifecycleStageChanged c && c.customerId() == id)
                .as("a customer's first scores are no change");
        assertThat(before.get("spendTier").asString()).isEqualTo("BLACK");
        assertThat(before.get("lifecycleStage").asString()).isEqualTo("ACTIVE");

        run(admin(), "2026-09-30");

        JsonNode after = admin().get("/api/v1/customers/" + id + "/scores").json().get("current");
        assertThat(after.get("lifecycleStage").asString()).isEqualTo("CHURNED");
        assertThat(after.get("reasons").toString()).contains("the usual interval");
        assertThat(published).filteredOn(e -> e instanceof LifecycleStageChanged c && c.customerId() == id)
                .singleElement().satisfies(e -> {
                    var change = (LifecycleStageChanged) e;
                    assertThat(change.from()).isEqualTo(LifecycleStage.ACTIVE);
                    assertThat(change.to()).isEqualTo(LifecycleStage.CHURNED);
                    assertThat(change.asOf()).isEqualTo(LocalDate.of(2026, 9, 30));
                });
        assertThat(published).filteredOn(e -> e instanceof SpendTierChanged c && c.customerId() == id)
                .singleElement().satisfies(e -> assertThat(((SpendTierChanged) e).to()).isEqualTo(SpendTier.SILVER));
        assertThat(published).filteredOn(e -> e instanceof RepurchaseProbabilityFell c && c.customerId() == id)
                .singleElement().satisfies(e -> {
                    var fell = (RepurchaseProbabilityFell) e;
                    assertThat(fell.previousProbability()).isGreaterThanOrEqualTo(0.2);
                    assertThat(fell.repurchaseProbability()).isLessThan(0.2)
                            .isCloseTo(after.get("repurchaseProbability").asDouble(), within(1e-9));
                    assertThat(fell.threshold()).isEqualTo(0.2);
                    assertThat(fell.windowDays()).isEqualTo(90);
                });
        assertThat(published).filteredOn(e -> e instanceof ChurnRiskCrossed c && c.customerId() == id)
                .as("churn risk comes from the stored risk (here the BG/NBD fallback: 60 customers train no model)")
                .singleElement().satisfies(e -> {
                    var crossed = (ChurnRiskCrossed) e;
                    assertThat(crossed.previousRisk()).isLessThan(0.5)
                            .isCloseTo(before.get("churnRisk").asDouble(), within(1e-9));
                    assertThat(crossed.churnRisk()).isGreaterThanOrEqualTo(0.5)
                            .isCloseTo(after.get("churnRisk").asDouble(), within(1e-9));
                    assertThat(crossed.threshold()).isEqualTo(0.5);
                    assertThat(crossed.source()).isEqualTo("fallback");
                });
    }

    @Test
    void should_publish_a_score_crossing_once_and_not_again_while_the_customer_stays_past_it() {
        importOrders(population());
        String regular = "stays." + source + "@example.com";
        StringBuilder csv = new StringBuilder(ORDERS);
        for (int month = 1; month <= 6; month++) {
            csv.append(order(source + "-stays-" + month, regular, LocalDate.of(2025, month, 10), 300));
        }
        importOrders(csv.toString());
        long id = customer(regular);
        run(admin(), "2025-07-01");
        run(admin(), "2026-09-30");
        assertThat(published).filteredOn(e -> e instanceof RepurchaseProbabilityFell c && c.customerId() == id)
                .hasSize(1);
        assertThat(published).filteredOn(e -> e instanceof ChurnRiskCrossed c && c.customerId() == id).hasSize(1);
        published.clear();

        run(admin(), "2026-10-31");

        JsonNode later = admin().get("/api/v1/customers/" + id + "/scores").json().get("current");
        assertThat(later.get("repurchaseProbability").asDouble()).isLessThan(0.2);
        assertThat(later.get("churnRisk").asDouble()).isGreaterThanOrEqualTo(0.5);
        assertThat(published).noneMatch(e -> e instanceof RepurchaseProbabilityFell c && c.customerId() == id);
        assertThat(published).noneMatch(e -> e instanceof ChurnRiskCrossed c && c.customerId() == id);
    }

    @Test
    void should_add_up_the_dashboard_figures_to_the_customers_scored() {
        importOrders(population());
        run(admin(), "2025-12-31");

        JsonNode d = admin().get("/api/v1/scoring/dashboard").json();
        long customers = count("scoring_current", org.jooq.impl.DSL.noCondition());
        long buyers = count("scoring_current", field("purchase_days").gt(0));
        long grid = 0;
        for (JsonNode row : d.get("rfmGrid")) {
            for (JsonNode cell : row) {
                grid += cell.asLong();
            }
        }
        assertThat(d.get("customers").asLong()).isEqualTo(customers);
        assertThat(grid).isEqualTo(buyers).isEqualTo(d.get("buyers").asLong());
        assertThat(sum(d.get("tiers"))).isEqualTo(customers);
        assertThat(sum(d.get("lifecycle"))).isEqualTo(customers);
        assertThat(d.get("lifecycle").get("POTENTIAL").asLong()).isEqualTo(customers - buyers);
        assertThat(sum(d.get("churnRisk").get("counts"))).isEqualTo(count("scoring_current", field("churn_risk").isNotNull()));
        assertThat(sum(d.get("lifetimeValue").get("counts")))
                .isEqualTo(count("scoring_current", field("lifetime_value").isNotNull()));
        JsonNode pareto = d.get("pareto");
        assertThat(pareto.get(pareto.size() - 1).get("revenueShare").asDouble()).isCloseTo(1.0, within(1e-9));
        assertThat(d.get("repurchaseRate").asDouble())
                .isCloseTo((double) count("scoring_current", field("purchase_days").ge(2)) / buyers, within(1e-12));
    }

    private static long sum(JsonNode values) {
        long total = 0;
        for (JsonNode v : values) {
            total += v.asLong();
        }
        return total;
    }

    @Test
    void should_compute_cohort_retention_as_counted_by_hand() {
        // January 2001 cohort: a buys again in Feb and Apr, b in Feb, c in Mar, d only in January (twice) and
        // returns in March (a return is not buying again). February cohort: e buys again in March.
        String a = "a." + source + "@example.com", b = "b." + source + "@example.com", c = "c." + source + "@example.com";
        String d = "d." + source + "@example.com", e = "e." + source + "@example.com";
        importOrders(ORDERS
                + order(source + "-a1", a, LocalDate.of(2001, 1, 5), 10) + order(source + "-a2", a, LocalDate.of(2001, 2, 5), 10)
                + order(source + "-a3", a, LocalDate.of(2001, 4, 5), 10)
                + order(source + "-b1", b, LocalDate.of(2001, 1, 6), 10) + order(source + "-b2", b, LocalDate.of(2001, 2, 28), 10)
                + order(source + "-c1", c, LocalDate.of(2001, 1, 7), 10) + order(source + "-c2", c, LocalDate.of(2001, 3, 1), 10)
                + order(source + "-d1", d, LocalDate.of(2001, 1, 8), 10) + order(source + "-d2", d, LocalDate.of(2001, 1, 20), 10)
                + source + "-d3,1,," + d + ",,shop,,2001-03-03T04:00:00Z,SKU-1,-1,10,0,,CNY,return," + source + "-d1\n"
                + order(source + "-e1", e, LocalDate.of(2001, 2, 9), 10) + order(source + "-e2", e, LocalDate.of(2001, 3, 9), 10));

        var cohorts = statistics.cohortRetention(LocalDate.of(2001, 6, 30), 12);

        var january = cohorts.stream().filter(k -> k.month().equals(YearMonth.of(2001, 1))).findFirst().orElseThrow();
        assertThat(january.customers()).isEqualTo(4);
        assertThat(january.retention()).containsExactly(0.5, 0.25, 0.25, 0.0, 0.0);
        var february = cohorts.stream().filter(k -> k.month().equals(YearMonth.of(2001, 2))).findFirst().orElseThrow();
        assertThat(february.customers()).isEqualTo(1);
        assertThat(february.retention()).containsExactly(1.0, 0.0, 0.0, 0.0);
    }

    @Test
    void should_let_every_customer_facing_role_read_scores_but_only_admins_and_analysts_run_them() {
        importOrders(population());
        long id = customer(email(2));
        run(user(false, "analyst"), "2025-12-31");
        for (String role : List.of("marketer", "service_agent", "analyst", "admin")) {
            Http reader = user(false, role);
            assertThat(reader.get("/api/v1/scoring/runs").status()).as(role).isEqualTo(200);
            assertThat(reader.get("/api/v1/scoring/dashboard").status()).as(role).isEqualTo(200);
            assertThat(reader.get("/api/v1/customers/" + id + "/scores").status()).as(role).isEqualTo(200);
        }
        for (String role : List.of("marketer", "service_agent", "auditor")) {
            var response = user(false, role).postJson("/api/v1/scoring/runs?wait=true", "");
            assertThat(response.status()).as(role).isEqualTo(403);
            assertThat(response.json().get("code").asString()).isEqualTo("forbidden");
        }
        Http auditor = user(false, "auditor");
        assertThat(auditor.get("/api/v1/scoring/dashboard").status()).isEqualTo(403);
        assertThat(auditor.get("/api/v1/customers/" + id + "/scores").status()).isEqualTo(403);
        assertThat(anonymous().get("/api/v1/scoring/runs").status()).isEqualTo(401);
    }
}

@OnH2
class ScoringOnH2Test extends ScoringTests {}

@OnPostgres
class ScoringOnPostgresTest extends ScoringTests {}
