package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.customer.CustomerProfiles;
import io.rapport.platform.RapportException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Membership: enrolment with a member number and a personal referral code, and looking members up. */
@Service
public class Members {

    private static final char[] CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DSLContext db;
    private final Clock clock;
    private final Programme programme;
    private final CustomerProfiles profiles;

    Members(DSLContext db, Clock clock, Programme programme, CustomerProfiles profiles) {
        this.db = db;
        this.clock = clock;
        this.programme = programme;
        this.profiles = profiles;
    }

    /** A member as other modules see them. */
    public record Member(long customerId, String memberNo, String tier, OffsetDateTime tierSince, LocalDate tierReviewOn,
                         Optional<LocalDate> graceUntil, String referralCode, OffsetDateTime enrolledAt) {}

    public Optional<Member> find(long customerId) {
        return db.select(M_CUSTOMER, M_NO, M_TIER, M_TIER_SINCE, M_REVIEW, M_GRACE, M_REFERRAL_CODE, M_ENROLLED)
                .from(MEMBER).where(M_CUSTOMER.eq(customerId)).fetchOptional(Members::member);
    }

    /** The member, or 404 {@code member-not-found}. */
    public Member get(long customerId) {
        return find(customerId).orElseThrow(() -> new RapportException(HttpStatus.NOT_FOUND, "member-not-found",
                "Customer " + customerId + " is not a loyalty member").with("customerId", customerId));
    }

    public Optional<Member> byMemberNo(String memberNo) {
        return db.select(M_CUSTOMER, M_NO, M_TIER, M_TIER_SINCE, M_REVIEW, M_GRACE, M_REFERRAL_CODE, M_ENROLLED)
                .from(MEMBER).where(M_NO.eq(memberNo)).fetchOptional(Members::member);
    }

    Optional<Long> byReferralCode(String code) {
        return db.select(M_CUSTOMER).from(MEMBER).where(M_REFERRAL_CODE.eq(code.trim().toUpperCase()))
                .fetchOptional(M_CUSTOMER);
    }

    /**
     * Enrols a customer (404 {@code customer-not-found} for an unknown one); enrolling a member again returns the
     * membership they have. {@code created} says whether this call made it.
     */
    @Transactional
    public Enrolment enrol(long customerId) {
        long current = profiles.current(customerId);
        Optional<Member> existing = find(current);
        if (existing.isPresent()) {
            return new Enrolment(existing.get(), false);
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        LocalDate today = now.atZoneSameInstant(programme.brandZone()).toLocalDate();
        ProgrammeSettings settings = programme.settings();
        // a concurrent enrolment of the same customer wins quietly; the random referral code (32^8 values) is unique
        int inserted = db.insertInto(MEMBER, M_CUSTOMER, M_NO, M_TIER, M_TIER_SINCE, M_REVIEW, M_REFERRAL_CODE,
                        M_ENROLLED)
                .values(current, memberNo(db.nextval(MEMBER_NO_SEQ)), settings.lowestTier().code(), now,
                        settings.nextReview(today), referralCode(), now)
                .onConflict(M_CUSTOMER).doNothing().execute();
        return new Enrolment(get(current), inserted == 1);
    }

    public record Enrolment(Member member, boolean created) {}

    /** Members among these customers, enrolling those who are not yet when the programme enrols automatically. */
    Map<Long, Boolean> ensureMembers(Collection<Long> customerIds) {
        Map<Long, Boolean> result = new HashMap<>();
        db.select(M_CUSTOMER).from(MEMBER).where(M_CUSTOMER.in(customerIds)).fetch(M_CUSTOMER)
                .forEach(id -> result.put(id, true));
        for (long id : customerIds) {
            if (!result.containsKey(id)) {
                if (programme.settings().autoEnrol()) {
                    enrol(id);
                    result.put(id, true);
                } else {
                    result.put(id, false);
                }
            }
        }
        return result;
    }

    /** The member's own time zone, else the brand's. */
    ZoneId zone(long customerId) {
        return profiles.calendars(java.util.List.of(customerId)).values().stream().findFirst()
                .flatMap(CustomerProfiles.Calendar::timeZone).orElse(programme.brandZone());
    }

    /** Seven digits of the sequence and a Luhn check digit, so a mistyped member number is caught at the counter. */
    static String memberNo(long sequence) {
        String digits = Long.toString(sequence);
        int sum = 0;
        boolean twice = true;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return digits + (10 - sum % 10) % 10;
    }

    static String referralCode() {
        char[] code = new char[8];
        for (int i = 0; i < code.length; i++) {
            code[i] = CODE_ALPHABET[RANDOM.nextInt(CODE_ALPHABET.length)];
        }
        return new String(code);
    }

    private static Member member(Record r) {
        return new Member(r.get(M_CUSTOMER), r.get(M_NO), r.get(M_TIER), r.get(M_TIER_SINCE), r.get(M_REVIEW),
                Optional.ofNullable(r.get(M_GRACE)), r.get(M_REFERRAL_CODE), r.get(M_ENROLLED));
    }
}
