package io.rapport.customer;

import io.rapport.privacy.ConsentLedger;
import io.rapport.privacy.DataSubjects;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The customer capability's side of privacy's ports: which customers exist (following merges), finding one by an
 * identifier, and carrying consent over when profiles merge (in the merging transaction).
 */
@Component
class CustomerDataSubjects implements DataSubjects {

    private final CustomerDirectory directory;
    private final IdentityNormalizer normalizer;
    private final ConsentLedger consents;

    CustomerDataSubjects(CustomerDirectory directory, IdentityNormalizer normalizer, ConsentLedger consents) {
        this.directory = directory;
        this.normalizer = normalizer;
        this.consents = consents;
    }

    @Override
    public Optional<Long> current(long customerId) {
        return directory.current(customerId);
    }

    @Override
    public Optional<Long> findByIdentity(String kind, String value) {
        IdentityKind identityKind = IdentityKind.valueOf(kind.toUpperCase(Locale.ROOT));
        if (!Set.of(IdentityKind.PHONE, IdentityKind.EMAIL, IdentityKind.MEMBER_NO).contains(identityKind)) {
            throw new IllegalArgumentException("Customers are found by phone, email or member_no, not " + kind);
        }
        IdentityKey key = normalizer.of(identityKind, "", value);
        Map<IdentityKey, Long> owners = directory.owners(Set.of(key));
        return Optional.ofNullable(owners.get(key)).flatMap(directory::current);
    }

    @EventListener
    void merged(CustomersMerged event) {
        consents.carryOver(event.survivorId(), event.mergedId());
    }
}
