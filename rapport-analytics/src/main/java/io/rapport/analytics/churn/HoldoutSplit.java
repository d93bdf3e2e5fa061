package io.rapport.analytics.churn;

/**
 * Row indexes of a training part and a test part, each ascending.
 *
 * @param train rows to train on
 * @param test  rows held out for evaluation
 */
public record HoldoutSplit(int[] train, int[] test) {
}
