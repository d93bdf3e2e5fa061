package io.rapport.privacy;

/**
 * GDPR art. 6(1) grounds for processing, kept per purpose ({@code rapport.privacy.lawful-basis}). Only
 * {@link #CONSENT} needs a recorded grant before Rapport acts; the other grounds allow processing until the customer
 * objects or opts out (a withdrawal in the ledger), which Rapport then honours the same way.
 */
public enum LawfulBasis {
    /** Art. 6(1)(a): the customer agreed; nothing happens without a grant in the ledger. */
    CONSENT,
    /** Art. 6(1)(b): needed to perform the contract (delivery notices, warranty, ticket updates). */
    CONTRACT,
    /** Art. 6(1)(c): required by law (e.g. product safety recalls). */
    LEGAL_OBLIGATION,
    /** Art. 6(1)(f): the brand's legitimate interests, balanced against the customer's (subject to objection). */
    LEGITIMATE_INTERESTS;

    public boolean needsGrant() {
        return this == CONSENT;
    }
}
