package io.rapport.privacy;

/**
 * The single decision every module asks before it contacts or profiles a customer. The consent ledger
 * implements it; journeys, channels, segments and scoring call it and never read consent tables themselves.
 */
public interface ContactPolicy {

    /** Whether the customer may be used for the purpose on the channel (for PROFILING the channel is ignored). */
    ContactDecision may(long customerId, Purpose purpose, ContactChannel channel);

    /**
     * The decision for many customers at once (a journey step, a segment export): one entry per distinct id, in the
     * order given. The ledger answers it with a few set-based queries instead of one per customer.
     */
    default java.util.Map<Long, ContactDecision> may(java.util.Collection<Long> customerIds, Purpose purpose,
                                                    ContactChannel channel) {
        java.util.Map<Long, ContactDecision> decisions = new java.util.LinkedHashMap<>();
        customerIds.forEach(id -> decisions.computeIfAbsent(id, c -> may(c, purpose, channel)));
        return decisions;
    }
}
