package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.platform.RapportException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Referrals: a member's personal code brings in a new member; both are rewarded once the invitee's first order has
 * passed its return window (an order returned in full voids the referral). Anti-abuse: no self-referral, no referral of
 * a customer who already bought, one referral per invitee, one per device, a limit per inviter; and at payout, no
 * reward when invitee and inviter share a phone or an address ({@link ReferralContacts}: compared by fingerprint) —
 * the referral is then {@code refused} with the reason recorded.
 */
@Service
public class Referrals {

    private final DSLContext db;
    private final Clock clock;
    private final Members members;
    private final PointsLedger ledger;
    private final Points points;
    private final Programme programme;
    private final ReferralContacts contacts;

    Referrals(DSLContext db, Clock clock, Members members, PointsLedger ledger, Points points, Programme programme,
              ReferralContacts contacts) {
        this.contacts = contacts;
        this.db = db;
        this.clock = clock;
        this.members = members;
        this.ledger = ledger;
        this.points = points;
        this.programme = programme;
    }

    public record Referral(long inviteeId, long inviterId, String status, Optional<String> reason,
                           Optional<OffsetDateTime> dueAt, OffsetDateTime createdAt, Optional<OffsetDateTime> rewardedAt) {}

    /**
     * Records that {@code inviteeId} joined with {@code code}. 404 {@code referral-code-unknown}; 422
     * {@code referral-self}, {@code referral-after-purchase}, {@code referral-same-device}, {@code referral-limit};
     * 409 {@code referral-exists}.
     */
    @Transactional
    public Referral refer(long inviteeId, String code, Optional<String> deviceId) {
        long inviter = members.byReferralCode(code).orElseThrow(() -> new RapportException(HttpStatus.NOT_FOUND,
                "referral-code-unknown", "No member has the referral code '" + code + "'"));
        PointsLedger.Locked invitee = ledger.lock(inviteeId);
        if (inviter == inviteeId) {
            throw abuse("referral-self", "A member cannot refer themselves");
        }
        if (invitee.firstOrderAt != null) {
            throw abuse("referral-after-purchase", "Member " + invitee.memberNo + " already bought; only new customers"
                    + " can be referred");
        }
        if (db.fetchExists(REFERRAL, RF_INVITEE.eq(inviteeId))) {
            throw new RapportException(HttpStatus.CONFLICT, "referral-exists", "Member " + invitee.memberNo
                    + " was already referred");
        }
        if (deviceId.isPresent() && db.fetchExists(REFERRAL, RF_DEVICE.eq(deviceId.get()))) {
            throw abuse("referral-same-device", "This device was already used for a referral");
        }
        if (db.fetchCount(REFERRAL, RF_INVITER.eq(inviter)) >= programme.settings().referral().maxPerInviter()) {
            throw abuse("referral-limit", "The inviter reached the programme's referral limit");
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        db.insertInto(REFERRAL, RF_INVITEE, RF_INVITER, RF_DEVICE, RF_STATUS, RF_CREATED)
                .values(inviteeId, inviter, deviceId.orElse(null), "waiting", now).execute();
        db.update(MEMBER).set(M_REFERRED_BY, inviter).where(M_CUSTOMER.eq(inviteeId)).execute();
        return find(inviteeId).orElseThrow();
    }

    private static RapportException abuse(String code, String message) {
        return new RapportException(HttpStatus.UNPROCESSABLE_CONTENT, code, message);
    }

    public Optional<Referral> find(long inviteeId) {
        return db.selectFrom(REFERRAL).where(RF_INVITEE.eq(inviteeId)).fetchOptional(Referrals::referral);
    }

    public List<Referral> byInviter(long inviterId) {
        return db.selectFrom(REFERRAL).where(RF_INVITER.eq(inviterId)).orderBy(RF_CREATED).fetch(Referrals::referral);
    }

    /** The invitee's first order: the referral pays out when its return window has passed. */
    void firstOrder(long inviteeId, String orderRef, Instant dueAt) {
        db.update(REFERRAL).set(RF_STATUS, "qualifying").set(RF_ORDER, orderRef)
                .set(RF_DUE, dueAt.atOffset(ZoneOffset.UTC))
                .where(RF_INVITEE.eq(inviteeId)).and(RF_STATUS.eq("waiting")).execute();
    }

    void orderFullyReturned(long inviteeId, String orderRef) {
        db.update(REFERRAL).set(RF_STATUS, "void").set(RF_REASON, "first order returned in full")
                .where(RF_INVITEE.eq(inviteeId)).and(RF_ORDER.eq(orderRef)).and(RF_STATUS.eq("qualifying")).execute();
    }

    /**
     * Pays both sides of every referral whose first order has passed its return window, or refuses it when the two
     * share a contact; returns how many were settled.
     */
    @Transactional
    public int payDue() {
        ProgrammeSettings.Referral rule = programme.settings().referral();
        List<? extends Record> due = db.select(RF_INVITEE, RF_INVITER).from(REFERRAL).where(RF_STATUS.eq("qualifying"))
                .and(RF_DUE.le(OffsetDateTime.now(clock))).orderBy(RF_INVITEE).fetch();
        for (Record r : due) {
            long invitee = r.get(RF_INVITEE);
            long inviter = r.get(RF_INVITER);
            // both rows locked in id order, as everywhere, so two payouts never wait on each other in a circle
            ledger.lock(Math.min(invitee, inviter));
            ledger.lock(Math.max(invitee, inviter));
            Optional<ReferralContacts.Shared> shared = contacts.shared(inviter, invitee);
            if (shared.isPresent()) {
                db.update(REFERRAL).set(RF_STATUS, "refused").set(RF_REASON, shared.get().reason())
                        .where(RF_INVITEE.eq(invitee)).execute();
                continue;
            }
            if (rule.inviterPoints() > 0) {
                points.earn(inviter, rule.inviterPoints(), "referral", "referral:inviter:" + invitee, "referral",
                        "referred member " + invitee, "system");
            }
            if (rule.inviteePoints() > 0) {
                points.earn(invitee, rule.inviteePoints(), "referral", "referral:invitee:" + invitee, "referral",
                        "joined with a referral", "system");
            }
            db.update(REFERRAL).set(RF_STATUS, "rewarded").set(RF_REWARDED, OffsetDateTime.now(clock))
                    .where(RF_INVITEE.eq(invitee)).execute();
        }
        return due.size();
    }

    private static Referral referral(Record r) {
        return new Referral(r.get(RF_INVITEE), r.get(RF_INVITER), r.get(RF_STATUS), Optional.ofNullable(r.get(RF_REASON)),
                Optional.ofNullable(r.get(RF_DUE)), r.get(RF_CREATED), Optional.ofNullable(r.get(RF_REWARDED)));
    }
}
