package io.rapport.channel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A template text with {@code {{variable}}} placeholders; {@code {{variable|fallback}}} prints the fallback when the
 * variable has no value. Names are letters, digits, {@code _} and {@code .} ({@code customer.name}).
 */
record TemplateText(String source, List<Placeholder> placeholders) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^}|]*?)\\s*(?:\\|([^}]*))?}}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    /** One placeholder; {@code fallback} is empty when none was written. */
    record Placeholder(String name, Optional<String> fallback) {}

    /** A placeholder that cannot be used, with its position in the text. */
    record Problem(String name, int offset, String message) {}

    static TemplateText parse(String source) {
        List<Placeholder> found = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(source == null ? "" : source);
        while (m.find()) {
            found.add(new Placeholder(m.group(1), Optional.ofNullable(m.group(2)).map(String::strip)));
        }
        return new TemplateText(source == null ? "" : source, List.copyOf(found));
    }

    /** Placeholders whose names are malformed or neither built in nor declared. */
    List<Problem> problems(Set<String> known) {
        List<Problem> problems = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(source);
        while (m.find()) {
            String name = m.group(1);
            if (!NAME.matcher(name).matches()) {
                problems.add(new Problem(name, m.start(), "'" + name + "' is not a variable name"));
            } else if (!known.contains(name)) {
                problems.add(new Problem(name, m.start(), "unknown variable '" + name + "'"));
            }
        }
        int open = source.indexOf("{{");
        while (open >= 0) {
            int close = source.indexOf("}}", open);
            if (close < 0) {
                problems.add(new Problem("", open, "'{{' is not closed"));
                break;
            }
            open = source.indexOf("{{", close);
        }
        return problems;
    }

    Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        placeholders.forEach(p -> names.add(p.name()));
        return names;
    }

    /** The text with each placeholder replaced; a variable without value or fallback is reported, not blanked. */
    String render(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(source);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null || value.isEmpty()) {
                value = Optional.ofNullable(m.group(2)).map(String::strip).orElse(null);
            }
            if (value == null) {
                throw new MissingVariable(m.group(1));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A variable that had neither a value nor a fallback when rendering. */
    static final class MissingVariable extends RuntimeException {
        private final String name;

        MissingVariable(String name) {
            super("variable '" + name + "' has no value and no fallback");
            this.name = name;
        }

        String name() {
            return name;
        }
    }
}
