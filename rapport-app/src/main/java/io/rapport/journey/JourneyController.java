package io.rapport.journey;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Journeys over HTTP: definitions (validated, versioned), status, manual enrolment, instances, statistics. */
@RestController
class JourneyController {

    static final String MAY_READ = "hasAnyRole('ADMIN','MARKETER','ANALYST')";
    static final String MAY_WRITE = "hasAnyRole('ADMIN','MARKETER')";

    private final Journeys journeys;
    private final JourneyEngine engine;
    private final Playbooks playbooks;
    private final JourneyMigrations migrations;

    JourneyController(Journeys journeys, JourneyEngine engine, Playbooks playbooks, JourneyMigrations migrations) {
        this.migrations = migrations;
        this.journeys = journeys;
        this.engine = engine;
        this.playbooks = playbooks;
    }

    /** Installs a ready-made journey with its templates ({@code activate=true} starts it at once). */
    @PostMapping("/api/v1/journeys/playbooks/{name}")
    @PreAuthorize(MAY_WRITE)
    Journeys.Journey install(@PathVariable String name, @RequestParam(defaultValue = "false") boolean activate) {
        return playbooks.install(name, activate, Actor.current().name());
    }

    @GetMapping("/api/v1/journeys")
    @PreAuthorize(MAY_READ)
    List<Journeys.Journey> list() {
        return journeys.list();
    }

    @GetMapping("/api/v1/journeys/{code}")
    @PreAuthorize(MAY_READ)
    Journeys.Detail get(@PathVariable String code) {
        return journeys.get(code);
    }

    /** Saves the definition (the request body, JSON) as the journey's next version; 400 names each problem's path. */
    @PutMapping(value = "/api/v1/journeys/{code}", consumes = "application/json")
    @PreAuthorize(MAY_WRITE)
    Journeys.Detail save(@PathVariable String code, @RequestBody String definition) {
        return journeys.save(code, definition, Actor.current().name());
    }

    record StatusBody(String status) {}

    @PostMapping("/api/v1/journeys/{code}/status")
    @PreAuthorize(MAY_WRITE)
    Journeys.Journey status(@PathVariable String code, @RequestBody StatusBody body) {
        return journeys.setStatus(code, body.status());
    }

    record EnrolBody(long customerId, String key) {}

    /** Enrols a customer by hand (idempotent per key); the journey must be active. */
    @PostMapping("/api/v1/journeys/{code}/enrolments")
    @PreAuthorize(MAY_WRITE)
    Map<String, Object> enrol(@PathVariable String code, @RequestBody EnrolBody body) {
        Journeys.Journey journey = journeys.head(code);
        if (!"active".equals(journey.status())) {
            throw new RapportException(org.springframework.http.HttpStatus.CONFLICT, "journey-not-active",
                    "Journey " + code + " is " + journey.status());
        }
        Optional<Long> instance = engine.enrolByHand(journey, body.customerId(),
                body.key() == null ? Long.toString(body.customerId()) : body.key());
        return Map.of("enrolled", instance.isPresent(), "instanceId", instance.map(Object.class::cast).orElse(""));
    }

    @GetMapping("/api/v1/journeys/{code}/instances")
    @PreAuthorize(MAY_READ)
    List<Map<String, Object>> instances(@PathVariable String code, @RequestParam Optional<Long> customerId,
                                        @RequestParam(defaultValue = "100") int limit) {
        return engine.instances(journeys.head(code).id(), customerId, Math.min(Math.max(limit, 1), 1000));
    }

    /**
     * Moves customers waiting on one version to another (step ids mapped old → new); {@code dryRun} counts first.
     * 400 {@code invalid-migration} naming the version or the step that does not exist.
     */
    @PostMapping("/api/v1/journeys/{code}/migrations")
    @PreAuthorize(MAY_WRITE)
    JourneyMigrations.Result migrate(@PathVariable String code, @RequestBody JourneyMigrations.Request body) {
        return migrations.migrate(code, body, Actor.current());
    }

    @GetMapping("/api/v1/journeys/{code}/stats")
    @PreAuthorize(MAY_READ)
    Journeys.Stats stats(@PathVariable String code) {
        return journeys.stats(code);
    }

    /** Treatment vs holdout conversion by day since entry with the uplift's 95 % interval (the console's chart). */
    @GetMapping("/api/v1/journeys/{code}/uplift")
    @PreAuthorize(MAY_READ)
    Journeys.UpliftCurve uplift(@PathVariable String code) {
        return journeys.upliftByDay(code);
    }
}
