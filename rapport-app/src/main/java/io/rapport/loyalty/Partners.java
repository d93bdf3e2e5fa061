package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.platform.RapportException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Partner (cross-brand) points. A partner signs each request: {@code X-Partner-Signature} is the hex HMAC-SHA256, with
 * the partner's secret, of {@code timestamp + "\n" + nonce + "\n" + body}; the timestamp (epoch seconds) must be within
 * five minutes and a nonce is accepted once, so a captured request cannot be replayed. Earn converts the partner's
 * points into ours at {@code earnRate} (rounded down); burn spends ours at {@code burnRate} per partner point (rounded up).
 */
@Service
public class Partners {

    static final long SKEW_SECONDS = 300;

    private final DSLContext db;
    private final Clock clock;
    private final Points points;
    private final Members members;

    Partners(DSLContext db, Clock clock, Points points, Members members) {
        this.db = db;
        this.clock = clock;
        this.points = points;
        this.members = members;
    }

    public record Partner(String code, String name, BigDecimal earnRate, BigDecimal burnRate, boolean active) {}

    /** One day's totals per partner and direction, for reconciliation with the partner's own statement. */
    public record Reconciliation(String partner, LocalDate day, String direction, long requests, long partnerPoints,
                                 long points) {}

    public record Transfer(String partner, String nonce, String memberNo, long partnerPoints, long points,
                           Points.Balance balance) {}

    @Transactional
    public Partner save(String code, String name, String secret, BigDecimal earnRate, BigDecimal burnRate) {
        if (code == null || !code.matches("[a-z0-9-]{1,40}") || name == null || name.isBlank()) {
            throw RapportException.badRequest("invalid-partner", "code", "A partner needs a code (a-z, 0-9, '-') and a name");
        }
        if (secret == null || secret.length() < 16) {
            throw RapportException.badRequest("invalid-partner", "secret", "The shared secret needs 16 characters or more");
        }
        if (earnRate == null || earnRate.signum() <= 0 || burnRate == null || burnRate.signum() <= 0) {
            throw RapportException.badRequest("invalid-partner", "earnRate", "Exchange rates must be positive");
        }
        int updated = db.update(PARTNER).set(PT_NAME, name).set(PT_SECRET, secret).set(PT_EARN_RATE, earnRate)
                .set(PT_BURN_RATE, burnRate).set(PT_ACTIVE, true).where(PT_CODE.eq(code)).execute();
        if (updated == 0) {
            db.insertInto(PARTNER, PT_CODE, PT_NAME, PT_SECRET, PT_EARN_RATE, PT_BURN_RATE, PT_ACTIVE, PT_CREATED)
                    .values(code, name, secret, earnRate, burnRate, true, OffsetDateTime.now(clock)).execute();
        }
        return list().stream().filter(p -> p.code().equals(code)).findFirst().orElseThrow();
    }

    public List<Partner> list() {
        return db.select(PT_CODE, PT_NAME, PT_EARN_RATE, PT_BURN_RATE, PT_ACTIVE).from(PARTNER).orderBy(PT_CODE)
                .fetch(r -> new Partner(r.get(PT_CODE), r.get(PT_NAME), r.get(PT_EARN_RATE), r.get(PT_BURN_RATE),
                        r.get(PT_ACTIVE)));
    }

    /** A signed partner request: verifies it, refuses replays, then earns or burns; all in one transaction. */
    @Transactional
    public Transfer transfer(String partnerCode, String direction, String timestamp, String nonce, String signature,
                             String body, String memberNo, long partnerPoints) {
        Record partner = verify(partnerCode, timestamp, nonce, signature, body);
        if (db.fetchExists(PARTNER_REQUEST, PR_PARTNER.eq(partnerCode).and(PR_NONCE.eq(nonce)))) {
            throw replayed(nonce);
        }
        if (partnerPoints < 1) {
            throw RapportException.badRequest("invalid-points", "partnerPoints", "partnerPoints must be at least 1");
        }
        Members.Member member = members.byMemberNo(memberNo == null ? "" : memberNo.trim())
                .orElseThrow(() -> new RapportException(HttpStatus.NOT_FOUND, "member-not-found",
                        "No member with number '" + memberNo + "'"));
        long ours;
        Points.Movement movement;
        String key = "partner:" + partnerCode + ":" + nonce;
        if ("earn".equals(direction)) {
            ours = BigDecimal.valueOf(partnerPoints).multiply(partner.get(PT_EARN_RATE)).setScale(0, RoundingMode.DOWN)
                    .longValueExact();
            if (ours < 1) {
                throw RapportException.badRequest("invalid-points", "partnerPoints",
                        "partnerPoints convert to less than one point");
            }
            movement = points.earn(member.customerId(), ours, "partner", key, "partner-earn",
                    "from partner " + partnerCode, "partner:" + partnerCode);
        } else {
            ours = BigDecimal.valueOf(partnerPoints).multiply(partner.get(PT_BURN_RATE)).setScale(0, RoundingMode.UP)
                    .longValueExact();
            movement = points.spend(member.customerId(), ours, "partner-burn", "partner", key, partnerCode,
                    "to partner " + partnerCode, "partner:" + partnerCode);
        }
        try {
            db.insertInto(PARTNER_REQUEST, PR_PARTNER, PR_NONCE, PR_DIRECTION, PR_CUSTOMER, PR_PARTNER_POINTS, PR_POINTS,
                    PR_AT).values(partnerCode, nonce, direction, member.customerId(), partnerPoints, ours,
                    OffsetDateTime.now(clock)).execute();
        } catch (DuplicateKeyException raced) {
            throw replayed(nonce);
        }
        return new Transfer(partnerCode, nonce, member.memberNo(), partnerPoints, ours, movement.balance());
    }

