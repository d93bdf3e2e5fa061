package io.rapport.journey;

import io.rapport.channel.MessageTemplates;
import io.rapport.loyalty.Rewards;
import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import io.rapport.platform.RapportProperties;
import io.rapport.segment.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Ready-made journeys with their templates, the manual tags their tag steps set and the rewards their coupon steps
 * issue ({@code classpath:playbooks/<name>.json}): installed on request, and installed and activated on the demo
 * data. Installing again makes a new version only when the playbook changed.
 * <p>
 * A reward a playbook needs and the catalogue lacks is created <em>withdrawn</em>: a coupon has a value and costs
 * money, so the brand checks it and activates it. Until then (and for customers who are not loyalty members, or when
 * the reward is out of stock) the coupon step is refused and the message quotes the playbook's shared code, the
 * fallback of {@code {{coupon.code|CART10}}}. The demo activates them, so its messages carry personal codes.
 */
@Service
public class Playbooks {

    /** The playbooks shipped with Rapport. */
    public static final List<String> NAMES = List.of("abandoned-cart", "viewed-often", "dormant-win-back",
            "birthday", "new-customer", "first-use-care", "maintenance-reminder", "warranty-ending", "rescue",
            "browsed-no-purchase");

    private static final Logger log = LoggerFactory.getLogger(Playbooks.class);

    private final ObjectMapper json;
    private final MessageTemplates templates;
    private final Journeys journeys;
    private final RapportProperties rapport;
    private final Tags tags;
    private final Rewards rewards;

    Playbooks(ObjectMapper json, MessageTemplates templates, Journeys journeys, RapportProperties rapport, Tags tags,
              Rewards rewards) {
        this.tags = tags;
        this.rewards = rewards;
        this.json = json;
        this.templates = templates;
        this.journeys = journeys;
        this.rapport = rapport;
    }

    /** Installs a playbook's templates and journey (as a draft unless {@code activate}); returns the journey. */
    @Transactional
    public Journeys.Journey install(String name, boolean activate, String by) {
        if (!NAMES.contains(name)) {
            throw RapportException.notFound("playbook", name);
        }
        JsonNode playbook = read(name);
        for (var template : playbook.get("templates").properties()) {
            MessageTemplates.Definition definition = json.treeToValue(template.getValue(),
                    MessageTemplates.Definition.class);
            if (templates.find(template.getKey()).isEmpty()) {
                templates.save(template.getKey(), definition, by);
            }
        }
        for (JsonNode tag : playbook.path("tags")) {
            // the manual tags the journey's tag steps set, so the brand need not create them first
            String tagCode = tag.get("code").asString();
            if (tags.catalogue().stream().noneMatch(t -> t.code().equals(tagCode))) {
                tags.create(new Tags.NewTag(tagCode, tag.get("name").asString(), "manual", "manual", null,
                        tag.path("description").asString(null)), new Actor(by, false));
            }
        }
        for (JsonNode reward : playbook.path("rewards")) {
            String rewardCode = reward.get("code").asString();
            if (rewards.find(rewardCode).isEmpty()) {
                rewards.save(new Rewards.Reward(rewardCode, reward.get("name").asString(), "coupon", 0,
                        Optional.empty(), Optional.empty(), Optional.empty(), reward.get("couponValidDays").asInt(),
                        Optional.empty(), false));
            }
        }
        JsonNode journey = playbook.get("journey");
        String code = journey.get("code").asString();
        journeys.save(code, json.writeValueAsString(journey.get("definition")), by);
        return activate ? journeys.setStatus(code, "active") : journeys.head(code);
    }

    /** Activates the rewards a playbook's coupon steps issue, as a brand does once it has checked them. */
    @Transactional
    public void activateRewards(String name) {
        for (JsonNode reward : read(name).path("rewards")) {
            rewards.find(reward.get("code").asString()).filter(r -> !r.active()).ifPresent(r -> rewards.save(
                    new Rewards.Reward(r.code(), r.name(), r.kind(), r.pointsCost(), r.stock(), r.validFrom(),
                            r.validUntil(), r.couponValidDays(), r.couponValue(), true)));
        }
    }

    private JsonNode read(String name) {
        try (InputStream in = new ClassPathResource("playbooks/" + name + ".json").getInputStream()) {
            return json.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("playbook " + name + " is not readable", e);
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(20)
    void onDemo() {
        if (rapport.demo().enabled()) {
            for (String name : NAMES) {
                log.info("Demo: playbook {} installed and active", install(name, true, "system").code());
                activateRewards(name);
            }
        }
    }
}
