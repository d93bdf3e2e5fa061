package io.rapport.testing;

import io.rapport.privacy.ContactChannel;
import io.rapport.privacy.ContactDecision;
import io.rapport.privacy.ContactPolicy;
import io.rapport.privacy.Purpose;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for the privacy module's consent ledger while it is being built (a Rapport-internal interface, not a
 * third party): customers are allowed everything unless the test withdraws consent for a purpose and channel.
 * Remove when the real {@link ContactPolicy} bean lands and seed consent through its API instead.
 */
public final class ConsentDouble implements ContactPolicy {

    private final Set<String> withdrawn = ConcurrentHashMap.newKeySet();

    public void withdraw(long customerId, Purpose purpose, ContactChannel channel) {
        withdrawn.add(customerId + "|" + purpose + "|" + channel);
    }

    @Override
    public ContactDecision may(long customerId, Purpose purpose, ContactChannel channel) {
        return withdrawn.contains(customerId + "|" + purpose + "|" + channel)
                ? ContactDecision.deny("consent-withdrawn") : ContactDecision.allow();
    }
}
