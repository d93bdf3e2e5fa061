package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.customer.CustomersMerged;
import org.jooq.DSLContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * When two customer profiles turn out to be one person, the merged member's points, debt, qualifying spend and orders
 * move to the survivor (enrolled if need be), through the ledger on both sides; the survivor keeps the higher tier it
 * then qualifies for. Runs inside the merging transaction.
 */
@Component
class MemberMerge {

    private final DSLContext db;
    private final Members members;
    private final PointsLedger ledger;
    private final Tiers tiers;

    MemberMerge(DSLContext db, Members members, PointsLedger ledger, Tiers tiers) {
        this.db = db;
        this.members = members;
        this.ledger = ledger;
        this.tiers = tiers;
    }

    @EventListener
    void on(CustomersMerged merge) {
        long mergedId = merge.mergedId();
        long survivorId = merge.survivorId();
        if (members.find(mergedId).isEmpty()) {
            return;
        }
        if (members.find(survivorId).isEmpty()) {
            members.enrol(survivorId);
        }
        // both rows locked in id order, as everywhere
        PointsLedger.Locked first = ledger.lock(Math.min(mergedId, survivorId));
        PointsLedger.Locked second = ledger.lock(Math.max(mergedId, survivorId));
        PointsLedger.Locked merged = first.customerId == mergedId ? first : second;
        PointsLedger.Locked survivor = first.customerId == survivorId ? first : second;
        ledger.moveAll(merged, survivor, "merge:" + mergedId + ">" + survivorId);
        db.select(Q_MONTH, Q_SPEND, Q_POINTS).from(QUALIFYING).where(Q_CUSTOMER.eq(mergedId)).fetch()
                .forEach(r -> tiers.addQualifying(survivorId, r.get(Q_MONTH), r.get(Q_SPEND), r.get(Q_POINTS)));
        db.deleteFrom(QUALIFYING).where(Q_CUSTOMER.eq(mergedId)).execute();
        db.update(ORDER).set(O_CUSTOMER, survivorId).where(O_CUSTOMER.eq(mergedId)).execute();
        db.update(REFERRAL).set(RF_INVITER, survivorId).where(RF_INVITER.eq(mergedId)).execute();
        db.update(COUPON).set(C_CUSTOMER, survivorId).where(C_CUSTOMER.eq(mergedId)).execute();
        db.update(MEMBER).set(M_STATUS, "merged").where(M_CUSTOMER.eq(mergedId)).execute();
        tiers.upgradeIfQualified(survivor);
        ledger.save(survivor);
    }
}
