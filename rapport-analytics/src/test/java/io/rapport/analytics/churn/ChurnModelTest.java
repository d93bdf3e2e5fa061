package io.rapport.analytics.churn;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ChurnModelTest {

    /** y ~ Bernoulli(σ(−1 + 2·a − 1·b)), a and b standard normal, c pure noise. */
    private static Simulated simulate(int n, long seed) {
        var rng = new SplittableRandom(seed);
        double[] a = new double[n];
        double[] b = new double[n];
        double[] c = new double[n];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            a[i] = gaussian(rng);
            b[i] = gaussian(rng);
            c[i] = gaussian(rng);
            y[i] = rng.nextDouble() < LogisticRegressionFitter.sigmoid(-1 + 2 * a[i] - b[i]);
        }
        var features = ChurnFeatures.builder(n)
                .number("a", a, ReasonWording.of("a is {value}"))
                .number("b", b, ReasonWording.of("b is {value}"))
                .number("c", c, ReasonWording.of("c is {value}"))
                .build();
        return new Simulated(features, y);
    }

    private record Simulated(ChurnFeatures features, boolean[] churned) {
    }

    @Test
    void should_recover_the_weights_of_a_simulated_logistic_model() {
        var data = simulate(40_000, 1);
        try (var model = (LogisticChurnModel) ChurnModel.train(data.features(), data.churned(),
                ChurnTrainingSettings.logisticRegression().withL2(0))) {
            double[] beta = model.coefficients();
            // Weights are per standard deviation; the simulated features have sd ≈ 1.
            double[] sd = {sd(data.features().column(0)), sd(data.features().column(1)), sd(data.features().column(2))};
            double[] mean = {mean(data.features().column(0)), mean(data.features().column(1)), mean(data.features().column(2))};
            assertThat(beta[1] / sd[0]).isCloseTo(2, within(0.06));
            assertThat(beta[2] / sd[1]).isCloseTo(-1, within(0.05));
            assertThat(beta[3] / sd[2]).isCloseTo(0, within(0.05));
            double intercept = beta[0] - beta[1] * mean[0] / sd[0] - beta[2] * mean[1] / sd[1] - beta[3] * mean[2] / sd[2];
            assertThat(intercept).isCloseTo(-1, within(0.05));
        }
    }

    @Test
    void should_stop_where_the_penalised_likelihood_is_flat() {
        // At the optimum the gradient Xᵀ(y − p) − λβ is zero: checked by moving each weight a little.
        var data = simulate(2_000, 2);
        double lambda = 5;
        double[][] x = new double[2_000][4];
        for (int i = 0; i < x.length; i++) {
            x[i][0] = 1;
            for (int j = 0; j < 3; j++) {
                x[i][j + 1] = data.features().value(i, j);
            }
        }
        double[] beta = LogisticRegressionFitter.fit(x, data.churned(), lambda);
        double best = LogisticRegressionFitter.penalisedLogLikelihood(x, data.churned(), beta, lambda);
        for (int j = 0; j < 4; j++) {
            for (double h : new double[]{-1e-3, 1e-3}) {
                double[] moved = beta.clone();
                moved[j] += h;
                assertThat(LogisticRegressionFitter.penalisedLogLikelihood(x, data.churned(), moved, lambda)).isLessThan(best);
            }
        }
    }

    @Test
    void should_separate_simulated_churners_with_trees_about_as_well_as_the_true_model() {
        var train = simulate(5_000, 3);
        var test = simulate(5_000, 4);
        double[] truth = new double[test.features().rowCount()];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = -1 + 2 * test.features().value(i, 0) - test.features().value(i, 1);
        }
        try (var model = ChurnModel.train(train.features(), train.churned(), ChurnTrainingSettings.gradientBoostedTrees())) {
            double auc = RocAuc.of(model.predictAll(test.features()), test.churned());
            assertThat(auc).isGreaterThan(RocAuc.of(truth, test.churned()) - 0.02);
        }
    }

    @Test
    void should_train_the_same_trees_twice_from_the_same_seed() {
        var data = simulate(2_000, 5);
        try (var first = ChurnModel.train(data.features(), data.churned(), ChurnTrainingSettings.gradientBoostedTrees());
             var second = ChurnModel.train(data.features(), data.churned(), ChurnTrainingSettings.gradientBoostedTrees())) {
            assertThat(second.predictAll(data.features())).containsExactly(first.predictAll(data.features()));
        }
    }

    @Test
    void should_leave_an_unknown_value_to_the_trees_and_to_the_mean_in_logistic_regression() {
        var data = simulate(2_000, 6);
        float[] row = {Float.NaN, 0.5f, 0f};
        try (var trees = ChurnModel.train(data.features(), data.churned(), ChurnTrainingSettings.gradientBoostedTrees());
             var logistic = ChurnModel.train(data.features(), data.churned(), ChurnTrainingSettings.logisticRegression())) {
            assertThat(trees.predict(row)).isBetween(0.0, 1.0);
            assertThat(logistic.explain(row).contributions()[0]).isZero();
            assertThat(logistic.explain(row).reasons(3)).extracting(ChurnReason::text).doesNotContain("a is NaN");
        }
    }

    @Test
    void should_refuse_to_train_when_nobody_churned() {
        var data = simulate(100, 7);
        assertThatThrownBy(() -> ChurnModel.train(data.features(), new boolean[100], ChurnTrainingSettings.gradientBoostedTrees()))
                .isInstanceOf(ChurnModelException.class).hasMessageContaining("0 of 100 churned");
    }

    @Test
    void should_refuse_a_row_of_the_wrong_width_and_a_matrix_with_other_columns() {
        var data = simulate(200, 8);
        try (var model = ChurnModel.train(data.features(), data.churned(), ChurnTrainingSettings.logisticRegression())) {
            assertThatThrownBy(() -> model.predict(new float[2])).isInstanceOf(ChurnModelException.class);
            var other = ChurnFeatures.builder(1).number("x", new double[]{1}, ReasonWording.of("x")).build();
            assertThatThrownBy(() -> model.predictAll(other)).isInstanceOf(ChurnModelException.class).hasMessageContaining("[x]");
        }
    }

    @Test
    void should_reject_bytes_that_are_not_a_saved_model() {
        assertThatThrownBy(() -> TrainedChurnModel.fromBytes(new byte[]{1, 2, 3, 4, 5, 6, 7, 8}))
                .isInstanceOf(ChurnModelException.class);
    }

    @Test
    void should_describe_a_categorical_input_once_by_the_customers_own_level_with_its_summed_contribution() {
        var features = ChurnFeatures.builder(3)
                .category("Contract", new String[]{"Month-to-month", "Two year", "One year"},
                        Map.of("Month-to-month", "month-to-month contract", "Two year", "two-year contract"))
                .number("tenure", new double[]{2, 40, 12}, ReasonWording.of("tenure only {value} month{s}", "customer for {value} month{s}"))
                .build();
        assertThat(features.names()).containsExactly("Contract=Month-to-month", "Contract=One year", "Contract=Two year", "tenure");
        var explanation = new ChurnExplanation(features.features(), features.row(0), new double[]{0.6, 0.1, 0.3, 0.5}, -1, 0.5);
        assertThat(explanation.reasons(5)).containsExactly(
                new ChurnReason("Contract", "month-to-month contract", 1.0),
                new ChurnReason("tenure", "tenure only 2 months", 0.5));
        var stayer = new ChurnExplanation(features.features(), features.row(2), new double[]{-0.2, -0.1, -0.1, -0.3}, -1, -1.7);
        assertThat(new ChurnReasonWriter().retainingFactors(stayer, 5)).extracting(ChurnReason::text)
                .containsExactly("Contract: One year", "customer for 12 months");
        assertThat(stayer.reasons(5)).isEmpty();
    }

    @Test
    void should_fill_in_values_changes_shares_and_plurals() {
        assertThat(ReasonWording.of("no purchase for {value}× the usual interval", "").describe(2.345, true))
                .isEqualTo("no purchase for 2.3× the usual interval");
        assertThat(ReasonWording.of("order value {change}").describe(-0.4, true)).isEqualTo("order value down 40%");
        assertThat(ReasonWording.of("order value {change}").describe(0.25, false)).isEqualTo("order value up 25%");
        assertThat(ReasonWording.of("returned {percent} of orders").describe(0.5, true)).isEqualTo("returned 50% of orders");
        assertThat(ReasonWording.of("{value} order{s}").describe(1, true)).isEqualTo("1 order");
        assertThat(ReasonWording.of("{value} order{s}").describe(123.4, true)).isEqualTo("123 orders");
        assertThat(ReasonWording.of("{value} order{s}").whenZero("no orders").describe(0, true)).isEqualTo("no orders");
        assertThat(ReasonWording.of("sentiment {value}").describe(Double.NaN, true)).isEqualTo("sentiment unknown");
        assertThat(ReasonWording.of("x").whenMissing("never reviewed").describe(Double.NaN, true)).isEqualTo("never reviewed");
    }

    @Test
    void should_keep_the_feature_list_and_its_words_in_the_saved_bytes() {
        var data = simulate(300, 9);
        try (var model = ChurnModel.train(data.features(), data.churned(), ChurnTrainingSettings.gradientBoostedTrees().withTrees(20, 2, 0.3));
             var loaded = TrainedChurnModel.fromBytes(model.toBytes())) {
            assertThat(loaded.features()).isEqualTo(List.copyOf(data.features().features()));
            assertThat(loaded.predict(data.features().row(0))).isEqualTo(model.predict(data.features().row(0)));
        }
    }

    private static double gaussian(SplittableRandom rng) {
        // Box-Muller.
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double sd(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
