package io.rapport.analytics.rfm;

import java.util.Optional;

/**
 * R, F and M scores (1-5) per customer index; 0 for a customer who was not scored (no purchase).
 *
 * @param thresholds the cut points that produced the scores, so that a score can be explained
 */
public record RfmScores(int[] recency, int[] frequency, int[] monetary, RfmThresholds thresholds) {

    public int customerCount() {
        return recency.length;
    }

    public boolean isScored(int customer) {
        return recency[customer] > 0;
    }

    /** The RFM cell as a three-digit number, e.g. 545; empty when not scored. */
    public Optional<Integer> cell(int customer) {
        return isScored(customer)
                ? Optional.of(100 * recency[customer] + 10 * frequency[customer] + monetary[customer])
                : Optional.empty();
    }

    public Optional<RfmSegment> segment(int customer) {
        return isScored(customer)
                ? Optional.of(RfmSegment.of(recency[customer], frequency[customer], monetary[customer]))
                : Optional.empty();
    }

    public Optional<BusinessGroup> group(int customer) {
        return segment(customer).map(RfmSegment::group);
    }
}
