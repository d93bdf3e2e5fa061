package io.rapport.journey;

import static io.rapport.journey.JourneyTables.INSTANCE;
import static io.rapport.journey.JourneyTables.I_ID;
import static io.rapport.journey.JourneyTables.I_VARIABLES;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * Values a step leaves for later steps of the same customer's journey, stored with the instance
 * ({@code journey_instance.variables}, a JSON object): the last coupon a {@code coupon} step issued
 * ({@code coupon.code}, {@code coupon.expires}: its expiry day in the brand's time zone, {@code coupon.reward}). A
 * send step's variable values may name them ({@code "variables": {"code": "{{coupon.code}}"}}); they are filled in
 * when the step runs.
 */
@Component
class JourneyVariables {

    static final List<String> NAMES = List.of("coupon.code", "coupon.expires", "coupon.reward");
    private static final Pattern REFERENCE = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.]+)\\s*}}");

    private final DSLContext db;
    private final ObjectMapper json;

    JourneyVariables(DSLContext db, ObjectMapper json) {
        this.db = db;
        this.json = json;
    }

    /** The journey variables a step variable's value names ({@code "{{coupon.code}}"} → {@code coupon.code}). */
    static Set<String> references(String value) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = REFERENCE.matcher(value == null ? "" : value);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The instance's variables. */
    Map<String, String> of(long instanceId) {
        String stored = db.select(I_VARIABLES).from(INSTANCE).where(I_ID.eq(instanceId)).fetchOne(I_VARIABLES);
        if (stored == null || stored.isBlank()) {
            return Map.of();
        }
        return json.readValue(stored, new TypeReference<TreeMap<String, String>>() {});
    }

    /** Adds (or replaces) variables of the instance. */
    void put(long instanceId, Map<String, String> values) {
        if (values.isEmpty()) {
            return;
        }
        Map<String, String> merged = new TreeMap<>(of(instanceId));
        merged.putAll(values);
        db.update(INSTANCE).set(I_VARIABLES, json.writeValueAsString(merged)).where(I_ID.eq(instanceId)).execute();
    }

    /**
     * The step's variables with the journey variables they name filled in; empty, with the first missing name, when
     * the instance does not have one (the coupon step was refused: out of stock, not a member).
     */
    Filled fill(Map<String, String> stepVariables, long instanceId) {
        if (stepVariables.values().stream().allMatch(v -> references(v).isEmpty())) {
            return new Filled(stepVariables, Optional.empty());
        }
        Map<String, String> known = of(instanceId);
        Map<String, String> filled = new LinkedHashMap<>();
        for (var entry : stepVariables.entrySet()) {
            Matcher m = REFERENCE.matcher(entry.getValue());
            StringBuilder value = new StringBuilder();
            while (m.find()) {
                String v = known.get(m.group(1));
                if (v == null) {
                    return new Filled(stepVariables, Optional.of(m.group(1)));
                }
                m.appendReplacement(value, Matcher.quoteReplacement(v));
            }
            m.appendTail(value);
            filled.put(entry.getKey(), value.toString());
        }
        return new Filled(filled, Optional.empty());
    }

    /** Filled variables, or the journey variable that was missing. */
    record Filled(Map<String, String> variables, Optional<String> missing) {}
}
