package io.rapport.journey;

import io.rapport.channel.MessageTemplates;
import io.rapport.loyalty.Rewards;
import io.rapport.segment.Tags;
import io.rapport.platform.RapportException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Reads a journey definition from JSON and checks it, reporting every problem with its JSON path
 * ({@code steps[2].duration}): unknown step or trigger types, bad durations, unknown or missing step references,
 * cycles that pass no wait (they would run forever in one go), unknown templates and variables a template does not
 * declare or needs.
 */
@Component
class JourneyDefinitions {

    static final Set<String> STEP_TYPES = Set.of("wait", "send", "branch", "split", "tag", "goal", "exit",
            "points", "coupon", "untag", "task", "webhook");
    static final Set<String> TRIGGER_TYPES = Set.of("event", "absence", "date", "manual", "score",
            "count", "segment");
    /** Lifecycle stages a {@code lifecycle-stage} score trigger may name (scoring's LifecycleStage, lower case). */
    static final Set<String> STAGES = Set.of("potential", "new", "active", "dormant", "churned");

    private final ObjectMapper json;
    private final MessageTemplates templates;
    private final Tags tags;
    private final Rewards rewards;
    private final io.rapport.segment.Segments segments;
    private final io.rapport.channel.ChannelProperties channels;

    JourneyDefinitions(ObjectMapper json, MessageTemplates templates, Tags tags, Rewards rewards,
                       io.rapport.segment.Segments segments, io.rapport.channel.ChannelProperties channels) {
        this.segments = segments;
        this.channels = channels;
        this.json = json;
        this.templates = templates;
        this.tags = tags;
        this.rewards = rewards;
    }

    /** Problems found while reading: each with the path and a message. */
    private static final class Problems {
        final List<Map<String, String>> list = new ArrayList<>();

