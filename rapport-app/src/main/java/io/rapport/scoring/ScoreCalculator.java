package io.rapport.scoring;

import io.rapport.analytics.clv.BetaGeoFitter;
import io.rapport.analytics.clv.BgNbdParameters;
import io.rapport.analytics.clv.ClvSettings;
import io.rapport.analytics.clv.CustomerLifetimeValue;
import io.rapport.analytics.clv.CustomerPredictions;
import io.rapport.analytics.clv.GammaGammaFitter;
import io.rapport.analytics.clv.GammaGammaParameters;
import io.rapport.analytics.clv.ModelFitException;
import io.rapport.analytics.lifecycle.LifecycleClassifier;
import io.rapport.analytics.lifecycle.LifecycleStage;
import io.rapport.analytics.rfm.RfmScorer;
import io.rapport.analytics.rfm.RfmScores;
import io.rapport.analytics.rfm.SpendTier;
import io.rapport.analytics.rfm.SpendTierThresholds;
import io.rapport.analytics.rfm.TopValueCustomers;
import io.rapport.analytics.summary.CustomerSummaries;
import io.rapport.analytics.summary.PeriodUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs rapport-analytics over one run's inputs: RFM, value tiers, BG/NBD + Gamma-Gamma (P(alive), expected
 * purchases, repurchase probability, CLV), lifecycle stage and churn risk with reasons. Pure computation: no
 * database, no Spring, so a test can compare it with the library called directly.
 *
 * <p>The model inputs come from the stored summaries, in days (the lifetimes convention): x = purchase days − 1,
 * t_x = last − first purchase day, T = as-of − first purchase day. These equal what the library's
 * {@code RepeatPurchaseSummarizer} derives from the raw transactions, except the average value m_x: the summaries
 * keep total net spend and orders, not the value of each purchase day, so m_x is approximated by spend / orders (the
 * exact value excludes the first purchase day and counts a day with several orders once).
 */
final class ScoreCalculator {

    /** Above this a Beta shape means "fixed dropout probability": see {@link #predict}. */
    static final double MAX_BETA_SHAPE = BetaGeoFitter.MAX_SERIES_SHAPE;

    private ScoreCalculator() {}

    /** Everything one run computed, one slot per customer of the inputs. */
    static final class Scores {
        int size;
        LifecycleStage[] stage;
        RfmScores rfm;
        boolean[] top;
        SpendTier[] tier;
        double[] pAlive;
        double[] expectedPurchases;
        double[] repurchase;
        double[] expectedOrderValue;
        double[] lifetimeValue;
        double[] churnRisk;
        List<List<ScoreReason>> reasons;
        /** Where the churn risk came from: the trained model, or the BG/NBD fallback and why. */
        ChurnScoring.Result churn;
        CustomerSummaries summaries;
        double[] usualInterval;
        double[] averageOrderValue;
        double fallbackInterval;
        Optional<BgNbdParameters> transactions = Optional.empty();
        Optional<GammaGammaParameters> spend = Optional.empty();
        final Map<String, String> notes = new LinkedHashMap<>();
    }

    /** The library's summary record built from the stored summaries (see the class comment for m_x). */
    static CustomerSummaries summaries(ScoringInputs in) {
        int n = in.size;
        int[] x = new int[n];
        double[] tx = new double[n];
        double[] age = new double[n];
        double[] m = new double[n];
        int[] days = new int[n];
        double[] spend = new double[n];
        long[] first = new long[n];
        long[] last = new long[n];
        for (int i = 0; i < n; i++) {
            spend[i] = in.totalSpend[i];
            if (!in.bought(i)) {
                continue;
            }
            days[i] = in.purchaseDays[i];
            x[i] = in.purchaseDays[i] - 1;
            first[i] = in.firstDay[i];
            last[i] = Math.max(in.lastDay[i], in.firstDay[i]);
            tx[i] = x[i] == 0 ? 0 : last[i] - first[i];
            // a summary is current: scoring "as of" a day before a purchase still sees it, so T never falls below t_x
            age[i] = Math.max(in.asOfDay - first[i], tx[i]);
            m[i] = x[i] > 0 && in.orders[i] > 0 ? in.totalSpend[i] / in.orders[i] : 0;
        }
        return new CustomerSummaries(PeriodUnit.DAYS, in.asOfDay, x, tx, age, m, days, spend, first, last);
    }

