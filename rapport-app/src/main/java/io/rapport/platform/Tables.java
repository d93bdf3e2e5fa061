package io.rapport.platform;

import org.jooq.Field;
import org.jooq.Table;
import org.jooq.impl.DSL;

/** Names for jOOQ's DSL without code generation: an unquoted table or column name, typed. */
public final class Tables {

    private Tables() {}

    public static Table<?> table(String name) {
        return DSL.table(DSL.unquotedName(name));
    }

    public static <T> Field<T> field(String name, Class<T> type) {
        return DSL.field(DSL.unquotedName(name), type);
    }

    public static <T> Field<T> field(String table, String name, Class<T> type) {
        return DSL.field(DSL.unquotedName(table, name), type);
    }
}
