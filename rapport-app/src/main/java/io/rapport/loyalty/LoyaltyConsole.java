package io.rapport.loyalty;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.MessageSource;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;

/**
 * The programme's console pages: overview (liability, tiers chart), member card, settings, rewards, ledger search,
 * partner reconciliation.
 * Open to the same roles as the API behind them; a refused change is shown on the page with its reason.
 */
@Controller
class LoyaltyConsole {

    static final List<String> CHART_LABELS = List.of("loyalty.members", "loyalty.upgrades", "loyalty.downgrades");

    private final Members members;
    private final Points points;
    private final Tiers tiers;
    private final Rewards rewards;
    private final Tasks tasks;
    private final Charity charity;
    private final Programme programme;
    private final LoyaltyReports reports;
    private final LoyaltyController api;
    private final MessageSource messages;
    private final ObjectMapper json;
    private final java.time.Clock clock;

    LoyaltyConsole(Members members, Points points, Tiers tiers, Rewards rewards, Tasks tasks, Charity charity,
                   Programme programme, LoyaltyReports reports, LoyaltyController api, MessageSource messages,
                   ObjectMapper json, java.time.Clock clock) {
        this.clock = clock;
        this.members = members;
        this.points = points;
        this.tiers = tiers;
        this.rewards = rewards;
        this.tasks = tasks;
        this.charity = charity;
        this.programme = programme;
        this.reports = reports;
        this.api = api;
        this.messages = messages;
        this.json = json;
    }

    @GetMapping("/loyalty")
    @PreAuthorize(LoyaltyController.MAY_READ)
    String overview(@RequestParam(required = false) String member, Model model) {
        if (member != null && !member.isBlank()) {
            String q = member.strip();
            Optional<Members.Member> found = members.byMemberNo(q);
            if (found.isEmpty() && q.matches("\\d{1,18}")) {
                found = members.find(Long.parseLong(q));
            }
            if (found.isPresent()) {
                return "redirect:/loyalty/members/" + found.get().customerId();
            }
            model.addAttribute("notFound", q);
        }
        model.addAttribute("liability", reports.liability());
        model.addAttribute("distribution", tiers.distribution());
        model.addAttribute("charity", charity.report());
        return "loyalty/overview";
    }

    /** Tier distribution and monthly movements for the chart, with labels in the viewer's language. */
    @GetMapping("/loyalty/chart-data")
    @PreAuthorize(LoyaltyController.MAY_READ)
    @ResponseBody
    Map<String, Object> chartData(Locale locale) {
        Map<String, String> labels = new LinkedHashMap<>();
        CHART_LABELS.forEach(key -> labels.put(key, messages.getMessage(key, null, key, locale)));
        Map<String, String> tierNames = new LinkedHashMap<>();
        programme.settings().tiers().forEach(t -> tierNames.put(t.code(),
                messages.getMessage("loyalty.tier." + t.code(), null, t.code(), locale)));
        return Map.of("distribution", tiers.distribution(), "movements", tiers.movements(12), "labels", labels,
                "tiers", tierNames);
    }

    @GetMapping("/loyalty/members/{customerId}")
    @PreAuthorize(LoyaltyController.MAY_READ)
    String member(@PathVariable long customerId, @RequestParam(defaultValue = "0") int page, Model model) {
        Members.Member member = members.get(customerId);
        Tiers.MemberTier tier = tiers.of(customerId).orElseThrow();
        model.addAttribute("m", member);
        model.addAttribute("balance", points.balance(customerId));
        model.addAttribute("expiring", points.expiringWithin(customerId, Duration.ofDays(30)));
        model.addAttribute("tier", tier);
        model.addAttribute("progress", progress(tier));
        model.addAttribute("tasks", tasks.progress(customerId));
        model.addAttribute("coupons", rewards.coupons(customerId));
        model.addAttribute("history", points.history(customerId, Math.max(page, 0), 50));
        model.addAttribute("page", Math.max(page, 0));
        model.addAttribute("currency", programme.currency());
        return "loyalty/member";
    }

    /** Percent of the way from the current tier's threshold to the next one's (100 at the top tier). */
    int progress(Tiers.MemberTier tier) {
        ProgrammeSettings settings = programme.settings();
        if (tier.nextTier().isEmpty()) {
            return 100;
        }
        BigDecimal from = settings.tier(tier.tier()).map(ProgrammeSettings.Tier::threshold).orElse(BigDecimal.ZERO);
        BigDecimal to = settings.tier(tier.nextTier().get()).orElseThrow().threshold();
        BigDecimal span = to.subtract(from);
        if (span.signum() <= 0) {
            return 100;
        }
        return tier.qualifyingValue().subtract(from).max(BigDecimal.ZERO).multiply(BigDecimal.valueOf(100))
                .divide(span, 0, java.math.RoundingMode.DOWN).min(BigDecimal.valueOf(100)).intValue();
    }

