package io.rapport.privacy;

/** Why Rapport uses a customer's data or contacts them; consent and lawful basis are kept per purpose. */
public enum Purpose {
    /** Offers, newsletters, win-back and other promotional messages. */
    MARKETING,
    /** Messages the customer needs about what they bought or asked: delivery, warranty, ticket updates. */
    SERVICE,
    /** Scoring, segmentation and personalisation built from the customer's behaviour. */
    PROFILING,
    /** Handing data to partners or third parties (PIPL separate consent, CCPA "sell or share"). */
    DATA_SHARING
}
