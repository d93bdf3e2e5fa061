package io.rapport.analytics.basket;

import io.rapport.analytics.SharedData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FpGrowthTest {

    private static Baskets groceries;

    @BeforeAll
    static void load() {
        List<List<String>> lists = SharedData.lines("groceries.csv").stream()
                .filter(l -> !l.isBlank())
                .map(l -> Arrays.asList(l.split(",")))
                .toList();
        groceries = Baskets.of(lists);
    }

    @Test
    void should_read_the_arules_groceries_data() {
        assertThat(groceries.basketCount()).isEqualTo(9_835);
        assertThat(groceries.itemCount()).isEqualTo(169);
        assertThat(Arrays.stream(groceries.baskets()).mapToInt(b -> b.length).sum()).isEqualTo(43_367);
    }

    @Test
    void should_find_whole_milk_in_a_quarter_of_grocery_baskets() {
        var frequent = new FpGrowth(0.01).mine(groceries);
        int milk = groceries.idOf("whole milk");
        assertThat(frequent.count(milk)).hasValue(2_513);
        var single = frequent.itemsets().stream().filter(s -> s.size() == 1 && s.items()[0] == milk).findFirst().orElseThrow();
        assertThat(single.support()).isCloseTo(0.2555, within(0.00005));
    }

    @Test
    void should_find_exactly_the_itemsets_that_brute_force_counting_finds() {
        for (double minSupport : new double[]{0.02, 0.005}) {
            var frequent = new FpGrowth(minSupport).mine(groceries);
            Map<List<Integer>, Integer> expected = apriori(groceries, (int) Math.ceil(minSupport * groceries.basketCount() - 1e-9));
            Map<List<Integer>, Integer> actual = new HashMap<>();
            for (var s : frequent.itemsets()) {
                actual.put(Arrays.stream(s.items()).boxed().toList(), s.count());
            }
            assertThat(actual).as("min support %s", minSupport).isEqualTo(expected);
        }
    }

    @Test
    void should_reproduce_the_arules_citrus_fruit_and_root_vegetables_rule() {
        // Lantz, "Machine Learning with R" (arules on Groceries): {citrus fruit, root vegetables} => {other vegetables},
        // support 0.0104, confidence 0.586, lift 3.03. Checked here against a direct count.
        var frequent = new FpGrowth(0.006).mine(groceries);
        var rules = AssociationRules.from(frequent, 0.25);
        int citrus = groceries.idOf("citrus fruit");
        int root = groceries.idOf("root vegetables");
        int other = groceries.idOf("other vegetables");
        int[] lhs = sorted(citrus, root);
        var rule = rules.stream().filter(r -> Arrays.equals(r.antecedent(), lhs) && Arrays.equals(r.consequent(), new int[]{other}))
                .findFirst().orElseThrow();

        int both = countContaining(citrus, root, other);
        int antecedent = countContaining(citrus, root);
        int consequent = countContaining(other);
        double n = groceries.basketCount();
        assertThat(rule.count()).isEqualTo(both);
        assertThat(rule.support()).isCloseTo(both / n, within(1e-12)).isCloseTo(0.0104, within(0.00005));
        assertThat(rule.confidence()).isCloseTo((double) both / antecedent, within(1e-12)).isCloseTo(0.586, within(0.0005));
        assertThat(rule.lift()).isCloseTo((double) both / antecedent / (consequent / n), within(1e-12)).isCloseTo(3.030, within(0.001));
    }

    @Test
    void should_generate_every_rule_above_the_confidence_threshold_and_no_other() {
        var frequent = new FpGrowth(0.01).mine(groceries);
        var rules = AssociationRules.from(frequent, 0.5);
        assertThat(rules).isNotEmpty().allSatisfy(r -> {
            assertThat(r.confidence()).isGreaterThanOrEqualTo(0.5);
            int[] all = concat(r.antecedent(), r.consequent());
            assertThat(r.count()).isEqualTo(countContaining(all));
            assertThat(r.confidence()).isCloseTo((double) countContaining(all) / countContaining(r.antecedent()), within(1e-12));
        });
        // Sorted by lift, highest first.
        for (int i = 1; i < rules.size(); i++) {
            assertThat(rules.get(i).lift()).isLessThanOrEqualTo(rules.get(i - 1).lift());
        }
    }

    @Test
    void should_count_an_item_twice_in_one_basket_once() {
        var baskets = Baskets.of(List.of(List.of("a", "a", "b"), List.of("a")));
        var frequent = new FpGrowth(0.5).mine(baskets);
        assertThat(frequent.count(0)).hasValue(2);
        assertThat(frequent.count(0, 1)).hasValue(1);
    }

    @Test
    void should_reject_a_minimum_support_outside_zero_to_one() {
        assertThatThrownBy(() -> new FpGrowth(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void should_stop_at_the_maximum_itemset_size() {
        var frequent = new FpGrowth(0.005, 2).mine(groceries);
        assertThat(frequent.itemsets()).allSatisfy(s -> assertThat(s.size()).isLessThanOrEqualTo(2));
        var all = new FpGrowth(0.005).mine(groceries);
        assertThat(frequent.itemsets()).containsExactlyElementsOf(all.itemsets().stream().filter(s -> s.size() <= 2).toList());
    }

    /** Level-wise candidate counting with one bit set of baskets per item (Agrawal &amp; Srikant's Apriori). */
    private static Map<List<Integer>, Integer> apriori(Baskets data, int minCount) {
        BitSet[] holders = new BitSet[data.itemCount()];
        for (int i = 0; i < holders.length; i++) holders[i] = new BitSet();
        for (int k = 0; k < data.basketCount(); k++) for (int item : data.baskets()[k]) holders[item].set(k);
        Map<List<Integer>, Integer> result = new HashMap<>();
        List<int[]> level = new ArrayList<>();
        List<BitSet> levelSets = new ArrayList<>();
        for (int i = 0; i < holders.length; i++) {
            if (holders[i].cardinality() >= minCount) {
                level.add(new int[]{i});
                levelSets.add(holders[i]);
                result.put(List.of(i), holders[i].cardinality());
            }
        }
        while (!level.isEmpty()) {
            List<int[]> next = new ArrayList<>();
            List<BitSet> nextSets = new ArrayList<>();
            for (int s = 0; s < level.size(); s++) {
                int[] set = level.get(s);
                for (int item = set[set.length - 1] + 1; item < holders.length; item++) {
                    BitSet both = (BitSet) levelSets.get(s).clone();
                    both.and(holders[item]);
                    int c = both.cardinality();
                    if (c >= minCount) {
                        int[] bigger = Arrays.copyOf(set, set.length + 1);
                        bigger[set.length] = item;
                        next.add(bigger);
                        nextSets.add(both);
                        result.put(Arrays.stream(bigger).boxed().toList(), c);
                    }
                }
            }
            level = next;
            levelSets = nextSets;
        }
        return result;
    }

    private static int countContaining(int... items) {
        int c = 0;
        for (int[] basket : groceries.baskets()) {
            boolean all = true;
            for (int item : items) all &= Arrays.binarySearch(basket, item) >= 0;
            c += all ? 1 : 0;
        }
        return c;
    }

    private static int[] sorted(int... items) {
        int[] copy = items.clone();
        Arrays.sort(copy);
        return copy;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
