package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.customer.CustomerProfiles;
import io.rapport.platform.RapportException;
import io.rapport.product.ProductCatalog;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.MonthDay;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.springframework.stereotype.Service;

/** What an order would earn and why, without writing anything: the earning rules' steps for a member or a what-if. */
@Service
public class Simulation {

    private final DSLContext db;
    private final Programme programme;
    private final Members members;
    private final CustomerProfiles profiles;
    private final ProductCatalog products;

    Simulation(DSLContext db, Programme programme, Members members, CustomerProfiles profiles, ProductCatalog products) {
        this.db = db;
        this.programme = programme;
        this.members = members;
        this.profiles = profiles;
        this.products = products;
    }

    /**
     * An order to simulate. With {@code customerId} the member's tier, birthday, time zone, first-order status and
     * points earned that day are used; without it (or to override) {@code tier}, {@code birthday} (MM-DD),
     * {@code timeZone} and {@code firstOrder}.
     */
    public record Request(Long customerId, String tier, String birthday, String timeZone, Boolean firstOrder,
                          Instant orderedAt, String channel, String couponCode, List<Line> lines) {}

    /** A line; {@code category} defaults to the product catalogue's category of the SKU. */
    public record Line(String sku, String category, Integer quantity, BigDecimal netAmount) {}

    public record Step(String rule, long points, String explanation) {}

    public record Result(long points, long qualifyingPoints, String tier, String localDay, String timeZone,
                         List<Step> steps) {}

    public Result simulate(Request request) {
        if (request.orderedAt() == null) {
            throw RapportException.badRequest("invalid-field", "orderedAt", "orderedAt is required (ISO-8601 instant)");
        }
        if (request.lines() == null || request.lines().isEmpty()) {
            throw RapportException.badRequest("invalid-field", "lines", "An order needs at least one line");
        }
        List<EarningRules.Line> lines = new ArrayList<>();
        for (int i = 0; i < request.lines().size(); i++) {
            Line l = request.lines().get(i);
            if (l.sku() == null || l.netAmount() == null) {
                throw RapportException.badRequest("invalid-field", "lines[" + i + "]", "Each line needs sku and netAmount");
            }
            Optional<String> category = Optional.ofNullable(l.category())
                    .or(() -> products.find(l.sku()).map(ProductCatalog.Product::category));
            lines.add(new EarningRules.Line(l.sku(), category, l.quantity() == null ? 1 : l.quantity(), l.netAmount()));
        }
        ProgrammeSettings settings = programme.settings();
        String tier = settings.lowestTier().code();
        Optional<MonthDay> birthday = Optional.empty();
        ZoneId zone = programme.brandZone();
        boolean first = true;
        long earnedToday = 0;
        if (request.customerId() != null) {
            Members.Member member = members.get(request.customerId());
            tier = member.tier();
            CustomerProfiles.Calendar calendar = profiles.calendars(List.of(member.customerId())).get(member.customerId());
            if (calendar != null) {
                birthday = calendar.birthday();
                zone = calendar.timeZone().orElse(zone);
            }
            first = db.select(M_FIRST_ORDER).from(MEMBER).where(M_CUSTOMER.eq(member.customerId()))
                    .fetchOne(M_FIRST_ORDER) == null;
            Long today = db.select(D_POINTS).from(DAILY).where(D_CUSTOMER.eq(member.customerId()))
                    .and(D_DAY.eq(request.orderedAt().atZone(zone).toLocalDate())).fetchOne(D_POINTS);
            earnedToday = today == null ? 0 : today;
        }
        if (request.tier() != null) {
            if (settings.tier(request.tier()).isEmpty()) {
                throw RapportException.badRequest("unknown-tier", "tier", "The programme has no tier '" + request.tier() + "'");
            }
            tier = request.tier();
        }
        if (request.birthday() != null) {
            try {
                birthday = Optional.of(MonthDay.parse("--" + request.birthday()));
            } catch (java.time.format.DateTimeParseException e) {
                throw RapportException.badRequest("invalid-field", "birthday", "birthday is MM-DD, e.g. 03-14");
            }
        }
        if (request.timeZone() != null) {
            try {
                zone = ZoneId.of(request.timeZone());
            } catch (java.time.DateTimeException e) {
                throw RapportException.badRequest("invalid-field", "timeZone", "Unknown time zone '" + request.timeZone() + "'");
            }
        }
        if (request.firstOrder() != null) {
            first = request.firstOrder();
        }
        EarningRules.Earning earning = EarningRules.evaluate(settings, new EarningRules.MemberFacts(tier, birthday, zone,
                first, earnedToday), new EarningRules.Order(request.orderedAt(), request.channel() == null ? ""
                : request.channel(), Optional.ofNullable(request.couponCode()), lines));
        return new Result(earning.points(), earning.qualifying(), tier, earning.localDay().toString(), zone.getId(),
                earning.steps().stream().map(s -> new Step(s.rule(), s.points(), s.explanation())).toList());
    }
}
