package io.rapport.analytics.synthetic;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The fixed catalogue of the demo brand, a household-appliance maker: its stores and channels,
 * its products, which consumables each appliance uses, and how popular each appliance is.
 */
final class DemoCatalog {

    static final String CURRENCY = "CNY";

    static final String ONLINE_SHOP = "ONLINE";
    static final String APP = "APP";
    static final String MINI_PROGRAM = "MINI";

    /** An appliance and the consumables (or services) its owner buys again on a cycle. */
    record Appliance(DemoProduct product, List<DemoProduct> consumables) {}

    private final List<DemoStore> stores = new ArrayList<>();
    private final Map<String, List<DemoStore>> storesByCity = new LinkedHashMap<>();
    private final Map<String, DemoStore> onlineStores = new LinkedHashMap<>();
    private final Map<String, DemoProduct> products = new LinkedHashMap<>();
    private final Map<String, List<Appliance>> appliancesByCategory = new LinkedHashMap<>();
    private final WeightedChoice<String> applianceCategories = new WeightedChoice<>();
    private final List<DemoProduct> accessories = new ArrayList<>();
    private final Map<String, List<DemoProduct>> productsByCategory = new LinkedHashMap<>();
    private DemoProduct extendedWarranty;

    DemoCatalog() {
        online(ONLINE_SHOP, "Online shop", DemoStore.SHOP);
        online(APP, "Mobile app", DemoStore.APP);
        online(MINI_PROGRAM, "WeChat mini-program", DemoStore.MINI_PROGRAM);
        store("SH01", "Shanghai Xujiahui flagship store", "Shanghai");
        store("SH02", "Shanghai Pudong store", "Shanghai");
        store("BJ01", "Beijing Chaoyang store", "Beijing");
        store("BJ02", "Beijing Haidian store", "Beijing");
        store("GZ01", "Guangzhou Tianhe store", "Guangzhou");
        store("SZ01", "Shenzhen Futian store", "Shenzhen");
        store("HZ01", "Hangzhou Xihu store", "Hangzhou");
        store("CD01", "Chengdu Jinjiang store", "Chengdu");
        store("WH01", "Wuhan Jianghan store", "Wuhan");
        store("NJ01", "Nanjing Xinjiekou store", "Nanjing");

        // Consumables: maintenance months = replacement cycle.
        var fridgeFilter = consumable("RF-FLT01", "Refrigerator water filter", "fridge_filter", "199.00", 6, "refrigerator");
        var detergent = consumable("WM-DET2L", "Laundry detergent 2L", "detergent", "59.90", 2, "washing_machine");
        var drumCleaner = consumable("WM-CLN3", "Drum cleaner 3-pack", "drum_cleaner", "39.90", 3, "washing_machine");
        var acFilter = consumable("AC-FLT01", "Air conditioner filter set", "ac_filter", "89.00", 12, "air_conditioner");
        var acCleaning = consumable("AC-SVC01", "Air conditioner deep-cleaning service", "maintenance_service", "159.00", 12, "air_conditioner");
        var vacuumBags = consumable("VC-BAG5", "Vacuum bags 5-pack", "vacuum_bag", "49.00", 3, "vacuum_cleaner");
        var vacuumHepa = consumable("VC-HEPA", "Vacuum HEPA filter", "vacuum_filter", "129.00", 6, "vacuum_cleaner");
        var robotKit = consumable("VC-RBKIT", "Robot vacuum brush and mop kit", "robot_vacuum_kit", "159.00", 3, "vacuum_cleaner");
        var ppFilter = consumable("WP-PP01", "PP cotton filter cartridge", "water_filter", "99.00", 6, "water_purifier");
        var carbonFilter = consumable("WP-CTO01", "Activated carbon filter cartridge", "water_filter", "149.00", 12, "water_purifier");
        var roMembrane = consumable("WP-RO01", "RO membrane cartridge", "water_filter", "499.00", 24, "water_purifier");
        var airFilter = consumable("AP-FLT01", "Air purifier HEPA filter", "air_filter", "299.00", 6, "air_purifier");
        var tablets = consumable("DW-TAB60", "Dishwasher tablets 60-pack", "dishwasher_detergent", "89.00", 2, "dishwasher");
        var salt = consumable("DW-SALT2", "Dishwasher salt 2kg", "dishwasher_detergent", "29.90", 4, "dishwasher");

        // Appliances: maintenance months = recommended service interval. Weights: share of first
        // purchases per category, roughly a Chinese appliance brand's mix.
        appliance("refrigerator", 18,
                new Appliance(product("RF-BCD300", "Two-door refrigerator 300L", "refrigerator", "2999.00", 0, 36), List.of()),
                new Appliance(product("RF-BCD470", "French-door refrigerator 470L", "refrigerator", "5699.00", 0, 36), List.of()),
                new Appliance(product("RF-SBS620", "Side-by-side refrigerator 620L with water dispenser", "refrigerator", "8999.00", 6, 36), List.of(fridgeFilter)));
        appliance("washing_machine", 20,
                new Appliance(product("WM-F80", "Front-load washing machine 8kg", "washing_machine", "2499.00", 3, 36), List.of(detergent, drumCleaner)),
                new Appliance(product("WM-F100D", "Washer-dryer 10kg", "washing_machine", "4599.00", 3, 36), List.of(detergent, drumCleaner)),
                new Appliance(product("WM-T90", "Top-load washing machine 9kg", "washing_machine", "1599.00", 3, 36), List.of(detergent)));
        appliance("air_conditioner", 25,
                new Appliance(product("AC-KFR26", "Split air conditioner 1HP", "air_conditioner", "2599.00", 12, 72), List.of(acFilter, acCleaning)),
                new Appliance(product("AC-KFR35", "Split air conditioner 1.5HP", "air_conditioner", "3299.00", 12, 72), List.of(acFilter, acCleaning)),
                new Appliance(product("AC-KFR72L", "Floor-standing air conditioner 3HP", "air_conditioner", "7999.00", 12, 72), List.of(acFilter, acCleaning)));
        appliance("vacuum_cleaner", 12,
                new Appliance(product("VC-CL10", "Cordless stick vacuum cleaner", "vacuum_cleaner", "1999.00", 6, 24), List.of(vacuumHepa)),
                new Appliance(product("VC-RB20", "Robot vacuum cleaner with mop", "vacuum_cleaner", "2999.00", 3, 24), List.of(robotKit)),
                new Appliance(product("VC-CN05", "Canister vacuum cleaner", "vacuum_cleaner", "899.00", 3, 24), List.of(vacuumBags)));
        appliance("water_purifier", 12,
                new Appliance(product("WP-RO600", "RO water purifier 600G", "water_purifier", "2699.00", 6, 36), List.of(ppFilter, carbonFilter, roMembrane)),
                new Appliance(product("WP-UF01", "Ultrafiltration water purifier", "water_purifier", "1299.00", 6, 36), List.of(ppFilter, carbonFilter)));
        appliance("air_purifier", 7,
                new Appliance(product("AP-400", "Air purifier CADR 400", "air_purifier", "1699.00", 6, 24), List.of(airFilter)));
        appliance("dishwasher", 6,
                new Appliance(product("DW-13", "Built-in dishwasher, 13 place settings", "dishwasher", "4299.00", 12, 24), List.of(tablets, salt)));

        accessories.add(product("ACC-WMPED", "Washing machine pedestal", "accessory", "399.00", 0, 12));
        accessories.add(product("ACC-RFORG", "Refrigerator organiser set", "accessory", "129.00", 0, 12));
        accessories.add(product("ACC-ACRMT", "Universal air conditioner remote", "accessory", "49.00", 0, 12));
        accessories.add(product("ACC-SURGE", "Surge protector socket", "accessory", "99.00", 0, 12));
        accessories.add(product("ACC-VCDOCK", "Vacuum cleaner wall dock", "accessory", "149.00", 0, 12));
        extendedWarranty = product("EW-2Y", "Extended warranty, 2 more years", "extended_warranty", "299.00", 0, 24);
        for (var p : products.values()) {
            productsByCategory.computeIfAbsent(p.category(), c -> new ArrayList<>()).add(p);
        }
    }

