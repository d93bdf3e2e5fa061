package io.rapport.analytics.churn;

import java.util.Objects;
import java.util.Optional;

/**
 * How a feature is put into plain words when it explains a churn score.
 *
 * <p>Texts may hold placeholders filled from the customer's own value v:
 * <ul>
 *   <li>{@code {value}}: v, as a whole number from 10 up, else to one decimal ({@code 2.3});</li>
 *   <li>{@code {percent}}: v as a share, {@code 0.25 → 25%};</li>
 *   <li>{@code {change}}: v as a relative change, {@code −0.4 → down 40%}, {@code 0.25 → up 25%};</li>
 *   <li>{@code {s}}: "s" unless v is 1, for plurals ({@code {value} order{s}}).</li>
 * </ul>
 *
 * @param raising     when the value pushes the risk up, e.g. {@code "tenure only {value} months"}
 * @param lowering    when it pulls the risk down, e.g. {@code "customer for {value} months"}
 * @param whenZero    replaces both when v is 0, e.g. {@code "no orders in the last 180 days"}
 * @param whenMissing when the value is unknown (NaN), e.g. {@code "no usual purchase interval yet"}
 */
public record ReasonWording(String raising, String lowering, Optional<String> whenZero, Optional<String> whenMissing) {

    public ReasonWording {
        Objects.requireNonNull(raising, "raising");
        Objects.requireNonNull(lowering, "lowering");
        Objects.requireNonNull(whenZero, "whenZero");
        Objects.requireNonNull(whenMissing, "whenMissing");
    }

    public static ReasonWording of(String raising, String lowering) {
        return new ReasonWording(raising, lowering, Optional.empty(), Optional.empty());
    }

    /** The same words whichever way the value pushes the risk (a fact such as "month-to-month contract"). */
    public static ReasonWording of(String text) {
        return of(text, text);
    }

    public ReasonWording whenZero(String text) {
        return new ReasonWording(raising, lowering, Optional.of(text), whenMissing);
    }

    public ReasonWording whenMissing(String text) {
        return new ReasonWording(raising, lowering, whenZero, Optional.of(text));
    }

    /** The words for value {@code v} when it raises ({@code raises}) or lowers the risk. */
    public String describe(double v, boolean raises) {
        if (Double.isNaN(v)) {
            return whenMissing.orElse(raising.replaceAll("\\s*\\{[a-z]+}\\s*", " ").trim() + " unknown");
        }
        String template = v == 0 && whenZero.isPresent() ? whenZero.get() : raises ? raising : lowering;
        return template
                .replace("{value}", number(v))
                .replace("{percent}", number(100 * v) + "%")
                .replace("{change}", change(v))
                .replace("{s}", v == 1 ? "" : "s");
    }

    /** A value as reasons show it: whole from 10 up, else to one decimal. */
    public static String number(double v) {
        if (Math.abs(v) >= 10) {
            return Long.toString(Math.round(v));
        }
        double rounded = Math.round(v * 10) / 10.0;
        return rounded == Math.rint(rounded) ? Long.toString((long) rounded) : Double.toString(rounded);
    }

    private static String change(double v) {
        long percent = Math.round(100 * v);
        if (percent == 0) {
            return "unchanged";
        }
        return (percent < 0 ? "down " : "up ") + Math.abs(percent) + "%";
    }
}
