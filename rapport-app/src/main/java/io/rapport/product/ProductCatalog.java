package io.rapport.product;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The brand's products: SKU, category, list price and the after-sales attributes durable goods need. */
@Service
public class ProductCatalog {

    static final Table<?> ITEM = table("product_item");
    static final Field<String> SKU = field("sku", String.class);
    static final Field<String> NAME = field("name", String.class);
    static final Field<String> CATEGORY = field("category", String.class);
    static final Field<BigDecimal> UNIT_PRICE = field("unit_price", BigDecimal.class);
    static final Field<String> CURRENCY = field("currency", String.class);
    static final Field<Integer> MAINTENANCE = field("maintenance_months", Integer.class);
    static final Field<Integer> WARRANTY = field("warranty_months", Integer.class);
    static final Field<String> CONSUMABLE_FOR = field("consumable_for", String.class);
    static final Field<OffsetDateTime> UPDATED_AT = field("updated_at", OffsetDateTime.class);

    private final DSLContext db;
    private final Clock clock;

    ProductCatalog(DSLContext db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * A product. {@code maintenanceMonths} is the service interval (0 or empty: none); {@code consumableFor} names
     * the category this product is a consumable or accessory for (filters for water purifiers).
     */
    public record Product(String sku, String name, String category, BigDecimal unitPrice, String currency,
                          Integer maintenanceMonths, Integer warrantyMonths, String consumableFor) {}

    /** Inserts new products and updates known ones; returns, per product, whether it was new. */
    @Transactional
    public List<Boolean> upsert(List<Product> products) {
        Set<String> known = new HashSet<>(db.select(SKU).from(ITEM)
                .where(SKU.in(products.stream().map(Product::sku).toList())).fetch(SKU));
        OffsetDateTime now = OffsetDateTime.now(clock);
        List<Boolean> created = new ArrayList<>(products.size());
        for (Product p : products) {
            boolean isNew = known.add(p.sku());
            created.add(isNew);
            if (isNew) {
                db.insertInto(ITEM).set(SKU, p.sku()).set(NAME, p.name()).set(CATEGORY, p.category())
                        .set(UNIT_PRICE, p.unitPrice()).set(CURRENCY, p.currency()).set(MAINTENANCE, p.maintenanceMonths())
                        .set(WARRANTY, p.warrantyMonths()).set(CONSUMABLE_FOR, p.consumableFor()).set(UPDATED_AT, now)
                        .execute();
            } else {
                db.update(ITEM).set(NAME, p.name()).set(CATEGORY, p.category()).set(UNIT_PRICE, p.unitPrice())
                        .set(CURRENCY, p.currency()).set(MAINTENANCE, p.maintenanceMonths()).set(WARRANTY, p.warrantyMonths())
                        .set(CONSUMABLE_FOR, p.consumableFor()).set(UPDATED_AT, now).where(SKU.eq(p.sku())).execute();
            }
        }
        return created;
    }

    public Optional<Product> find(String sku) {
        return db.select(SKU, NAME, CATEGORY, UNIT_PRICE, CURRENCY, MAINTENANCE, WARRANTY, CONSUMABLE_FOR).from(ITEM)
                .where(SKU.eq(sku)).fetchOptional(r -> new Product(r.get(SKU), r.get(NAME), r.get(CATEGORY),
                        r.get(UNIT_PRICE), r.get(CURRENCY), r.get(MAINTENANCE), r.get(WARRANTY), r.get(CONSUMABLE_FOR)));
    }

    public List<Product> page(int page, int size) {
        return db.select(SKU, NAME, CATEGORY, UNIT_PRICE, CURRENCY, MAINTENANCE, WARRANTY, CONSUMABLE_FOR).from(ITEM)
                .orderBy(SKU).limit(size).offset(page * size)
                .fetch(r -> new Product(r.get(SKU), r.get(NAME), r.get(CATEGORY), r.get(UNIT_PRICE), r.get(CURRENCY),
                        r.get(MAINTENANCE), r.get(WARRANTY), r.get(CONSUMABLE_FOR)));
    }

    /**
     * Durable products (not consumables) with a service interval or a warranty: what date triggers on purchases
     * follow ("12 months after buying", "warranty end"). The catalogue is small; one query.
     */
    public List<Product> durable() {
        return db.select(SKU, NAME, CATEGORY, UNIT_PRICE, CURRENCY, MAINTENANCE, WARRANTY, CONSUMABLE_FOR).from(ITEM)
                .where(MAINTENANCE.gt(0).or(WARRANTY.gt(0)))
                .and(CONSUMABLE_FOR.isNull().or(CONSUMABLE_FOR.eq(""))).orderBy(SKU)
                .fetch(r -> new Product(r.get(SKU), r.get(NAME), r.get(CATEGORY), r.get(UNIT_PRICE), r.get(CURRENCY),
                        r.get(MAINTENANCE), r.get(WARRANTY), r.get(CONSUMABLE_FOR)));
    }

    /** The category of each known SKU among these (SKUs without a product or category are left out). */
    public java.util.Map<String, String> categories(java.util.Collection<String> skus) {
        java.util.Map<String, String> categories = new java.util.HashMap<>();
        List<String> distinct = skus.stream().distinct().toList();
        for (int from = 0; from < distinct.size(); from += 1000) {
            db.select(SKU, CATEGORY).from(ITEM).where(SKU.in(distinct.subList(from, Math.min(distinct.size(), from + 1000))))
                    .and(CATEGORY.isNotNull())
                    .forEach(r -> categories.put(r.get(SKU), r.get(CATEGORY)));
        }
        return categories;
    }

    public int count() {
        return db.fetchCount(ITEM);
    }
}
