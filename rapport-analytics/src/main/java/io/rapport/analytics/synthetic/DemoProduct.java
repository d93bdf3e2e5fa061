package io.rapport.analytics.synthetic;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * A product of the demo catalogue: a durable appliance, an accessory, a service or a consumable.
 *
 * @param sku               stable stock-keeping unit, e.g. {@code WP-RO600}
 * @param name              display name
 * @param category          e.g. {@code water_purifier}, {@code water_filter}, {@code accessory}
 * @param unitPrice         list price per unit
 * @param currency          ISO 4217 code
 * @param maintenanceMonths for an appliance: months between recommended maintenance; for a
 *                          consumable: months between replacements; 0 when there is none
 * @param warrantyMonths    manufacturer warranty in months, 0 for consumables
 * @param consumableFor     the appliance category this consumable or service is for; empty otherwise
 */
public record DemoProduct(
        String sku,
        String name,
        String category,
        BigDecimal unitPrice,
        String currency,
        int maintenanceMonths,
        int warrantyMonths,
        Optional<String> consumableFor) {

    public DemoProduct {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(unitPrice, "unitPrice");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(consumableFor, "consumableFor");
        if (maintenanceMonths < 0 || warrantyMonths < 0) {
            throw new IllegalArgumentException("months must not be negative: " + sku);
        }
    }

    /** True for consumables and services that are bought again on a cycle for an appliance. */
    public boolean isConsumable() {
        return consumableFor.isPresent();
    }
}
