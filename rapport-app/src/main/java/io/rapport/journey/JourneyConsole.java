package io.rapport.journey;

import io.rapport.channel.MessageTemplates;
import io.rapport.loyalty.Rewards;
import io.rapport.platform.Actor;
import io.rapport.platform.RapportException;
import io.rapport.segment.BehaviourWindows;
import io.rapport.segment.Segments;
import io.rapport.segment.Tags;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.springframework.context.MessageSource;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.ObjectMapper;

/**
 * Console pages of journeys: the list with live counts, and a journey's page with its step diagram (drawn from the
 * definition), statistics with the uplift against the holdout and its curve by day since entry, status buttons, and
 * the visual editor (static/js/journey-editor.js) kept in step with the JSON editor; a new journey's page has the
 * same editor. Saving posts the JSON, which {@link Journeys#save} validates as the API does.
 */
@Controller
class JourneyConsole {

    private final Journeys journeys;
    private final JourneyDefinitions definitions;
    private final Playbooks playbooks;
    private final JourneyMigrations migrations;
    private final MessageTemplates templates;
    private final MessageSource messages;
    private final ObjectMapper json;
    private final Tags tags;
    private final Rewards rewards;
    private final Segments segments;
    private final BehaviourWindows behaviour;

    /** Step types in the palette's order; types the engine knows beyond these follow them. */
    static final List<String> PALETTE = List.of("send", "wait", "branch", "split", "points", "coupon", "tag", "untag",
            "task", "goal", "exit");
    /** Texts of the editor, sent to the page in the viewer's language. */
    static final List<String> EDITOR_LABELS = List.of("journeys.editor.palette", "journeys.editor.canvas",
            "journeys.editor.journey", "journeys.editor.trigger", "journeys.editor.name",
            "journeys.editor.holdoutPercent", "journeys.editor.step", "journeys.editor.id", "journeys.editor.type",
            "journeys.editor.next", "journeys.editor.following", "journeys.editor.end", "journeys.editor.then",
            "journeys.editor.else", "journeys.editor.branches", "journeys.editor.weight", "journeys.editor.addArm",
            "journeys.editor.remove", "journeys.editor.up", "journeys.editor.down", "journeys.editor.other",
            "journeys.editor.otherHelp", "journeys.editor.invalidJson", "journeys.editor.dropHere",
            "journeys.editor.empty", "journeys.editor.template", "journeys.editor.noTemplate",
            "journeys.editor.variables", "journeys.editor.templateVariables", "journeys.editor.duration",
            "journeys.editor.until", "journeys.editor.event", "journeys.editor.timeout",
            "journeys.editor.condition", "journeys.editor.conditionEvent", "journeys.editor.conditionMessage",
            "journeys.editor.engagement", "journeys.editor.points", "journeys.editor.reward", "journeys.editor.tag",
            "journeys.editor.kind", "journeys.editor.title", "journeys.editor.assignee", "journeys.editor.role",
            "journeys.editor.due", "journeys.editor.missing", "journeys.editor.within", "journeys.editor.field",
            "journeys.editor.offsetDays", "journeys.editor.at", "journeys.editor.score", "journeys.editor.to",
            "journeys.editor.from", "journeys.editor.per", "journeys.editor.moreThan", "journeys.editor.filter",
            "journeys.editor.durationHelp", "journeys.editor.selectHelp", "journeys.editor.moveHelp",
            "journeys.editor.search", "journeys.editor.notInCatalogue", "journeys.editor.none",
            "journeys.editor.segment", "journeys.editor.on", "journeys.editor.undo", "journeys.editor.redo",
            "journeys.editor.undoHelp", "journeys.editor.choicesFailed");

