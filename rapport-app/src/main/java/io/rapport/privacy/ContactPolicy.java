package io.rapport.privacy;

/**
 * The single decision every module asks before it contacts or profiles a customer. The consent ledger
 * implements it; journeys, channels, segments and scoring call it and never read consent tables themselves.
 */
public interface ContactPolicy {

    /** Whether the customer may be used for the purpose on the channel (for PROFILING the channel is ignored). */
    ContactDecision may(long customerId, Purpose purpose, ContactChannel channel);
}
