package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.customer.CustomerProfiles;
import io.rapport.ingest.OrderLinesStored;
import io.rapport.product.ProductCatalog;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Orders feed the programme: new sale lines of members earn points (pending until the return window ends), return and
 * cancellation lines reverse the proportional points of the original order, coupon codes on lines record the coupon's
 * use, and the brand's charity rule accrues to the fund. Runs inside ingest's storing transaction, so points commit or
 * roll back with the lines; ingest publishes each line once, and the ledger's idempotency keys (source + external
 * order id + line ids) make a repeat a no-op all the same. Members are locked in customer-id order (no deadlocks).
 */
@Component
class OrderEarning {

    private final DSLContext db;
    private final Programme programme;
    private final Members members;
    private final PointsLedger ledger;
    private final Tiers tiers;
    private final Rewards rewards;
    private final Referrals referrals;
    private final CustomerProfiles profiles;
    private final ProductCatalog products;
    private final Charity charity;

    OrderEarning(DSLContext db, Programme programme, Members members, PointsLedger ledger, Tiers tiers,
                 Rewards rewards, Referrals referrals, CustomerProfiles profiles, ProductCatalog products,
                 Charity charity) {
        this.charity = charity;
        this.db = db;
        this.programme = programme;
        this.members = members;
        this.ledger = ledger;
        this.tiers = tiers;
        this.rewards = rewards;
        this.referrals = referrals;
        this.profiles = profiles;
        this.products = products;
    }

    @EventListener
    void on(OrderLinesStored stored) {
        Map<Long, Map<String, List<OrderLinesStored.Line>>> byCustomer = new TreeMap<>();
        for (OrderLinesStored.Line line : stored.lines()) {
            byCustomer.computeIfAbsent(line.customerId(), c -> new LinkedHashMap<>())
                    .computeIfAbsent(line.source() + "\u0000" + line.externalOrderId(), o -> new ArrayList<>()).add(line);
        }
        Map<Long, Boolean> enrolled = members.ensureMembers(byCustomer.keySet());
        Map<Long, CustomerProfiles.Calendar> calendars = profiles.calendars(byCustomer.keySet());
        Map<String, Optional<String>> categories = new java.util.HashMap<>();
        for (var customer : byCustomer.entrySet()) {
            if (!enrolled.getOrDefault(customer.getKey(), false)) {
                continue;
            }
            PointsLedger.Locked m = ledger.lock(customer.getKey());
            CustomerProfiles.Calendar calendar = calendars.get(customer.getKey());
            ZoneId zone = calendar == null ? programme.brandZone()
                    : calendar.timeZone().orElse(programme.brandZone());
            for (List<OrderLinesStored.Line> order : customer.getValue().values()) {
                List<OrderLinesStored.Line> sales = order.stream().filter(l -> l.netAmount().signum() > 0
                        && !"return".equals(l.kind()) && !"cancellation".equals(l.kind())).toList();
                if (!sales.isEmpty()) {
                    earn(m, sales, zone, calendar, categories);
                    // an upgrade counts from the next order on, also within one imported chunk
                    tiers.upgradeIfQualified(m);
                }
                for (OrderLinesStored.Line line : order) {
                    if (line.netAmount().signum() < 0) {
                        reverse(m, line, zone);
                    }
                    if (line.couponCode() != null && !line.couponCode().isBlank()) {
                        rewards.use(line.couponCode(), m.customerId, line.source() + ":" + line.externalOrderId(),
                                line.orderedAt().atOffset(ZoneOffset.UTC));
                    }
                }
            }
            tiers.upgradeIfQualified(m);
            ledger.save(m);
        }
    }

