package io.rapport.cli;

import io.rapport.analytics.clv.BetaGeoFitter;
import io.rapport.analytics.clv.BgNbdParameters;
import io.rapport.analytics.clv.ClvSettings;
import io.rapport.analytics.clv.CustomerLifetimeValue;
import io.rapport.analytics.clv.CustomerPredictions;
import io.rapport.analytics.clv.GammaGammaFitter;
import io.rapport.analytics.clv.GammaGammaParameters;
import io.rapport.analytics.rfm.RfmScorer;
import io.rapport.analytics.rfm.RfmScores;
import io.rapport.analytics.rfm.SpendTierClassifier;
import io.rapport.analytics.rfm.TopValueCustomers;
import io.rapport.analytics.summary.CustomerSummaries;
import io.rapport.analytics.summary.PeriodUnit;
import io.rapport.analytics.summary.RepeatPurchaseSummarizer;
import io.rapport.analytics.summary.TransactionColumns;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Transactions → every score of a customer: summaries, RFM (scores, cell, segment, group, top
 * 20 %, spend tier), BG/NBD and Gamma-Gamma fits, their predictions, and the churn risk with its top
 * reason ({@link ChurnRisk}). Shared by
 * {@code rapport score} and {@code rapport bench}, which times each step through {@link Steps}.
 */
final class ScoringPipeline {

    /** Told when a step ends, with its wall time. */
    interface Steps {
        void done(String step, long nanos);

        Steps NONE = (step, nanos) -> {};
    }

    /**
     * @param unit            period of recency, T and the horizons
     * @param asOf            the day scores are computed at (calibration end when validating)
     * @param observationEnd  end of the holdout when validating; equal to {@code asOf} otherwise
     * @param horizon         periods ahead for the expected purchases
     * @param repurchaseDays  days ahead for P(purchase within)
     * @param clv             CLV horizon, discount and margin
     * @param churn           churn window, training sample and whether to explain each risk
     */
    record Settings(PeriodUnit unit, LocalDate asOf, LocalDate observationEnd, double horizon, int repurchaseDays,
                    ClvSettings clv, ChurnRisk.Settings churn) {

        boolean validating() {
            return observationEnd.isAfter(asOf);
        }
    }

    /**
     * @param summaries        per customer as of {@code settings.asOf()}
     * @param holdoutPurchases purchase days after {@code asOf} up to the observation end, when validating
     * @param holdoutPeriods   length of the holdout in periods (0 when not validating)
     * @param topValue         top 20 % by total spend among purchasing customers
     * @param ggCustomers      repeat customers with a positive average spend, the ones Gamma-Gamma is fitted on
     * @param churn            churn risk and top reason as of {@code settings.asOf()}
     */
    record Result(CustomerSummaries summaries, Optional<int[]> holdoutPurchases, double holdoutPeriods, RfmScores rfm,
                  boolean[] topValue, SpendTierClassifier.SpendTiers tiers, BgNbdParameters bgNbd,
                  GammaGammaParameters gammaGamma, int ggCustomers, CustomerPredictions predictions,
                  ChurnRisk.Result churn) {}

    private ScoringPipeline() {}

    static Result run(TransactionColumns tx, int customerCount, Settings settings, Steps steps) {
        long t = System.nanoTime();
        var summarizer = new RepeatPurchaseSummarizer(settings.unit());
        CustomerSummaries summaries;
        Optional<int[]> holdout = Optional.empty();
        double holdoutPeriods = 0;
        if (settings.validating()) {
            var ch = summarizer.summarize(tx, customerCount, settings.asOf(), settings.observationEnd());
            summaries = ch.calibration();
            holdout = Optional.of(ch.holdoutFrequency());
            holdoutPeriods = ch.holdoutDuration();
        } else {
            summaries = summarizer.summarize(tx, customerCount, settings.asOf());
        }
        if (summaries.purchasingCustomerCount() == 0) {
            throw new FailureMessage.CommandFailure("no customer bought anything on or before " + settings.asOf());
        }
        t = lap(steps, "summaries", t);

        var rfm = new RfmScorer().score(summaries);
        boolean[] top = topValue(summaries);
        var tiers = new SpendTierClassifier().classify(tx, customerCount, settings.asOf());
        t = lap(steps, "rfm", t);

        // as the server: the penalised fit where the maximum-likelihood one has no usable maximum (docs/scoring.md)
        var bgNbd = new BetaGeoFitter().fitOrPenalize(summaries, BetaGeoFitter.DEFAULT_PENALIZER).parameters();
        t = lap(steps, "bg/nbd fit", t);

        // Gamma-Gamma needs a positive average spend; a repeat customer whose repeat days were
        // all refunded (valued 0) says nothing about spend per purchase and is left out of the fit.
        int n = summaries.customerCount();
        double[] x = new double[n];
        int gg = 0;
        for (int i = 0; i < n; i++) {
            if (summaries.frequency()[i] > 0 && summaries.monetaryValue()[i] > 0) {
                x[i] = summaries.frequency()[i];
                gg++;
            }
        }
        var gammaGamma = new GammaGammaFitter().fit(x, summaries.monetaryValue());
        t = lap(steps, "gamma-gamma fit", t);

        var clv = new CustomerLifetimeValue(bgNbd, gammaGamma, settings.clv());
        var predictions = CustomerPredictions.of(summaries, clv, settings.horizon(),
                settings.unit().fromDays(settings.repurchaseDays()));
        requireFinite(predictions);
        lap(steps, "predictions", t);

        var churn = ChurnRisk.score(tx, customerCount, settings.asOf(), settings.churn(), steps);
        return new Result(summaries, holdout, holdoutPeriods, rfm, top, tiers, bgNbd, gammaGamma, gg, predictions, churn);
    }

    /** Tells {@code steps} that {@code step} ended now; returns now, the start of the next step. */
    static long lap(Steps steps, String step, long started) {
        long now = System.nanoTime();
        steps.done(step, now - started);
        return now;
    }

    private static boolean[] topValue(CustomerSummaries s) {
        int n = s.purchasingCustomerCount();
        double[] spend = new double[n];
        int k = 0;
        for (int i = 0; i < s.customerCount(); i++) {
            if (s.hasPurchased(i)) {
                spend[k++] = s.totalSpend()[i];
            }
        }
        boolean[] compact = TopValueCustomers.of(spend).flagged();
        boolean[] flags = new boolean[s.customerCount()];
        k = 0;
        for (int i = 0; i < s.customerCount(); i++) {
            if (s.hasPurchased(i)) {
                flags[i] = compact[k++];
            }
        }
        return flags;
    }

    /** The models are fitted and finite, so this never fires; if it did, NaN must not reach a file. */
    private static void requireFinite(CustomerPredictions p) {
        for (double[] column : new double[][] {p.probabilityAlive(), p.expectedPurchases(),
                p.probabilityOfPurchaseWithin(), p.expectedAverageValue(), p.lifetimeValue()}) {
            for (int i = 0; i < column.length; i++) {
                if (!Double.isFinite(column[i])) {
                    throw new FailureMessage.CommandFailure("prediction for customer #" + i + " is not a finite number ("
                            + column[i] + "); the fitted model is degenerate");
                }
            }
        }
    }
}
