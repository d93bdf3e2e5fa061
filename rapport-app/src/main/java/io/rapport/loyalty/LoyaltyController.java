package io.rapport.loyalty;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.impl.DSL;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The loyalty programme over HTTP: members, points, rewards, settings, simulation, reports and the partner API. */
@RestController
class LoyaltyController {

    static final String MAY_READ = "hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT','ANALYST')";
    static final String MAY_SERVE = "hasAnyRole('ADMIN','MARKETER','SERVICE_AGENT')";
    static final String MAY_MANAGE = "hasAnyRole('ADMIN','MARKETER')";

    private final Members members;
    private final Points points;
    private final Tiers tiers;
    private final Rewards rewards;
    private final Referrals referrals;
    private final Tasks tasks;
    private final Charity charity;
    private final Partners partners;
    private final Programme programme;
    private final Simulation simulation;
    private final LoyaltyReports reports;
    private final NightlyLoyalty nightly;
    private final ObjectMapper json;
    private final ReferralContacts referralContacts;

    LoyaltyController(Members members, Points points, Tiers tiers, Rewards rewards, Referrals referrals, Tasks tasks,
                      Charity charity, Partners partners, Programme programme, Simulation simulation,
                      LoyaltyReports reports, NightlyLoyalty nightly, ObjectMapper json,
                      ReferralContacts referralContacts) {
        this.referralContacts = referralContacts;
        this.members = members;
        this.points = points;
        this.tiers = tiers;
        this.rewards = rewards;
        this.referrals = referrals;
        this.tasks = tasks;
        this.charity = charity;
        this.partners = partners;
        this.programme = programme;
        this.simulation = simulation;
        this.reports = reports;
        this.nightly = nightly;
        this.json = json;
    }

    record EnrolRequest(Long customerId, String referralCode, String deviceId, String phone, String address) {}

    /** The member card: what the member sees. */
    record Card(Members.Member member, Points.Balance balance, long expiringIn30Days, Tiers.MemberTier tier,
                List<Tasks.Progress> tasks, List<Rewards.Coupon> coupons) {}

    @PostMapping("/api/v1/loyalty/members")
    @PreAuthorize(MAY_SERVE)
    ResponseEntity<Card> enrol(@RequestBody EnrolRequest request) {
        if (request.customerId() == null) {
            throw RapportException.badRequest("invalid-field", "customerId", "customerId is required");
        }
        List<ReferralContacts.Fingerprint> contacts = referralContacts.fingerprints(
                Optional.ofNullable(request.phone()), Optional.ofNullable(request.address()));
        Members.Enrolment enrolment = members.enrol(request.customerId());
        long id = enrolment.member().customerId();
        referralContacts.record(id, contacts);
        if (request.referralCode() != null && !request.referralCode().isBlank()) {
            referrals.refer(id, request.referralCode(), Optional.ofNullable(request.deviceId()));
        }
        return ResponseEntity.status(enrolment.created() ? HttpStatus.CREATED : HttpStatus.OK).body(card(id));
    }

    @GetMapping("/api/v1/loyalty/members/{customerId}")
    @PreAuthorize(MAY_READ)
    Card card(@PathVariable long customerId) {
        Members.Member member = members.get(customerId);
        return new Card(member, points.balance(customerId), points.expiringWithin(customerId, Duration.ofDays(30)),
                tiers.of(customerId).orElseThrow(), tasks.progress(customerId), rewards.coupons(customerId));
    }

    /** The member's tier moves with their reasons (e.g. "predicted value"), newest first. */
    @GetMapping("/api/v1/loyalty/members/{customerId}/tier-history")
    @PreAuthorize(MAY_READ)
    List<Tiers.Move> tierHistory(@PathVariable long customerId) {
        members.get(customerId);
        return tiers.history(customerId);
    }

    @GetMapping("/api/v1/loyalty/members/{customerId}/ledger")
    @PreAuthorize(MAY_READ)
    List<Points.Entry> ledger(@PathVariable long customerId, @RequestParam(defaultValue = "0") int page,
                              @RequestParam(defaultValue = "50") int size) {
        members.get(customerId);
        return points.history(customerId, Math.max(page, 0), Math.min(Math.max(size, 1), 500));
    }

    record PointsRequest(BigDecimal points, String source, String reason, String idempotencyKey) {}

    @PostMapping("/api/v1/loyalty/members/{customerId}/grants")
    @PreAuthorize(MAY_MANAGE)
    Points.Movement grant(@PathVariable long customerId, @RequestBody PointsRequest request) {
        long value = Points.whole(request.points(), "points", false);
        return points.earn(customerId, value, request.source() == null ? "campaign" : request.source(),
                request.idempotencyKey(), "grant", request.reason(), Actor.current().name());
    }

