package io.rapport.privacy;

/**
 * Storage that keeps values encrypted with {@link PersonalDataCipher}: the capability owning the table implements it
 * so that {@link KeyRotation} can bring every value under the current key (and encrypt values written before
 * encryption was turned on) without knowing the table.
 */
public interface ProtectedValues {

    /** What is stored (for logs and reports): {@code customer identities} … */
    String name();

    /** Re-encrypts (or encrypts) up to {@code limit} values not yet under the current key; returns how many. */
    int protectBatch(int limit);
}
