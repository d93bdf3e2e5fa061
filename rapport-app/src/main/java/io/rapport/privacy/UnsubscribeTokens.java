package io.rapport.privacy;

import static io.rapport.privacy.ConsentTables.*;

import io.rapport.platform.LinkSigner;
import io.rapport.platform.RapportException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.jooq.DSLContext;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Signed, expiring one-click unsubscribe links. A token carries the customer id, purpose, channel and expiry (no
 * personal data) and an HMAC-SHA256 over them; whoever holds the link may withdraw that one consent, nothing else.
 * The key comes from {@code rapport.privacy.unsubscribe.secret}, or is generated once and kept in
 * {@code privacy_secret} so links already sent keep working after a restart.
 */
@Service
public class UnsubscribeTokens {

    static final String SECRET_NAME = "unsubscribe-hmac";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final Clock clock;
    private final PrivacyProperties properties;
    private final LinkSigner signer;

    UnsubscribeTokens(DSLContext db, Clock clock, PrivacyProperties properties,
                      PlatformTransactionManager transactions) {
        this.clock = clock;
        this.properties = properties;
        this.signer = new LinkSigner(db, clock, transactions, "privacy_secret", SECRET_NAME,
                () -> properties.unsubscribe().secret(), "rapport.privacy.unsubscribe.secret");
    }

    /** What a valid token allows: withdrawing this purpose on this channel (empty: every channel) for this customer. */
    public record Grant(long customerId, Purpose purpose, Optional<ContactChannel> channel, Instant expiresAt) {}

    /** A link to put in a message (and its {@code List-Unsubscribe} header, RFC 8058). */
    public record Link(String url, String token, Instant expiresAt) {}

    public Link link(long customerId, Purpose purpose, Optional<ContactChannel> channel) {
        Instant expires = clock.instant().plus(properties.unsubscribe().ttl()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        String token = token(customerId, purpose, channel, expires);
        String base = properties.unsubscribe().baseUrl();
        return new Link((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/unsubscribe/" + token,
                token, expires);
    }

    String token(long customerId, Purpose purpose, Optional<ContactChannel> channel, Instant expires) {
        String payload = "1." + customerId + "." + purpose.name() + "." + channel.map(Enum::name).orElse(ALL_CHANNELS)
                + "." + expires.getEpochSecond();
        return B64.encodeToString(payload.getBytes(StandardCharsets.US_ASCII)) + "." + B64.encodeToString(sign(payload));
    }

    /**
     * The grant a token carries. A token that was altered, not made here, or unreadable is a 400
     * ({@code invalid-unsubscribe-token}); an expired one a 410 ({@code unsubscribe-token-expired}).
     */
    public Grant verify(String token) {
        RapportException invalid = new RapportException(HttpStatus.BAD_REQUEST, "invalid-unsubscribe-token",
                "This unsubscribe link is not valid: it was changed or not issued by this server");
        if (token == null || token.length() > 400) {
            throw invalid;
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            throw invalid;
        }
        String payload;
        byte[] signature;
        try {
            payload = new String(B64D.decode(token.substring(0, dot)), StandardCharsets.US_ASCII);
            signature = B64D.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw invalid;
        }
        if (!MessageDigest.isEqual(sign(payload), signature)) {
            throw invalid;
        }
        String[] parts = payload.split("\\.");
        if (parts.length != 5 || !"1".equals(parts[0])) {
            throw invalid;
        }
        Grant grant;
        try {
            grant = new Grant(Long.parseLong(parts[1]), Purpose.valueOf(parts[2]),
                    ALL_CHANNELS.equals(parts[3]) ? Optional.empty() : Optional.of(ContactChannel.valueOf(parts[3])),
                    Instant.ofEpochSecond(Long.parseLong(parts[4])));
        } catch (IllegalArgumentException e) {
            throw invalid;
        }
        if (!clock.instant().isBefore(grant.expiresAt())) {
            throw new RapportException(HttpStatus.GONE, "unsubscribe-token-expired",
                    "This unsubscribe link expired on " + grant.expiresAt() + "; use the preference centre or contact us")
                    .with("expiredAt", grant.expiresAt().toString());
        }
        return grant;
    }

    private byte[] sign(String payload) {
        return signer.sign(payload);
    }
}