    List<DemoStore> stores() {
        return List.copyOf(stores);
    }

    List<DemoProduct> products() {
        return List.copyOf(products.values());
    }

    DemoStore onlineStore(String code) {
        return onlineStores.get(code);
    }

    /** The physical stores of a city; empty when the brand has none there. */
    List<DemoStore> storesIn(String city) {
        return storesByCity.getOrDefault(city, List.of());
    }

    String pickApplianceCategory(SplittableRandom rng) {
        return applianceCategories.pick(rng);
    }

    List<Appliance> appliancesOf(String category) {
        return appliancesByCategory.get(category);
    }

    List<DemoProduct> accessories() {
        return accessories;
    }

    boolean isAppliance(DemoProduct p) {
        return appliancesByCategory.containsKey(p.category());
    }

    List<String> applianceCategories() {
        return List.copyOf(appliancesByCategory.keySet());
    }

    DemoProduct extendedWarranty() {
        return extendedWarranty;
    }

    /** All products of the category, for browsing events. */
    List<DemoProduct> productsOf(String category) {
        return productsByCategory.get(category);
    }

    private void online(String code, String name, String channel) {
        var s = new DemoStore(code, name, channel, Optional.empty());
        stores.add(s);
        onlineStores.put(code, s);
    }

    private void store(String code, String name, String city) {
        var s = new DemoStore(code, name, DemoStore.STORE, Optional.of(city));
        stores.add(s);
        storesByCity.computeIfAbsent(city, c -> new ArrayList<>()).add(s);
    }

    private void appliance(String category, double weight, Appliance... models) {
        appliancesByCategory.put(category, List.of(models));
        applianceCategories.add(category, weight);
    }

    private DemoProduct product(String sku, String name, String category, String price, int maintenanceMonths, int warrantyMonths) {
        var p = new DemoProduct(sku, name, category, new BigDecimal(price), CURRENCY, maintenanceMonths, warrantyMonths, Optional.empty());
        products.put(sku, p);
        return p;
    }

    private DemoProduct consumable(String sku, String name, String category, String price, int cycleMonths, String forCategory) {
        var p = new DemoProduct(sku, name, category, new BigDecimal(price), CURRENCY, cycleMonths, 0, Optional.of(forCategory));
        products.put(sku, p);
        return p;
    }
}
