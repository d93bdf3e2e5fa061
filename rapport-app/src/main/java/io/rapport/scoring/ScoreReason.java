package io.rapport.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One reason behind a customer's churn risk: a stable {@code code} (the console shows it in the viewer's language
 * from the message {@code scoring.reason.<code>} with the {@code arguments}), and the English {@code text} for the
 * API. Model reasons are named after the feature ({@code recency_vs_usual_interval.raising},
 * {@code order_trend.down}, {@code channel_share.raising} with the channel as second argument); the fallback's rule
 * reasons start with {@code rule.}.
 */
public record ScoreReason(String code, String text, List<String> arguments) {

    public ScoreReason {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(text, "text");
        arguments = List.copyOf(arguments);
    }

    /** The message key of the console bundle ({@code i18n/scoring}). */
    public String messageKey() {
        return "scoring.reason." + code;
    }

    /** The argument at {@code index}, or an empty string: message arguments the template can always pass. */
    public String argument(int index) {
        return index < arguments.size() ? arguments.get(index) : "";
    }

    /** One stored line: code, text and arguments separated by tabs (none of them holds a tab or a line break). */
    String line() {
        var parts = new ArrayList<String>();
        parts.add(code);
        parts.add(text);
        parts.addAll(arguments);
        return String.join("\t", parts.stream().map(p -> p.replace('\t', ' ').replace('\n', ' ')).toList());
    }

    static ScoreReason parse(String line) {
        String[] parts = line.split("\t", -1);
        if (parts.length < 2) {
            // a run from before reasons had codes stored only the text
            return new ScoreReason("text", line, List.of(line));
        }
        return new ScoreReason(parts[0], parts[1], Arrays.asList(parts).subList(2, parts.length));
    }

    static String store(List<ScoreReason> reasons) {
        return reasons.isEmpty() ? null : String.join("\n", reasons.stream().map(ScoreReason::line).toList());
    }

    static List<ScoreReason> read(String stored) {
        return stored == null ? List.of() : Arrays.stream(stored.split("\n")).map(ScoreReason::parse).toList();
    }
}
