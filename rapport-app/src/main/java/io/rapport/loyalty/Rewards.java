package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.platform.RapportException;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The rewards catalogue and redemption. A redemption is one transaction: the member's row is locked, the reward's
 * row is locked, points are spent, stock is taken and a coupon with a unique code is issued — all of it or nothing.
 * The same idempotency key returns the same coupon.
 */
@Service
public class Rewards {

    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DSLContext db;
    private final Clock clock;
    private final PointsLedger ledger;
    private final Points points;

    Rewards(DSLContext db, Clock clock, PointsLedger ledger, Points points) {
        this.db = db;
        this.clock = clock;
        this.ledger = ledger;
        this.points = points;
    }

    /** A catalogue entry; {@code stock} empty means unlimited. */
    public record Reward(String code, String name, String kind, long pointsCost, Optional<Long> stock,
                         Optional<OffsetDateTime> validFrom, Optional<OffsetDateTime> validUntil, int couponValidDays,
                         Optional<BigDecimal> couponValue, boolean active) {}

    /** An issued coupon. */
    public record Coupon(String code, long customerId, String rewardCode, long points, String status,
                         OffsetDateTime issuedAt, OffsetDateTime expiresAt, Optional<OffsetDateTime> usedAt,
                         Optional<String> usedOrder) {}

    /** The result of a redemption or issue: the coupon and the member's balance after it. */
    public record Redemption(Coupon coupon, Points.Balance balance, boolean replayed) {}

    public List<Reward> catalogue() {
        return db.selectFrom(REWARD).orderBy(RW_CODE).fetch(Rewards::reward);
    }

    public Optional<Reward> find(String code) {
        return db.selectFrom(REWARD).where(RW_CODE.eq(code)).fetchOptional(Rewards::reward);
    }

