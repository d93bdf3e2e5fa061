package io.rapport.customer;

import static io.rapport.customer.CustomerTables.*;

import io.rapport.privacy.PersonalDataHolder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.springframework.stereotype.Component;

/**
 * The customer capability's part of data-subject exports and erasures: the profile (and profiles merged into it),
 * identities, the purchase summary and merges. Erasure blanks every personal profile field, deletes the identities
 * (phone, email, member and device ids) and marks the profile {@code erased}; the summary (counts and spend, no
 * personal data) stays so that revenue totals do not change.
 */
@Component
class CustomerPersonalData implements PersonalDataHolder {

    private final DSLContext db;
    private final CustomerSummaries summaries;
    private final IdentityProtection protection;

    private final ProfileProtection profileProtection;

    CustomerPersonalData(DSLContext db, CustomerSummaries summaries, IdentityProtection protection,
                         ProfileProtection profileProtection) {
        this.protection = protection;
        this.profileProtection = profileProtection;
        this.db = db;
        this.summaries = summaries;
    }

    @Override
    public String category() {
        return "profile";
    }

    @Override
    public Export export(long customerId) {
        Record p = db.selectFrom(PROFILE).where(P_ID.eq(customerId)).fetchOne();
        Map<String, Object> profile = new LinkedHashMap<>();
        if (p != null) {
            for (var f : List.of(P_ID, P_STATUS, P_NAME, P_GENDER, P_BIRTHDAY, P_CITY, P_COUNTRY, P_TIME_ZONE,
                    P_REGISTERED_AT, P_CREATED_AT)) {
                Object value = f == P_NAME ? profileProtection.name(p).orElse(null)
                        : f == P_BIRTHDAY ? profileProtection.birthday(p).orElse(null) : p.get(f.getName());
                profile.put(f.getName(), value == null ? null : value.toString());
            }
        }
        List<Map<String, Object>> identities = new ArrayList<>();
        db.select(I_KIND, I_NAMESPACE, I_VALUE, I_CIPHER, I_CREATED_AT).from(IDENTITY).where(I_CUSTOMER.eq(customerId))
                .orderBy(I_KIND, I_VALUE).forEach(r -> {
                    Map<String, Object> identity = new LinkedHashMap<>();
                    identity.put("kind", r.get(I_KIND).toLowerCase());
                    identity.put("namespace", r.get(I_NAMESPACE));
                    identity.put("value", protection.shown(r.get(I_VALUE), r.get(I_CIPHER)));
                    identity.put("since", r.get(I_CREATED_AT).toString());
                    identities.add(identity);
                });
        List<Long> merged = db.select(P_ID).from(PROFILE).where(P_MERGED_INTO.eq(customerId)).fetch(P_ID);
        var summary = summaries.find(customerId);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("profile", profile);
        data.put("identities", identities);
        data.put("mergedProfiles", merged);
        data.put("purchaseSummary", summary.orElse(null));
        List<String> lines = new ArrayList<>();
        profile.forEach((k, v) -> {
            if (v != null) {
                lines.add(k + ": " + v);
            }
        });
        identities.forEach(i -> lines.add(i.get("kind") + ": " + i.get("value")));
        summary.ifPresent(s -> lines.add(s.orderCount() + " orders, " + s.returnCount() + " returns, total spend "
                + s.totalSpend().toPlainString()));
        return new Export(category(), "Your profile, the identifiers (phone, email, member numbers) that link your "
                + "records, and a summary of your purchases.", data, lines);
    }

    @Override
    public Erasure erase(long customerId) {
        var ids = db.select(P_ID).from(PROFILE).where(P_ID.eq(customerId)).or(P_MERGED_INTO.eq(customerId)).fetch(P_ID);
        int profiles = db.update(PROFILE)
                .set(profileProtection.columns(null, null)).set(P_GENDER, (String) null)
                .set(P_CITY, (String) null).set(P_TIME_ZONE, (String) null)
                .where(P_ID.in(ids)).execute();
        db.update(PROFILE).set(P_STATUS, "erased").where(P_ID.eq(customerId)).execute();
        int identities = db.deleteFrom(IDENTITY).where(I_CUSTOMER.in(ids)).execute();
        return new Erasure(category(), profiles + identities, profiles + " profile(s) blanked, " + identities
                + " identifier(s) deleted; purchase summary kept without personal data");
    }
}
