package io.rapport.channel;

import static io.rapport.channel.ChannelTables.*;

import io.rapport.customer.CustomerContacts;
import io.rapport.platform.RapportException;
import io.rapport.privacy.PersonalDataMask;
import io.rapport.privacy.Purpose;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Message templates: one per code, with a text per language (zh-CN, en) and the variables a caller may pass.
 * Every placeholder must be a declared variable or a built-in one ({@link #BUILT_IN}); rendering falls back from
 * the customer's language to the template's default language.
 */
@Service
public class MessageTemplates {

    /** Languages a template may have texts in. */
    public static final List<String> LANGUAGES = List.of("zh-CN", "en");

    /** Variables every template may use: filled from the customer's profile and by the channel. */
    public static final Set<String> BUILT_IN = Set.of("customer.name", "customer.city", "customer.birthday",
            "unsubscribe_url");

    private final DSLContext db;
    private final Clock clock;
    private final CustomerContacts contacts;
    private final ChannelProperties settings;

    MessageTemplates(DSLContext db, Clock clock, CustomerContacts contacts, ChannelProperties settings) {
        this.db = db;
        this.clock = clock;
        this.contacts = contacts;
        this.settings = settings;
    }

    /** A template's text in one language; {@code subject} is for email (and push titles), empty elsewhere. */
    public record Text(Optional<String> subject, String body) {}

    /** A template as stored. */
    public record Template(String code, ChannelKind channel, Purpose purpose, List<String> variables,
                           String defaultLanguage, Map<String, Text> texts, int version, String updatedBy,
                           OffsetDateTime updatedAt) {

        /** Declared plus built-in variables: what a placeholder may name. */
        public Set<String> knownVariables() {
            Set<String> known = new LinkedHashSet<>(variables);
            known.addAll(BUILT_IN);
            return known;
        }

        /** Declared variables used without a fallback in some text: a send must supply them. */
        public Set<String> requiredVariables() {
            Set<String> required = new LinkedHashSet<>();
            for (Text text : texts.values()) {
                for (String source : new String[] {text.subject().orElse(""), text.body()}) {
                    TemplateText.parse(source).placeholders().stream()
                            .filter(p -> p.fallback().isEmpty() && variables.contains(p.name()))
                            .forEach(p -> required.add(p.name()));
                }
            }
            return required;
        }
    }

    /** What a client sends to create or change a template. */
    public record Definition(String channel, String purpose, List<String> variables, String defaultLanguage,
                             Map<String, Text> texts) {}

    /** A rendered message. */
    public record Rendered(String language, Optional<String> subject, String body) {}

    @Transactional
    public Template save(String code, Definition definition, String by) {
        if (code == null || !code.matches("[a-z0-9][a-z0-9_.-]{0,99}")) {
            throw RapportException.badRequest("invalid-template", "code",
                    "Template code '" + code + "' must be 1-100 lower-case letters, digits, '_', '.' or '-'");
        }
        ChannelKind channel = ChannelKind.parse(definition.channel()).orElseThrow(() -> RapportException.badRequest(
                "invalid-template", "channel", "Unknown channel '" + definition.channel() + "'; known: "
                        + Arrays.stream(ChannelKind.values()).map(ChannelKind::wire).toList()));
        Purpose purpose = parsePurpose(definition.purpose());
        List<String> variables = definition.variables() == null ? List.of() : List.copyOf(definition.variables());
        for (int i = 0; i < variables.size(); i++) {
            String v = variables.get(i);
            if (v == null || !v.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw RapportException.badRequest("invalid-template", "variables[" + i + "]",
                        "Variable name '" + v + "' must be letters, digits and '_' (customer.* names are built in)");
            }
        }
        String defaultLanguage = Optional.ofNullable(definition.defaultLanguage()).orElse(settings.defaultLanguage());
        if (!LANGUAGES.contains(defaultLanguage)) {
            throw RapportException.badRequest("invalid-template", "defaultLanguage",
                    "Language '" + defaultLanguage + "' is not one of " + LANGUAGES);
        }
        Map<String, Text> texts = definition.texts() == null ? Map.of() : definition.texts();
        if (!texts.containsKey(defaultLanguage)) {
            throw RapportException.badRequest("invalid-template", "texts." + defaultLanguage,
                    "The default language " + defaultLanguage + " needs a text");
        }
        Set<String> known = new LinkedHashSet<>(variables);
        known.addAll(BUILT_IN);
        List<Map<String, Object>> problems = new ArrayList<>();
        for (var entry : new TreeMap<>(texts).entrySet()) {
            String language = entry.getKey();
            if (!LANGUAGES.contains(language)) {
                problems.add(Map.of("path", "texts." + language, "message",
                        "Language '" + language + "' is not one of " + LANGUAGES));
                continue;
            }
            Text text = entry.getValue();
            if (text == null || text.body() == null || text.body().isBlank()) {
                problems.add(Map.of("path", "texts." + language + ".body", "message", "The body is empty"));
                continue;
            }
            if (channel == ChannelKind.EMAIL && (text.subject() == null || text.subject().isEmpty()
                    || text.subject().get().isBlank())) {
                problems.add(Map.of("path", "texts." + language + ".subject", "message", "An email needs a subject"));
            }
            check(problems, "texts." + language + ".subject", text.subject() == null ? "" : text.subject().orElse(""),
                    known);
            check(problems, "texts." + language + ".body", text.body(), known);
        }
        if (!problems.isEmpty()) {
            Map<String, Object> first = problems.getFirst();
            throw RapportException.badRequest("invalid-template", (String) first.get("path"),
                    first.get("path") + ": " + first.get("message")).with("problems", problems);
        }
        OffsetDateTime now = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC);
        Integer version = db.select(T_VERSION).from(TEMPLATE).where(T_CODE.eq(code)).forUpdate().fetchOne(T_VERSION);
        if (version == null) {
            db.insertInto(TEMPLATE).set(T_CODE, code).set(T_CHANNEL, channel.name()).set(T_PURPOSE, purpose.name())
                    .set(T_VARIABLES, String.join(",", variables)).set(T_DEFAULT_LANGUAGE, defaultLanguage)
                    .set(T_VERSION, 1).set(T_UPDATED_BY, by).set(T_UPDATED_AT, now).execute();
        } else {
            db.update(TEMPLATE).set(T_CHANNEL, channel.name()).set(T_PURPOSE, purpose.name())
                    .set(T_VARIABLES, String.join(",", variables)).set(T_DEFAULT_LANGUAGE, defaultLanguage)
                    .set(T_VERSION, version + 1).set(T_UPDATED_BY, by).set(T_UPDATED_AT, now)
                    .where(T_CODE.eq(code)).execute();
            db.deleteFrom(TEXT).where(X_CODE.eq(code)).execute();
        }
        for (var entry : texts.entrySet()) {
            db.insertInto(TEXT).set(X_CODE, code).set(X_LANGUAGE, entry.getKey())
                    .set(X_SUBJECT, entry.getValue().subject() == null ? null : entry.getValue().subject().orElse(null))
                    .set(X_BODY, entry.getValue().body()).execute();
        }
        return find(code).orElseThrow();
    }

    private static void check(List<Map<String, Object>> problems, String path, String source, Set<String> known) {
        for (TemplateText.Problem p : TemplateText.parse(source).problems(known)) {
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("path", path);
            problem.put("variable", p.name());
            problem.put("offset", p.offset());
            problem.put("message", p.message());
            problems.add(problem);
        }
    }

    static Purpose parsePurpose(String value) {
        try {
            Purpose purpose = Purpose.valueOf(String.valueOf(value).strip().toUpperCase(java.util.Locale.ROOT));
            if (purpose == Purpose.MARKETING || purpose == Purpose.SERVICE) {
                return purpose;
            }
        } catch (IllegalArgumentException unknown) {
            // reported below
        }
        throw RapportException.badRequest("invalid-template", "purpose",
                "Purpose '" + value + "' must be marketing or service");
    }

    /** One template with its texts, read with one query (every message queued looks its template up). */
    public Optional<Template> find(String code) {
        var rows = db.select(T_CODE, T_CHANNEL, T_PURPOSE, T_VARIABLES, T_DEFAULT_LANGUAGE, T_VERSION, T_UPDATED_BY,
                        T_UPDATED_AT, X_LANGUAGE, X_SUBJECT, X_BODY)
                .from(TEMPLATE).leftJoin(TEXT).on(X_CODE.eq(T_CODE)).where(T_CODE.eq(code)).fetch();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Text> texts = new TreeMap<>();
        for (Record r : rows) {
            if (r.get(X_LANGUAGE) != null) {
                texts.put(r.get(X_LANGUAGE), new Text(Optional.ofNullable(r.get(X_SUBJECT)), r.get(X_BODY)));
            }
        }
        return Optional.of(template(rows.getFirst(), texts));
    }

    public Template get(String code) {
        return find(code).orElseThrow(() -> RapportException.notFound("template", code));
    }

    public List<Template> list() {
        List<? extends Record> rows = db.selectFrom(TEMPLATE).orderBy(T_CODE).fetch();
        Map<String, Map<String, Text>> texts = new HashMap<>();
        for (Record r : db.select(X_CODE, X_LANGUAGE, X_SUBJECT, X_BODY).from(TEXT).fetch()) {
            texts.computeIfAbsent(r.get(X_CODE), k -> new TreeMap<>())
                    .put(r.get(X_LANGUAGE), new Text(Optional.ofNullable(r.get(X_SUBJECT)), r.get(X_BODY)));
        }
        return rows.stream().map(r -> template(r, texts.getOrDefault(r.get(T_CODE.getName(), String.class),
                Map.of()))).toList();
    }

    private static Template template(Record r, Map<String, Text> texts) {
        String vars = r.get(T_VARIABLES.getName(), String.class);
        return new Template(r.get(T_CODE.getName(), String.class),
                ChannelKind.valueOf(r.get(T_CHANNEL.getName(), String.class)),
                Purpose.valueOf(r.get(T_PURPOSE.getName(), String.class)),
                vars.isEmpty() ? List.of() : List.of(vars.split(",")),
                r.get(T_DEFAULT_LANGUAGE.getName(), String.class), texts,
                r.get(T_VERSION.getName(), Integer.class), r.get(T_UPDATED_BY.getName(), String.class),
                r.get(T_UPDATED_AT.getName(), OffsetDateTime.class));
    }

    /** The language used for a customer: theirs when the template has it, else the template's default. */
    static String language(Template template, Optional<String> wanted) {
        return wanted.filter(template.texts()::containsKey).orElse(template.defaultLanguage());
    }

    /**
     * Renders for a customer. Caller variables must be declared by the template (400 naming the first that is
     * not); a declared variable used without fallback and without value is a 400 as well.
     */
    Rendered render(Template template, Optional<String> wantedLanguage, Map<String, String> variables,
                    Map<String, String> builtIn) {
        for (String name : variables.keySet()) {
            if (!template.variables().contains(name)) {
                throw RapportException.badRequest("unknown-variable", "variables." + name,
                        "Template " + template.code() + " declares no variable '" + name + "'; declared: "
                                + template.variables());
            }
        }
        String language = language(template, wantedLanguage);
        Text text = template.texts().get(language);
        Map<String, String> values = new HashMap<>(builtIn);
        values.putAll(variables);
        try {
            return new Rendered(language, text.subject().map(s -> TemplateText.parse(s).render(values)),
                    TemplateText.parse(text.body()).render(values));
        } catch (TemplateText.MissingVariable missing) {
            throw RapportException.badRequest("missing-variable", "variables." + missing.name(),
                    "Template " + template.code() + " (" + language + ") needs a value for '" + missing.name()
                            + "': it has no fallback");
        }
    }

    /** The customer's own data as template variables (unmasked: for sending only). */
    static Map<String, String> customerVariables(CustomerContacts.Contact contact, boolean masked) {
        Map<String, String> values = new HashMap<>();
        contact.name().ifPresent(n -> values.put("customer.name", masked ? PersonalDataMask.name(n) : n));
        contact.city().ifPresent(c -> values.put("customer.city", c));
        contact.birthday().ifPresent(b -> values.put("customer.birthday",
                masked ? "****-" + b.toString().substring(5) : b.toString()));
        return values;
    }

    /**
     * A preview of what the customer would receive, with their personal data masked (name, birthday); variables
     * the caller leaves out show as {@code [name]} so the layout can still be judged.
     */
    public Rendered preview(String code, long customerId, Optional<String> language, Map<String, String> variables) {
        Template template = get(code);
        CustomerContacts.Contact contact = contacts.find(customerId)
                .orElseThrow(() -> RapportException.notFound("customer", customerId));
        Map<String, String> values = new LinkedHashMap<>();
        for (String declared : template.variables()) {
            values.put(declared, "[" + declared + "]");
        }
        values.putAll(variables);
        Map<String, String> builtIn = customerVariables(contact, true);
        builtIn.put("unsubscribe_url", "[unsubscribe_url]");
        return render(template, language.or(contact::language), values, builtIn);
    }

    static RapportException unknownTemplate(String code) {
        return new RapportException(HttpStatus.BAD_REQUEST, "unknown-template", "No template '" + code + "'", "template");
    }

    static String joinVariables(Set<String> names) {
        return names.stream().sorted().collect(Collectors.joining(", "));
    }
}
