package io.rapport.cli;

import io.rapport.analytics.clv.ClvSettings;
import io.rapport.analytics.clv.ModelFitException;
import io.rapport.analytics.summary.PeriodUnit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rapport score}: a transactions CSV in, one row of scores per customer out. */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Score every customer of a transactions CSV: repeat-purchase summary (frequency, recency, T, "
                    + "monetary value), RFM scores, cell, segment and business group, top-20%% value flag, spend tier, "
                    + "BG/NBD P(alive), expected purchases and P(purchase within N days), Gamma-Gamma expected "
                    + "average order value and CLV, and churn risk with its top reason (XGBoost trained on a time split "
                    + "of the same file, as `rapport churn train` does).",
            "",
            "Reads any CSV (gzip if the name ends in .gz); name its columns with the options below."
        },
        footer = {"", "Examples:",
            "  rapport score orders.csv --out scores.csv",
            "  rapport score online_retail_full.csv.gz --customer-col CustomerID --date-col InvoiceDate \\",
            "      --date-format 'yyyy-MM-dd HH:mm:ss' --amount-expr qty*price --quantity-col Quantity \\",
            "      --price-col UnitPrice --out uci-scores.csv"})
final class ScoreCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "Transactions CSV, one row per order line or order.")
    Path input;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE", required = true, description = "Scores CSV to write (replaced if it exists).")
    Path out;

    @Mixin
    TransactionCsvOptions csv = new TransactionCsvOptions();

    @Option(names = "--period", paramLabel = "UNIT", defaultValue = "weeks", converter = PeriodConverter.class,
            description = "Unit of recency, T and --horizon: days or weeks (default: ${DEFAULT-VALUE}).")
    PeriodUnit period;

    @Option(names = "--observation-end", paramLabel = "DATE",
            description = "Last day of the data to use, inclusive (default: the last transaction day).")
    LocalDate observationEnd;

    @Option(names = "--calibration-end", paramLabel = "DATE",
            description = "Score and fit as of this day and compare with what happened up to --observation-end: "
                    + "adds holdout_purchases and prints predicted vs actual.")
    LocalDate calibrationEnd;

    @Option(names = "--horizon", paramLabel = "PERIODS",
            description = "Periods ahead for expected_purchases (default: the holdout with --calibration-end, otherwise "
                    + "52 weeks or 365 days).")
    Double horizon;

    @Option(names = "--repurchase-days", paramLabel = "DAYS", defaultValue = "30",
            description = "Window of p_purchase_within, in days (default: ${DEFAULT-VALUE}).")
    int repurchaseDays;

    @Option(names = "--clv-months", paramLabel = "MONTHS", defaultValue = "12",
            description = "CLV horizon in months (default: ${DEFAULT-VALUE}).")
    int clvMonths;

    @Option(names = "--discount-rate", paramLabel = "RATE", defaultValue = "0.01",
            description = "Monthly discount rate of CLV (default: ${DEFAULT-VALUE}).")
    double discountRate;

    @Option(names = "--margin", paramLabel = "SHARE", defaultValue = "1.0",
            description = "Share of spend that is profit; 1 values revenue (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--churn-window", paramLabel = "DAYS", defaultValue = "" + ChurnRisk.Settings.DEFAULT_WINDOW_DAYS,
            description = "churn_risk = P(no purchase in this many days); the model learns it from the same window before "
                    + "the as-of day (default: ${DEFAULT-VALUE}).")
    int churnWindow;

    @Option(names = "--churn-sample", paramLabel = "N", defaultValue = "" + ChurnRisk.Settings.DEFAULT_MAX_TRAINING_CUSTOMERS,
            description = "Train the churn model on at most N customers (a seeded sample; default: ${DEFAULT-VALUE}).")
    int churnSample;

    @Option(names = "--no-churn-reasons",
            description = "Leave churn_reason empty: skip explaining each churn risk (SHAP), the costliest part of scoring "
                    + "a large file.")
    boolean noChurnReasons;

    @Option(names = {"-q", "--quiet"}, description = "Do not show progress on standard error.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        validate();
        var err = spec.commandLine().getErr();
        var progress = new ProgressMeter(err, !quiet, ProgressMeter.onTerminal(), "reading " + input.getFileName(), true);
        long started = System.nanoTime();
        TransactionCsvReader.Transactions tx;
        try {
            tx = TransactionCsvReader.read(input, csv, progress);
        } finally {
            progress.finish();
        }
        var end = observationEnd != null ? observationEnd : tx.lastDay();
        var asOf = calibrationEnd != null ? calibrationEnd : end;
        if (asOf.isAfter(end)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--calibration-end " + asOf + " is after the observation end " + end);
        }
        double periodsPerMonth = period == PeriodUnit.WEEKS ? ClvSettings.WEEKS_PER_MONTH : ClvSettings.DAYS_PER_MONTH;
        double holdoutPeriods = period.fromDays(end.toEpochDay() - asOf.toEpochDay());
        double h = horizon != null ? horizon
                : calibrationEnd != null ? holdoutPeriods
                : period == PeriodUnit.WEEKS ? 52 : 365;
        var settings = new ScoringPipeline.Settings(period, asOf, end, h, repurchaseDays,
                new ClvSettings(clvMonths, discountRate, margin, periodsPerMonth),
                new ChurnRisk.Settings(churnWindow, churnSample, !noChurnReasons));
        ScoringPipeline.Result result;
        try {
            if (!quiet) {
                err.println("scoring " + tx.customerCount() + " customers as of " + asOf);
                err.flush();
            }
            result = ScoringPipeline.run(tx.columns(), tx.customerCount(), settings, ScoringPipeline.Steps.NONE);
        } catch (ModelFitException e) {
            throw new FailureMessage.CommandFailure("cannot score " + input + ": " + e.getMessage());
        }
        out = out.toAbsolutePath();
        try {
            ScoresCsvWriter.write(out, result, tx.customerIds()::get);
        } catch (IOException e) {
            throw new FailureMessage.CommandFailure("cannot write " + out + ": " + FailureMessage.of(e, out));
        }
        printSummary(tx, result, settings, (System.nanoTime() - started) / 1e9);
        return CommandLine.ExitCode.OK;
    }

    private void validate() {
        csv.usageError().ifPresent(m -> {
            throw new CommandLine.ParameterException(spec.commandLine(), m);
        });
        if (horizon != null && !(horizon >= 0 && horizon < 1e6)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--horizon must be between 0 and 1e6 periods, was " + horizon);
        }
        if (repurchaseDays < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--repurchase-days must be at least 1, was " + repurchaseDays);
        }
        if (churnWindow < 1 || churnWindow > 3650) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--churn-window must be between 1 and 3650 days, was " + churnWindow);
        }
        if (churnSample < 100) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--churn-sample must be at least 100, was " + churnSample);
        }
        if (clvMonths < 1 || clvMonths > 1200) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--clv-months must be between 1 and 1200, was " + clvMonths);
        }
        if (!(discountRate >= 0 && discountRate < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--discount-rate must be in [0, 1), was " + discountRate);
        }
        if (!(margin >= 0 && margin <= 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--margin must be between 0 and 1, was " + margin);
        }
        if (!Files.isReadable(input)) {
            throw new FailureMessage.CommandFailure("cannot read " + input + ": " + (Files.exists(input) ? "permission denied" : "no such file"));
        }
    }

    private void printSummary(TransactionCsvReader.Transactions tx, ScoringPipeline.Result r,
                              ScoringPipeline.Settings settings, double seconds) {
        var o = spec.commandLine().getOut();
        var s = r.summaries();
        int repeat = 0;
        for (int i = 0; i < s.customerCount(); i++) {
            repeat += s.frequency()[i] > 0 ? 1 : 0;
        }
        o.printf(Locale.ROOT, "Scored %,d customers in %.1f s -> %s%n", s.customerCount(), seconds, out);
        o.printf(Locale.ROOT, "  rows              %,12d  (%,d skipped: blank %s)%n",
                tx.rows(), tx.skippedBlankCustomer(), csv.customerColumn);
        o.printf(Locale.ROOT, "  customers         %,12d  (%,d bought by %s, %,d repeat)%n",
                s.customerCount(), s.purchasingCustomerCount(), settings.asOf(), repeat);
        var bg = r.bgNbd();
        o.printf(Locale.ROOT, "  BG/NBD (%s)     r=%.4f alpha=%.4f a=%.4f b=%.4f  log-likelihood %.2f%n",
                settings.unit().name().toLowerCase(Locale.ROOT), bg.r(), bg.alpha(), bg.a(), bg.b(), bg.logLikelihood());
        var gg = r.gammaGamma();
        o.printf(Locale.ROOT, "  Gamma-Gamma       p=%.4f q=%.4f gamma=%.4f  log-likelihood %.2f  (%,d customers)%n",
                gg.p(), gg.q(), gg.gamma(), gg.logLikelihood(), r.ggCustomers());
        printChurn(o, r.churn(), settings.churn().windowDays());
        if (r.holdoutPurchases().isPresent()) {
            long actual = 0;
            double predicted = 0;
            int[] h = r.holdoutPurchases().get();
            double[] e = r.predictions().expectedPurchases();
            for (int i = 0; i < h.length; i++) {
                if (s.hasPurchased(i)) {
                    actual += h[i];
                    predicted += e[i];
                }
            }
            o.printf(Locale.ROOT, "  holdout           %s to %s (%.1f %s): actual %,d purchase days, predicted %,.1f"
                            + " (expected_purchases over %.1f %s)%n",
                    settings.asOf().plusDays(1), settings.observationEnd(), r.holdoutPeriods(),
                    settings.unit().name().toLowerCase(Locale.ROOT), actual, predicted, settings.horizon(),
                    settings.unit().name().toLowerCase(Locale.ROOT));
        }
        o.flush();
    }

    /** The churn model's line of the summary; shared with {@code rapport bench}. */
    static void printChurn(java.io.PrintWriter o, ChurnRisk.Result churn, int windowDays) {
        if (churn.model().isEmpty()) {
            o.printf(Locale.ROOT, "  churn             no churn_risk: %s%n", churn.unavailable().orElse("no model"));
            return;
        }
        o.printf(Locale.ROOT, "  churn             %s%n", describe(churn.model().get(), windowDays));
        o.printf(Locale.ROOT, "                    %,d customers scored%s%n", churn.scored(),
                churn.explained() ? ", each with its top reason (SHAP)" : "");
    }

    static String describe(ChurnRisk.Model m, int windowDays) {
        var e = m.evaluation();
        return String.format(Locale.ROOT, "XGBoost on %,d of the %,d customers who had bought by %s, churned = no purchase "
                        + "in the %d days after; held out %,d: AUC %.3f, PR-AUC %.3f (logistic AUC %.3f)",
                m.trainedOn(), m.cohort(), m.cutoff(), windowDays, e.customers(), e.auc(), e.averagePrecision(),
                m.baselineAuc());
    }

    static final class PeriodConverter implements CommandLine.ITypeConverter<PeriodUnit> {
        @Override
        public PeriodUnit convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "days", "day" -> PeriodUnit.DAYS;
                case "weeks", "week" -> PeriodUnit.WEEKS;
                default -> throw new CommandLine.TypeConversionException("'" + value + "' is not a period: use days or weeks");
            };
        }
    }
}
