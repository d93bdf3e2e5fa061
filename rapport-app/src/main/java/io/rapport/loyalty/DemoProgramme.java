package io.rapport.loyalty;

import static io.rapport.loyalty.LoyaltyTables.*;

import io.rapport.platform.RapportException;
import io.rapport.platform.RapportProperties;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The demo brand's running programme. Before the demo loader imports the demo data (order 10) the programme is set up
 * (bonuses, tasks, rewards, a partner), so the imported orders and app events earn points as real ones would; after it
 * some members redeem and donate and the nightly run moves tiers. Only on the first start of the demo profile.
 */
@Component
class DemoProgramme {

    private static final Logger log = LoggerFactory.getLogger(DemoProgramme.class);

    private final RapportProperties properties;
    private final DSLContext db;
    private final Clock clock;
    private final Programme programme;
    private final Rewards rewards;
    private final Partners partners;
    private final Charity charity;
    private final NightlyLoyalty nightly;
    private final AtomicBoolean seeded = new AtomicBoolean();

    DemoProgramme(RapportProperties properties, DSLContext db, Clock clock, Programme programme, Rewards rewards,
                  Partners partners, Charity charity, NightlyLoyalty nightly) {
        this.properties = properties;
        this.db = db;
        this.clock = clock;
        this.programme = programme;
        this.rewards = rewards;
        this.partners = partners;
        this.charity = charity;
        this.nightly = nightly;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(5)
    void setUp() {
        if (!properties.demo().enabled() || db.fetchExists(PROGRAMME) || db.fetchExists(MEMBER)) {
            return;
        }
        int year = LocalDate.now(clock.withZone(programme.brandZone())).getYear();
        programme.update(new ProgrammeSettings(null, null, null, null, null, null, null, null, null, null, 200L, 50_000L,
                100_000L, List.of(
                new ProgrammeSettings.Bonus("filters-x2", ProgrammeSettings.BonusKind.GREEN, "water_filter",
                        BigDecimal.TWO, null, null, null, 10),
                new ProgrammeSettings.Bonus("618", ProgrammeSettings.BonusKind.CAMPAIGN, "", new BigDecimal("1.5"), null,
                        LocalDate.of(year, 6, 1), LocalDate.of(year, 6, 18), 20),
                new ProgrammeSettings.Bonus("accessories", ProgrammeSettings.BonusKind.CATEGORY, "accessory",
                        BigDecimal.ONE, 50L, null, null, 30)),
                null, List.of(
                new ProgrammeSettings.Task("app-streak-7", ProgrammeSettings.TaskKind.STREAK, "app_feature_use", 7, 300L),
                new ProgrammeSettings.Task("first-review", ProgrammeSettings.TaskKind.ONE_OFF, "review", 1, 100L)),
                null, new ProgrammeSettings.Charity("clean-water", BigDecimal.ONE, BigDecimal.valueOf(100)),
                List.of(new ProgrammeSettings.GreenAction("recycling", 200L)), null), "demo");
        rewards.save(reward("FILTER-50", "50 CNY off a filter cartridge", "coupon", 1_500, null));
        rewards.save(reward("INSTALL-FREE", "Free installation", "service", 3_000, null));
        rewards.save(reward("TOTE", "Canvas tote bag", "gift", 800, 500L));
        rewards.save(reward("CASH-100", "100 CNY voucher", "coupon", 10_000, 200L));
        partners.save("skyways", "Skyways airline miles", "demo-secret-change-me-please", new BigDecimal("0.5"),
                BigDecimal.TWO);
        seeded.set(true);
        log.info("Demo loyalty programme set up");
    }

    private static Rewards.Reward reward(String code, String name, String kind, long cost, Long stock) {
        return new Rewards.Reward(code, name, kind, cost, Optional.ofNullable(stock), Optional.empty(),
                Optional.empty(), 90, Optional.empty(), true);
    }

    /** After the demo data: the richest members redeem, some donate, and the nightly run applies expiry and tiers. */
    @EventListener(ApplicationReadyEvent.class)
    @Order(20)
    void run() {
        if (!seeded.get()) {
            return;
        }
        List<Long> richest = db.select(M_CUSTOMER).from(MEMBER).where(M_AVAILABLE.ge(1_500L))
                .orderBy(M_AVAILABLE.desc(), M_CUSTOMER).limit(300).fetch(M_CUSTOMER);
        int redeemed = 0;
        for (int i = 0; i < richest.size(); i++) {
            long id = richest.get(i);
            String code = i % 3 == 0 ? "INSTALL-FREE" : i % 3 == 1 ? "FILTER-50" : "TOTE";
            try {
                rewards.redeem(id, code, "demo-" + code, "demo");
                redeemed++;
                if (i % 5 == 0) {
                    charity.donate(id, 100, "clean-water", "demo-donation");
                }
            } catch (RapportException notPossible) {
                // not enough points left or the reward ran out: a demo member simply does not redeem
            }
        }
        NightlyLoyalty.Report report = nightly.run();
        log.info("Demo loyalty programme running: {} redemptions, nightly {}", redeemed, report);
    }
}
