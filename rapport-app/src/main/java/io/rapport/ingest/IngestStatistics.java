package io.rapport.ingest;

import static io.rapport.ingest.IngestTables.*;

import org.jooq.DSLContext;
import org.springframework.stereotype.Service;

/** Counts of what has been stored, for the console and monitoring. */
@Service
public class IngestStatistics {

    private final DSLContext db;

    IngestStatistics(DSLContext db) {
        this.db = db;
    }

    /** Stored records; anonymous ones have no customer (guest orders, events of unknown visitors). */
    public record Counts(long orders, long anonymousOrders, long orderLines, long events, long anonymousEvents) {}

    public Counts counts() {
        return new Counts(db.fetchCount(ORDER), db.fetchCount(ORDER, O_CUSTOMER.isNull()), db.fetchCount(LINE),
                db.fetchCount(EVENT), db.fetchCount(EVENT, E_CUSTOMER.isNull()));
    }
}
