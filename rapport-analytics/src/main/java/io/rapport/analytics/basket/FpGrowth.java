package io.rapport.analytics.basket;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Frequent-itemset mining by FP-Growth (Han, Pei &amp; Yin 2000, "Mining Frequent Patterns
 * without Candidate Generation", SIGMOD; Algorithm 2 "FP-growth").
 *
 * <p>Items are ranked by descending support (ties by item id, so the result never depends on
 * input order), each basket is inserted into a prefix tree in rank order, and itemsets are grown
 * from the least frequent item upwards through conditional trees. The trees are flat int arrays
 * (item, count, parent, first child, next sibling, node link) rather than node objects.
 *
 * <p>An itemset is frequent when it is in at least {@code minSupport × baskets} baskets.
 */
public final class FpGrowth {

    private final double minSupport;
    private final int maxItemsetSize;

    public FpGrowth(double minSupport) {
        this(minSupport, Integer.MAX_VALUE);
    }

    /** @param maxItemsetSize largest itemset to report (bounds the output on dense data) */
    public FpGrowth(double minSupport, int maxItemsetSize) {
        if (!(minSupport > 0 && minSupport <= 1)) {
            throw new IllegalArgumentException("minSupport must be within (0, 1], got " + minSupport);
        }
        if (maxItemsetSize < 1) {
            throw new IllegalArgumentException("maxItemsetSize must be at least 1, got " + maxItemsetSize);
        }
        this.minSupport = minSupport;
        this.maxItemsetSize = maxItemsetSize;
    }

    public FrequentItemsets mine(Baskets baskets) {
        int n = baskets.basketCount();
        // The epsilon keeps 0.001 × 9835 = 9.835 from becoming 10 through rounding of minSupport itself.
        int minCount = Math.max(1, (int) Math.ceil(minSupport * n - 1e-9));
        int[] itemCounts = new int[baskets.itemCount()];
        for (int[] basket : baskets.baskets()) {
            for (int item : basket) {
                itemCounts[item]++;
            }
        }
        Integer[] byFrequency = new Integer[baskets.itemCount()];
        for (int i = 0; i < byFrequency.length; i++) {
            byFrequency[i] = i;
        }
        Arrays.sort(byFrequency, Comparator.<Integer>comparingInt(i -> -itemCounts[i]).thenComparingInt(i -> i));
        int ranks = 0;
        while (ranks < byFrequency.length && itemCounts[byFrequency[ranks]] >= minCount) {
            ranks++;
        }
        int[] itemOfRank = new int[ranks];
        int[] rankOfItem = new int[baskets.itemCount()];
        Arrays.fill(rankOfItem, -1);
        for (int r = 0; r < ranks; r++) {
            itemOfRank[r] = byFrequency[r];
            rankOfItem[byFrequency[r]] = r;
        }

        var tree = new FpTree(ranks);
        int[] path = new int[ranks];
        for (int[] basket : baskets.baskets()) {
            int length = 0;
            for (int item : basket) {
                if (rankOfItem[item] >= 0) {
                    path[length++] = rankOfItem[item];
                }
            }
            Arrays.sort(path, 0, length);
            tree.insert(path, length, 1);
        }

        List<FrequentItemset> found = new ArrayList<>();
        new Miner(minCount, n, itemOfRank, found).mine(tree, new int[0]);
        found.sort(Comparator.<FrequentItemset>comparingInt(FrequentItemset::size)
                .thenComparing(FrequentItemset::items, Arrays::compare));
        return new FrequentItemsets(found, n);
    }

    private final class Miner {
        private final int minCount;
        private final int basketCount;
        private final int[] itemOfRank;
        private final List<FrequentItemset> out;

        Miner(int minCount, int basketCount, int[] itemOfRank, List<FrequentItemset> out) {
            this.minCount = minCount;
            this.basketCount = basketCount;
            this.itemOfRank = itemOfRank;
            this.out = out;
        }

        void mine(FpTree tree, int[] suffix) {
            int ranks = itemOfRank.length;
            int[] path = new int[ranks];
            for (int r = ranks - 1; r >= 0; r--) {
                int support = tree.support(r);
                if (support < minCount) {
                    continue;
                }
                int[] itemset = Arrays.copyOf(suffix, suffix.length + 1);
                itemset[suffix.length] = r;
                emit(itemset, support);
                if (itemset.length >= maxItemsetSize) {
                    continue;
                }
                // Conditional pattern base of r: the prefix paths above every node of r.
                int[] counts = new int[ranks];
                boolean any = false;
                for (int node = tree.head(r); node >= 0; node = tree.nodeLink(node)) {
                    for (int up = tree.parent(node); up > 0; up = tree.parent(up)) {
                        counts[tree.item(up)] += tree.count(node);
                    }
                }
                for (int c : counts) {
                    any |= c >= minCount;
                }
                if (!any) {
                    continue;
                }
                var conditional = new FpTree(ranks);
                for (int node = tree.head(r); node >= 0; node = tree.nodeLink(node)) {
                    int length = 0;
                    for (int up = tree.parent(node); up > 0; up = tree.parent(up)) {
                        if (counts[tree.item(up)] >= minCount) {
                            path[length++] = tree.item(up);
                        }
                    }
                    // Collected leaf-to-root; insert root-to-leaf, i.e. in ascending rank.
                    for (int i = 0, j = length - 1; i < j; i++, j--) {
                        int t = path[i];
                        path[i] = path[j];
                        path[j] = t;
                    }
                    conditional.insert(path, length, tree.count(node));
                }
                mine(conditional, itemset);
            }
        }

        private void emit(int[] ranksInSet, int count) {
            int[] items = new int[ranksInSet.length];
            for (int i = 0; i < items.length; i++) {
                items[i] = itemOfRank[ranksInSet[i]];
            }
            Arrays.sort(items);
            out.add(new FrequentItemset(items, count, (double) count / basketCount));
        }
    }

    /** An FP-tree in parallel int arrays; node 0 is the root. */
    private static final class FpTree {
        private int[] item = new int[64];
        private int[] count = new int[64];
        private int[] parent = new int[64];
        private int[] firstChild = new int[64];
        private int[] nextSibling = new int[64];
        private int[] nodeLink = new int[64];
        private final int[] head;
        private int size;

        FpTree(int ranks) {
            head = new int[ranks];
            Arrays.fill(head, -1);
            item[0] = -1;
            parent[0] = -1;
            firstChild[0] = -1;
            nextSibling[0] = -1;
            nodeLink[0] = -1;
            size = 1;
        }

        void insert(int[] path, int length, int weight) {
            int node = 0;
            for (int i = 0; i < length; i++) {
                int rank = path[i];
                int child = firstChild[node];
                while (child >= 0 && item[child] != rank) {
                    child = nextSibling[child];
                }
                if (child < 0) {
                    child = newNode(rank, node);
                }
                count[child] += weight;
                node = child;
            }
        }

        private int newNode(int rank, int parentNode) {
            if (size == item.length) {
                int capacity = size * 2;
                item = Arrays.copyOf(item, capacity);
                count = Arrays.copyOf(count, capacity);
                parent = Arrays.copyOf(parent, capacity);
                firstChild = Arrays.copyOf(firstChild, capacity);
                nextSibling = Arrays.copyOf(nextSibling, capacity);
                nodeLink = Arrays.copyOf(nodeLink, capacity);
            }
            int node = size++;
            item[node] = rank;
            count[node] = 0;
            parent[node] = parentNode;
            firstChild[node] = -1;
            nextSibling[node] = firstChild[parentNode];
            firstChild[parentNode] = node;
            nodeLink[node] = head[rank];
            head[rank] = node;
            return node;
        }

        int support(int rank) {
            int total = 0;
            for (int node = head[rank]; node >= 0; node = nodeLink[node]) {
                total += count[node];
            }
            return total;
        }

        int head(int rank) {
            return head[rank];
        }

        int nodeLink(int node) {
            return nodeLink[node];
        }

        int parent(int node) {
            return parent[node];
        }

        int item(int node) {
            return item[node];
        }

        int count(int node) {
            return count[node];
        }
    }
}
