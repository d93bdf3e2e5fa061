package io.rapport.channel;

import io.rapport.privacy.Purpose;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code {publicBaseUrl}/unsubscribe?c={customerId}&ch={channel}&p={purpose}&s={signature}} where the signature is
 * hex HMAC-SHA256 over {@code c|ch|p} with {@code rapport.channel.unsubscribe-secret}. Nothing in the link can be
 * changed without the signature failing, and it needs no state on the server.
 */
public final class SignedUnsubscribeLinks implements UnsubscribeLinks {

    private final URI base;
    private final byte[] secret;

    public SignedUnsubscribeLinks(URI base, String secret) {
        this.base = base;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public URI link(long customerId, ChannelKind channel, Purpose purpose) {
        String ch = channel.wire();
        String p = purpose.name().toLowerCase(Locale.ROOT);
        String root = base.toString().endsWith("/") ? base.toString() : base + "/";
        return URI.create(root + "unsubscribe?c=" + customerId + "&ch=" + ch + "&p=" + p + "&s="
                + sign(customerId + "|" + ch + "|" + p));
    }

    /** Whether a link's parameters carry a valid signature (for the unsubscribe endpoint). */
    public boolean verify(String customerId, String channel, String purpose, String signature) {
        byte[] expected = sign(customerId + "|" + channel + "|" + purpose).getBytes(StandardCharsets.US_ASCII);
        return signature != null && MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }

    private String sign(String payload) {
        return HexFormat.of().formatHex(Hmac.sha256(secret, payload.getBytes(StandardCharsets.UTF_8)));
    }

    /** HMAC-SHA256, shared by links and gateway request signatures. */
    static final class Hmac {
        private Hmac() {}

        static byte[] sha256(byte[] key, byte[] data) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(data);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
            }
        }
    }
}
