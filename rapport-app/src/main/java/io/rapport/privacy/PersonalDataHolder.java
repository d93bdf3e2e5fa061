package io.rapport.privacy;

import java.util.List;
import java.util.Map;

/**
 * The extension point of data-subject rights: every capability that keeps data about customers implements it as a
 * Spring bean, and privacy calls all of them. Access/export requests collect {@link #export}; erasure calls
 * {@link #erase} on every holder in one transaction (all or nothing). A new module (tags, points, messages, tickets)
 * adds one class and is part of every later export and erasure without changing privacy.
 *
 * <p>Rules for implementations: export everything the module holds about the person, personal or not, in plain
 * values (this goes to the person); erase irreversibly — delete, or overwrite personal values — but keep aggregates
 * and ledgers consistent (revenue totals, points liabilities), and keep the customer id where records must stay.
 */
public interface PersonalDataHolder {

    /** Stable short name of what this holder keeps: {@code profile}, {@code orders-and-events}, {@code scores} … */
    String category();

    /** Everything held about the customer. */
    Export export(long customerId);

    /** Irreversibly removes or anonymises the customer's personal data; returns what was done. */
    Erasure erase(long customerId);

    /**
     * One holder's part of an export.
     *
     * @param description what the data is and why it is kept (shown to the person)
     * @param data        JSON-ready values: records, maps, lists
     * @param summary     the same in a few human-readable lines
     */
    record Export(String category, String description, Map<String, Object> data, List<String> summary) {}

    /** What one holder did to erase a customer. */
    record Erasure(String category, long rows, String description) {}
}
