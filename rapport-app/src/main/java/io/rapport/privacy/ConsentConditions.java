package io.rapport.privacy;

import org.jooq.Condition;
import org.jooq.Field;

/**
 * The set-based twin of {@link ContactPolicy}: a SQL condition, for one customer-id column, that is true exactly when
 * {@link ContactPolicy#may} would allow the purpose on the channel. Segments use it to target only customers who may
 * be contacted (docs/decisions/0004-segment-sql.md). The consent ledger implements it; until it does, segment
 * conditions on consent are refused with a clear 400. When a customer's consent changes, the ledger publishes an event
 * so that segment memberships built on consent are re-evaluated for that customer.
 */
public interface ConsentConditions {

    /** A condition over {@code customerId} (a column of the caller's query); bind values only. */
    Condition allows(Field<Long> customerId, Purpose purpose, ContactChannel channel);
}
