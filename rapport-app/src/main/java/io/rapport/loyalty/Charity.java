package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.platform.RapportException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Charity: members donate points to a campaign's fund; the brand's "1 per 100 spent" accrues beside it. */
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

    /** Per campaign: points members donated (and how many members), and the brand's accrued amount. */
    public record CampaignReport(String campaign, long donatedPoints, long donors, BigDecimal brandAmount) {}

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
                        DSL.sum(DSL.when(CH_KIND.eq("brand"), CH_AMOUNT).otherwise(BigDecimal.ZERO)))
                .from(CHARITY).groupBy(CH_CAMPAIGN).orderBy(CH_CAMPAIGN)
                .fetch(r -> new CampaignReport(r.value1(), r.value2() == null ? 0 : r.value2(), r.value3(),
                        r.value4() == null ? BigDecimal.ZERO : r.value4()));
    }
}
