package io.rapport.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.ObjectMapper;

class ClvFitCommandTest {

    @TempDir
    Path tmp;

    private final CliRun cli = new CliRun();

    @Test
    void should_reproduce_fader_hardie_lee_2005_on_the_cdnow_summary() {
        int exit = cli.rapport("clv", "fit", CliRun.sharedData("cdnow/cdnow_customers_summary.csv").toString());

        assertThat(exit).as(cli.err()).isZero();
        assertThat(value("r")).isCloseTo(0.243, within(0.0005));
        assertThat(value("alpha")).isCloseTo(4.414, within(0.0005));
        assertThat(value("a")).isCloseTo(0.793, within(0.0005));
        assertThat(value("b")).isCloseTo(2.426, within(0.0005));
        assertThat(value("log-likelihood")).isCloseTo(-9582.4, within(0.05));
        assertThat(cli.out()).contains("BG/NBD on 2,357 customers (946 repeat)").doesNotContain("Gamma-Gamma");
    }

    @Test
    void should_print_gamma_gamma_too_as_json_when_the_summary_has_spend() throws IOException {
        int exit = cli.rapport("clv", "fit", "--json",
                CliRun.sharedData("cdnow/cdnow_customers_summary_with_transactions.csv").toString());

        assertThat(exit).as(cli.err()).isZero();
        var json = new ObjectMapper().readTree(cli.out());
        assertThat(json.get("customers").asInt()).isEqualTo(2357);
        assertThat(json.get("repeatCustomers").asInt()).isEqualTo(946);
        assertThat(json.get("bgNbd").get("r").asDouble()).isCloseTo(0.243, within(0.0005));
        assertThat(json.get("bgNbd").get("logLikelihood").asDouble()).isCloseTo(-9582.4, within(0.05));
        // Fader & Hardie (2013): p = 6.25, q = 3.74, gamma = 15.44
        assertThat(json.get("gammaGamma").get("p").asDouble()).isCloseTo(6.25, within(0.01));
        assertThat(json.get("gammaGamma").get("q").asDouble()).isCloseTo(3.74, within(0.01));
        assertThat(json.get("gammaGamma").get("gamma").asDouble()).isCloseTo(15.44, within(0.01));
        assertThat(json.get("gammaGamma").get("customers").asInt()).isEqualTo(946);
    }

    @Test
    void should_summarize_a_transactions_csv_before_fitting() throws IOException {
        // CDNOW_sample.txt as a CSV: the same model as the published summary (to 3 decimals).
        var lines = Files.readAllLines(CliRun.sharedData("cdnow/CDNOW_sample.txt"));
        var csv = new StringBuilder("customer_id,ordered_at,amount\n");
        for (var line : lines) {
            if (line.isBlank()) {
                continue;
            }
            var f = line.trim().split("\\s+");
            csv.append(f[1]).append(',').append(f[2], 0, 4).append('-').append(f[2], 4, 6).append('-')
                    .append(f[2], 6, 8).append(',').append(f[4]).append('\n');
        }
        var file = tmp.resolve("cdnow.csv");
        Files.writeString(file, csv);

        int exit = cli.rapport("clv", "fit", file.toString(), "--observation-end", "1997-09-30", "--json");

        assertThat(exit).as(cli.err()).isZero();
        var json = new ObjectMapper().readTree(cli.out());
        assertThat(json.get("bgNbd").get("r").asDouble()).isCloseTo(0.243, within(0.001));
        assertThat(json.get("bgNbd").get("a").asDouble()).isCloseTo(0.793, within(0.001));
        assertThat(json.get("gammaGamma").get("p").asDouble()).isCloseTo(6.25, within(0.01));
    }

    @Test
    void should_name_the_row_of_an_impossible_history() throws IOException {
        var file = tmp.resolve("s.csv");
        Files.writeString(file, "x,t_x,T\n1,5,10\n2,12,10\n");

        int exit = cli.rapport("clv", "fit", file.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err()).contains("row 3: not a customer history", "t_x=12");
    }

    @Test
    void should_say_a_fit_did_not_converge_instead_of_printing_nan() throws IOException {
        var file = tmp.resolve("s.csv");
        Files.writeString(file, "x,t_x,T\n0,0,10\n0,0,12\n");

        int exit = cli.rapport("clv", "fit", file.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(cli.err()).contains("cannot fit", "no customer made a repeat purchase");
        assertThat(cli.out()).doesNotContain("NaN");
    }

    private double value(String name) {
        var m = Pattern.compile("(?m)^  " + Pattern.quote(name) + "\\s+(-?[0-9.]+)$").matcher(cli.out());
        assertThat(m.find()).as(cli.out()).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