    /** Checks the partner, the signature over the raw body and the timestamp; 401 with a stable code otherwise. */
    Record verify(String partnerCode, String timestamp, String nonce, String signature, String body) {
        Record partner = db.select(PT_SECRET, PT_EARN_RATE, PT_BURN_RATE, PT_ACTIVE).from(PARTNER)
                .where(PT_CODE.eq(partnerCode)).fetchOne();
        if (partner == null || !partner.get(PT_ACTIVE)) {
            throw new RapportException(HttpStatus.UNAUTHORIZED, "partner-unknown", "No active partner '" + partnerCode + "'");
        }
        if (timestamp == null || nonce == null || signature == null || nonce.isBlank() || nonce.length() > 100) {
            throw new RapportException(HttpStatus.UNAUTHORIZED, "signature-missing",
                    "Signed requests need X-Partner-Timestamp, X-Partner-Nonce (1-100 characters) and X-Partner-Signature");
        }
        String expected = sign(partner.get(PT_SECRET), timestamp, nonce, body);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.trim().toLowerCase().getBytes(StandardCharsets.US_ASCII))) {
            throw new RapportException(HttpStatus.UNAUTHORIZED, "bad-signature", "The request signature does not match");
        }
        long sent;
        try {
            sent = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new RapportException(HttpStatus.UNAUTHORIZED, "stale-request", "X-Partner-Timestamp is not epoch seconds");
        }
        if (Math.abs(clock.instant().getEpochSecond() - sent) > SKEW_SECONDS) {
            throw new RapportException(HttpStatus.UNAUTHORIZED, "stale-request",
                    "The request timestamp is more than " + SKEW_SECONDS + " s from the server's clock");
        }
        return partner;
    }

    private static RapportException replayed(String nonce) {
        return new RapportException(HttpStatus.CONFLICT, "replayed-request", "Nonce '" + nonce
                + "' was already used: a partner request is accepted once");
    }

    /** Totals per partner, day (brand time zone) and direction, for the days from {@code from} to {@code to}. */
    public List<Reconciliation> reconciliation(LocalDate from, LocalDate to, java.time.ZoneId zone) {
        var rows = db.select(PR_PARTNER, PR_DIRECTION, PR_AT, PR_PARTNER_POINTS, PR_POINTS).from(PARTNER_REQUEST)
                .where(PR_AT.ge(from.atStartOfDay(zone).toOffsetDateTime()))
                .and(PR_AT.lt(to.plusDays(1).atStartOfDay(zone).toOffsetDateTime())).fetch();
        java.util.Map<List<Object>, long[]> sums = new java.util.TreeMap<>(java.util.Comparator.comparing(Object::toString));
        for (Record r : rows) {
            LocalDate day = r.get(PR_AT).atZoneSameInstant(zone).toLocalDate();
            long[] s = sums.computeIfAbsent(List.of(r.get(PR_PARTNER), day, r.get(PR_DIRECTION)), k -> new long[3]);
            s[0]++;
            s[1] += r.get(PR_PARTNER_POINTS);
            s[2] += r.get(PR_POINTS);
        }
        return sums.entrySet().stream().map(e -> new Reconciliation((String) e.getKey().get(0),
                (LocalDate) e.getKey().get(1), (String) e.getKey().get(2), e.getValue()[0], e.getValue()[1],
                e.getValue()[2])).toList();
    }

    public static String sign(String secret, String timestamp, String nonce, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal((timestamp + "\n" + nonce + "\n" + (body == null ? "" : body))
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

}
