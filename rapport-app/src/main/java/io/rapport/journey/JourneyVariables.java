package io.rapport.journey;

import static io.rapport.journey.JourneyTables.INSTANCE;
import static io.rapport.journey.JourneyTables.I_CONTEXT;
import static io.rapport.journey.JourneyTables.I_CUSTOMER;
import static io.rapport.journey.JourneyTables.I_ID;
import static io.rapport.journey.JourneyTables.I_VARIABLES;

import io.rapport.customer.CustomerContacts;
import io.rapport.loyalty.Members;
import io.rapport.loyalty.Points;
import io.rapport.product.ProductCatalog;
import java.time.Duration;
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
import org.jooq.Record;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/**
 * The variables a send step's values may quote ({@code "variables": {"name": "{{customer.firstName}}"}}), filled in
 * when the step runs, with an optional fallback ({@code {{points.balance|0}}}):
 * <ul>
 * <li>what a step left for later steps, stored with the instance ({@code journey_instance.variables}): the last
 * coupon a {@code coupon} step issued ({@code coupon.code}, {@code coupon.expires}: its expiry day in the brand's time
 * zone, {@code coupon.reward});</li>
 * <li>the customer: {@code customer.name}, {@code customer.firstName} (the first word of the name; a Chinese name
 * without spaces loses its surname: 王小明 → 小明, 欧阳娜娜 → 娜娜);</li>
 * <li>the trigger's product ({@link EntryContext}): {@code product.name} (the entry's {@code product}, else the
 * catalogue's name of its {@code sku}), {@code product.sku};</li>
 * <li>the loyalty programme: {@code points.balance}, {@code points.expiringSoon} (points expiring within 30 days),
 * {@code tier.name} — members only;</li>
 * <li>{@code survey.link}: a signed link to this step's satisfaction survey ({@link Surveys}).</li>
 * </ul>
 * A value the customer does not have (no name, not a member, a trigger without a product) takes the reference's
 * fallback, else it is left empty, so the template's own fallback (per language) applies. Without a coupon or a
 * survey link there is no point in the message: the step is skipped ({@link Filled#missing}).
 */
@Component
class JourneyVariables {

    static final String SURVEY_LINK = "survey.link";
    static final List<String> NAMES = List.of("coupon.code", "coupon.expires", "coupon.reward", "customer.name",
            "customer.firstName", "product.name", "product.sku", "points.balance", "points.expiringSoon",
            "tier.name", SURVEY_LINK);
    /** What "expiring soon" means for {@code points.expiringSoon}. */
    static final Duration EXPIRING_SOON = Duration.ofDays(30);
    private static final Pattern REFERENCE = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_.]+)\\s*(?:\\|([^}]*))?}}");

    private final DSLContext db;
    private final ObjectMapper json;
    private final CustomerContacts contacts;
    private final ProductCatalog products;
    private final Members members;
    private final Points points;
    private final Surveys surveys;

    JourneyVariables(DSLContext db, ObjectMapper json, CustomerContacts contacts, ProductCatalog products,
                     Members members, Points points, Surveys surveys) {
        this.db = db;
        this.json = json;
        this.contacts = contacts;
        this.products = products;
        this.members = members;
        this.points = points;
        this.surveys = surveys;
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

    /** The instance's stored variables (a coupon step's). */
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
     * a coupon or survey link is named without a fallback and the instance has none (the coupon step was refused:
     * out of stock, not a member).
     */
    Filled fill(Map<String, String> stepVariables, long instanceId, String stepId) {
        if (stepVariables.values().stream().allMatch(v -> references(v).isEmpty())) {
            return new Filled(stepVariables, Optional.empty());
        }
        Values known = new Values(instanceId, stepId);
        Map<String, String> filled = new LinkedHashMap<>();
        for (var entry : stepVariables.entrySet()) {
            Matcher m = REFERENCE.matcher(entry.getValue());
            StringBuilder value = new StringBuilder();
            while (m.find()) {
                String name = m.group(1);
                String v = known.get(name).filter(s -> !s.isEmpty())
                        .or(() -> Optional.ofNullable(m.group(2)).map(String::strip)).orElse(null);
                if (v == null && (name.startsWith("coupon.") || name.equals(SURVEY_LINK))) {
                    return new Filled(stepVariables, Optional.of(name));
                }
                m.appendReplacement(value, Matcher.quoteReplacement(v == null ? "" : v));
            }
            m.appendTail(value);
            filled.put(entry.getKey(), value.toString());
        }
        return new Filled(filled, Optional.empty());
    }

    /** Filled variables, or the journey variable that was missing. */
    record Filled(Map<String, String> variables, Optional<String> missing) {}

    /** The values of one instance, each looked up once and only when a step names it. */
    private final class Values {
        private final long instanceId;
        private final String stepId;
        private final Map<String, Optional<String>> cache = new TreeMap<>();
        private Record instance;

        Values(long instanceId, String stepId) {
            this.instanceId = instanceId;
            this.stepId = stepId;
        }

        Optional<String> get(String name) {
            return cache.computeIfAbsent(name, this::lookUp);
        }

        private Optional<String> lookUp(String name) {
            if (instance == null) {
                instance = db.select(I_CUSTOMER, I_CONTEXT, I_VARIABLES).from(INSTANCE).where(I_ID.eq(instanceId))
                        .fetchOne();
            }
            long customerId = instance.get(I_CUSTOMER);
            return switch (name) {
                case "customer.name" -> contacts.find(customerId).flatMap(CustomerContacts.Contact::name);
                case "customer.firstName" -> contacts.find(customerId).flatMap(CustomerContacts.Contact::name)
                        .map(JourneyVariables::firstName);
                case "product.sku" -> context("sku");
                case "product.name" -> context("product").or(() -> context("sku").flatMap(products::find)
                        .map(ProductCatalog.Product::name));
                case "points.balance" -> members.find(customerId)
                        .map(m -> Long.toString(points.balance(customerId).points()));
                case "points.expiringSoon" -> members.find(customerId)
                        .map(m -> Long.toString(points.expiringWithin(customerId, EXPIRING_SOON)));
                case "tier.name" -> members.find(customerId).map(Members.Member::tier);
                case SURVEY_LINK -> Optional.of(surveys.link(customerId, instanceId, stepId));
                default -> Optional.ofNullable(stored().get(name));
            };
        }

        private Optional<String> context(String key) {
            String stored = instance.get(I_CONTEXT);
            if (stored == null || stored.isBlank()) {
                return Optional.empty();
            }
            return Optional.ofNullable(json.readTree(stored).get(key)).map(v -> v.asString())
                    .filter(v -> !v.isBlank());
        }

        private Map<String, String> stored() {
            String stored = instance.get(I_VARIABLES);
            return stored == null || stored.isBlank() ? Map.of()
                    : json.readValue(stored, new TypeReference<TreeMap<String, String>>() {});
        }
    }

    /**
     * The name a message greets: the first word; a name in Chinese characters without spaces without its surname
     * (two characters of a four-character name: compound surnames such as 欧阳; one otherwise).
     */
    static String firstName(String name) {
        String trimmed = name.strip();
        if (trimmed.codePoints().allMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN)) {
            int length = trimmed.codePointCount(0, trimmed.length());
            if (length == 4) {
                return trimmed.substring(trimmed.offsetByCodePoints(0, 2));
            }
            return length >= 2 ? trimmed.substring(trimmed.offsetByCodePoints(0, 1)) : trimmed;
        }
        return trimmed.split("\\s+")[0];
    }
}
