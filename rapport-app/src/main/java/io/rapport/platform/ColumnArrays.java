package io.rapport.platform;

import java.lang.reflect.Array;
import java.util.List;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Select;
import org.jooq.impl.DSL;

/**
 * Many rows as one bind value per column, for PostgreSQL's bulk writes: {@code insert into t (a, b, …) select
 * unnest(?), unnest(?), …}. A multi-row {@code VALUES} of 500 rows of 19 columns is 9,500 bind values: jOOQ renders
 * and the driver binds each of them, and the server parses a statement the size of the data every time. The arrays
 * keep the statement short and the same for any number of rows, so it is prepared once per connection. PostgreSQL
 * only (typed arrays, set-returning functions in the select list); H2 writes the same rows as before.
 */
public final class ColumnArrays {

    private ColumnArrays() {}

    /**
     * {@code select unnest(cast(? as type[])), …}: the rows in order, each a list of values in the order
     * of {@code columns} (whose Java types give the arrays' types).
     */
    public static Select<Record> select(List<? extends Field<?>> columns, List<? extends List<?>> rows) {
        List<Field<?>> unnested = new java.util.ArrayList<>(columns.size());
        for (int c = 0; c < columns.size(); c++) {
            Object array = Array.newInstance(columns.get(c).getType(), rows.size());
            for (int r = 0; r < rows.size(); r++) {
                List<?> row = rows.get(r);
                if (row.size() != columns.size()) {
                    throw new IllegalArgumentException("row " + r + " has " + row.size() + " values for "
                            + columns.size() + " columns");
                }
                Array.set(array, r, row.get(c));
            }
            // in the select list, set-returning functions advance together: row r of each array makes row r
            unnested.add(DSL.function("unnest", columns.get(c).getDataType(), DSL.val(array)));
        }
        return DSL.select(unnested);
    }
}
