package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;

/** Programme-wide figures: the points liability. Each one query over the member rows or the ledger. */
@Service
public class LoyaltyReports {

    private final DSLContext db;
    private final Clock clock;
    private final Programme programme;

    LoyaltyReports(DSLContext db, Clock clock, Programme programme) {
        this.db = db;
        this.clock = clock;
        this.programme = programme;
    }

    /**
     * Outstanding points and what they are worth. The expected redemption rate is the share of points that left the
     * ledger in the last 12 months by redemption (incl. donations and partner transfers) rather than by expiry; the
     * liability is outstanding × point value × that rate (1 while nothing has left yet).
     */
    public record Liability(long members, long availablePoints, long pendingPoints, long debtPoints,
                            BigDecimal pointValue, String currency, BigDecimal faceValue, long redeemedLast12Months,
                            long expiredLast12Months, double expectedRedemptionRate, BigDecimal expectedLiability,
                            long expiringNext30Days) {}

    public Liability liability() {
        Record m = db.select(DSL.count(), DSL.coalesce(DSL.sum(M_AVAILABLE), 0).cast(Long.class),
                DSL.coalesce(DSL.sum(M_PENDING), 0).cast(Long.class),
                DSL.coalesce(DSL.sum(M_DEBT), 0).cast(Long.class)).from(MEMBER).fetchOne();
        OffsetDateTime now = OffsetDateTime.now(clock);
        Record out = db.select(
                        DSL.coalesce(DSL.sum(DSL.when(L_KIND.in("redeem", "donate", "partner-burn"), L_POINTS.neg())
                                .otherwise(0L)), 0).cast(Long.class),
                        DSL.coalesce(DSL.sum(DSL.when(L_KIND.eq("expire"), L_POINTS.plus(L_PENDING).neg())
                                .otherwise(0L)), 0).cast(Long.class))
                .from(LEDGER).where(L_CREATED.ge(now.minusMonths(12))).fetchOne();
        Long expiring = db.select(DSL.sum(LOT_REMAINING).cast(Long.class)).from(LOT)
                .where(LOT_STATE.in(PointsLedger.PENDING, PointsLedger.AVAILABLE)).and(LOT_REMAINING.gt(0L))
                .and(LOT_EXPIRES.gt(now)).and(LOT_EXPIRES.le(now.plusDays(30))).fetchOne(0, Long.class);
        long available = m.get(1, Long.class);
        long pending = m.get(2, Long.class);
        long redeemed = out.get(0, Long.class);
        long expired = out.get(1, Long.class);
        double rate = redeemed + expired == 0 ? 1.0 : (double) redeemed / (redeemed + expired);
        BigDecimal value = programme.settings().pointValue();
        BigDecimal face = value.multiply(BigDecimal.valueOf(available + pending)).setScale(2, RoundingMode.HALF_UP);
        return new Liability(m.get(0, Integer.class), available, pending, m.get(3, Long.class), value,
                programme.currency(), face, redeemed, expired, rate,
                face.multiply(BigDecimal.valueOf(rate)).setScale(2, RoundingMode.HALF_UP), expiring == null ? 0 : expiring);
    }
}