    JourneyConsole(Journeys journeys, JourneyDefinitions definitions, Playbooks playbooks,
                   JourneyMigrations migrations, MessageTemplates templates, MessageSource messages,
                   ObjectMapper json, Tags tags, Rewards rewards, Segments segments, BehaviourWindows behaviour) {
        this.tags = tags;
        this.rewards = rewards;
        this.segments = segments;
        this.behaviour = behaviour;
        this.migrations = migrations;
        this.templates = templates;
        this.messages = messages;
        this.json = json;
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

    /** A new journey: its code, and the editor starting from a journey with a manual trigger and no steps. */
    @GetMapping("/journeys/new")
    @PreAuthorize(JourneyController.MAY_WRITE)
    String create(Model model, Locale locale) {
        return newPage(model, locale, "", NEW_JOURNEY, List.of());
    }

    static final String NEW_JOURNEY = """
            {
              "name": "",
              "trigger": {"type": "manual"},
              "holdoutPercent": 10,
              "steps": []
            }""";

    @PostMapping("/journeys/new")
    @PreAuthorize(JourneyController.MAY_WRITE)
    String createSave(@RequestParam(defaultValue = "") String code, @RequestParam String definition, Model model,
                      Locale locale, RedirectAttributes redirect) {
        if (journeys.exists(code)) {
            return newPage(model, locale, code, definition, List.of(Map.of("path", "code", "message",
                    messages.getMessage("journeys.editor.codeTaken", new Object[] {code}, locale))));
        }
        try {
            journeys.save(code, definition, Actor.current().name());
        } catch (RapportException invalid) {
            return newPage(model, locale, code, definition, problems(invalid));
        }
        redirect.addFlashAttribute("saved", true);
        return "redirect:/journeys/" + code;
    }

    private String newPage(Model model, Locale locale, String code, String definition,
                           List<Map<String, Object>> problems) {
        model.addAttribute("code", code);
        model.addAttribute("editor", definition);
        model.addAttribute("problems", problems);
        model.addAttribute("editorConfig", editorConfig(locale));
        return "journey-new";
    }

    /** The uplift curve for the page's chart (the API's {@code /api/v1/journeys/{code}/uplift}, for the session). */
    @GetMapping("/journeys/{code}/uplift")
    @PreAuthorize(JourneyController.MAY_READ)
    @ResponseBody
    Journeys.UpliftCurve uplift(@PathVariable String code) {
        return journeys.upliftByDay(code);
    }

    /** One entry of an editor picker: what the definition holds, what the person reads, and extra facts. */
    record Choice(String value, String label, List<String> variables) {}

    /** At most this many event types in the picker. */
    static final int EVENT_TYPE_LIMIT = 500;

    /**
     * What the editor's pickers offer, read from the same catalogues as the API's {@code /api/v1/tags},
     * {@code /api/v1/loyalty/rewards}, {@code /api/v1/channel/templates} and {@code /api/v1/segments} (the API is
     * stateless, so the page reads them here with its session): event types seen so far (purchases as
     * {@code order}), the manual tags (the only ones a journey may set), rewards, message templates with their
     * variables, segments by id.
     */
    @GetMapping("/journeys/editor/choices")
    @PreAuthorize(JourneyController.MAY_READ)
    @ResponseBody
    Map<String, List<Choice>> choices() {
        TreeSet<String> events = new TreeSet<>(behaviour.eventTypes(EVENT_TYPE_LIMIT));
        events.remove("purchase");
        events.add(JourneyDefinition.ORDER);
        Map<String, List<Choice>> choices = new LinkedHashMap<>();
        choices.put("event", events.stream().map(e -> new Choice(e, e, List.of())).toList());
        choices.put("tag", tags.catalogue().stream().filter(t -> t.kind().equals("manual"))
                .map(t -> new Choice(t.code(), t.name(), List.of())).toList());
        choices.put("reward", rewards.catalogue().stream()
                .map(r -> new Choice(r.code(), r.name(), List.of())).toList());
        choices.put("template", templates.list().stream().map(t -> new Choice(t.code(),
                t.code() + " · " + t.channel().name().toLowerCase(Locale.ROOT), t.variables())).toList());
        choices.put("segment", segments.list().stream()
                .map(g -> new Choice(Long.toString(g.id()), g.name(), List.of())).toList());
        return choices;
    }

    @PostMapping("/journeys/playbooks")
    @PreAuthorize(JourneyController.MAY_WRITE)
    String install(@RequestParam String name) {
        return "redirect:/journeys/" + playbooks.install(name, false, Actor.current().name()).code();
    }

    @GetMapping("/journeys/{code}")
    @PreAuthorize(JourneyController.MAY_READ)
    String journey(@PathVariable String code, Model model, Locale locale) {
        Journeys.Detail detail = journeys.get(code);
        return page(model, locale, detail, detail.definition(), List.of());
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
    String save(@PathVariable String code, @RequestParam String definition, Model model, Locale locale,
                RedirectAttributes redirect) {
        try {
            journeys.save(code, definition, Actor.current().name());
        } catch (RapportException invalid) {
            return page(model, locale, journeys.get(code), definition, problems(invalid));
        }
        redirect.addFlashAttribute("saved", true);
        return "redirect:/journeys/" + code;
    }

    private String page(Model model, Locale locale, Journeys.Detail detail, String editorText,
                        List<Map<String, Object>> problems) {
        JourneyDefinition definition = definitions.stored(detail.definition());
        Journeys.Stats stats = journeys.stats(detail.journey().code());
        model.addAttribute("journey", detail.journey());
        model.addAttribute("definition", definition);
        model.addAttribute("diagram", diagram(definition, stats));
        model.addAttribute("stats", stats);
        model.addAttribute("editor", editorText);
        model.addAttribute("problems", problems);
        model.addAttribute("editorConfig", editorConfig(locale));
        return "journey";
    }

    /**
     * What the visual editor needs, as JSON for the page: the step and trigger types the engine knows (so a type
     * added to the engine shows up in the palette, edited as raw JSON until the editor learns its fields) and the
     * texts in the viewer's language; the pickers' catalogues come from {@link #choices}.
     */
    String editorConfig(Locale locale) {
        List<String> stepTypes = Stream.concat(PALETTE.stream(),
                JourneyDefinitions.STEP_TYPES.stream().filter(t -> !PALETTE.contains(t)).sorted()).toList();
        List<String> triggerTypes = JourneyDefinitions.TRIGGER_TYPES.stream().sorted().toList();
        Map<String, String> labels = new LinkedHashMap<>();
        EDITOR_LABELS.forEach(key -> labels.put(key.substring("journeys.editor.".length()),
                messages.getMessage(key, null, key, locale)));
        Map<String, String> stepLabels = new LinkedHashMap<>();
        stepTypes.forEach(t -> stepLabels.put(t, messages.getMessage("journeys.step." + t, null, t, locale)));
        Map<String, String> triggerLabels = new LinkedHashMap<>();
        triggerTypes.forEach(t -> triggerLabels.put(t,
                messages.getMessage("journeys.triggerType." + t, null, t, locale)));
        return json.writeValueAsString(Map.of("stepTypes", stepTypes, "stepLabels", stepLabels,
                "triggerTypes", triggerTypes, "triggerLabels", triggerLabels, "labels", labels));
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
