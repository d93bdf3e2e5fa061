package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.customer.CustomerContacts;
import io.rapport.customer.IdentityNormalizer;
import io.rapport.platform.RapportException;
import io.rapport.privacy.PersonalDataCipher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

/**
 * The contacts behind referral anti-abuse: a phone and a postal address given at sign-up, and the phone on the
 * customer's profile, reduced to fingerprints of their normalised form — privacy's keyed blind index when encryption
 * is configured (a SHA-256 otherwise, where contacts are not encrypted anyway). Inviter and invitee are compared by
 * fingerprint only: no plain value is stored here, and encrypted values are never compared in plain.
 */
@Component
class ReferralContacts {

    enum Kind { PHONE, ADDRESS }

    /** A contact as kept: its kind and the fingerprint of its normalised value. */
    record Fingerprint(Kind kind, String value) {}

    /** A contact that both sides of a referral share. */
    record Shared(Kind kind) {
        String reason() {
            return kind == Kind.PHONE ? "referral-same-phone: the invitee has the inviter's phone number"
                    : "referral-same-address: the invitee has the inviter's address";
        }
    }

    private final DSLContext db;
    private final Clock clock;
    private final PersonalDataCipher cipher;
    private final IdentityNormalizer normalizer;
    private final CustomerContacts contacts;

    ReferralContacts(DSLContext db, Clock clock, PersonalDataCipher cipher, IdentityNormalizer normalizer,
                     CustomerContacts contacts) {
        this.db = db;
        this.clock = clock;
        this.cipher = cipher;
        this.normalizer = normalizer;
        this.contacts = contacts;
    }

    /** Normalises sign-up contacts before anything is written: 400 {@code invalid-phone} / {@code invalid-address}. */
    List<Fingerprint> fingerprints(Optional<String> phone, Optional<String> address) {
        List<Fingerprint> result = new java.util.ArrayList<>();
        phone.filter(p -> !p.isBlank()).ifPresent(p -> result.add(phone(p)));
        address.filter(a -> !a.isBlank()).ifPresent(a -> {
            String normal = address(a);
            if (normal.length() < 5 || a.length() > 500) {
                throw RapportException.badRequest("invalid-address", "address",
                        "An address needs 5 to 500 characters with letters or digits");
            }
            result.add(fingerprint(Kind.ADDRESS, normal));
        });
        return result;
    }

    void record(long customerId, List<Fingerprint> fingerprints) {
        for (Fingerprint f : fingerprints) {
            db.insertInto(CONTACT, CT_CUSTOMER, CT_KIND, CT_FINGERPRINT, CT_CREATED)
                    .values(customerId, f.kind().name(), f.value(), OffsetDateTime.now(clock))
                    .onConflict(CT_CUSTOMER, CT_KIND, CT_FINGERPRINT).doNothing().execute();
        }
    }

    /** The first contact inviter and invitee share (phone before address), if any. */
    Optional<Shared> shared(long inviter, long invitee) {
        Set<Fingerprint> theirs = of(inviter);
        return of(invitee).stream().filter(theirs::contains).map(Fingerprint::kind).sorted().findFirst()
                .map(Shared::new);
    }

    /** Removes a member's contact fingerprints (erasure). */
    int forget(long customerId) {
        return db.deleteFrom(CONTACT).where(CT_CUSTOMER.eq(customerId)).execute();
    }

    private Set<Fingerprint> of(long customerId) {
        Set<Fingerprint> all = new HashSet<>();
        db.select(CT_KIND, CT_FINGERPRINT).from(CONTACT).where(CT_CUSTOMER.eq(customerId))
                .forEach(r -> all.add(new Fingerprint(Kind.valueOf(r.value1()), r.value2())));
        contacts.find(customerId).flatMap(CustomerContacts.Contact::phone).ifPresent(p -> {
            try {
                all.add(phone(p));
            } catch (RapportException unusable) {
                // a profile phone that does not parse cannot match a normalised one
            }
        });
        return all;
    }

    private Fingerprint phone(String raw) {
        try {
            return fingerprint(Kind.PHONE, normalizer.phone(raw).value());
        } catch (IdentityNormalizer.InvalidIdentityException e) {
            throw RapportException.badRequest("invalid-phone", "phone", e.getMessage());
        }
    }

    /** Case, accents' composition, punctuation and spacing do not make two addresses different. */
    static String address(String raw) {
        return Normalizer.normalize(raw, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    private Fingerprint fingerprint(Kind kind, String normalised) {
        if (cipher.enabled()) {
            return new Fingerprint(kind, cipher.blindIndex("LOYALTY_" + kind.name(), normalised));
        }
        try {
            return new Fingerprint(kind, "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest((kind.name() + "\u0000" + normalised).getBytes(StandardCharsets.UTF_8))));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
