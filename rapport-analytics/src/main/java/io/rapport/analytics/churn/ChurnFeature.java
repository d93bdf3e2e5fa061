package io.rapport.analytics.churn;

import java.util.Objects;
import java.util.Optional;

/**
 * One column of a {@link ChurnFeatures} matrix, with what is needed to explain it in words.
 *
 * <p>A categorical input (a contract type, a payment method) becomes one 0/1 column per level,
 * all sharing the input's {@code group}; explanations add up the contributions of a group and
 * describe it by the customer's own level ("month-to-month contract"), because "not on a
 * two-year contract" and "on a month-to-month contract" are one reason, not two.
 *
 * @param name    unique column name, e.g. {@code tenure} or {@code Contract=Month-to-month}
 * @param group   the input the column comes from; the name itself for a number
 * @param level   for a one-hot column, the level it stands for
 * @param wording how the column reads in a reason
 */
public record ChurnFeature(String name, String group, Optional<String> level, ReasonWording wording) {

    public ChurnFeature {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(wording, "wording");
        if (name.isBlank()) {
            throw new IllegalArgumentException("feature name is blank");
        }
    }

    /** A numeric feature, its own group. */
    public static ChurnFeature number(String name, ReasonWording wording) {
        return new ChurnFeature(name, name, Optional.empty(), wording);
    }

    /** The 0/1 column of one level of a categorical input, named {@code group=level}. */
    public static ChurnFeature categoryLevel(String group, String level, String phrase) {
        return new ChurnFeature(group + "=" + level, group, Optional.of(level), ReasonWording.of(phrase));
    }

    public boolean isCategoryLevel() {
        return level.isPresent();
    }
}
