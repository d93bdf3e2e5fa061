package io.rapport.analytics.churn;

import io.rapport.analytics.SharedData;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/**
 * The IBM telco sample (shared/data/telco_customer_churn.csv) as churn features: every
 * categorical column one-hot encoded, tenure and charges as numbers. TotalCharges is blank on
 * the 11 customers with tenure 0: nothing has been billed yet, so it is read as 0 (not NaN), which
 * keeps both models on the same input.
 */
record TelcoChurnData(ChurnFeatures features, boolean[] churned) {

    private static final String YES = "Yes";
    private static final String NO = "No";
    private static final String NO_INTERNET = "No internet service";

    static TelcoChurnData load() {
        List<CSVRecord> rows;
        try (var reader = Files.newBufferedReader(SharedData.dir().resolve("telco_customer_churn.csv"))) {
            rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int n = rows.size();
        var b = ChurnFeatures.builder(n)
                .category("gender", column(rows, "gender"), Map.of("Female", "female", "Male", "male"))
                .category("SeniorCitizen", column(rows, "SeniorCitizen"), Map.of("1", "senior citizen", "0", "not a senior citizen"))
                .category("Partner", column(rows, "Partner"), Map.of(YES, "has a partner", NO, "no partner"))
                .category("Dependents", column(rows, "Dependents"), Map.of(YES, "has dependents", NO, "no dependents"))
                .number("tenure", numbers(rows, "tenure"), ReasonWording.of("tenure only {value} month{s}", "customer for {value} month{s}")
                        .whenZero("joined this month"))
                .category("PhoneService", column(rows, "PhoneService"), Map.of(YES, "has phone service", NO, "no phone service"))
                .category("MultipleLines", column(rows, "MultipleLines"),
                        Map.of(YES, "multiple phone lines", NO, "a single phone line", "No phone service", "no phone service"))
                .category("InternetService", column(rows, "InternetService"),
                        Map.of("Fiber optic", "fibre-optic internet", "DSL", "DSL internet", NO, "no internet service"))
                .category("OnlineSecurity", column(rows, "OnlineSecurity"), addOn("online security"))
                .category("OnlineBackup", column(rows, "OnlineBackup"), addOn("online backup"))
                .category("DeviceProtection", column(rows, "DeviceProtection"), addOn("device protection"))
                .category("TechSupport", column(rows, "TechSupport"), addOn("tech support"))
                .category("StreamingTV", column(rows, "StreamingTV"), addOn("streaming TV"))
                .category("StreamingMovies", column(rows, "StreamingMovies"), addOn("streaming movies"))
                .category("Contract", column(rows, "Contract"),
                        Map.of("Month-to-month", "month-to-month contract", "One year", "one-year contract", "Two year", "two-year contract"))
                .category("PaperlessBilling", column(rows, "PaperlessBilling"), Map.of(YES, "paperless billing", NO, "paper bills"))
                .category("PaymentMethod", column(rows, "PaymentMethod"), Map.of(
                        "Electronic check", "pays by electronic check",
                        "Mailed check", "pays by mailed check",
                        "Bank transfer (automatic)", "pays by automatic bank transfer",
                        "Credit card (automatic)", "pays by automatic credit-card payment"))
                .number("MonthlyCharges", numbers(rows, "MonthlyCharges"), ReasonWording.of("monthly charges of ${value}"))
                .number("TotalCharges", numbers(rows, "TotalCharges"), ReasonWording.of("total charges of ${value} so far"));
        boolean[] churned = new boolean[n];
        for (int i = 0; i < n; i++) {
            churned[i] = YES.equals(rows.get(i).get("Churn"));
        }
        return new TelcoChurnData(b.build(), churned);
    }

    private static Map<String, String> addOn(String service) {
        return Map.of(YES, "has " + service, NO, "no " + service, NO_INTERNET, "no internet service");
    }

    private static String[] column(List<CSVRecord> rows, String name) {
        return rows.stream().map(r -> r.get(name)).toArray(String[]::new);
    }

    /** A blank is 0: only TotalCharges has blanks, on customers not yet billed (tenure 0). */
    private static double[] numbers(List<CSVRecord> rows, String name) {
        return rows.stream().mapToDouble(r -> r.get(name).isBlank() ? 0 : Double.parseDouble(r.get(name))).toArray();
    }
}
