package io.rapport.privacy;

/** The data-subject rights Rapport handles as tracked requests. */
public enum RequestType {
    /** Right of access and portability (GDPR art. 15, 20; PIPL art. 45; CCPA right to know). */
    ACCESS,
    /** Right to rectification (GDPR art. 16; PIPL art. 46; CCPA right to correct). */
    RECTIFICATION,
    /** Right to erasure (GDPR art. 17; PIPL art. 47; CCPA right to delete). */
    ERASURE,
    /** Right to restriction of processing (GDPR art. 18; PIPL art. 44 right to restrict). */
    RESTRICTION,
    /** Right to object to profiling (GDPR art. 21; PIPL art. 24 automated decision-making). */
    OBJECTION
}