    @PostMapping("/api/v1/loyalty/members/{customerId}/adjustments")
    @PreAuthorize("hasRole('ADMIN')")
    Points.Movement adjust(@PathVariable long customerId, @RequestBody PointsRequest request) {
        long value = Points.whole(request.points(), "points", true);
        return points.adjust(customerId, value, request.reason(), Actor.current().name(), request.idempotencyKey());
    }

    record RedeemRequest(String rewardCode, String idempotencyKey) {}

    @PostMapping("/api/v1/loyalty/members/{customerId}/redemptions")
    @PreAuthorize(MAY_SERVE)
    ResponseEntity<Rewards.Redemption> redeem(@PathVariable long customerId, @RequestBody RedeemRequest request) {
        if (request.rewardCode() == null || request.rewardCode().isBlank()) {
            throw RapportException.badRequest("invalid-field", "rewardCode", "rewardCode is required");
        }
        Rewards.Redemption redemption = rewards.redeem(customerId, request.rewardCode(), request.idempotencyKey(),
                Actor.current().name());
        return ResponseEntity.status(redemption.replayed() ? HttpStatus.OK : HttpStatus.CREATED).body(redemption);
    }

    record DonationRequest(BigDecimal points, String campaign, String idempotencyKey) {}

    @PostMapping("/api/v1/loyalty/members/{customerId}/donations")
    @PreAuthorize(MAY_SERVE)
    Points.Movement donate(@PathVariable long customerId, @RequestBody DonationRequest request) {
        long value = Points.whole(request.points(), "points", false);
        return charity.donate(customerId, value,
                request.campaign() == null ? programme.settings().charity().campaign() : request.campaign(),
                request.idempotencyKey());
    }

    @GetMapping("/api/v1/loyalty/members/{customerId}/referrals")
    @PreAuthorize(MAY_READ)
    Map<String, Object> referrals(@PathVariable long customerId) {
        Members.Member member = members.get(customerId);
        return Map.of("referralCode", member.referralCode(), "invited", referrals.byInviter(customerId),
                "referredBy", referrals.find(customerId).map(Object.class::cast).orElse(Map.of()));
    }

    @GetMapping("/api/v1/loyalty/ledger")
    @PreAuthorize(MAY_READ)
    List<Points.Entry> searchLedger(@RequestParam(required = false) Long customerId,
                                    @RequestParam(required = false) String memberNo,
                                    @RequestParam(required = false) String kind,
                                    @RequestParam(required = false) String key,
                                    @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                                    @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                                    @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return points.search(ledgerQuery(customerId, memberNo, kind, key, from, to), Math.max(page, 0),
                Math.min(Math.max(size, 1), 500));
    }

    Condition ledgerQuery(Long customerId, String memberNo, String kind, String key, LocalDate from, LocalDate to) {
        Condition c = DSL.noCondition();
        if (memberNo != null && !memberNo.isBlank()) {
            customerId = members.byMemberNo(memberNo.trim()).map(Members.Member::customerId).orElse(-1L);
        }
        if (customerId != null) {
            c = c.and(LoyaltyTables.L_CUSTOMER.eq(customerId));
        }
        if (kind != null && !kind.isBlank()) {
            c = c.and(LoyaltyTables.L_KIND.eq(kind.trim()));
        }
        if (key != null && !key.isBlank()) {
            c = c.and(LoyaltyTables.L_KEY.startsWith(key.trim()));
        }
        if (from != null) {
            c = c.and(LoyaltyTables.L_CREATED.ge(from.atStartOfDay(programme.brandZone()).toOffsetDateTime()));
        }
        if (to != null) {
            c = c.and(LoyaltyTables.L_CREATED.lt(to.plusDays(1).atStartOfDay(programme.brandZone()).toOffsetDateTime()));
        }
        return c;
    }

    @GetMapping("/api/v1/loyalty/programme")
    @PreAuthorize(MAY_READ)
    ProgrammeSettings settings() {
        return programme.settings();
    }

    @PutMapping("/api/v1/loyalty/programme")
    @PreAuthorize(MAY_MANAGE)
    ProgrammeSettings updateSettings(@RequestBody ProgrammeSettings settings) {
        return programme.update(settings, Actor.current().name());
    }

    @PostMapping("/api/v1/loyalty/simulations")
    @PreAuthorize(MAY_READ)
    Simulation.Result simulate(@RequestBody Simulation.Request request) {
        return simulation.simulate(request);
    }

    record RewardRequest(String code, String name, String kind, BigDecimal pointsCost, BigDecimal stock,
                         OffsetDateTime validFrom, OffsetDateTime validUntil, Integer couponValidDays,
                         BigDecimal couponValue, Boolean active) {}

