package io.rapport.platform;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.RowN;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * Looks up many rows by a composite natural key at once ({@code source + external_id}, {@code kind + namespace +
 * value}), the way every ingest chunk finds what is already stored. The keys are joined as a {@code VALUES} table
 * and each one probes the unique index, whatever the planner believes about the table:
 * <ul>
 *   <li>PostgreSQL plans {@code prefix = ? and key in (...)} from statistics. While a first big import fills a
 *       table that was never analysed (autovacuum off, or not yet run) it estimates a few dozen rows per source,
 *       scans them all and filters by the 1,000 keys, so every chunk got slower as the table grew (the UCI file
 *       fell to ~400 rows/s by 100,000 lines). A {@code LATERAL} subquery with {@code LIMIT 1} cannot be flattened into a hash join, so it
 *       stays one index probe per key (3 ms for 1,000 keys instead of 120 ms and rising).</li>
 *   <li>H2 uses an index for an {@code IN} list only on the index's first column, and the row-value form
 *       {@code (a, b, c) in ((?, ?, ?), ...)} re-checks every found row against the whole list (quadratic in the
 *       chunk). H2 has no {@code LATERAL}, but it drives a {@code VALUES} join row by row into the unique index.</li>
 * </ul>
 */
public final class NaturalKeys {

    private NaturalKeys() {}

    /** {@code select fields from table where prefix and key in (keys)}, in a form each database runs by index. */
    public static <T> Select<Record> select(DSLContext db, List<? extends SelectField<?>> fields, Table<?> table,
                                            Condition prefix, Field<T> key, Collection<T> keys) {
        return select(db, fields, table, prefix, List.of(key), keys.stream().map(k -> List.<Object>of(k)).toList());
    }

    /**
     * The same for a key of several columns ({@code keys}, each wanted key a list of their values in that order).
     * At most one row per wanted key (on PostgreSQL): enough to tell which keys have a row, as the callers ask.
     */
    public static Select<Record> select(DSLContext db, List<? extends SelectField<?>> fields, Table<?> table,
                                        Condition prefix, List<Field<?>> keys, Collection<List<Object>> wanted) {
        if (wanted.isEmpty()) {
            return db.select(fields).from(table).where(DSL.falseCondition());
        }
        String[] names = new String[keys.size()];
        Condition matches = DSL.trueCondition();
        for (int i = 0; i < names.length; i++) {
            names[i] = "k" + i;
            matches = matches.and(equal(keys.get(i), names[i]));
        }
        RowN[] rows = new LinkedHashSet<>(wanted).stream().map(w -> DSL.row(w.toArray())).toArray(RowN[]::new);
        Table<?> values = DSL.values(rows).as("wanted", names);
        if (db.dialect().family() == SQLDialect.H2) {
            return db.select(fields).from(values).join(table).on(matches).where(prefix);
        }
        // Aliased as the table itself, so the caller's qualified fields name the lateral result's columns.
        Table<?> found = DSL.lateral(DSL.select(fields).from(table).where(prefix).and(matches).limit(1)
                .asTable(table.getUnqualifiedName()));
        return db.select(fields).from(values).crossJoin(found);
    }

    private static <T> Condition equal(Field<T> column, String wanted) {
        return column.eq(DSL.field(DSL.name("wanted", wanted), column.getType()));
    }
}
