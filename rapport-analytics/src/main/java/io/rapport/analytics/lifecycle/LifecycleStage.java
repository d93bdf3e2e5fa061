package io.rapport.analytics.lifecycle;

/** Where a customer is in their relationship with the brand, from first contact to gone. */
public enum LifecycleStage {
    /** Known to the brand (registered, browsing, opening messages) but has not bought yet. */
    POTENTIAL,
    /** First purchase recently: still to be won for a second one. */
    NEW,
    /** Buying at their own usual rhythm. */
    ACTIVE,
    /** Overdue against their own rhythm, or the purchase model doubts they are still a customer: win back now. */
    DORMANT,
    /** Long overdue, or very likely gone: reactivation campaigns only. */
    CHURNED
}
