package io.rapport.analytics.churn;

import io.rapport.analytics.summary.TransactionColumns;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BehaviourChurnFeaturesTest {

    /**
     * Customer 0: a regular filter buyer, usual interval 60 days, quiet for 138 days, orders and
     * spend down. Customer 1: one purchase 20 days ago, nothing to compare with.
     */
    private static BehaviourFigures twoCustomers() {
        return new BehaviourFigures(
                new int[]{10, 1},                 // orders
                new int[]{9, 1},                  // purchase days
                new double[]{2400, 300},          // total spend
                new double[]{700, 20},            // days since first purchase
                new double[]{138, 20},            // days since last purchase
                new double[]{60, Double.NaN},     // median interval
                new double[]{120, 300},           // spend last 180 days
                new double[]{400, 0},             // spend previous 180 days
                new int[]{1, 1},                  // orders last 180 days
                new int[]{4, 0},                  // orders previous 180 days
                new int[]{2, 0},                  // returns
                new int[]{0, 6},                  // events last 30 days
                new int[]{3, 0},                  // service contacts
                new double[]{-0.5, Double.NaN},   // sentiment
                List.of("store", "app"),
                new double[][]{{0.7, 0}, {0.3, 1}});
    }

    @Test
    void should_measure_recency_against_the_customers_own_usual_interval() {
        var f = BehaviourChurnFeatures.build(twoCustomers());
        int j = f.names().indexOf(BehaviourChurnFeatures.RECENCY_VS_USUAL_INTERVAL);
        assertThat(f.value(0, j)).isCloseTo(2.3f, within(1e-6f));
        assertThat(f.value(1, j)).as("no usual interval after one purchase day").isNaN();
    }

    @Test
    void should_compare_the_last_180_days_with_the_180_before() {
        var f = BehaviourChurnFeatures.build(twoCustomers());
        assertThat(f.value(0, f.names().indexOf(BehaviourChurnFeatures.ORDER_TREND))).isCloseTo(-0.75f, within(1e-6f));
        assertThat(f.value(0, f.names().indexOf(BehaviourChurnFeatures.SPEND_TREND))).isCloseTo(-0.7f, within(1e-6f));
        // Order value 120 per order against 100 before.
        assertThat(f.value(0, f.names().indexOf(BehaviourChurnFeatures.ORDER_VALUE_TREND))).isCloseTo(0.2f, within(1e-6f));
        assertThat(f.value(1, f.names().indexOf(BehaviourChurnFeatures.ORDER_TREND))).isNaN();
        assertThat(f.value(1, f.names().indexOf(BehaviourChurnFeatures.ORDER_VALUE_TREND))).isNaN();
    }

    @Test
    void should_turn_counts_into_rates() {
        var f = BehaviourChurnFeatures.build(twoCustomers());
        assertThat(f.value(0, f.names().indexOf(BehaviourChurnFeatures.RETURN_RATE))).isCloseTo(0.2f, within(1e-6f));
        assertThat(f.value(0, f.names().indexOf(BehaviourChurnFeatures.ORDERS_PER_YEAR))).isCloseTo(10 * 365 / 700f, within(1e-5f));
        // A 20-day-old customer is rated over at least 30 days, not extrapolated from 20.
        assertThat(f.value(1, f.names().indexOf(BehaviourChurnFeatures.ORDERS_PER_YEAR))).isCloseTo(365 / 30f, within(1e-5f));
        assertThat(f.value(1, f.names().indexOf("channel_share_app"))).isEqualTo(1f);
    }

    @Test
    void should_word_each_behaviour_feature_for_a_crm_team() {
        var f = BehaviourChurnFeatures.build(twoCustomers());
        double[] contributions = new double[f.featureCount()];
        java.util.Arrays.fill(contributions, 0.1);
        var texts = new ChurnReasonWriter().all(new ChurnExplanation(f.features(), f.row(0), contributions, 0, 0))
                .stream().map(ChurnReason::text).toList();
        assertThat(texts).contains(
                "no purchase for 2.3× the usual interval",
                "no purchase for 138 days",
                "orders down 75% on the 180 days before",
                "spend down 70% on the 180 days before",
                "order value up 20% on the 180 days before",
                "returned 20% of orders",
                "no app, web or message activity in the last 30 days",
                "3 service contacts",
                "low sentiment in reviews and service (-0.5 on −1 to 1)",
                "70% of orders in the store channel");
        var newcomer = new ChurnReasonWriter().all(new ChurnExplanation(f.features(), f.row(1), contributions, 0, 0))
                .stream().map(ChurnReason::text).toList();
        assertThat(newcomer).contains("fewer than two purchase days, no usual interval yet", "no review or service feedback",
                "only 1 purchase day", "no orders in the store channel");
    }

    @Test
    void should_label_as_churned_whoever_makes_no_purchase_in_the_days_after_the_cutoff() {
        long cutoff = 20_000;
        // 0 buys on day 100 after the cutoff; 1 only returns something; 2 buys on day 181, too late;
        // 3 bought only before the cutoff; 4 buys on the last day of the window.
        var tx = new TransactionColumns(
                new int[]{0, 0, 1, 1, 2, 2, 3, 4},
                new long[]{cutoff - 10, cutoff + 100, cutoff - 5, cutoff + 3, cutoff - 1, cutoff + 181, cutoff - 300, cutoff + 180},
                new double[]{50, 20, 80, -80, 10, 10, 30, 5});
        assertThat(ChurnLabels.noPurchaseWithin(tx, 5, cutoff, 180)).containsExactly(false, true, true, true, false);
        assertThat(ChurnLabels.purchasedBy(tx, 5, cutoff)).containsExactly(true, true, true, true, false);
    }
}
