package io.rapport.journey;

import io.rapport.channel.MessageTemplates;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * What a trigger knew about an entry (the product whose maintenance is due, the day it was bought), kept on the
 * instance as JSON and offered to the journey's messages: a send step's template receives the entry's values for
 * the variables it declares and the step does not set itself.
 */
@Component
class EntryContext {

    private final ObjectMapper json;
    private final MessageTemplates templates;

    EntryContext(ObjectMapper json, MessageTemplates templates) {
        this.json = json;
        this.templates = templates;
    }

    /** The variables each template declares, looked up once per template however many sends ask. */
    java.util.function.Function<String, java.util.List<String>> declaredOnce() {
        Map<String, java.util.List<String>> known = new java.util.HashMap<>();
        return template -> known.computeIfAbsent(template, t -> templates.find(t)
                .map(MessageTemplates.Template::variables).orElse(java.util.List.of()));
    }

    /** The JSON kept on the instance; null when there is nothing to keep. */
    String write(Map<String, String> context) {
        return context.isEmpty() ? null : json.writeValueAsString(context);
    }

    /** The entry context kept as {@link #write} wrote it (empty for none). */
    Map<String, String> read(String stored) {
        Map<String, String> context = new LinkedHashMap<>();
        if (stored != null && !stored.isBlank()) {
            json.readTree(stored).properties().forEach(e -> context.put(e.getKey(), e.getValue().asString()));
        }
        return context;
    }

    /** The step's variables, completed with the entry's values for variables the template declares. */
    Map<String, String> variables(String template, Map<String, String> step, String stored) {
        return variables(template, step, stored, declaredOnce());
    }

    /** The same, with the templates' declared variables from {@code declared} (many sends: {@link #declaredOnce}). */
    Map<String, String> variables(String template, Map<String, String> step, String stored,
                                  java.util.function.Function<String, java.util.List<String>> declaredBy) {
        if (stored == null || stored.isBlank()) {
            return step;
        }
        var declared = declaredBy.apply(template);
        Map<String, String> variables = new LinkedHashMap<>(step);
        json.readTree(stored).properties().forEach(e -> {
            if (declared.contains(e.getKey()) && !variables.containsKey(e.getKey())) {
                variables.put(e.getKey(), e.getValue().asString());
            }
        });
        return variables;
    }
}
