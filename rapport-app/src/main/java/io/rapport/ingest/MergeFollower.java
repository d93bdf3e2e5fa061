package io.rapport.ingest;

import static io.rapport.ingest.IngestTables.*;

import io.rapport.customer.CustomersMerged;
import org.jooq.DSLContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** History follows the surviving profile: orders and events of a merged customer move to the survivor. */
@Component
class MergeFollower {

    private final DSLContext db;

    MergeFollower(DSLContext db) {
        this.db = db;
    }

    /** Runs inside the merging transaction (a plain listener, not a transactional one): both commit together. */
    @EventListener
    void on(CustomersMerged merged) {
        db.update(ORDER).set(O_CUSTOMER, merged.survivorId()).where(O_CUSTOMER.eq(merged.mergedId())).execute();
        db.update(EVENT).set(E_CUSTOMER, merged.survivorId()).where(E_CUSTOMER.eq(merged.mergedId())).execute();
    }
}
