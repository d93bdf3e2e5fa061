package io.rapport.analytics.clv;

import io.rapport.analytics.SharedData;
import io.rapport.analytics.summary.PeriodUnit;
import io.rapport.analytics.summary.RepeatPurchaseSummarizer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BgNbdHoldoutValidationTest {

    @Test
    void should_track_cdnow_holdout_purchases_by_calibration_frequency() {
        var data = new RepeatPurchaseSummarizer(PeriodUnit.WEEKS).summarize(SharedData.cdnowSampleTransactions(), 2357,
                SharedData.CDNOW_CALIBRATION_END, SharedData.CDNOW_OBSERVATION_END);
        var model = new BetaGeoFitter().fit(data.calibration());
        var result = BgNbdHoldoutValidation.validate(model, data, 7);

        assertThat(data.holdoutDuration()).isEqualTo(39.0);
        assertThat(result.customers()).hasSize(8);
        assertThat(java.util.Arrays.stream(result.customers()).sum()).isEqualTo(2357);
        assertThat(result.customers()[0]).isEqualTo(2357 - 946);
        // Holdout purchases rise with calibration frequency, in the data and in the model.
        for (int k = 1; k < 8; k++) {
            assertThat(result.predictedMean()[k]).isGreaterThan(result.predictedMean()[k - 1]);
        }
        assertThat(result.actualMean()[7]).isGreaterThan(result.actualMean()[0]);
        // FHL 2005 Fig. 4: the model tracks the bucket means closely.
        assertThat(result.bucketMae()).isLessThan(0.5);
        assertThat(result.predictedTotal()).isCloseTo(result.actualTotal(), within(0.15 * result.actualTotal()));
        // Values of this run, recorded in docs/analytics.md: x=0 customers made 0.237 holdout purchases, the model says 0.225.
        assertThat(result.actualMean()[0]).isCloseTo(334.0 / 1411, within(1e-12));
        assertThat(result.predictedMean()[0]).isCloseTo(0.2251, within(0.0005));
        assertThat(result.actualTotal()).isEqualTo(1882);
        assertThat(result.predictedTotal()).isCloseTo(1653.4, within(0.5));
    }
}
