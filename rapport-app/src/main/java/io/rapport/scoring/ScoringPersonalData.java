package io.rapport.scoring;

import static io.rapport.scoring.ScoringTables.*;

import io.rapport.privacy.PersonalDataHolder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Component;

/**
 * Scoring's part of data-subject exports and erasures: the customer's current scores with what they mean, and how
 * many past scorings are kept. Erasure deletes the customer's scores and their history (profiling results about a
 * person); run totals stay as they were computed.
 */
@Component
class ScoringPersonalData implements PersonalDataHolder {

    private final DSLContext db;
    private final CustomerScores scores;

    ScoringPersonalData(DSLContext db, CustomerScores scores) {
        this.db = db;
        this.scores = scores;
    }

    @Override
    public String category() {
        return "scores";
    }

    @Override
    public Export export(long customerId) {
        CustomerScores.Report report = scores.report(customerId, 1000);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("current", report.current().orElse(null));
        data.put("history", report.history());
        List<String> summary = new ArrayList<>();
        report.current().ifPresent(s -> {
            summary.add("Lifecycle stage " + s.lifecycleStage() + " as of " + s.asOf()
                    + ": where you are in your relationship with us (new, active, at risk, lapsed …)");
            summary.add("Value tier " + s.spendTier() + ": from your spend in the last 12 months");
            if (s.churnRisk() != null) {
                summary.add("Estimated chance you stop buying from us: " + Math.round(s.churnRisk() * 100) + "%");
            }
            if (s.lifetimeValue() != null) {
                summary.add("Estimated value of your future purchases: " + s.lifetimeValue());
            }
            s.reasons().forEach(r -> summary.add("Reason: " + r));
        });
        summary.add(report.history().size() + " past scorings kept");
        return new Export(category(), "Scores we compute from your purchases to decide which offers and messages "
                + "suit you (profiling), and what they mean.", data, summary);
    }

    @Override
    public Erasure erase(long customerId) {
        int current = db.deleteFrom(CURRENT).where(DSL.field(DSL.name(CUSTOMER_ID)).eq(customerId)).execute();
        int history = db.deleteFrom(HISTORY).where(DSL.field(DSL.name(CUSTOMER_ID)).eq(customerId)).execute();
        return new Erasure(category(), current + history, "current scores and " + history + " past scoring(s) deleted");
    }
}
