package io.rapport.analytics.synthetic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** Picks one of a fixed list of items with given relative weights. */
final class WeightedChoice<T> {

    private final List<T> items = new ArrayList<>();
    private double[] cumulative = new double[8];
    private double total;

    WeightedChoice<T> add(T item, double weight) {
        if (weight <= 0) {
            throw new IllegalArgumentException("weight must be positive: " + item);
        }
        if (items.size() == cumulative.length) {
            cumulative = Arrays.copyOf(cumulative, cumulative.length * 2);
        }
        total += weight;
        cumulative[items.size()] = total;
        items.add(item);
        return this;
    }

    T pick(SplittableRandom rng) {
        double x = rng.nextDouble() * total;
        for (int i = 0; i < items.size(); i++) {
            if (x < cumulative[i]) {
                return items.get(i);
            }
        }
        return items.getLast();
    }
}