    /** Creates or replaces a catalogue entry (400 naming the field when it cannot work). */
    @Transactional
    public Reward save(Reward r) {
        if (r.code() == null || !r.code().matches("[A-Za-z0-9_-]{1,40}")) {
            throw RapportException.badRequest("invalid-reward", "code", "Reward codes are 1-40 letters, digits, '-' or '_'");
        }
        if (r.name() == null || r.name().isBlank()) {
            throw RapportException.badRequest("invalid-reward", "name", "A reward needs a name");
        }
        if (!List.of("coupon", "gift", "service").contains(r.kind())) {
            throw RapportException.badRequest("invalid-reward", "kind", "Reward kind is coupon, gift or service");
        }
        if (r.pointsCost() < 0 || r.stock().map(s -> s < 0).orElse(false) || r.couponValidDays() < 1) {
            throw RapportException.badRequest("invalid-reward", r.pointsCost() < 0 ? "pointsCost" : r.couponValidDays() < 1
                    ? "couponValidDays" : "stock", "Points cost and stock must not be negative; coupons are valid 1 day or more");
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        int updated = db.update(REWARD).set(RW_NAME, r.name()).set(RW_KIND, r.kind()).set(RW_COST, r.pointsCost())
                .set(RW_STOCK, r.stock().orElse(null)).set(RW_FROM, r.validFrom().orElse(null))
                .set(RW_UNTIL, r.validUntil().orElse(null)).set(RW_COUPON_DAYS, r.couponValidDays())
                .set(RW_VALUE, r.couponValue().orElse(null)).set(RW_ACTIVE, r.active())
                .where(RW_CODE.eq(r.code())).execute();
        if (updated == 0) {
            db.insertInto(REWARD, RW_CODE, RW_NAME, RW_KIND, RW_COST, RW_STOCK, RW_FROM, RW_UNTIL, RW_COUPON_DAYS,
                            RW_VALUE, RW_ACTIVE, RW_CREATED)
                    .values(r.code(), r.name(), r.kind(), r.pointsCost(), r.stock().orElse(null),
                            r.validFrom().orElse(null), r.validUntil().orElse(null), r.couponValidDays(),
                            r.couponValue().orElse(null), r.active(), now).execute();
        }
        return find(r.code()).orElseThrow();
    }

    /**
     * Redeems a reward for points. 404 {@code member-not-found} / {@code reward-not-found}; 422 {@code reward-expired},
     * {@code reward-not-yet-valid}, {@code reward-inactive}; 409 {@code reward-out-of-stock},
     * {@code insufficient-points}; a repeated key returns the first coupon.
     */
    @Transactional
    public Redemption redeem(long customerId, String rewardCode, String idempotencyKey, String actor) {
        return take(customerId, rewardCode, idempotencyKey, actor, true);
    }

    /** Issues a reward's coupon without spending points (a journey's gift, a birthday gift); idempotent by key. */
    @Transactional
    public Redemption issue(long customerId, String rewardCode, String idempotencyKey) {
        return take(customerId, rewardCode, idempotencyKey, "system", false);
    }

    private Redemption take(long customerId, String rewardCode, String idempotencyKey, String actor, boolean pay) {
        String key = (pay ? "redeem:" : "issue:") + Points.scoped(customerId, Points.key(idempotencyKey));
        PointsLedger.Locked m = ledger.lock(customerId);
        Optional<Coupon> earlier = db.selectFrom(COUPON).where(C_KEY.eq(key)).fetchOptional(Rewards::coupon);
        if (earlier.isPresent()) {
            if (earlier.get().customerId() != customerId || !earlier.get().rewardCode().equals(rewardCode)) {
                throw new RapportException(HttpStatus.CONFLICT, "idempotency-key-reused", "Idempotency key '"
                        + idempotencyKey + "' was already used for another redemption").with("idempotencyKey", idempotencyKey);
            }
            return new Redemption(earlier.get(), points.balance(m), true);
        }
        Record reward = db.selectFrom(REWARD).where(RW_CODE.eq(rewardCode)).forUpdate().fetchOne();
        if (reward == null) {
            throw new RapportException(HttpStatus.NOT_FOUND, "reward-not-found", "Reward " + rewardCode + " does not exist")
                    .with("rewardCode", rewardCode);
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (!reward.get(RW_ACTIVE)) {
            throw new RapportException(HttpStatus.UNPROCESSABLE_CONTENT, "reward-inactive", "Reward " + rewardCode
                    + " is withdrawn").with("rewardCode", rewardCode);
        }
        if (reward.get(RW_UNTIL) != null && !now.isBefore(reward.get(RW_UNTIL))) {
            throw new RapportException(HttpStatus.UNPROCESSABLE_CONTENT, "reward-expired", "Reward " + rewardCode
                    + " could be redeemed until " + reward.get(RW_UNTIL)).with("rewardCode", rewardCode);
        }
        if (reward.get(RW_FROM) != null && now.isBefore(reward.get(RW_FROM))) {
            throw new RapportException(HttpStatus.UNPROCESSABLE_CONTENT, "reward-not-yet-valid", "Reward " + rewardCode
                    + " can be redeemed from " + reward.get(RW_FROM)).with("rewardCode", rewardCode);
        }
        Long stock = reward.get(RW_STOCK);
        if (stock != null && stock < 1) {
            throw new RapportException(HttpStatus.CONFLICT, "reward-out-of-stock", "Reward " + rewardCode
                    + " is out of stock").with("rewardCode", rewardCode);
        }
        long cost = pay ? reward.get(RW_COST) : 0;
        if (cost > 0) {
            ledger.spend(m, "redeem", "redemption", cost, key, rewardCode, "redeemed " + rewardCode, actor);
        }
        if (stock != null) {
            db.update(REWARD).set(RW_STOCK, stock - 1).where(RW_CODE.eq(rewardCode)).execute();
        }
        String code = couponCode();
        db.insertInto(COUPON, C_CODE, C_CUSTOMER, C_REWARD, C_KEY, C_POINTS, C_STATUS, C_ISSUED, C_EXPIRES)
                .values(code, customerId, rewardCode, key, cost, "issued", now,
                        now.plusDays(reward.get(RW_COUPON_DAYS))).execute();
        Coupon coupon = db.selectFrom(COUPON).where(C_CODE.eq(code)).fetchOne(Rewards::coupon);
        return new Redemption(coupon, points.balance(m), false);
    }

    public Optional<Coupon> coupon(String code) {
        return db.selectFrom(COUPON).where(C_CODE.eq(code)).fetchOptional(Rewards::coupon);
    }

    public List<Coupon> coupons(long customerId) {
        return db.selectFrom(COUPON).where(C_CUSTOMER.eq(customerId)).orderBy(C_ISSUED.desc()).fetch(Rewards::coupon);
    }

    /**
     * Records a coupon's use by an order line: only the owner's own, unexpired, unused coupon; a second use or a stranger's
     * coupon changes nothing. Returns whether the use was recorded.
     */
    boolean use(String couponCode, long customerId, String order, OffsetDateTime at) {
        return db.update(COUPON).set(C_STATUS, "used").set(C_USED_AT, at).set(C_USED_ORDER, order)
                .where(C_CODE.eq(couponCode.trim())).and(C_CUSTOMER.eq(customerId)).and(C_STATUS.eq("issued"))
                .and(C_EXPIRES.gt(at)).execute() == 1;
    }

    /** Marks issued coupons past their date as expired; returns how many. */
    @Transactional
    public int expireCoupons() {
        return db.update(COUPON).set(C_STATUS, "expired").where(C_STATUS.eq("issued"))
                .and(C_EXPIRES.le(OffsetDateTime.now(clock))).execute();
    }

    static String couponCode() {
        char[] code = new char[12];
        for (int i = 0; i < code.length; i++) {
            code[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return "RP" + new String(code);
    }

    private static Reward reward(Record r) {
        return new Reward(r.get(RW_CODE), r.get(RW_NAME), r.get(RW_KIND), r.get(RW_COST),
                Optional.ofNullable(r.get(RW_STOCK)), Optional.ofNullable(r.get(RW_FROM)),
                Optional.ofNullable(r.get(RW_UNTIL)), r.get(RW_COUPON_DAYS), Optional.ofNullable(r.get(RW_VALUE)),
                r.get(RW_ACTIVE));
    }

    private static Coupon coupon(Record r) {
        return new Coupon(r.get(C_CODE), r.get(C_CUSTOMER), r.get(C_REWARD), r.get(C_POINTS), r.get(C_STATUS),
                r.get(C_ISSUED), r.get(C_EXPIRES), Optional.ofNullable(r.get(C_USED_AT)),
                Optional.ofNullable(r.get(C_USED_ORDER)));
    }
}