    @GetMapping("/api/v1/loyalty/rewards")
    @PreAuthorize(MAY_READ)
    List<Rewards.Reward> rewards() {
        return rewards.catalogue();
    }

    @PutMapping("/api/v1/loyalty/rewards/{code}")
    @PreAuthorize(MAY_MANAGE)
    Rewards.Reward saveReward(@PathVariable String code, @RequestBody RewardRequest r) {
        return rewards.save(new Rewards.Reward(code, r.name(), r.kind() == null ? "coupon" : r.kind(),
                Points.whole(r.pointsCost() == null ? BigDecimal.ZERO : r.pointsCost(), "pointsCost", true),
                Optional.ofNullable(r.stock()).map(s -> Points.whole(s, "stock", true)),
                Optional.ofNullable(r.validFrom()), Optional.ofNullable(r.validUntil()),
                r.couponValidDays() == null ? 30 : r.couponValidDays(), Optional.ofNullable(r.couponValue()),
                r.active() == null || r.active()));
    }

    @GetMapping("/api/v1/loyalty/coupons/{code}")
    @PreAuthorize(MAY_READ)
    Rewards.Coupon coupon(@PathVariable String code) {
        return rewards.coupon(code).orElseThrow(() -> new RapportException(HttpStatus.NOT_FOUND, "coupon-not-found",
                "Coupon " + code + " does not exist"));
    }

    @GetMapping("/api/v1/loyalty/reports/liability")
    @PreAuthorize(MAY_READ)
    LoyaltyReports.Liability liability() {
        return reports.liability();
    }

    @GetMapping("/api/v1/loyalty/reports/tiers")
    @PreAuthorize(MAY_READ)
    Map<String, Object> tierReport(@RequestParam(defaultValue = "12") int months) {
        return Map.of("distribution", tiers.distribution(), "movements", tiers.movements(Math.min(Math.max(months, 1), 36)));
    }

    @GetMapping("/api/v1/loyalty/reports/charity")
    @PreAuthorize(MAY_READ)
    List<Charity.CampaignReport> charityReport() {
        return charity.report();
    }

    @PostMapping("/api/v1/loyalty/nightly")
    @PreAuthorize("hasRole('ADMIN')")
    NightlyLoyalty.Report runNightly() {
        return nightly.run();
    }

    record PartnerRequest(String name, String secret, BigDecimal earnRate, BigDecimal burnRate) {}

    @GetMapping("/api/v1/loyalty/partners")
    @PreAuthorize(MAY_MANAGE)
    List<Partners.Partner> partnerList() {
        return partners.list();
    }

    @PutMapping("/api/v1/loyalty/partners/{code}")
    @PreAuthorize("hasRole('ADMIN')")
    Partners.Partner savePartner(@PathVariable String code, @RequestBody PartnerRequest r) {
        return partners.save(code, r.name(), r.secret(), r.earnRate(), r.burnRate());
    }

    @GetMapping("/api/v1/loyalty/partners/reconciliation")
    @PreAuthorize(MAY_READ)
    List<Partners.Reconciliation> reconciliation(
            @RequestParam @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate day) {
        return partners.reconciliation(day, day, programme.brandZone());
    }

    /**
     * The partner gateway: no user or API key, the HMAC signature is the authentication (see {@link Partners}). Body:
     * {@code {"memberNo": "...", "partnerPoints": 100}}.
     */
    @PostMapping("/api/v1/loyalty/partner-gateway/{partner}/{direction}")
    Partners.Transfer partnerTransfer(@PathVariable String partner, @PathVariable String direction,
                                      @RequestHeader(name = "X-Partner-Timestamp", required = false) String timestamp,
                                      @RequestHeader(name = "X-Partner-Nonce", required = false) String nonce,
                                      @RequestHeader(name = "X-Partner-Signature", required = false) String signature,
                                      @RequestBody(required = false) String body) {
        if (!"earn".equals(direction) && !"burn".equals(direction)) {
            throw new RapportException(HttpStatus.NOT_FOUND, "not-found", "Partner requests are earn or burn");
        }
        String text = body == null ? "" : body;
        // the signature is checked on the raw body before anything in it is believed
        partners.verify(partner, timestamp, nonce, signature, text);
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (RuntimeException malformed) {
            throw RapportException.badRequest("malformed-json", "body", "The request body is not valid JSON");
        }
        BigDecimal partnerPoints = node.path("partnerPoints").isNumber() ? node.path("partnerPoints").decimalValue() : null;
        return partners.transfer(partner, direction, timestamp, nonce, signature, text,
                node.path("memberNo").asString(""), Points.whole(partnerPoints, "partnerPoints", false));
    }

}
