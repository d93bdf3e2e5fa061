package io.rapport.customer;

/**
 * One normalised identifier: phone in E.164, email lower-cased, external ids scoped by their source
 * ({@code namespace}); other kinds have an empty namespace. Build them with {@link IdentityNormalizer}.
 */
public record IdentityKey(IdentityKind kind, String namespace, String value) {

    public IdentityKey {
        namespace = namespace == null ? "" : namespace;
    }

    public static IdentityKey external(String source, String id) {
        return new IdentityKey(IdentityKind.EXTERNAL, source, id);
    }
}