    /**
     * The partners' daily reconciliation: per partner and direction the day's request count, partner points and our
     * points (a day of the brand's zone; today when none is given), to compare with each partner's statement.
     */
    @GetMapping("/loyalty/partners")
    @PreAuthorize(LoyaltyController.MAY_READ)
    String partners(@RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate day,
                    Model model) {
        LocalDate shown = day == null ? LocalDate.now(clock.withZone(programme.brandZone())) : day;
        List<Partners.Reconciliation> rows = api.reconciliation(shown);
        model.addAttribute("day", shown);
        model.addAttribute("rows", rows);
        model.addAttribute("totalPartnerPoints", rows.stream().mapToLong(Partners.Reconciliation::partnerPoints).sum());
        model.addAttribute("totalPoints", rows.stream().mapToLong(Partners.Reconciliation::points).sum());
        model.addAttribute("totalRequests", rows.stream().mapToLong(Partners.Reconciliation::requests).sum());
        return "loyalty/partners";
    }

    @GetMapping("/loyalty/settings")
    @PreAuthorize(LoyaltyController.MAY_READ)
    String settings(Model model) {
        model.addAttribute("s", programme.settings());
        model.addAttribute("text", pretty(programme.settings()));
        return "loyalty/settings";
    }

    @PostMapping("/loyalty/settings")
    @PreAuthorize(LoyaltyController.MAY_MANAGE)
    String saveSettings(@RequestParam String settings, Model model) {
        try {
            ProgrammeSettings parsed = json.readValue(settings, ProgrammeSettings.class);
            programme.update(parsed, Actor.current().name());
            model.addAttribute("saved", true);
            model.addAttribute("text", pretty(programme.settings()));
        } catch (RapportException e) {
            model.addAttribute("error", e.getMessage());
            model.addAttribute("text", settings);
        } catch (RuntimeException unreadable) {
            model.addAttribute("error", "Not a valid programme document: " + unreadable.getMessage());
            model.addAttribute("text", settings);
        }
        model.addAttribute("s", programme.settings());
        return "loyalty/settings";
    }

    private String pretty(ProgrammeSettings settings) {
        return json.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(settings);
    }

    @GetMapping("/loyalty/rewards")
    @PreAuthorize(LoyaltyController.MAY_READ)
    String rewards(Model model) {
        model.addAttribute("rewards", rewards.catalogue());
        return "loyalty/rewards";
    }

    @PostMapping("/loyalty/rewards")
    @PreAuthorize(LoyaltyController.MAY_MANAGE)
    String saveReward(@RequestParam String code, @RequestParam String name, @RequestParam String kind,
                      @RequestParam String pointsCost, @RequestParam(required = false) String stock,
                      @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate validUntil,
                      @RequestParam(defaultValue = "30") int couponValidDays, Model model) {
        try {
            Rewards.Reward saved = rewards.save(new Rewards.Reward(code.strip(), name, kind,
                    Points.whole(decimal(pointsCost, "pointsCost"), "pointsCost", true),
                    stock == null || stock.isBlank() ? Optional.empty()
                            : Optional.of(Points.whole(decimal(stock, "stock"), "stock", true)),
                    Optional.empty(), Optional.ofNullable(validUntil)
                    .map(d -> d.plusDays(1).atStartOfDay(programme.brandZone()).toOffsetDateTime()),
                    couponValidDays, Optional.empty(), true));
            model.addAttribute("saved", saved.code());
        } catch (RapportException e) {
            model.addAttribute("error", e.getMessage());
        }
        model.addAttribute("rewards", rewards.catalogue());
        return "loyalty/rewards";
    }

    private static BigDecimal decimal(String text, String field) {
        try {
            return new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            throw RapportException.badRequest("invalid-points", field, "'" + text + "' is not a number");
        }
    }

    @GetMapping("/loyalty/ledger")
    @PreAuthorize(LoyaltyController.MAY_READ)
    String ledger(@RequestParam(required = false) String memberNo, @RequestParam(required = false) String kind,
                  @RequestParam(required = false) String key,
                  @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
                  @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
                  @RequestParam(defaultValue = "0") int page, Model model) {
        model.addAttribute("entries", points.search(api.ledgerQuery(null, memberNo, kind, key, from, to),
                Math.max(page, 0), 100));
        model.addAttribute("memberNo", memberNo);
        model.addAttribute("kind", kind);
        model.addAttribute("key", key);
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        model.addAttribute("page", Math.max(page, 0));
        return "loyalty/ledger";
    }

}
