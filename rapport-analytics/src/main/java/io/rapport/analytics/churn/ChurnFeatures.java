package io.rapport.analytics.churn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A feature matrix for churn models: one row per customer, one column per {@link ChurnFeature},
 * stored row-major as {@code float} (what gradient-boosted trees train on; a float's 7 digits are
 * plenty for counts, days, ratios and money). {@code NaN} means "not known".
 *
 * <p>The values array is used as given, not copied: do not change it while in use.
 */
public final class ChurnFeatures {

    private final List<ChurnFeature> features;
    private final float[] values;
    private final int rows;

    /**
     * @param features the columns, with unique names
     * @param values   row-major: value of row r, column c at {@code r * features.size() + c}
     */
    public ChurnFeatures(List<ChurnFeature> features, float[] values) {
        this.features = List.copyOf(features);
        this.values = Objects.requireNonNull(values, "values");
        if (this.features.isEmpty()) {
            throw new IllegalArgumentException("no feature");
        }
        var names = new HashSet<String>();
        for (var f : this.features) {
            if (!names.add(f.name())) {
                throw new IllegalArgumentException("feature name used twice: " + f.name());
            }
        }
        if (values.length % this.features.size() != 0) {
            throw new IllegalArgumentException(values.length + " values do not fill rows of " + this.features.size() + " features");
        }
        this.rows = values.length / this.features.size();
    }

    public static Builder builder(int rows) {
        return new Builder(rows);
    }

    public int rowCount() {
        return rows;
    }

    public int featureCount() {
        return features.size();
    }

    public List<ChurnFeature> features() {
        return features;
    }

    public List<String> names() {
        return features.stream().map(ChurnFeature::name).toList();
    }

    public float value(int row, int feature) {
        Objects.checkIndex(row, rows);
        Objects.checkIndex(feature, features.size());
        return values[row * features.size() + feature];
    }

    /** A copy of one row. */
    public float[] row(int row) {
        Objects.checkIndex(row, rows);
        int p = features.size();
        return Arrays.copyOfRange(values, row * p, row * p + p);
    }

    /** A copy of one column, as doubles. */
    public double[] column(int feature) {
        Objects.checkIndex(feature, features.size());
        int p = features.size();
        double[] column = new double[rows];
        for (int r = 0; r < rows; r++) {
            column[r] = values[r * p + feature];
        }
        return column;
    }

    /** The given rows, in the given order (a train or test part). */
    public ChurnFeatures rows(int[] indexes) {
        int p = features.size();
        float[] selected = new float[indexes.length * p];
        for (int i = 0; i < indexes.length; i++) {
            Objects.checkIndex(indexes[i], rows);
            System.arraycopy(values, indexes[i] * p, selected, i * p, p);
        }
        return new ChurnFeatures(features, selected);
    }

    /** Throws unless these are the columns a model was trained on, in the same order. */
    void requireColumnsOf(List<ChurnFeature> modelFeatures) {
        var expected = modelFeatures.stream().map(ChurnFeature::name).toList();
        if (!names().equals(expected)) {
            throw new ChurnModelException("the rows' features " + names() + " are not the model's " + expected);
        }
    }

    /** The underlying row-major array, not copied. */
    float[] values() {
        return values;
    }

    /** Builds a matrix column by column from per-customer arrays. */
    public static final class Builder {

        private final int rows;
        private final List<ChurnFeature> features = new ArrayList<>();
        private final List<float[]> columns = new ArrayList<>();

        private Builder(int rows) {
            if (rows < 0) {
                throw new IllegalArgumentException("rows must not be negative: " + rows);
            }
            this.rows = rows;
        }

        public Builder number(String name, double[] column, ReasonWording wording) {
            checkLength(name, column.length);
            float[] c = new float[rows];
            for (int r = 0; r < rows; r++) {
                c[r] = (float) column[r];
            }
            return add(ChurnFeature.number(name, wording), c);
        }

        public Builder number(String name, int[] column, ReasonWording wording) {
            checkLength(name, column.length);
            float[] c = new float[rows];
            for (int r = 0; r < rows; r++) {
                c[r] = column[r];
            }
            return add(ChurnFeature.number(name, wording), c);
        }

        /**
         * One-hot encodes a categorical input: one 0/1 column per level seen (levels in
         * alphabetical order, so the columns do not depend on row order). A {@code null} or
         * blank value is "unknown": 0 in every column. {@code phrases} gives the words for a
         * level ("Month-to-month" → "month-to-month contract"); a level without a phrase reads
         * as "{group}: {level}".
         */
        public Builder category(String group, String[] column, Map<String, String> phrases) {
            checkLength(group, column.length);
            var levels = new TreeSet<String>();
            for (String v : column) {
                if (v != null && !v.isBlank()) {
                    levels.add(v);
                }
            }
            for (String level : levels) {
                float[] c = new float[rows];
                for (int r = 0; r < rows; r++) {
                    c[r] = level.equals(column[r]) ? 1f : 0f;
                }
                add(ChurnFeature.categoryLevel(group, level, phrases.getOrDefault(level, group + ": " + level)), c);
            }
            return this;
        }

        public Builder add(ChurnFeature feature, float[] column) {
            checkLength(feature.name(), column.length);
            features.add(feature);
            columns.add(column);
            return this;
        }

        public ChurnFeatures build() {
            int p = features.size();
            float[] values = new float[rows * p];
            for (int c = 0; c < p; c++) {
                float[] column = columns.get(c);
                for (int r = 0; r < rows; r++) {
                    values[r * p + c] = column[r];
                }
            }
            return new ChurnFeatures(features, values);
        }

        private void checkLength(String name, int length) {
            if (length != rows) {
                throw new IllegalArgumentException("feature " + name + " has " + length + " values for " + rows + " rows");
            }
        }
    }
}
