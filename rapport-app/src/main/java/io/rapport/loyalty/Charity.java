package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.platform.RapportException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Charity: members donate points to a campaign's fund; the brand's "1 per 100 spent" accrues beside it, and a return
 * reverses the returned share of the order's accrual.
 */
@Service
public class Charity {

    private final DSLContext db;
    private final Clock clock;
    private final Points points;

    Charity(DSLContext db, Clock clock, Points points) {
        this.db = db;
        this.clock = clock;
        this.points = points;
    }

    /**
     * Per campaign: points members donated (and how many members), and the brand's amount: {@code brandAmount} is
     * what stays accrued after returns, {@code brandReversed} what returns took back (positive).
     */
    public record CampaignReport(String campaign, long donatedPoints, long donors, BigDecimal brandAmount,
                                 BigDecimal brandReversed) {}

    /** The brand's rule on a sale: {@code amount} per {@code per} spent (to the cent, rounded down), once per key. */
    void accrue(ProgrammeSettings.Charity rule, long customerId, String orderRef, BigDecimal spend, String key) {
        BigDecimal donation = spend.multiply(rule.amount()).divide(rule.per(), 2, RoundingMode.DOWN);
        if (donation.signum() > 0) {
            db.insertInto(CHARITY, CH_CAMPAIGN, CH_KIND, CH_CUSTOMER, CH_KEY, CH_AMOUNT, CH_ORDER, CH_CREATED)
                    .values(rule.campaign(), "brand", customerId, key, donation, orderRef, OffsetDateTime.now(clock))
                    .onConflict(CH_KEY).doNothing().execute();
        }
    }

    /**
     * A return of the order: after it, {@code returned} of the order's {@code net} is returned in all, so that share of
     * the brand's accrual (per campaign it went to, to the cent) is reversed; what earlier returns reversed is
     * deducted, so partial returns add up to exactly the accrual when all is returned. Once per key (the return
     * line) and campaign: a replayed line reverses nothing more.
     */
    void reverse(long customerId, String orderRef, BigDecimal returned, BigDecimal net, String key) {
        if (net.signum() <= 0) {
            return;
        }
        BigDecimal share = returned.min(net);
        var accruals = db.select(CH_CAMPAIGN,
                        DSL.sum(DSL.when(CH_KIND.eq("brand"), CH_AMOUNT).otherwise(BigDecimal.ZERO)),
                        DSL.sum(DSL.when(CH_KIND.eq(BRAND_RETURN), CH_AMOUNT.neg()).otherwise(BigDecimal.ZERO)))
                .from(CHARITY).where(CH_ORDER.eq(orderRef)).and(CH_KIND.in("brand", BRAND_RETURN))
                .groupBy(CH_CAMPAIGN).orderBy(CH_CAMPAIGN).fetch();
        for (var campaign : accruals) {
            BigDecimal accrued = campaign.value2();
            BigDecimal reversedBefore = campaign.value3();
            BigDecimal reversedAfter = accrued.multiply(share).divide(net, 2, RoundingMode.HALF_UP).min(accrued);
            BigDecimal reversal = reversedAfter.subtract(reversedBefore);
            if (reversal.signum() > 0) {
                db.insertInto(CHARITY, CH_CAMPAIGN, CH_KIND, CH_CUSTOMER, CH_KEY, CH_AMOUNT, CH_ORDER, CH_CREATED)
                        .values(campaign.value1(), BRAND_RETURN, customerId, key + "#" + campaign.value1(),
                                reversal.negate(), orderRef, OffsetDateTime.now(clock))
                        .onConflict(CH_KEY).doNothing().execute();
            }
        }
    }

    static final String BRAND_RETURN = "brand-return";

    /** Donates points to a campaign: spent from the ledger and recorded in the fund, once per idempotency key. */
    @Transactional
    public Points.Movement donate(long customerId, long donation, String campaign, String idempotencyKey) {
        if (campaign == null || !campaign.matches("[A-Za-z0-9_-]{1,40}")) {
            throw RapportException.badRequest("invalid-campaign", "campaign",
                    "Campaign codes are 1-40 letters, digits, '-' or '_'");
        }
        Points.Movement movement = points.spend(customerId, donation, "donate", "charity",
                "donate:" + Points.key(idempotencyKey), campaign, "donation to " + campaign, "member");
        if (!movement.replayed()) {
            db.insertInto(CHARITY, CH_CAMPAIGN, CH_KIND, CH_CUSTOMER, CH_KEY, CH_POINTS, CH_CREATED)
                    .values(campaign, "member", customerId, Points.scoped(customerId, movement.idempotencyKey()), donation,
                            OffsetDateTime.now(clock)).execute();
        }
        return movement;
    }

    public List<CampaignReport> report() {
        return db.select(CH_CAMPAIGN,
                        DSL.sum(DSL.when(CH_KIND.eq("member"), CH_POINTS).otherwise(0L)).cast(Long.class),
                        DSL.countDistinct(DSL.when(CH_KIND.eq("member"), CH_CUSTOMER)),
                        DSL.sum(DSL.when(CH_KIND.in("brand", BRAND_RETURN), CH_AMOUNT).otherwise(BigDecimal.ZERO)),
                        DSL.sum(DSL.when(CH_KIND.eq(BRAND_RETURN), CH_AMOUNT.neg()).otherwise(BigDecimal.ZERO)))
                .from(CHARITY).groupBy(CH_CAMPAIGN).orderBy(CH_CAMPAIGN)
                .fetch(r -> new CampaignReport(r.value1(), r.value2() == null ? 0 : r.value2(), r.value3(),
                        r.value4() == null ? BigDecimal.ZERO : r.value4(),
                        r.value5() == null ? BigDecimal.ZERO : r.value5()));
    }
}
