package io.rapport.scoring;

import io.rapport.analytics.churn.CalibrationBin;
import java.time.LocalDate;
import java.util.List;

/**
 * A stored churn model and how it did on the customers held out of its training, on the time-based split: features
 * as of {@code cutoff}, churned = no purchase in the {@code horizonDays} after it.
 *
 * @param asOf            the as-of day of the run that trained it
 * @param cohortCustomers customers who had bought by the cutoff
 * @param trainedOn       of whom the model was trained on
 * @param heldOut         of whom it was evaluated on (not trained on)
 * @param heldOutChurned  of the held-out customers, those who did not buy in the horizon
 * @param auc             ROC AUC on the held-out customers
 * @param prAuc           precision-recall AUC (average precision); compare with the churn rate
 * @param brier           mean squared error of the probabilities
 * @param calibrationGap  customer-weighted mean |predicted − observed| over the calibration deciles
 * @param baselineAuc     AUC of logistic regression trained on the same customers
 * @param calibration     deciles of predicted probability with the observed churn rate
 */
public record ChurnModelEvaluation(long modelId, long runId, String kind, LocalDate asOf, LocalDate cutoff,
                                   int horizonDays, int cohortCustomers, int trainedOn, int heldOut,
                                   int heldOutChurned, double auc, double prAuc, double brier, double calibrationGap,
                                   double baselineAuc, List<CalibrationBin> calibration) {

    public ChurnModelEvaluation {
        calibration = List.copyOf(calibration);
    }

    public double heldOutChurnRate() {
        return heldOut == 0 ? 0 : (double) heldOutChurned / heldOut;
    }
}
