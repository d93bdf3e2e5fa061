package io.rapport.journey;

import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Console pages of journeys: the list with live counts, and a journey's page with its step diagram (drawn from the
 * definition), statistics with the uplift against the holdout, status buttons and the JSON editor with validation.
 */
@Controller
class JourneyConsole {

    private final Journeys journeys;
    private final JourneyDefinitions definitions;
    private final Playbooks playbooks;
    private final JourneyMigrations migrations;

    JourneyConsole(Journeys journeys, JourneyDefinitions definitions, Playbooks playbooks,
                   JourneyMigrations migrations) {
        this.migrations = migrations;
        this.journeys = journeys;
        this.definitions = definitions;
        this.playbooks = playbooks;
    }

    @GetMapping("/journeys")
    @PreAuthorize(JourneyController.MAY_READ)
    String list(Model model) {
        model.addAttribute("journeys", journeys.overview());
        model.addAttribute("playbooks", Playbooks.NAMES);
        return "journeys";
    }

    @PostMapping("/journeys/playbooks")
    @PreAuthorize(JourneyController.MAY_WRITE)
    String install(@RequestParam String name) {
        return "redirect:/journeys/" + playbooks.install(name, false, Actor.current().name()).code();
    }

    @GetMapping("/journeys/{code}")
    @PreAuthorize(JourneyController.MAY_READ)
    String journey(@PathVariable String code, Model model) {
        Journeys.Detail detail = journeys.get(code);
        return page(model, detail, detail.definition(), List.of());
    }

    @PostMapping("/journeys/{code}/status")
    @PreAuthorize(JourneyController.MAY_WRITE)
    String status(@PathVariable String code, @RequestParam String status) {
        journeys.setStatus(code, status);
        return "redirect:/journeys/" + code;
    }

    /**
     * The migration form: {@code steps} as {@code old=new} pairs separated by commas or new lines; the dry-run
     * button counts, the migrate button moves.
     */
    @PostMapping("/journeys/{code}/migrations")
    @PreAuthorize(JourneyController.MAY_WRITE)
    String migrate(@PathVariable String code, @RequestParam int fromVersion, @RequestParam int toVersion,
                   @RequestParam(defaultValue = "") String steps, @RequestParam(defaultValue = "false") boolean dryRun,
                   RedirectAttributes redirect) {
        Map<String, String> mapping = new LinkedHashMap<>();
        for (String pair : steps.split("[,\\n]")) {
            String[] parts = pair.split("=", 2);
            if (parts.length == 2 && !parts[0].isBlank()) {
                mapping.put(parts[0].strip(), parts[1].strip());
            }
        }
        try {
            redirect.addFlashAttribute("migration", migrations.migrate(code,
                    new JourneyMigrations.Request(fromVersion, toVersion, mapping, dryRun), Actor.current()));
        } catch (RapportException invalid) {
            redirect.addFlashAttribute("migrationProblem", invalid.field().orElse("") + ": " + invalid.getMessage());
        }
        redirect.addFlashAttribute("migrationSteps", steps);
        return "redirect:/journeys/" + code + "#migration";
    }

    @PostMapping("/journeys/{code}")
    @PreAuthorize(JourneyController.MAY_WRITE)
    String save(@PathVariable String code, @RequestParam String definition, Model model,
                RedirectAttributes redirect) {
        try {
            journeys.save(code, definition, Actor.current().name());
        } catch (RapportException invalid) {
            return page(model, journeys.get(code), definition, problems(invalid));
        }
        redirect.addFlashAttribute("saved", true);
        return "redirect:/journeys/" + code;
    }

    private String page(Model model, Journeys.Detail detail, String editorText, List<Map<String, Object>> problems) {
        JourneyDefinition definition = definitions.stored(detail.definition());
        Journeys.Stats stats = journeys.stats(detail.journey().code());
        model.addAttribute("journey", detail.journey());
        model.addAttribute("definition", definition);
        model.addAttribute("diagram", diagram(definition, stats));
        model.addAttribute("stats", stats);
        model.addAttribute("editor", editorText);
        model.addAttribute("problems", problems);
        return "journey";
    }

    /** One box per step, in order, with where it leads and how many customers passed it. */
    record Box(String id, String type, String detail, List<String> leadsTo, long passed) {}

    static List<Box> diagram(JourneyDefinition definition, Journeys.Stats stats) {
        List<Box> boxes = new ArrayList<>();
        for (JourneyDefinition.Step step : definition.steps()) {
            List<String> leads = new ArrayList<>();
            String detail = switch (step.type()) {
                case "wait" -> step.taskOutcome().map(t -> "task " + t.taskStep() + " = " + t.outcome())
                        .orElseGet(() -> step.duration().map(Object::toString).orElse(""));
                case "webhook" -> step.webhook().map(w -> w.endpoint() + " · " + w.payload()).orElse("");
                case "send" -> step.template().orElse("");
                case "branch" -> step.condition().map(c -> c.event().map(e -> "did " + e)
                        .orElse(c.messageStep().orElse("") + " " + c.engagement().orElse(""))).orElse("");
                case "split" -> step.branches().stream().map(b -> b.weight() + "→" + b.next()).toList().toString();
                case "tag", "untag" -> step.tag().orElse("");
                case "points", "coupon" -> step.grant().map(g -> switch (g) {
                    case JourneyDefinition.PointsGrant p -> Long.toString(p.points());
                    case JourneyDefinition.CouponGrant c -> c.reward();
                }).orElse("");
                case "task" -> step.task().map(t -> t.kind() + " · " + t.assignee().or(t::role).orElse("")
                        + " · " + t.due()).orElse("");
                default -> "";
            };
            switch (step.type()) {
                case "branch" -> {
                    leads.add("then → " + step.thenStep().or(() -> definition.following(step)).orElse("end"));
                    leads.add("else → " + step.elseStep().or(() -> definition.following(step)).orElse("end"));
                }
                case "split" -> step.branches().forEach(b -> leads.add(b.weight() + " → " + b.next()));
                case "exit" -> leads.add("end");
                default -> leads.add("→ " + definition.following(step).orElse("end"));
            }
            boxes.add(new Box(step.id(), step.type(), detail, leads, stats.byStep().getOrDefault(step.id(), 0L)));
        }
        return boxes;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> problems(RapportException e) {
        Object listed = e.properties().get("problems");
        if (listed instanceof List<?> list && !list.isEmpty()) {
            return (List<Map<String, Object>>) list;
        }
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("path", e.field().orElse(""));
        one.put("message", e.getMessage());
        return List.of(one);
    }

}
