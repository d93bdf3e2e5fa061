package io.rapport.privacy;

import static io.rapport.privacy.ConsentTables.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

/**
 * Privacy's own part of exports and erasures: the consent ledger, processing limits, data-subject requests, the
 * audit entries about the customer and the data-usage counters. On erasure the ledger and the audit log stay (they
 * are the proof of lawful processing and hold no contact data), but IP addresses kept as consent proof and the
 * corrected values of rectification requests are removed.
 */
@Component
class PrivacyPersonalData implements PersonalDataHolder {

    private final ConsentLedger ledger;
    private final AuditLog audit;
    private final DataUsage usage;
    private final DSLContext db;

    PrivacyPersonalData(ConsentLedger ledger, AuditLog audit, DataUsage usage, DSLContext db) {
        this.ledger = ledger;
        this.audit = audit;
        this.usage = usage;
        this.db = db;
    }

    @Override
    public String category() {
        return "consent-and-privacy";
    }

    @Override
    public Export export(long customerId) {
        List<ConsentLedger.Event> history = ledger.history(customerId);
        List<ConsentLedger.State> current = ledger.current(customerId);
        var accesses = audit.search(new AuditLog.Filter(null, null, "customer", Long.toString(customerId), null, null,
                null, 1000));
        var uses = usage.forCustomer(customerId);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("consentNow", current);
        data.put("consentHistory", history);
        data.put("accessLog", accesses);
        data.put("dataUsage", uses);
        List<String> summary = new ArrayList<>();
        for (ConsentLedger.State s : current) {
            summary.add((s.granted() ? "Agreed to " : "Refused ") + s.purpose().toLowerCase() + " on "
                    + s.channel().toLowerCase() + (s.scope().isEmpty() ? "" : " (" + s.scope() + ")") + " since "
                    + s.since());
        }
        summary.add(history.size() + " consent decisions recorded in total");
        summary.add(accesses.size() + " recorded accesses to your data (who, when, why)");
        uses.forEach(m -> m.uses().forEach(u -> summary.add(m.month() + ": used for " + u.purpose().toLowerCase()
                + " by " + u.usedBy() + " (" + u.uses() + " times)")));
        return new Export(category(), "What you agreed to and when, who accessed your data, and what it was used for.",
                data, summary);
    }

    @Override
    public Erasure erase(long customerId) {
        int proofs = db.update(EVENT).set(E_PROOF, "erased").where(E_CUSTOMER.eq(customerId))
                .and(E_PROOF.startsWith("ip:")).execute();
        int requests = db.update(DataSubjectRequests.REQUEST).set(DataSubjectRequests.R_DETAILS, (String) null)
                .where(DataSubjectRequests.R_CUSTOMER.eq(customerId))
                .and(DataSubjectRequests.R_TYPE.eq(RequestType.RECTIFICATION.name())).execute();
        return new Erasure(category(), proofs + requests,
                "consent history kept as proof of lawful processing; IP addresses and corrected values removed");
    }
}
