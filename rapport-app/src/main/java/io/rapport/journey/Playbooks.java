package io.rapport.journey;

import io.rapport.channel.MessageTemplates;
import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import io.rapport.platform.RapportProperties;
import io.rapport.segment.Tags;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
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
 * Ready-made journeys with their templates and the manual tags their tag steps set
 * ({@code classpath:playbooks/<name>.json}): installed on request, and installed and activated on the demo data. Installing again makes a new version only when the playbook changed.
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

    Playbooks(ObjectMapper json, MessageTemplates templates, Journeys journeys, RapportProperties rapport, Tags tags) {
        this.tags = tags;
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
        JsonNode playbook;
        try (InputStream in = new ClassPathResource("playbooks/" + name + ".json").getInputStream()) {
            playbook = json.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("playbook " + name + " is not readable", e);
        }
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
        JsonNode journey = playbook.get("journey");
        String code = journey.get("code").asString();
        journeys.save(code, json.writeValueAsString(journey.get("definition")), by);
        return activate ? journeys.setStatus(code, "active") : journeys.head(code);
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(20)
    void onDemo() {
        if (rapport.demo().enabled()) {
            for (String name : NAMES) {
                log.info("Demo: playbook {} installed and active", install(name, true, "system").code());
            }
        }
    }
}
