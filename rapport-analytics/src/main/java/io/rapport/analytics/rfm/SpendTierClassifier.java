package io.rapport.analytics.rfm;

import io.rapport.analytics.summary.TransactionColumns;

import java.time.LocalDate;
import java.util.Objects;

/**
 * Assigns spend tiers by rolling 12-month spend.
 *
 * <p>The window is the twelve calendar months ending on {@code asOf}: days after
 * {@code asOf.minusMonths(12)} up to and including {@code asOf}, so a purchase made a year ago
 * today has just dropped out. Spend is net of returns in the window (a refund lowers the tier
 * the purchase earned), and a customer with no spend is silver.
 */
public final class SpendTierClassifier {

    private final SpendTierThresholds thresholds;

    public SpendTierClassifier() {
        this(SpendTierThresholds.DEFAULT);
    }

    public SpendTierClassifier(SpendTierThresholds thresholds) {
        this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
    }

    public SpendTiers classify(TransactionColumns transactions, int customerCount, LocalDate asOf) {
        transactions.requireCustomerCount(customerCount);
        long last = asOf.toEpochDay();
        long firstExcluded = asOf.minusMonths(12).toEpochDay();
        double[] spend = new double[customerCount];
        for (int i = 0; i < transactions.size(); i++) {
            long day = transactions.epochDay()[i];
            if (day > firstExcluded && day <= last) {
                spend[transactions.customer()[i]] += transactions.amount()[i];
            }
        }
        SpendTier[] tiers = new SpendTier[customerCount];
        for (int c = 0; c < customerCount; c++) {
            tiers[c] = thresholds.tierOf(spend[c]);
        }
        return new SpendTiers(spend, tiers);
    }

    /**
     * @param rollingSpend net spend in the 12-month window per customer index
     * @param tier         tier per customer index
     */
    public record SpendTiers(double[] rollingSpend, SpendTier[] tier) {
    }
}
