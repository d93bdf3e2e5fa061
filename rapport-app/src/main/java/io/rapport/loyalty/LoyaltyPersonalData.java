package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What the loyalty programme holds about a person, for data-subject requests: an export of it, and its erasure. The
 * ledger stays (it is the programme's accounting and holds no personal data beyond the customer id), but the member
 * number and referral code are replaced, device ids and coupon links removed, and the remaining points forfeited
 * through the ledger, so balances still equal the ledger sum.
 */
@Service
public class LoyaltyPersonalData {

    private final DSLContext db;
    private final Members members;
    private final Points points;
    private final Rewards rewards;
    private final Referrals referrals;
    private final Tasks tasks;
    private final PointsLedger ledger;

    LoyaltyPersonalData(DSLContext db, Members members, Points points, Rewards rewards, Referrals referrals,
                        Tasks tasks, PointsLedger ledger) {
        this.db = db;
        this.members = members;
        this.points = points;
        this.rewards = rewards;
        this.referrals = referrals;
        this.tasks = tasks;
        this.ledger = ledger;
    }

    /** Everything about the member, as plain values; empty for a customer who never joined. */
    public Map<String, Object> export(long customerId) {
        Map<String, Object> data = new LinkedHashMap<>();
        members.find(customerId).ifPresent(member -> {
            data.put("member", member);
            data.put("balance", points.cached(customerId));
            data.put("ledger", points.history(customerId, 0, 100_000));
            data.put("coupons", rewards.coupons(customerId));
            data.put("tasks", tasks.progress(customerId));
            data.put("referredBy", referrals.find(customerId).orElse(null));
            data.put("invited", referrals.byInviter(customerId));
        });
        return data;
    }

    /** Erases the member's personal data; returns whether there was a member. Repeating it changes nothing. */
    @Transactional
    public boolean erase(long customerId) {
        if (members.find(customerId).isEmpty()) {
            return false;
        }
        PointsLedger.Locked m = ledger.lock(customerId);
        if (m.available > 0) {
            ledger.spend(m, "forfeit", "erasure", m.available, "erase:" + customerId, null,
                    "points forfeited on erasure of personal data", "system");
        }
        db.update(MEMBER).set(M_STATUS, "erased").set(M_NO, "X" + customerId).set(M_REFERRAL_CODE, "X" + customerId)
                .where(M_CUSTOMER.eq(customerId)).execute();
        db.update(REFERRAL).set(RF_DEVICE, (String) null)
                .where(RF_INVITEE.eq(customerId).or(RF_INVITER.eq(customerId))).execute();
        db.update(COUPON).set(C_STATUS, "void").where(C_CUSTOMER.eq(customerId)).and(C_STATUS.eq("issued")).execute();
        return true;
    }

}
