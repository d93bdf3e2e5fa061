package io.rapport.analytics.rfm;

/** Membership tier earned by rolling 12-month spend, highest first. */
public enum SpendTier {
    BLACK,
    GOLD,
    SILVER
}
