package io.rapport.scoring;

import io.rapport.analytics.lifecycle.LifecycleRules;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Scoring settings with retail defaults.
 *
 * @param cron                    when the nightly run starts (Spring cron, the brand's time zone); {@code -} disables it
 * @param repurchaseWindowDays    "repurchase probability" = P(at least one purchase in the next this-many days)
 * @param expectedPurchasesDays   horizon of the expected number of purchase days
 * @param churnWindowDays         churn risk = P(no purchase in the next this-many days)
 * @param repurchaseThreshold     a repurchase probability falling below this publishes {@link RepurchaseProbabilityFell}
 * @param churnRiskThreshold      a churn risk rising to this or above publishes {@link ChurnRiskCrossed}
 * @param clvHorizonMonths        CLV horizon
 * @param monthlyDiscountRate     CLV discount per month
 * @param margin                  share of spend that is profit (1 values revenue)
 * @param blackTierSpend          rolling 12-month spend from which a customer is black
 * @param goldTierSpend           rolling 12-month spend from which a customer is gold
 * @param topValueShare           share of buyers flagged as top value
 * @param gammaGammaPenalizer     L2 penalty of the Gamma-Gamma refit when the plain fit gives q ≤ 1 (see
 *                                {@code GammaGammaFitter.fitPenalized})
 * @param bgNbdPenalizer          L2 penalty of the BG/NBD refit when the plain fit has no finite maximum or its
 *                                dropout shapes a, b exceed 10⁴ (see {@code BetaGeoFitter.fitPenalized})
 * @param lifecycle               lifecycle stage rules
 * @param churn                   the churn model (trained on the stored behaviour; its horizon is churnWindowDays)
 */
@ConfigurationProperties("rapport.scoring")
public record ScoringProperties(
        @DefaultValue("0 0 2 * * *") String cron,
        @DefaultValue("90") int repurchaseWindowDays,
        @DefaultValue("365") int expectedPurchasesDays,
        @DefaultValue("180") int churnWindowDays,
        @DefaultValue("0.2") double repurchaseThreshold,
        @DefaultValue("0.5") double churnRiskThreshold,
        @DefaultValue("12") int clvHorizonMonths,
        @DefaultValue("0.01") double monthlyDiscountRate,
        @DefaultValue("1.0") double margin,
        @DefaultValue("10000") double blackTierSpend,
        @DefaultValue("3000") double goldTierSpend,
        @DefaultValue("0.2") double topValueShare,
        @DefaultValue("0.01") double gammaGammaPenalizer,
        @DefaultValue("0.0001") double bgNbdPenalizer,
        @DefaultValue Lifecycle lifecycle,
        @DefaultValue Churn churn) {

    /**
     * The churn model of each run (see docs/scoring.md, "Churn risk").
     *
     * @param model                 train and use the XGBoost model; false always uses the BG/NBD fallback
     * @param retrainAfterDays      a run reuses the newest model trained at most this many days before its as-of day
     * @param minimumCustomers      customers who had bought by the training cutoff needed to train
     * @param minimumPerOutcome     churned and retained customers each needed to train
     * @param maxTrainingCustomers  a larger training part is sampled down to this many customers
     * @param testShare             share of the cutoff's customers held out for the evaluation
     * @param trees                 boosting rounds
     */
    public record Churn(
            @DefaultValue("true") boolean model,
            @DefaultValue("7") int retrainAfterDays,
            @DefaultValue("500") int minimumCustomers,
            @DefaultValue("50") int minimumPerOutcome,
            @DefaultValue("200000") int maxTrainingCustomers,
            @DefaultValue("0.25") double testShare,
            @DefaultValue("300") int trees) {}

    /** See {@link LifecycleRules}. */
    public record Lifecycle(
            @DefaultValue("90") int newForDays,
            @DefaultValue("2.0") double dormantAfterIntervals,
            @DefaultValue("4.0") double churnedAfterIntervals,
            @DefaultValue("14") double minimumIntervalDays,
            @DefaultValue("0.5") double dormantBelowAlive,
            @DefaultValue("0.15") double churnedBelowAlive) {

        LifecycleRules rules() {
            return new LifecycleRules(newForDays, dormantAfterIntervals, churnedAfterIntervals, minimumIntervalDays,
                    dormantBelowAlive, churnedBelowAlive);
        }
    }
}