    /** Scores with the BG/NBD churn fallback only (no trained model). */
    static Scores score(ScoringInputs in, ScoringProperties settings) {
        return score(in, settings, ChurnScoring.Result.fallback("no churn model was asked for"));
    }

    /**
     * @param churn the trained model's churn risk and reasons per slot; when it {@linkplain ChurnScoring.Result#usesModel
     *              is a fallback}, churn risk is the BG/NBD P(no purchase in the churn window) with rule reasons
     */
    static Scores score(ScoringInputs in, ScoringProperties settings, ChurnScoring.Result churn) {
        int n = in.size;
        Scores s = new Scores();
        s.size = n;
        s.churn = churn;
        CustomerSummaries summaries = summaries(in);
        s.summaries = summaries;
        s.rfm = new RfmScorer().score(summaries);

        // value tiers: top share of buyers by lifetime net spend; spend tiers by rolling 12-month spend
        s.top = new boolean[n];
        int buyers = summaries.purchasingCustomerCount();
        double[] buyerSpend = new double[buyers];
        for (int i = 0, k = 0; i < n; i++) {
            if (summaries.hasPurchased(i)) {
                buyerSpend[k++] = in.totalSpend[i];
            }
        }
        if (buyers > 0) {
            boolean[] flagged = TopValueCustomers.of(buyerSpend, settings.topValueShare()).flagged();
            for (int i = 0, k = 0; i < n; i++) {
                if (summaries.hasPurchased(i)) {
                    s.top[i] = flagged[k++];
                }
            }
        }
        var thresholds = new SpendTierThresholds(settings.blackTierSpend(), settings.goldTierSpend());
        s.tier = new SpendTier[n];
        for (int i = 0; i < n; i++) {
            s.tier[i] = thresholds.tierOf(in.spend12Months[i]);
        }

        predict(summaries, settings, s);

        s.usualInterval = new double[n];
        s.averageOrderValue = new double[n];
        List<Double> intervals = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int x = summaries.frequency()[i];
            s.usualInterval[i] = x > 0 ? summaries.recency()[i] / x : Double.NaN;
            s.averageOrderValue[i] = in.orders[i] > 0 ? in.totalSpend[i] / in.orders[i] : Double.NaN;
            if (x > 0 && s.usualInterval[i] > 0) {
                intervals.add(s.usualInterval[i]);
            }
        }
        s.fallbackInterval = median(intervals).orElse(90.0);
        var classifier = new LifecycleClassifier(settings.lifecycle().rules());
        s.stage = new LifecycleStage[n];
        s.reasons = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (!summaries.hasPurchased(i)) {
                s.stage[i] = LifecycleStage.POTENTIAL;
                s.reasons.add(List.of());
                continue;
            }
            double sinceFirst = in.asOfDay - summaries.firstPurchaseDay()[i];
            double sinceLast = Math.max(0, in.asOfDay - summaries.lastPurchaseDay()[i]);
            s.stage[i] = classifier.classify(summaries.purchaseDays()[i], sinceFirst, sinceLast, s.usualInterval[i],
                    s.fallbackInterval, s.pAlive[i]);
            if (churn.usesModel()) {
                s.churnRisk[i] = churn.risk()[i];
                s.reasons.add(churn.reasons().get(i));
                continue;
            }
            s.reasons.add(ChurnReasons.of(summaries.purchaseDays()[i], sinceLast,
                    classifier.overdueIntervals(sinceLast, s.usualInterval[i], s.fallbackInterval),
                    !Double.isNaN(s.usualInterval[i]), in.orders[i], in.returns[i],
                    in.lastInteractionDay[i] == ScoringInputs.NONE ? Double.NaN : in.asOfDay - in.lastInteractionDay[i],
                    s.pAlive[i], s.churnRisk[i]));
        }
        return s;
    }

    /** BG/NBD and Gamma-Gamma, when the data allows a fit; NaN predictions otherwise (and a note saying why). */
    private static void predict(CustomerSummaries summaries, ScoringProperties settings, Scores s) {
        int n = summaries.customerCount();
        s.pAlive = nan(n);
        s.expectedPurchases = nan(n);
        s.repurchase = nan(n);
        s.expectedOrderValue = nan(n);
        s.lifetimeValue = nan(n);
        s.churnRisk = nan(n);
        BgNbdParameters transactions;
        try {
            var fit = new BetaGeoFitter().fitOrPenalize(summaries, settings.bgNbdPenalizer());
            fit.penalisedBecause().ifPresent(reason -> s.notes.put("bgNbd", reason));
            transactions = fit.parameters();
        } catch (ModelFitException e) {
            s.notes.put("bgNbd", e.getMessage());
            return;
        }
        s.transactions = Optional.of(transactions);
        var model = transactions;
        // Should even the penalised fit leave a or b huge, P(alive) stays a closed form, but the hypergeometric series
        // behind expected purchases and CLV would need millions of terms. Those two are left out, and the run says why.
        boolean seriesUsable = Math.max(transactions.a(), transactions.b()) <= MAX_BETA_SHAPE;
        if (!seriesUsable) {
            s.notes.put("expectedPurchases", "not computed: the dropout distribution is degenerate (a = "
                    + transactions.a() + ", b = " + transactions.b() + "), too little evidence of customers lapsing");
        }
        // Gamma-Gamma needs a positive average value: repeat customers whose returns ate their spend are left out
        double[] x = new double[n];
        double[] m = summaries.monetaryValue();
        for (int i = 0; i < n; i++) {
            x[i] = m[i] > 0 ? summaries.frequency()[i] : 0;
        }
        GammaGammaParameters spend = null;
        try {
            var fitter = new GammaGammaFitter();
            spend = fitter.fit(x, m);
            if (!(spend.q() > 1)) {
                // With q <= 1 the population mean spend is infinite (Fader & Hardie 2013, eq. 3): customers without
                // repeat purchases would get no finite expected order value. The penalised fit keeps q > 1.
                double plainQ = spend.q();
                spend = fitter.fitPenalized(x, m, settings.gammaGammaPenalizer());
                s.notes.put("gammaGamma", "maximum-likelihood q = " + plainQ + " <= 1 (infinite population mean "
                        + "order value): the penalised fit with penalizer " + settings.gammaGammaPenalizer()
                        + " is used instead");
            }
            s.spend = Optional.of(spend);
        } catch (ModelFitException e) {
            s.notes.put("gammaGamma", e.getMessage());
        }
        for (int i = 0; i < n; i++) {
            if (!summaries.hasPurchased(i)) {
                continue;
            }
            double xi = summaries.frequency()[i];
            double tx = summaries.recency()[i];
            double age = summaries.age()[i];
            s.pAlive[i] = model.probabilityAlive(xi, tx, age);
            s.repurchase[i] = model.probabilityOfPurchaseWithin(settings.repurchaseWindowDays(), xi, tx, age);
            s.churnRisk[i] = 1 - model.probabilityOfPurchaseWithin(settings.churnWindowDays(), xi, tx, age);
        }
        if (!seriesUsable) {
            return;
        }
        try {
            seriesPredictions(summaries, settings, s, model, spend);
        } catch (ArithmeticException | IllegalStateException e) {
            Arrays.fill(s.expectedPurchases, Double.NaN);
            Arrays.fill(s.lifetimeValue, Double.NaN);
            s.notes.put("expectedPurchases", "not computed: " + e.getMessage());
        }
    }

    private static void seriesPredictions(CustomerSummaries summaries, ScoringProperties settings, Scores s,
                                          BgNbdParameters model, GammaGammaParameters spend) {
        int n = summaries.customerCount();
        if (spend != null) {
            var clv = new CustomerLifetimeValue(model, spend, new ClvSettings(settings.clvHorizonMonths(),
                    settings.monthlyDiscountRate(), settings.margin(), ClvSettings.DAYS_PER_MONTH));
            var predictions = CustomerPredictions.of(summaries, clv, settings.expectedPurchasesDays(), 0);
            for (int i = 0; i < n; i++) {
                if (summaries.hasPurchased(i)) {
                    s.expectedPurchases[i] = predictions.expectedPurchases()[i];
                    s.expectedOrderValue[i] = predictions.expectedAverageValue()[i];
                    s.lifetimeValue[i] = predictions.lifetimeValue()[i];
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                if (summaries.hasPurchased(i)) {
                    s.expectedPurchases[i] = model.conditionalExpectedPurchases(settings.expectedPurchasesDays(),
                            summaries.frequency()[i], summaries.recency()[i], summaries.age()[i]);
                }
            }
        }
    }

    private static double[] nan(int n) {
        double[] values = new double[n];
        Arrays.fill(values, Double.NaN);
        return values;
    }

    private static Optional<Double> median(List<Double> values) {
        if (values.isEmpty()) {
            return Optional.empty();
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return Optional.of(sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
    }
}
