package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.customer.CustomerContacts;
import io.rapport.privacy.PersonalDataHolder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The loyalty programme's part of data-subject exports and erasures (privacy's {@link PersonalDataHolder}).
 *
 * <p>Export: membership and balance, the whole ledger, coupons, tasks, referrals both ways and donations.
 *
 * <p>Erasure keeps the accounting exactly as it was: the ledger keeps every amount and the member row keeps its
 * cached balance, so the programme's liability is the same before and after (the points stay outstanding until their
 * lots expire, as every member's do; no new ledger entry is written). What goes is what names or reaches the person:
 * the member number and referral code are replaced, the member is marked erased (left out of tier reviews), the
 * free text staff wrote on the member's manual adjustments is overwritten, so is any other ledger text that mentions
 * the person's name or member number, the invitee's device id on referrals and the contact fingerprints kept for referral anti-abuse, and unused coupons are
 * voided. Runs before the profile is erased (highest precedence), so the name is still there to look for.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class LoyaltyPersonalData implements PersonalDataHolder {

    static final String ERASED_TEXT = "[erased]";

    private final DSLContext db;
    private final Members members;
    private final Points points;
    private final Rewards rewards;
    private final Referrals referrals;
    private final Tasks tasks;
    private final CustomerContacts contacts;
    private final ReferralContacts referralContacts;

    LoyaltyPersonalData(DSLContext db, Members members, Points points, Rewards rewards, Referrals referrals,
                        Tasks tasks, CustomerContacts contacts, ReferralContacts referralContacts) {
        this.referralContacts = referralContacts;
        this.db = db;
        this.members = members;
        this.points = points;
        this.rewards = rewards;
        this.referrals = referrals;
        this.tasks = tasks;
        this.contacts = contacts;
    }

    @Override
    public String category() {
        return "loyalty";
    }

    @Override
    public Export export(long customerId) {
        Map<String, Object> data = new LinkedHashMap<>();
        List<String> summary = new ArrayList<>();
        Optional<Members.Member> member = members.find(customerId);
        member.ifPresent(m -> {
            Points.Balance balance = points.cached(customerId);
            List<Points.Entry> ledger = points.history(customerId, 0, 100_000);
            List<Rewards.Coupon> coupons = rewards.coupons(customerId);
            List<Referrals.Referral> invited = referrals.byInviter(customerId);
            data.put("member", m);
            data.put("balance", balance);
            data.put("ledger", ledger);
            data.put("coupons", coupons);
            data.put("tasks", tasks.progress(customerId));
            data.put("referredBy", referrals.find(customerId).orElse(null));
            data.put("invited", invited);
            data.put("donations", donations(customerId));
            summary.add("Member " + m.memberNo() + ", tier " + m.tier());
            summary.add("Points: " + balance.points() + " available, " + balance.pending() + " pending, "
                    + balance.debt() + " owed");
            summary.add(ledger.size() + " points movements (earned, spent, expired, adjusted)");
            summary.add(coupons.size() + " coupon(s)");
            referrals.find(customerId).ifPresent(r -> summary.add("Joined with a referral from member #"
                    + r.inviterId() + " (" + r.status() + ")"));
            summary.add(invited.size() + " person(s) invited");
        });
        if (member.isEmpty()) {
            summary.add("Not a member of the loyalty programme");
        }
        return new Export(category(), "Your loyalty membership: points earned and spent, coupons, tasks, referrals "
                + "and donations, kept to run the programme and to account for the points you hold.", data, summary);
    }

    private List<Map<String, Object>> donations(long customerId) {
        return db.select(CH_CAMPAIGN, CH_POINTS, CH_CREATED).from(CHARITY).where(CH_CUSTOMER.eq(customerId))
                .and(CH_KIND.eq("member")).orderBy(CH_CREATED)
                .fetch(r -> Map.<String, Object>of("campaign", r.value1(), "points", r.value2(), "at", r.value3()));
    }

    @Override
    public Erasure erase(long customerId) {
        Optional<Members.Member> member = members.find(customerId);
        if (member.isEmpty()) {
            return new Erasure(category(), 0, "not a member");
        }
        long rows = 0;
        // text that may name the person anywhere in the ledger: their name and (former) member number
        Condition mentions = DSL.falseCondition();
        for (String needle : needles(customerId, member.get().memberNo())) {
            mentions = mentions.or(DSL.lower(L_REASON).contains(needle)).or(DSL.lower(L_REFERENCE).contains(needle));
        }
        // staff wrote the reason and reference of manual adjustments by hand: they go whatever they say
        rows += db.update(LEDGER).set(L_REASON, ERASED_TEXT).set(L_REFERENCE, (String) null)
                .where(L_CUSTOMER.eq(customerId).and(L_KIND.eq("adjust")).or(mentions)).execute();
        rows += db.update(MEMBER).set(M_STATUS, "erased").set(M_NO, "X" + customerId)
                .set(M_REFERRAL_CODE, "X" + customerId).where(M_CUSTOMER.eq(customerId)).execute();
        // the device and contacts on a referral are the invitee's; the inviter's erasure leaves them to the invitee
        rows += db.update(REFERRAL).set(RF_DEVICE, (String) null).where(RF_INVITEE.eq(customerId)).execute();
        rows += referralContacts.forget(customerId);
        rows += db.update(COUPON).set(C_STATUS, "void").where(C_CUSTOMER.eq(customerId)).and(C_STATUS.eq("issued"))
                .execute();
        return new Erasure(category(), rows, "member number, referral code, staff notes, referral device and contact fingerprints "
                + "removed, unused coupons voided; points ledger and balance kept for the programme's accounts");
    }

    /** Lower-cased values that identify the person in free text (names shorter than 3 letters would match too much). */
    private List<String> needles(long customerId, String memberNo) {
        List<String> needles = new ArrayList<>();
        if (!memberNo.equals("X" + customerId)) {
            needles.add(memberNo.toLowerCase(Locale.ROOT));
        }
        contacts.find(customerId).flatMap(CustomerContacts.Contact::name).map(String::strip)
                .filter(name -> name.length() >= 3).ifPresent(name -> needles.add(name.toLowerCase(Locale.ROOT)));
        return needles;
    }
}