        void add(String path, String message) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("path", path);
            p.put("message", message);
            list.add(p);
        }
    }

    /** Parses and validates; 400 {@code invalid-journey} with all problems (the first one's path as field). */
    JourneyDefinition parse(String text) {
        return parse(text, true);
    }

    /**
     * A stored version, checked when it was saved: read without checking templates against their current state (a
     * template edited since must not make a running journey unreadable; its send step reports the problem instead).
     */
    JourneyDefinition stored(String text) {
        return parse(text, false);
    }

    private JourneyDefinition parse(String text, boolean checkTemplates) {
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (RuntimeException e) {
            throw RapportException.badRequest("invalid-journey", "$", "The definition is not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw RapportException.badRequest("invalid-journey", "$", "The definition must be a JSON object");
        }
        Problems problems = new Problems();
        String name = text(root, "name", problems, "name").orElse("");
        JourneyDefinition.Trigger trigger = trigger(root.path("trigger"), problems, checkTemplates);
        JourneyDefinition.Reentry reentry = reentry(root.path("reentry"), problems);
        int holdout = 10;
        if (root.has("holdoutPercent")) {
            JsonNode h = root.get("holdoutPercent");
            if (!h.isIntegralNumber() || h.asInt() < 0 || h.asInt() > 50) {
                problems.add("holdoutPercent", "must be a whole number from 0 to 50");
            } else {
                holdout = h.asInt();
            }
        }
        List<String> exitOn = new ArrayList<>();
        JsonNode exits = root.path("exitOn");
        if (!exits.isMissingNode()) {
            if (!exits.isArray()) {
                problems.add("exitOn", "must be a list of event types");
            } else {
                for (int i = 0; i < exits.size(); i++) {
                    if (exits.get(i).isObject()) {
                        leftSegment(exits.get(i), "exitOn[" + i + "]", problems, checkTemplates)
                                .ifPresent(exitOn::add);
                        continue;
                    }
                    eventType(exits.get(i).asString(""), "exitOn[" + i + "]", problems).ifPresent(exitOn::add);
                }
            }
        }
        Optional<JourneyDefinition.Goal> goal = Optional.empty();
        JsonNode g = root.path("goal");
        if (!g.isMissingNode()) {
            Optional<String> event = eventType(g.path("event").asString(""), "goal.event", problems);
            Optional<Duration> within = duration(g.path("within"), "goal.within", problems, true);
            if (event.isPresent() && within.isPresent()) {
                goal = Optional.of(new JourneyDefinition.Goal(event.get(), within.get()));
            }
        }
        List<JourneyDefinition.Step> steps = steps(root.path("steps"), problems, checkTemplates);
        if (problems.list.isEmpty()) {
            checkGraph(steps, problems);
        }
        if (!problems.list.isEmpty()) {
            Map<String, String> first = problems.list.getFirst();
            throw RapportException.badRequest("invalid-journey", first.get("path"),
                    first.get("path") + ": " + first.get("message")).with("problems", problems.list);
        }
        return new JourneyDefinition(name, trigger, reentry, holdout, List.copyOf(exitOn), goal, steps);
    }

    private JourneyDefinition.Trigger trigger(JsonNode t, Problems problems, boolean checkCatalogues) {
        if (!t.isObject()) {
            problems.add("trigger", "a trigger object is required");
            return null;
        }
        String type = t.path("type").asString("");
        if (!TRIGGER_TYPES.contains(type)) {
            problems.add("trigger.type", "unknown trigger type '" + type + "'; known: " + sorted(TRIGGER_TYPES));
            return null;
        }
        Optional<String> event = Optional.empty();
        Optional<String> missing = Optional.empty();
        Optional<Duration> within = Optional.empty();
        Optional<String> dateField = Optional.empty();
        Map<String, String> filter = new LinkedHashMap<>();
        int offsetDays = 0;
        LocalTime at = LocalTime.of(10, 0);
        Optional<Integer> everyMonths = Optional.empty();
        if (type.equals("event") || type.equals("absence") || type.equals("count")) {
            event = eventType(t.path("event").asString(""), "trigger.event", problems);
            JsonNode f = t.path("filter");
            if (!f.isMissingNode()) {
                if (!f.isObject()) {
                    problems.add("trigger.filter", "must be an object of property: value");
                } else {
                    for (var e : f.properties()) {
                        filter.put(e.getKey(), e.getValue().asString());
                    }
                }
            }
        }
        if (type.equals("absence")) {
            missing = missing(t.path("missing"), problems);
            within = duration(t.path("within"), "trigger.within", problems, true);
        }
        if (type.equals("date")) {
            String field = t.path("field").asString("");
            if (!JourneyDefinition.DATE_FIELDS.contains(field)) {
                problems.add("trigger.field", "unknown date field '" + field + "'; known: "
                        + sorted(JourneyDefinition.DATE_FIELDS));
            } else {
                dateField = Optional.of(field);
            }
            everyMonths = DateOccasions.everyMonths(t, field, problems::add);
            DateOccasions.productFilter(t, field, filter, problems::add);
            JsonNode offset = t.path("offsetDays");
            if (!offset.isMissingNode() && (!offset.isIntegralNumber() || Math.abs(offset.asInt()) > 366)) {
                problems.add("trigger.offsetDays", "must be a whole number of days from -366 to 366");
            } else {
                offsetDays = offset.asInt(0);
            }
            if (t.has("at")) {
                try {
                    at = LocalTime.parse(t.get("at").asString(""));
                } catch (DateTimeParseException e) {
                    problems.add("trigger.at", "'" + t.get("at").asString("") + "' is not a time of day (HH:mm)");
                }
            }
        }
        Optional<JourneyDefinition.ScoreChange> score = type.equals("score") ? scoreChange(t, problems)
                : Optional.empty();
        Optional<JourneyDefinition.CountThreshold> count = Optional.empty();
        if (type.equals("count")) {
            within = duration(t.path("within"), "trigger.within", problems, true);
            if (within.isPresent() && (within.get().toHours() % 24 != 0 || within.get().toDays() < 1
                    || within.get().toDays() > 366)) {
                problems.add("trigger.within", "a count window is whole days from P1D to P366D");
            }
            String per = t.path("per").asString("sku");
            if (!per.equals("sku") && !per.equals("all")) {
                problems.add("trigger.per", "must be \"sku\" (the same product) or \"all\"");
            }
            JsonNode moreThan = t.path("moreThan");
            if (!moreThan.isIntegralNumber() || moreThan.asInt() < 0 || moreThan.asInt() > 100_000) {
                problems.add("trigger.moreThan", "a whole number from 0 to 100000 is required");
            } else {
                count = Optional.of(new JourneyDefinition.CountThreshold(per, moreThan.asInt()));
            }
        }
        Optional<JourneyDefinition.SegmentChange> segment = Optional.empty();
        if (type.equals("segment")) {
            String on = t.path("on").asString("entry");
            if (!on.equals("entry") && !on.equals("exit")) {
                problems.add("trigger.on", "must be \"entry\" or \"exit\"");
            }
            segment = segment(t.path("segment"), "trigger.segment", problems, checkCatalogues)
                    .map(id -> new JourneyDefinition.SegmentChange(id, on));
        }
        return new JourneyDefinition.Trigger(type, event, Map.copyOf(filter), missing, within, dateField, offsetDays,
                at, score, count, segment, everyMonths);
    }

    private Optional<JourneyDefinition.ScoreChange> scoreChange(JsonNode t, Problems problems) {
        String change = t.path("score").asString("");
        if (!JourneyDefinition.SCORE_CHANGES.contains(change)) {
            problems.add("trigger.score", "unknown score change '" + change + "'; known: "
                    + sorted(JourneyDefinition.SCORE_CHANGES));
            return Optional.empty();
        }
        Optional<String> to = Optional.empty();
        Optional<String> from = Optional.empty();
        if (change.equals("lifecycle-stage")) {
            to = stage(t.path("to"), "trigger.to", problems, true);
            from = stage(t.path("from"), "trigger.from", problems, false);
            if (to.isEmpty()) {
                return Optional.empty();
            }
        }
        return Optional.of(new JourneyDefinition.ScoreChange(change, to, from));
    }

    private Optional<String> stage(JsonNode value, String path, Problems problems, boolean required) {
        if (value.isMissingNode() && !required) {
            return Optional.empty();
        }
        String stage = value.asString("").toLowerCase(java.util.Locale.ROOT);
        if (!STAGES.contains(stage)) {
            problems.add(path, "unknown lifecycle stage '" + value.asString("") + "'; known: " + sorted(STAGES));
            return Optional.empty();
        }
        return Optional.of(stage);
    }

    private JourneyDefinition.Reentry reentry(JsonNode r, Problems problems) {
        if (r.isMissingNode()) {
            return new JourneyDefinition.Reentry("once", Optional.empty());
        }
        String rule = r.isObject() ? "per-period" : r.asString("");
        if (r.isObject()) {
            return new JourneyDefinition.Reentry(rule, duration(r.path("oncePer"), "reentry.oncePer", problems, true));
        }
        if (!rule.equals("once") && !rule.equals("always")) {
            problems.add("reentry", "must be \"once\", \"always\" or {\"oncePer\": \"P30D\"}");
        }
        return new JourneyDefinition.Reentry(rule, Optional.empty());
    }

    private List<JourneyDefinition.Step> steps(JsonNode list, Problems problems, boolean checkTemplates) {
        List<JourneyDefinition.Step> steps = new ArrayList<>();
        if (!list.isArray() || list.isEmpty()) {
            problems.add("steps", "a non-empty list of steps is required");
            return steps;
        }
        Set<String> ids = new HashSet<>();
        boolean issuesCoupons = false;
        for (JsonNode s : list) {
            issuesCoupons |= s.path("type").asString("").equals("coupon");
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            String path = "steps[" + i + "]";
            String id = s.path("id").asString("");
            if (!id.matches("[A-Za-z0-9_-]{1,100}")) {
                problems.add(path + ".id", "a step id of 1-100 letters, digits, '_' or '-' is required");
            } else if (!ids.add(id)) {
                problems.add(path + ".id", "step id '" + id + "' is used twice");
            }
            String type = s.path("type").asString("");
            if (!STEP_TYPES.contains(type)) {
                problems.add(path + ".type", "unknown step type '" + type + "'; known: " + sorted(STEP_TYPES));
                continue;
            }
            Optional<Duration> duration = Optional.empty();
            Optional<String> until = Optional.empty();
            Optional<JourneyDefinition.Condition> awaited = Optional.empty();
            Optional<JourneyDefinition.TaskOutcome> taskOutcome = Optional.empty();
            if (type.equals("wait") && s.has("task")) {
                taskOutcome = taskOutcome(s, path, problems);
                if (s.has("timeout")) {
                    duration = duration(s.path("timeout"), path + ".timeout", problems, true);
                }
            } else if (type.equals("wait") && s.has("until")) {
                until = Optional.of(s.path("until").asString(""));
                if (!until.get().equals(JourneyDefinition.BEST_SEND_TIME)) {
                    try {
                        LocalTime.parse(until.get());
                    } catch (DateTimeParseException e) {
                        problems.add(path + ".until", "'" + until.get() + "' is neither a time of day (HH:mm) nor \""
                                + JourneyDefinition.BEST_SEND_TIME + "\"");
                    }
                }
            } else if (type.equals("wait") && s.has("event")) {
                awaited = eventType(s.path("event").asString(""), path + ".event", problems)
                        .map(e -> new JourneyDefinition.Condition(Optional.of(e), Optional.empty(), Optional.empty()));
                duration = duration(s.path("timeout"), path + ".timeout", problems, true);
            } else if (type.equals("wait")) {
                duration = duration(s.path("duration"), path + ".duration", problems, true);
            }
            Optional<String> template = Optional.empty();
            Map<String, String> variables = new LinkedHashMap<>();
            if (type.equals("send") && checkTemplates) {
                template = sendStep(s, path, variables, problems);
                journeyVariables(variables, path, issuesCoupons, problems);
            } else if (type.equals("send")) {
                template = Optional.of(s.path("template").asString(""));
                if (s.path("variables").isObject()) {
                    s.path("variables").properties().forEach(e -> variables.put(e.getKey(), e.getValue().asString()));
                }
            }
            Optional<JourneyDefinition.Condition> condition = awaited;
            if (type.equals("branch")) {
                condition = condition(s.path("condition"), path + ".condition", problems);
                if (!s.has("then") && !s.has("else")) {
                    problems.add(path, "a branch needs 'then' and/or 'else'");
                }
            }
            List<JourneyDefinition.SplitBranch> branches = new ArrayList<>();
            if (type.equals("split")) {
                JsonNode b = s.path("branches");
                if (!b.isArray() || b.size() < 2) {
                    problems.add(path + ".branches", "a split needs at least two branches");
                } else {
                    for (int j = 0; j < b.size(); j++) {
                        JsonNode w = b.get(j).path("weight");
                        if (!w.isIntegralNumber() || w.asInt() <= 0) {
                            problems.add(path + ".branches[" + j + "].weight", "must be a whole number above 0");
                        }
                        branches.add(new JourneyDefinition.SplitBranch(w.asInt(0), b.get(j).path("next").asString("")));
                    }
                }
            }
            Optional<String> tag = Optional.empty();
            if (type.equals("tag") || type.equals("untag")) {
                tag = Optional.of(s.path("tag").asString("")).filter(x -> x.matches("[a-z0-9_.:-]{1,60}"));
                if (tag.isEmpty()) {
                    problems.add(path + ".tag", "a tag of 1-60 lower-case letters, digits, '_', '.', ':' or '-'");
                } else if (checkTemplates) {
                    manualTag(tag.get(), path + ".tag", problems);
                }
            }
            Optional<JourneyDefinition.Grant> grant = grant(s, type, path, problems, checkTemplates);
            steps.add(new JourneyDefinition.Step(id, type, optionalText(s, "next"), duration, template, variables,
                    condition, optionalText(s, "then"), optionalText(s, "else"), List.copyOf(branches), tag, grant,
                    type.equals("task") ? staffTask(s, path, problems) : Optional.empty(), until, taskOutcome,
                    type.equals("webhook") ? webhook(s, path, problems, checkTemplates) : Optional.empty()));
        }
        return steps;
    }

    /** A tag step writes a manual tag of the catalogue (rule and computed tags are Rapport's own to keep). */
    private void manualTag(String code, String path, Problems problems) {
        Optional<Tags.Tag> known = tags.catalogue().stream().filter(t -> t.code().equals(code)).findFirst();
        if (known.isEmpty()) {
            problems.add(path, "unknown tag '" + code + "'; create it in the tag catalogue first");
        } else if (!known.get().kind().equals("manual")) {
            problems.add(path, "tag '" + code + "' is a " + known.get().kind() + " tag; a journey may set only "
                    + "manual tags");
        }
    }

    /** {@code points}: a whole number of points from 1 to 1,000,000; {@code coupon}: a reward of the catalogue. */
    private Optional<JourneyDefinition.Grant> grant(JsonNode s, String type, String path, Problems problems,
                                                     boolean checkCatalogue) {
        if (type.equals("points")) {
            JsonNode points = s.path("points");
            if (!points.isIntegralNumber() || points.asLong() < 1 || points.asLong() > 1_000_000) {
                problems.add(path + ".points", "a whole number of points from 1 to 1000000 is required");
                return Optional.empty();
            }
            return Optional.of(new JourneyDefinition.PointsGrant(points.asLong()));
        }
        if (type.equals("coupon")) {
            String reward = s.path("reward").asString("");
            if (reward.isBlank()) {
                problems.add(path + ".reward", "the code of a reward of the loyalty catalogue is required");
                return Optional.empty();
            }
            if (checkCatalogue && rewards.find(reward).isEmpty()) {
                problems.add(path + ".reward", "unknown reward '" + reward + "'");
            }
            return Optional.of(new JourneyDefinition.CouponGrant(reward));
        }
        return Optional.empty();
    }

    /** A task step: kind, title, an assignee (a user name) or a role, and the time it is due after the step. */
    private Optional<JourneyDefinition.StaffTask> staffTask(JsonNode s, String path, Problems problems) {
        String kind = s.path("kind").asString("");
        if (!kind.matches("[a-z][a-z0-9-]{0,39}")) {
            problems.add(path + ".kind", "a task kind of 1-40 lower-case letters, digits or '-' is required "
                    + "(e.g. care-call, follow-up)");
        }
        String title = s.path("title").asString("");
        if (title.isBlank() || title.length() > 300) {
            problems.add(path + ".title", "a title of 1-300 characters is required");
        }
        Optional<String> assignee = optionalText(s, "assignee").filter(a -> !a.isBlank());
        Optional<String> role = optionalText(s, "role").map(r -> r.toUpperCase(java.util.Locale.ROOT));
        if (assignee.isEmpty() && role.isEmpty()) {
            problems.add(path + ".assignee", "a task needs an assignee (a user name) or a role");
        }
        if (role.isPresent() && java.util.Arrays.stream(io.rapport.platform.Role.values())
                .noneMatch(r -> r.name().equals(role.get()))) {
            problems.add(path + ".role", "unknown role '" + role.get() + "'; known: "
                    + java.util.Arrays.toString(io.rapport.platform.Role.values()));
        }
        Optional<Duration> due = duration(s.path("due"), path + ".due", problems, true);
        return due.map(d -> new JourneyDefinition.StaffTask(kind, title, assignee, role, d));
    }

    private Optional<String> sendStep(JsonNode s, String path, Map<String, String> variables, Problems problems) {
        String code = s.path("template").asString("");
        Optional<MessageTemplates.Template> template = templates.find(code);
        if (template.isEmpty()) {
            problems.add(path + ".template", "unknown template '" + code + "'");
            return Optional.empty();
        }
        JsonNode vars = s.path("variables");
        if (!vars.isMissingNode() && !vars.isObject()) {
            problems.add(path + ".variables", "must be an object of variable: value");
        } else if (vars.isObject()) {
            for (var e : vars.properties()) {
                if (!template.get().variables().contains(e.getKey())) {
                    problems.add(path + ".variables." + e.getKey(), "template " + code + " declares no variable '"
                            + e.getKey() + "'; declared: " + template.get().variables());
                } else {
                    variables.put(e.getKey(), e.getValue().asString());
                }
            }
        }
        for (String required : template.get().requiredVariables()) {
            if (!variables.containsKey(required)) {
                problems.add(path + ".variables." + required, "template " + code + " needs '" + required
                        + "' (it has no fallback)");
            }
        }
        return Optional.of(code);
    }

    private Optional<JourneyDefinition.Condition> condition(JsonNode c, String path, Problems problems) {
        if (!c.isObject()) {
            problems.add(path, "a condition object is required: {\"event\": \"order\"} or "
                    + "{\"message\": \"<send step id>\", \"engagement\": \"opened\"}");
            return Optional.empty();
        }
        if (c.has("event")) {
            return eventType(c.get("event").asString(""), path + ".event", problems)
                    .map(e -> new JourneyDefinition.Condition(Optional.of(e), Optional.empty(), Optional.empty()));
        }
        if (c.has("message")) {
            String engagement = c.path("engagement").asString("");
            if (!io.rapport.channel.MessageEngagement.KINDS.contains(engagement)) {
                problems.add(path + ".engagement", "unknown engagement '" + engagement + "'; known: "
                        + io.rapport.channel.MessageEngagement.KINDS);
            }
            return Optional.of(new JourneyDefinition.Condition(Optional.empty(),
                    Optional.of(c.get("message").asString("")), Optional.of(engagement)));
        }
        if (c.has("churnReason") || c.has("loyalty")) {
            return CustomerFacts.condition(c, path, problems::add);
        }
        if (c.has("survey")) {
            return CustomerFacts.surveyCondition(c, path, problems::add);
        }
        problems.add(path, "unknown condition; use 'event', 'message', 'churnReason', 'loyalty' or 'survey'");
        return Optional.empty();
    }

    /** References must name steps; a cycle must pass a wait step, or one advance would never end. */
    private static void checkGraph(List<JourneyDefinition.Step> steps, Problems problems) {
        Map<String, JourneyDefinition.Step> byId = new LinkedHashMap<>();
        steps.forEach(s -> byId.put(s.id(), s));
        JourneyDefinition definition = new JourneyDefinition("", null, null, 0, List.of(), Optional.empty(), steps);
        Map<String, List<String>> edges = new HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            JourneyDefinition.Step s = steps.get(i);
            String path = "steps[" + i + "]";
            List<String> out = new ArrayList<>();
            check(s.next(), path + ".next", byId, problems);
            check(s.thenStep(), path + ".then", byId, problems);
            check(s.elseStep(), path + ".else", byId, problems);
            if (s.taskOutcome().isPresent()) {
                JourneyDefinition.TaskOutcome awaited = s.taskOutcome().get();
                check(awaited.onTimeout(), path + ".onTimeout", byId, problems);
                if (!byId.containsKey(awaited.taskStep()) || !byId.get(awaited.taskStep()).type().equals("task")) {
                    problems.add(path + ".task", "'" + awaited.taskStep() + "' is not a task step");
                }
            }
            for (int j = 0; j < s.branches().size(); j++) {
                check(Optional.of(s.branches().get(j).next()), path + ".branches[" + j + "].next", byId, problems);
                out.add(s.branches().get(j).next());
            }
            if (s.type().equals("branch")) {
                out.add(s.thenStep().or(() -> definition.following(s)).orElse(""));
                out.add(s.elseStep().or(() -> definition.following(s)).orElse(""));
            } else if (!s.type().equals("split") && !s.type().equals("exit")) {
                definition.following(s).ifPresent(out::add);
            }
            if (s.condition().flatMap(JourneyDefinition.Condition::messageStep).isPresent()) {
                String target = s.condition().get().messageStep().get();
                if (!byId.containsKey(target) || !byId.get(target).type().equals("send")) {
                    problems.add(path + ".condition.message", "'" + target + "' is not a send step");
                }
            }
            if (s.condition().flatMap(JourneyDefinition.Condition::survey).isPresent()) {
                String target = s.condition().get().survey().get().survey();
                if (!byId.containsKey(target) || !byId.get(target).variables().values().stream()
                        .anyMatch(v -> JourneyVariables.references(v).contains(JourneyVariables.SURVEY_LINK))) {
                    problems.add(path + ".condition.survey", "'" + target + "' is not a send step with a "
                            + "{{" + JourneyVariables.SURVEY_LINK + "}} variable");
                }
            }
            edges.put(s.id(), out);
        }
        if (!problems.list.isEmpty()) {
            return;
        }
        // depth-first search over steps that are not waits: a back edge is a cycle without a wait
        Map<String, Integer> state = new HashMap<>();
        for (JourneyDefinition.Step s : steps) {
            if (!s.type().equals("wait")) {
                List<String> cycle = new ArrayList<>();
                if (cycleFrom(s.id(), byId, edges, state, cycle)) {
                    int index = steps.indexOf(byId.get(cycle.getFirst()));
                    problems.add("steps[" + index + "]", "cycle without a wait: " + String.join(" -> ", cycle));
                    return;
                }
            }
        }
    }

    private static boolean cycleFrom(String id, Map<String, JourneyDefinition.Step> byId,
                                     Map<String, List<String>> edges, Map<String, Integer> state, List<String> path) {
        Integer seen = state.get(id);
        if (seen != null) {
            if (seen == 1) {
                path.add(id);
                int start = path.indexOf(id);
                path.subList(0, start).clear();
                return true;
            }
            return false;
        }
        if (!byId.containsKey(id) || byId.get(id).type().equals("wait")) {
            return false;
        }
        state.put(id, 1);
        path.add(id);
        for (String next : edges.getOrDefault(id, List.of())) {
            if (cycleFrom(next, byId, edges, state, path)) {
                return true;
            }
        }
        path.removeLast();
        state.put(id, 2);
        return false;
    }

    private static void check(Optional<String> ref, String path, Map<String, JourneyDefinition.Step> byId,
                              Problems problems) {
        if (ref.isPresent() && !byId.containsKey(ref.get())) {
            problems.add(path, "no step with id '" + ref.get() + "'");
        }
    }

    private static Optional<String> optionalText(JsonNode s, String field) {
        return s.has(field) ? Optional.of(s.get(field).asString("")) : Optional.empty();
    }

    private static Optional<String> text(JsonNode node, String field, Problems problems, String path) {
        String value = node.path(field).asString("");
        if (value.isBlank() || value.length() > 200) {
            problems.add(path, "a name of 1-200 characters is required");
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /**
     * An absence trigger's awaited event: one type, or a list of types any of which fulfils the watch
     * ({@code ["cart_add", "order"]}: neither a cart nor an order followed); kept comma-separated.
     */
    private static Optional<String> missing(JsonNode m, Problems problems) {
        if (!m.isArray()) {
            return eventType(m.asString(""), "trigger.missing", problems);
        }
        List<String> types = new java.util.ArrayList<>();
        for (int i = 0; i < m.size(); i++) {
            eventType(m.get(i).asString(""), "trigger.missing[" + i + "]", problems).ifPresent(types::add);
        }
        if (types.isEmpty() || types.size() != m.size()) {
            if (m.isEmpty()) {
                problems.add("trigger.missing", "name at least one event type");
            }
            return Optional.empty();
        }
        String joined = String.join(",", types);
        if (joined.length() > 60) {
            problems.add("trigger.missing", "at most 60 characters of event types in all");
            return Optional.empty();
        }
        return Optional.of(joined);
    }

    private static Optional<String> eventType(String value, String path, Problems problems) {
        if (!value.matches("[a-z][a-z0-9_.]{0,59}")) {
            problems.add(path, "'" + value + "' is not an event type (lower-case letters, digits, '_' or '.'; "
                    + "'order' for purchases)");
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /** ISO-8601 durations ({@code PT24H}, {@code P7D}), positive, at most a year. */
    static Optional<Duration> duration(JsonNode node, String path, Problems problems, boolean required) {
        if (node.isMissingNode()) {
            if (required) {
                problems.add(path, "a duration is required (ISO-8601, e.g. PT24H or P7D)");
            }
            return Optional.empty();
        }
        String text = node.asString("");
        try {
            Duration d = Duration.parse(text);
            if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(366)) > 0) {
                problems.add(path, "'" + text + "' must be above zero and at most a year");
                return Optional.empty();
            }
            return Optional.of(d);
        } catch (DateTimeParseException e) {
            problems.add(path, "'" + text + "' is not a duration (ISO-8601, e.g. PT24H or P7D)");
            return Optional.empty();
        }
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    /**
     * A segment named by its id (a number) or its name; unknown (or, by name, ambiguous) is a problem when saving.
     * A stored definition whose segment was deleted or renamed since reads as segment -1, which nobody enters.
     */
    private Optional<Long> segment(JsonNode value, String path, Problems problems, boolean check) {
        String text = value.asString("").strip();
        if (value.isMissingNode() || text.isEmpty()) {
            problems.add(path, "a segment (its id or name) is required");
            return Optional.empty();
        }
        Optional<Long> id = value.isIntegralNumber() || text.matches("[0-9]{1,18}")
                ? Optional.of(Long.parseLong(text)) : Optional.empty();
        List<io.rapport.segment.Segments.View> known = segments.list();
        List<Long> matching = known.stream().filter(v -> id.map(i -> v.id() == i).orElse(v.name().equals(text)))
                .map(io.rapport.segment.Segments.View::id).toList();
        if (matching.size() == 1) {
            return Optional.of(matching.getFirst());
        }
        if (!check) {
            return Optional.of(-1L);
        }
        problems.add(path, matching.isEmpty() ? "unknown segment '" + text + "'"
                : "segment name '" + text + "' is used by segments " + matching + "; name it by id");
        return Optional.empty();
    }

    /** An {@code exitOn} entry {@code {"leftSegment": "VIP"}}: the customer leaving the segment ends the journey. */
    private Optional<String> leftSegment(JsonNode entry, String path, Problems problems, boolean check) {
        if (!entry.has("leftSegment")) {
            problems.add(path, "an exit condition is an event type or {\"leftSegment\": \"<segment>\"}");
            return Optional.empty();
        }
        return segment(entry.get("leftSegment"), path + ".leftSegment", problems, check)
                .map(JourneyDefinition::leftSegment);
    }

    /** A wait for a staff task's outcome: the task step, the outcome that leads to 'then', where a timeout leads. */
    private static Optional<JourneyDefinition.TaskOutcome> taskOutcome(JsonNode s, String path, Problems problems) {
        String task = s.path("task").asString("");
        String outcome = s.path("outcome").asString("").strip();
        if (outcome.isEmpty() || outcome.length() > 100) {
            problems.add(path + ".outcome", "the outcome that leads to 'then' is required (e.g. \"reached\")");
            return Optional.empty();
        }
        return Optional.of(new JourneyDefinition.TaskOutcome(task, outcome, optionalText(s, "onTimeout")));
    }

    /** Send variables may use what earlier steps stored with the customer's instance ({@code {{coupon.code}}}). */
    private static void journeyVariables(Map<String, String> variables, String path, boolean issuesCoupons,
                                         Problems problems) {
        for (var entry : variables.entrySet()) {
            for (String name : JourneyVariables.references(entry.getValue())) {
                if (!JourneyVariables.NAMES.contains(name)) {
                    problems.add(path + ".variables." + entry.getKey(), "unknown journey variable '" + name
                            + "'; known: " + JourneyVariables.NAMES);
                } else if (name.startsWith("coupon.") && !issuesCoupons) {
                    problems.add(path + ".variables." + entry.getKey(), "'" + name + "' needs a coupon step in "
                            + "the journey");
                }
            }
        }
    }

    /** A webhook step: a configured endpoint, the payload ({@code id} or {@code masked}), purpose and consent. */
    private Optional<JourneyDefinition.Webhook> webhook(JsonNode s, String path, Problems problems, boolean check) {
        String endpoint = s.path("endpoint").asString("");
        if (endpoint.isBlank()) {
            problems.add(path + ".endpoint", "the name of a configured webhook endpoint is required "
                    + "(rapport.channel.webhooks.<name>)");
        } else if (check && channels.webhook(endpoint).isEmpty()) {
            problems.add(path + ".endpoint", "no webhook endpoint '" + endpoint + "' is configured; known: "
                    + channels.webhooks().keySet().stream().sorted().toList());
        }
        String payload = s.path("payload").asString("id");
        if (!payload.equals("id") && !payload.equals("masked")) {
            problems.add(path + ".payload", "must be \"id\" (ids only) or \"masked\" (with masked personal data)");
        }
        String purpose = s.path("purpose").asString("service");
        if (!purpose.equals("service") && !purpose.equals("marketing")) {
            problems.add(path + ".purpose", "must be \"service\" or \"marketing\"");
        }
        Optional<String> consent = optionalText(s, "consentChannel").map(c -> c.toUpperCase(java.util.Locale.ROOT)
                .replace('-', '_'));
        if (consent.isPresent() && java.util.Arrays.stream(io.rapport.privacy.ContactChannel.values())
                .noneMatch(c -> c.name().equals(consent.get()))) {
            problems.add(path + ".consentChannel", "unknown channel '" + s.path("consentChannel").asString("")
                    + "'; known: " + java.util.Arrays.toString(io.rapport.privacy.ContactChannel.values()));
        } else if (consent.isEmpty() && purpose.equals("marketing")) {
            problems.add(path + ".consentChannel", "a marketing webhook needs the channel whose marketing consent "
                    + "the customer must have given (email, sms, app-push, messaging, phone)");
        }
        return Optional.of(new JourneyDefinition.Webhook(endpoint, payload, purpose, consent));
    }
}
