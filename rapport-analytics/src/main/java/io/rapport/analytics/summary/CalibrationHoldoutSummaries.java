package io.rapport.analytics.summary;

/**
 * A calibration summary plus what each customer did in the holdout period that follows it.
 *
 * @param calibration       summary up to and including the calibration end day
 * @param holdoutFrequency  number of purchase days in (calibration end, observation end]
 * @param holdoutMonetaryValue mean value of those purchase days, 0 when there are none
 * @param holdoutDuration   length of the holdout period in {@code calibration.unit()} periods
 */
public record CalibrationHoldoutSummaries(
        CustomerSummaries calibration,
        int[] holdoutFrequency,
        double[] holdoutMonetaryValue,
        double holdoutDuration) {
}
