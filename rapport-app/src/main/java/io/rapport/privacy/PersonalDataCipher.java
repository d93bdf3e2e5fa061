package io.rapport.privacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Service;

/**
 * Field encryption for personal data at rest: AES-256-GCM with a random 96-bit IV per value, and a blind index
 * (HMAC-SHA256 under a separate key) so exact-match lookups still work on encrypted values.
 *
 * <p>Keys: {@code rapport.privacy.encryption.keys.<id>} (base64, 32 bytes), {@code current-key} (the id new values
 * are encrypted with) and {@code index-key} (base64, 32 bytes) — or the same as lines {@code key.<id>=…},
 * {@code current=…}, {@code index=…} in {@code rapport.privacy.encryption.key-file}. Without keys encryption is off
 * and values are stored as they are. Stored form: {@code enc:<id>:<base64(iv ‖ ciphertext ‖ tag)>}; a value without
 * that prefix is plain (written before encryption was turned on) and is read as it is. Rotation: add a key, make it
 * current; {@link KeyRotation} re-encrypts older values in the background. The index key cannot rotate without
 * re-indexing every value.
 */
@Service
public class PersonalDataCipher {

    static final String PREFIX = "enc:";
    static final String INDEX_PREFIX = "bi:";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
    private final String current;
    private final SecretKeySpec indexKey;

    PersonalDataCipher(Environment environment) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        String file = environment.getProperty("rapport.privacy.encryption.key-file", "");
        if (!file.isBlank()) {
            for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                int eq = line.indexOf('=');
                if (eq > 0 && !line.startsWith("#")) {
                    settings.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
        }
        String prefix = "rapport.privacy.encryption.keys.";
        if (environment instanceof org.springframework.core.env.ConfigurableEnvironment configurable) {
            for (var source : configurable.getPropertySources()) {
                if (source instanceof org.springframework.core.env.EnumerablePropertySource<?> enumerable) {
                    for (String name : enumerable.getPropertyNames()) {
                        if (name.startsWith(prefix)) {
                            settings.putIfAbsent("key." + name.substring(prefix.length()), environment.getProperty(name));
                        }
                    }
                }
            }
        }
        settings.putIfAbsent("current", environment.getProperty("rapport.privacy.encryption.current-key", ""));
        settings.putIfAbsent("index", environment.getProperty("rapport.privacy.encryption.index-key", ""));
        settings.forEach((name, value) -> {
            if (name.startsWith("key.")) {
                keys.put(name.substring(4), new SecretKeySpec(bytes(name, value), "AES"));
            }
        });
        String currentId = settings.get("current");
        if (keys.isEmpty()) {
            current = null;
            indexKey = null;
            return;
        }
        if (currentId == null || currentId.isBlank() || !keys.containsKey(currentId)) {
            throw new IllegalStateException("rapport.privacy.encryption.current-key must name one of the keys "
                    + keys.keySet());
        }
        if (settings.get("index") == null || settings.get("index").isBlank()) {
            throw new IllegalStateException("rapport.privacy.encryption.index-key is required with encryption keys");
        }
        current = currentId;
        indexKey = new SecretKeySpec(bytes("index-key", settings.get("index")), "HmacSHA256");
    }

    private static byte[] bytes(String name, String base64) {
        byte[] key = Base64.getDecoder().decode(base64.strip());
        if (key.length != 32) {
            throw new IllegalStateException("Encryption key " + name + " must be 32 bytes (base64), not " + key.length);
        }
        return key;
    }

    public boolean enabled() {
        return current != null;
    }

    /** The id of the key new values are encrypted with. */
    public Optional<String> currentKey() {
        return Optional.ofNullable(current);
    }

    /**
     * The SQL {@code LIKE} pattern of values sealed with the current key: a column {@code NOT LIKE} it holds a plain
     * value or one under an older key, which key rotation re-encrypts.
     */
    public String currentKeyPattern() {
        return PREFIX + currentKey().orElseThrow() + ":%";
    }

    /** Whether a stored value is encrypted with the current key (false for plain values when encryption is on). */
    public boolean isCurrent(String stored) {
        return current != null && stored != null && stored.startsWith(PREFIX + current + ":");
    }

    public String encrypt(String plain) {
        return encryptWith(current, plain);
    }

    String encryptWith(String keyId, String plain) {
        if (keyId == null || plain == null) {
            return plain;
        }
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(keyId), new GCMParameterSpec(128, iv));
            cipher.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return PREFIX + keyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** The plain value of a stored one (plain values pass through). */
    public String decrypt(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return stored;
        }
        int colon = stored.indexOf(':', PREFIX.length());
        String keyId = stored.substring(PREFIX.length(), colon);
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("A value is encrypted with key '" + keyId + "', which is not configured");
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(colon + 1));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, 12));
            cipher.updateAAD(keyId.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("A stored value could not be decrypted (changed, or wrong key)", e);
        }
    }

    /** The blind index of a normalised value of a kind (e.g. "EMAIL"): equal values, equal index; nothing else. */
    public String blindIndex(String kind, String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(indexKey);
            byte[] digest = mac.doFinal((kind + "\u0000" + value).getBytes(StandardCharsets.UTF_8));
            return INDEX_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
