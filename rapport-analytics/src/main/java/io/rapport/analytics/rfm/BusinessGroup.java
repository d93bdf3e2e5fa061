package io.rapport.analytics.rfm;

/** The three groups a CRM team acts on, each a union of {@link RfmSegment}s. */
public enum BusinessGroup {
    /** Recent, frequent, high spenders: keep them (champions, loyal). */
    HIGH_VALUE_LOYAL,
    /** Recent or mid-recency customers who can grow: develop them (potential loyalists, new, promising, need attention). */
    POTENTIAL,
    /** Customers who have stopped buying: win them back or let them go (about to sleep, at risk, can't lose, hibernating, lost). */
    DORMANT
}
