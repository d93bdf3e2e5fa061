package io.rapport.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.analytics.rfm.RfmScorer;
import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import io.rapport.testing.SharedData;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.jooq.Record;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The scoring job on the UCI Online Retail log (Chen, Sain &amp; Guo 2012) imported with the {@code uci-online-retail}
 * preset: every customer is scored, and each one's RFM inputs and scores equal a brute-force recomputation from the
 * file itself (purchase days in the brand's time zone, spend in CNY at the test's rate of 9 per GBP), and the churn
 * model is trained on the year of history and used.
 */
@org.springframework.test.context.TestPropertySource(properties = "rapport.test.context=scoring-uci")
abstract class UciScoringTests extends ServerTest {

    static final ZoneId LONDON = ZoneId.of("Europe/London");
    static final ZoneId BRAND = ZoneId.of("Asia/Shanghai");
    static final BigDecimal GBP_TO_CNY = BigDecimal.valueOf(9);

    static final String FILE = "online_retail_full.csv.gz";
    /** The log ends on 2011-12-09 in London, which is up to 2011-12-10 in the brand's zone (Asia/Shanghai). */
    static final LocalDate AS_OF = LocalDate.of(2011, 12, 10);
    static final int CUSTOMERS = 4_372;

    /** Per customer: what the summaries should hold, recomputed from the file. */
    static final class Expected {
        final TreeSet<LocalDate> saleDays = new TreeSet<>();
        BigDecimal spend = BigDecimal.ZERO;
    }

    Map<String, Expected> recompute() throws IOException {
        var format = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        Map<String, Expected> customers = new HashMap<>();
        try (InputStream raw = Files.newInputStream(SharedData.file(FILE));
             InputStream in = FILE.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             var reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            for (CSVRecord r : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
                String id = r.get("CustomerID");
                if (id.isBlank()) {
                    continue;
                }
                id = id.endsWith(".0") ? id.substring(0, id.length() - 2) : id;
                var c = customers.computeIfAbsent(id, k -> new Expected());
                c.spend = c.spend.add(new BigDecimal(r.get("Quantity")).multiply(new BigDecimal(r.get("UnitPrice")))
                        .multiply(GBP_TO_CNY));
                String invoice = r.get("InvoiceNo");
                if (!invoice.startsWith("C") && !invoice.startsWith("A")) {
                    c.saleDays.add(LocalDateTime.parse(r.get("InvoiceDate"), format).atZone(LONDON)
                            .withZoneSameInstant(BRAND).toLocalDate());
                }
            }
        }
        return customers;
    }

    @Test
    void should_score_every_customer_with_rfm_inputs_and_scores_equal_to_a_recomputation_from_the_file() throws IOException {
        JsonNode job = importFile("orders", "uci-online-retail", FILE, Files.readAllBytes(SharedData.file(FILE))).json();
        assertThat(job.get("status").asString()).as(job.toString()).isEqualTo("done");
        Map<String, Expected> expected = recompute();
        assertThat(expected).hasSize(CUSTOMERS);

        var response = admin().postJson("/api/v1/scoring/runs?wait=true&asOf=" + AS_OF, "");
        JsonNode run = response.json();
        assertThat(run.get("status").asString()).as(run.toString()).isEqualTo("done");
        System.out.printf(Locale.ROOT, "UCI scoring run: %s%n", run.get("parameters"));

        var rows = db.fetch("""
                select i.id_value, c.* from scoring_current c
                join customer_identity i on i.customer_id = c.customer_id
                where i.kind = 'EXTERNAL' and i.namespace = ?""", source);
        assertThat(rows).hasSize(CUSTOMERS);
        assertThat(run.get("customersScored").asLong()).isEqualTo(CUSTOMERS);

        // the buyers' R, F and M scores from the recomputed figures, by the library's quintile scorer
        var buyers = expected.entrySet().stream().filter(e -> !e.getValue().saleDays.isEmpty()).toList();
        double[] recency = new double[buyers.size()];
        double[] frequency = new double[buyers.size()];
        double[] monetary = new double[buyers.size()];
        Map<String, Integer> slot = new HashMap<>();
        for (int k = 0; k < buyers.size(); k++) {
            var c = buyers.get(k).getValue();
            recency[k] = AS_OF.toEpochDay() - c.saleDays.last().toEpochDay();
            frequency[k] = c.saleDays.size();
            monetary[k] = c.spend.doubleValue();
            slot.put(buyers.get(k).getKey(), k);
        }
        var rfm = new RfmScorer().score(recency, frequency, monetary);

        int withAlive = 0;
        for (Record row : rows) {
            String id = row.get("id_value", String.class);
            var c = expected.get(id);
            assertThat(c).as(id).isNotNull();
            assertThat(row.get("purchase_days", Integer.class)).as(id).isEqualTo(c.saleDays.size());
            assertThat(row.get("total_spend", BigDecimal.class)).as(id).isEqualByComparingTo(c.spend);
            Integer k = slot.get(id);
            if (k == null) {
                assertThat(row.get("lifecycle_stage", String.class)).as(id).isEqualTo("POTENTIAL");
                assertThat(row.get("recency_score", Integer.class)).as(id).isNull();
                continue;
            }
            assertThat(row.get("days_since_last", Integer.class)).as(id).isEqualTo((int) recency[k]);
            assertThat(row.get("repeat_days", Integer.class)).as(id).isEqualTo(c.saleDays.size() - 1);
            assertThat(row.get("first_to_last_days", Integer.class)).as(id)
                    .isEqualTo((int) (c.saleDays.last().toEpochDay() - c.saleDays.first().toEpochDay()));
            assertThat(row.get("recency_score", Integer.class)).as(id).isEqualTo(rfm.recency()[k]);
            assertThat(row.get("frequency_score", Integer.class)).as(id).isEqualTo(rfm.frequency()[k]);
            assertThat(row.get("monetary_score", Integer.class)).as(id).isEqualTo(rfm.monetary()[k]);
            Double alive = row.get("p_alive", Double.class);
            if (alive != null) {
                assertThat(alive).as(id).isBetween(0.0, 1.0);
                withAlive++;
            }
            Double risk = row.get("churn_risk", Double.class);
            if (risk != null) {
                assertThat(risk).as(id).isBetween(0.0, 1.0);
            }
        }
        assertThat(withAlive).isEqualTo(buyers.size());
        JsonNode bgNbd = run.get("parameters").get("bgNbd");
        assertThat(bgNbd.get("r").asDouble()).isPositive();
        assertThat(run.get("logLikelihood").asDouble()).isNegative();

        // a year of history: the churn model's time split (cutoff 2011-06-13) has enough customers to train on
        assertThat(run.get("churnSource").asString()).isEqualTo("model");
        JsonNode churn = run.get("parameters").get("churn");
        assertThat(churn.get("cutoff").asString()).isEqualTo("2011-06-13");
        assertThat(churn.get("auc").asDouble()).isBetween(0.6, 1.0);
        assertThat(db.fetchCount(db.selectFrom("scoring_current").where("churn_risk is not null")))
                .isEqualTo(buyers.size());
    }
}

@OnH2
class UciScoringOnH2Test extends UciScoringTests {}

@OnPostgres
class UciScoringOnPostgresTest extends UciScoringTests {}
