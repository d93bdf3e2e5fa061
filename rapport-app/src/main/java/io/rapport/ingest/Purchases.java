package io.rapport.ingest;

import static io.rapport.ingest.IngestTables.*;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Service;

/**
 * Which products customers bought on which days, for what follows a purchase by months (maintenance due, warranty
 * end): sale lines of known customers on given order days (the brand's time zone), leaving out a product the order
 * later returned or cancelled.
 */
@Service
public class Purchases {

    /** Order days per query: a daily scan asks for a few hundred at most. */
    private static final int CHUNK = 500;

    private final DSLContext db;

    Purchases(DSLContext db) {
        this.db = db;
    }

    /**
     * One bought product: {@code lineId} is Rapport's id of the order line (stable, so "this purchase" can be keyed
     * by it), {@code orderDay} the order's day in the brand's time zone.
     */
    public record Purchase(long lineId, long customerId, String sku, LocalDate orderDay, int quantity) {}

    /** Sale lines of these SKUs ordered on these days, still kept (no return or cancellation of the SKU since). */
    public List<Purchase> bought(Collection<String> skus, Collection<LocalDate> days) {
        List<Purchase> result = new ArrayList<>();
        if (skus.isEmpty() || days.isEmpty()) {
            return result;
        }
        List<LocalDate> distinct = days.stream().distinct().sorted().toList();
        // a return or cancellation names the sale it undoes (same source, original_order = the sale's id)
        var undo = DSL.table(DSL.unquotedName("ingest_order")).as("undo");
        var undoLine = DSL.table(DSL.unquotedName("ingest_order_line")).as("undo_line");
        var returned = DSL.exists(DSL.selectOne().from(undo).join(undoLine)
                .on(DSL.field(DSL.unquotedName("undo_line", "order_id"), Long.class)
                        .eq(DSL.field(DSL.unquotedName("undo", "id"), Long.class)))
                .where(DSL.field(DSL.unquotedName("undo", "kind"), String.class).in("return", "cancellation"))
                .and(DSL.field(DSL.unquotedName("undo", "source"), String.class).eq(O_SOURCE))
                .and(DSL.field(DSL.unquotedName("undo", "original_order"), String.class).eq(O_EXTERNAL_ID))
                .and(DSL.field(DSL.unquotedName("undo_line", "sku"), String.class).eq(L_SKU)));
        for (int from = 0; from < distinct.size(); from += CHUNK) {
            List<LocalDate> chunk = distinct.subList(from, Math.min(distinct.size(), from + CHUNK));
            db.select(L_ID, O_CUSTOMER, L_SKU, O_DAY, L_QUANTITY).from(ORDER).join(LINE).on(L_ORDER.eq(O_ID))
                    .where(O_DAY.in(chunk)).and(O_KIND.eq("sale")).and(O_CUSTOMER.isNotNull())
                    .and(L_SKU.in(skus)).and(L_QUANTITY.gt(0)).andNot(returned)
                    .orderBy(L_ID)
                    .forEach(r -> result.add(new Purchase(r.get(L_ID), r.get(O_CUSTOMER), r.get(L_SKU), r.get(O_DAY),
                            r.get(L_QUANTITY))));
        }
        return result;
    }
}