    private void earn(PointsLedger.Locked m, List<OrderLinesStored.Line> lines, ZoneId zone,
                      CustomerProfiles.Calendar calendar, Map<String, Optional<String>> categories) {
        ProgrammeSettings settings = programme.settings();
        OrderLinesStored.Line first = lines.getFirst();
        LocalDate day = first.orderedAt().atZone(zone).toLocalDate();
        Long today = db.select(D_POINTS).from(DAILY).where(D_CUSTOMER.eq(m.customerId)).and(D_DAY.eq(day))
                .fetchOne(D_POINTS);
        boolean firstOrder = m.firstOrderAt == null;
        EarningRules.Order order = new EarningRules.Order(first.orderedAt(), first.channel(),
                lines.stream().map(OrderLinesStored.Line::couponCode).filter(c -> c != null && !c.isBlank()).findFirst(),
                lines.stream().map(l -> new EarningRules.Line(l.sku(),
                        categories.computeIfAbsent(l.sku(), sku -> products.find(sku)
                                .map(ProductCatalog.Product::category)), l.quantity(), l.netAmount())).toList());
        EarningRules.Earning earning = EarningRules.evaluate(settings, new EarningRules.MemberFacts(m.tier,
                calendar == null ? Optional.empty() : calendar.birthday(), zone, firstOrder, today == null ? 0 : today),
                order);
        BigDecimal spend = lines.stream().map(OrderLinesStored.Line::netAmount).reduce(BigDecimal.ZERO, BigDecimal::add);
        String orderRef = first.source() + ":" + first.externalOrderId();
        String key = "order:" + shorten(orderRef + ":" + String.join(",",
                lines.stream().map(OrderLinesStored.Line::lineId).sorted().toList()));
        Instant availableAt = first.orderedAt().plus(java.time.Duration.ofDays(settings.returnWindowDays()));
        Long lotId = null;
        if (earning.points() > 0 && ledger.replay(m, key, "earn").isEmpty()) {
            lotId = ledger.earn(m, new PointsLedger.Earn("earn", "order", earning.points(), true, first.orderedAt(),
                    availableAt, orderRef, explanation(earning), "system", key));
        }
        Record existing = db.select(O_LOT).from(ORDER).where(O_SOURCE.eq(first.source()))
                .and(O_EXTERNAL.eq(first.externalOrderId())).fetchOne();
        if (existing == null) {
            db.insertInto(ORDER, O_SOURCE, O_EXTERNAL, O_CUSTOMER, O_NET, O_POINTS, O_LOT, O_ORDERED)
                    .values(first.source(), first.externalOrderId(), m.customerId, spend, earning.points(), lotId,
                            first.orderedAt().atOffset(ZoneOffset.UTC)).execute();
        } else {
            db.update(ORDER).set(O_NET, O_NET.plus(spend)).set(O_POINTS, O_POINTS.plus(earning.points()))
                    .set(O_LOT, existing.get(O_LOT) == null ? lotId : existing.get(O_LOT))
                    .where(O_SOURCE.eq(first.source())).and(O_EXTERNAL.eq(first.externalOrderId())).execute();
        }
        tiers.addQualifying(m.customerId, day, spend, earning.qualifying());
        if (today == null) {
            db.insertInto(DAILY, D_CUSTOMER, D_DAY, D_POINTS).values(m.customerId, day, earning.points()).execute();
        } else {
            db.update(DAILY).set(D_POINTS, today + earning.points()).where(D_CUSTOMER.eq(m.customerId))
                    .and(D_DAY.eq(day)).execute();
        }
        if (firstOrder) {
            m.firstOrderAt = first.orderedAt().atOffset(ZoneOffset.UTC);
            referrals.firstOrder(m.customerId, orderRef, availableAt);
        }
        charity.accrue(settings.charity(), m.customerId, orderRef, spend, "brand:" + key);
    }

    /** A return or cancellation line: reverses points in proportion to the returned share of the original order. */
    private void reverse(PointsLedger.Locked m, OrderLinesStored.Line line, ZoneId zone) {
        String original = line.originalOrderId() != null && !line.originalOrderId().isBlank()
                ? line.originalOrderId() : line.externalOrderId();
        Record order = db.select(O_NET, O_POINTS, O_RETURNED, O_REVERSED, O_LOT, O_ORDERED).from(ORDER)
                .where(O_SOURCE.eq(line.source())).and(O_EXTERNAL.eq(original)).and(O_CUSTOMER.eq(m.customerId))
                .fetchOne();
        if (order == null) {
            return; // an order from before the membership earned nothing, so nothing is reversed
        }
        BigDecimal returned = line.netAmount().negate();
        BigDecimal net = order.get(O_NET);
        long earned = order.get(O_POINTS);
        long reversedBefore = order.get(O_REVERSED);
        BigDecimal returnedAfter = order.get(O_RETURNED).add(returned).min(net);
        // the points that should remain reversed after this return, so several partial returns add up exactly
        long reversedAfter = net.signum() == 0 ? earned : BigDecimal.valueOf(earned).multiply(returnedAfter)
                .divide(net, 0, RoundingMode.HALF_UP).longValue();
        long points = Math.max(0, Math.min(earned, reversedAfter) - reversedBefore);
        String key = "return:" + shorten(line.source() + ":" + line.externalOrderId() + ":" + line.lineId());
        if (points > 0 && ledger.replay(m, key, "reverse").isEmpty()) {
            ledger.reverse(m, points, order.get(O_LOT), key, line.source() + ":" + original, "system");
        }
        db.update(ORDER).set(O_RETURNED, returnedAfter).set(O_REVERSED, reversedBefore + points)
                .where(O_SOURCE.eq(line.source())).and(O_EXTERNAL.eq(original)).execute();
        LocalDate orderDay = order.get(O_ORDERED).atZoneSameInstant(zone).toLocalDate();
        tiers.addQualifying(m.customerId, orderDay, returned.negate(), -points);
        charity.reverse(m.customerId, line.source() + ":" + original, returnedAfter, net, "brand-" + key);
        if (returnedAfter.compareTo(net) >= 0) {
            referrals.orderFullyReturned(m.customerId, line.source() + ":" + original);
        }
    }

    static String explanation(EarningRules.Earning earning) {
        StringBuilder text = new StringBuilder();
        for (EarningRules.Step step : earning.steps()) {
            if (step.points() != 0) {
                text.append(text.isEmpty() ? "" : "; ").append(step.rule()).append(' ').append(step.points());
            }
        }
        return text.length() > 480 ? text.substring(0, 480) : text.toString();
    }

    /** Keys longer than the column are replaced by their SHA-256, still unique and still the same on a replay. */
    static String shorten(String key) {
        if (key.length() <= 140) {
            return key;
        }
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
