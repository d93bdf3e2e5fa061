package io.rapport.analytics.churn;

/**
 * A churn model could not be trained, used or read back: bad input (one class only, a row of
 * the wrong width), a failure of the native XGBoost library, or bytes that are not a saved model.
 */
public class ChurnModelException extends RuntimeException {

    public ChurnModelException(String message) {
        super(message);
    }

    public ChurnModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
