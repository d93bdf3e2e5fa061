package io.rapport.analytics.clv;

/**
 * A model could not be fitted to the data: the optimizer did not converge, or the likelihood
 * has no finite maximum (for example BG/NBD on a customer base with no repeat purchase).
 * Thrown instead of returning parameters that are NaN or infinite.
 */
public class ModelFitException extends RuntimeException {

    public ModelFitException(String message) {
        super(message);
    }

    public ModelFitException(String message, Throwable cause) {
        super(message, cause);
    }
}
