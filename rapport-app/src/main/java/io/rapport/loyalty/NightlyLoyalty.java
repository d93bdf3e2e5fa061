package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The programme's nightly work, at {@code rapport.loyalty.cron} in the brand's time zone ({@code -} turns it off):
 * release pending points and expire lots that are due, pay referrals, expire coupons, re-evaluate tiers. Members are
 * handled in pages, each page in a transaction of its own, each member under its row lock.
 */
@Service
public class NightlyLoyalty {

    private static final Logger log = LoggerFactory.getLogger(NightlyLoyalty.class);
    static final int PAGE = 500;
    static final int EXPIRY_PAGE = 1_000;

    private final DSLContext db;
    private final Clock clock;
    private final PointsLedger ledger;
    private final Tiers tiers;
    private final Rewards rewards;
    private final Referrals referrals;
    private final Programme programme;
    private final TransactionTemplate transactions;
    private final io.rapport.customer.CustomerProfiles profiles;

    NightlyLoyalty(DSLContext db, Clock clock, PointsLedger ledger, Tiers tiers, Rewards rewards, Referrals referrals,
                   Programme programme, TransactionTemplate transactions,
                   io.rapport.customer.CustomerProfiles profiles) {
        this.db = db;
        this.clock = clock;
        this.ledger = ledger;
        this.tiers = tiers;
        this.rewards = rewards;
        this.referrals = referrals;
        this.programme = programme;
        this.transactions = transactions;
        this.profiles = profiles;
    }

    public record Report(long membersMaintained, int referralsPaid, int couponsExpired, Tiers.Review tiers,
                         int birthdayGifts) {}

    @Scheduled(cron = "${rapport.loyalty.cron:0 30 2 * * *}", zone = "${rapport.time-zone:Asia/Shanghai}")
    void scheduled() {
        Report report = run();
        log.info("nightly loyalty: {}", report);
    }

    public Report run() {
        long maintained = maintainDue();
        Integer paid = transactions.execute(s -> referrals.payDue());
        Integer expired = transactions.execute(s -> rewards.expireCoupons());
        LocalDate today = LocalDate.now(clock.withZone(programme.brandZone()));
        Tiers.Review review = transactions.execute(s -> tiers.reevaluate(today));
        return new Report(maintained, paid == null ? 0 : paid, expired == null ? 0 : expired, review,
                birthdayGifts(today));
    }

    /**
     * Issues the tier's birthday gift (a coupon of its {@code birthdayGift} reward) to members of gift-giving tiers
     * whose birthday month it is in their own time zone; once per member and year (the coupon's idempotency key).
     */
    int birthdayGifts(LocalDate brandToday) {
        java.util.Map<String, String> gifts = new java.util.HashMap<>();
        programme.settings().tiers().stream().filter(t -> t.birthdayGift() != null)
                .forEach(t -> gifts.put(t.code(), t.birthdayGift()));
        if (gifts.isEmpty()) {
            return 0;
        }
        int issued = 0;
        long after = Long.MIN_VALUE;
        while (true) {
            long from = after;
            var page = db.select(M_CUSTOMER, M_TIER).from(MEMBER).where(M_TIER.in(gifts.keySet()))
                    .and(M_STATUS.eq("active")).and(M_CUSTOMER.gt(from)).orderBy(M_CUSTOMER).limit(PAGE).fetch();
            if (page.isEmpty()) {
                return issued;
            }
            var calendars = profiles.calendars(page.map(r -> r.get(M_CUSTOMER)));
            for (var r : page) {
                var calendar = calendars.get(r.get(M_CUSTOMER));
                if (calendar == null || calendar.birthday().isEmpty()) {
                    continue;
                }
                LocalDate local = LocalDate.now(clock.withZone(calendar.timeZone().orElse(programme.brandZone())));
                if (calendar.birthday().get().getMonth() != local.getMonth()) {
                    continue;
                }
                try {
                    var gift = rewards.issue(r.get(M_CUSTOMER), gifts.get(r.get(M_TIER)), "birthday-" + local.getYear());
                    issued += gift.replayed() ? 0 : 1;
                } catch (io.rapport.platform.RapportException outOfStockOrGone) {
                    log.warn("birthday gift for member {} not issued: {}", r.get(M_CUSTOMER), outOfStockOrGone.getMessage());
                }
            }
            after = page.getLast().get(M_CUSTOMER);
        }
    }

    /**
     * Releases what is due member by member (a release may settle debt), then expires due lots in pages of members
     * with set-based statements. Returns how many members were handled.
     */
    public long maintainDue() {
        long count = 0;
        long after = Long.MIN_VALUE;
        while (true) {
            OffsetDateTime now = OffsetDateTime.now(clock);
            long from = after;
            List<Long> due = db.select(M_CUSTOMER).from(MEMBER).where(M_CUSTOMER.gt(from)).and(M_NEXT_RELEASE.le(now))
                    .orderBy(M_CUSTOMER).limit(PAGE).fetch(M_CUSTOMER);
            if (due.isEmpty()) {
                break;
            }
            transactions.executeWithoutResult(s -> due.forEach(ledger::lock));
            count += due.size();
            after = due.getLast();
        }
        after = Long.MIN_VALUE;
        while (true) {
            OffsetDateTime now = OffsetDateTime.now(clock);
            long from = after;
            List<Long> due = db.select(M_CUSTOMER).from(MEMBER).where(M_CUSTOMER.gt(from)).and(M_NEXT_EXPIRY.le(now))
                    .orderBy(M_CUSTOMER).limit(EXPIRY_PAGE).fetch(M_CUSTOMER);
            if (due.isEmpty()) {
                return count;
            }
            Integer handled = transactions.execute(s -> ledger.expireDue(due, now.toInstant()));
            count += handled == null ? 0 : handled;
            after = due.getLast();
        }
    }
}
