package io.rapport.cli;

import java.time.ZoneId;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which columns of a transactions CSV hold the customer, the time and the amount (shared by `score` and `clv fit`). */
final class TransactionCsvOptions {

    @Option(names = "--customer-col", paramLabel = "NAME", defaultValue = "customer_id",
            description = "Column with the customer id (default: ${DEFAULT-VALUE}). Rows with a blank id are skipped and counted.")
    String customerColumn;

    @Option(names = "--date-col", paramLabel = "NAME", defaultValue = "ordered_at",
            description = "Column with the transaction date or time (default: ${DEFAULT-VALUE}).")
    String dateColumn;

    @Option(names = "--date-format", paramLabel = "PATTERN", defaultValue = TransactionDates.ISO,
            description = "ISO (dates, local date-times, instants with Z or an offset) or a java.time pattern "
                    + "such as 'yyyy-MM-dd HH:mm:ss' or 'M/d/yyyy H:mm' (default: ${DEFAULT-VALUE}).")
    String dateFormat;

    @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "UTC",
            description = "Time zone of the shop's calendar day: times with an offset are moved into it, "
                    + "local times are taken as they are (default: ${DEFAULT-VALUE}).")
    ZoneId zone;

    @Option(names = "--amount-col", paramLabel = "NAME",
            description = "Column with the amount paid (negative for returns). Default: amount, unless --amount-expr is given.")
    String amountColumn;

    @Option(names = "--amount-expr", paramLabel = "EXPR",
            description = "Compute the amount instead of reading it; only qty*price (--quantity-col times --price-col) is supported.")
    String amountExpression;

    @Option(names = "--quantity-col", paramLabel = "NAME", defaultValue = "quantity",
            description = "Quantity column for --amount-expr (default: ${DEFAULT-VALUE}).")
    String quantityColumn;

    @Option(names = "--price-col", paramLabel = "NAME", defaultValue = "unit_price",
            description = "Unit price column for --amount-expr (default: ${DEFAULT-VALUE}).")
    String priceColumn;

    @Option(names = "--delimiter", paramLabel = "CHAR", defaultValue = ",",
            description = "Field separator (default: '${DEFAULT-VALUE}').")
    char delimiter;

    /** The amount column, or empty when the amount is quantity × price. */
    Optional<String> amountColumn() {
        if (amountExpression != null) {
            return Optional.empty();
        }
        return Optional.of(amountColumn == null ? "amount" : amountColumn);
    }

    /** Checks the combination; returns a usage error message or empty. */
    Optional<String> usageError() {
        if (amountExpression != null) {
            String normalized = amountExpression.replace(" ", "").toLowerCase(java.util.Locale.ROOT);
            if (!normalized.equals("qty*price") && !normalized.equals("quantity*price")) {
                return Optional.of("--amount-expr supports only 'qty*price' (with --quantity-col and --price-col), was '"
                        + amountExpression + "'");
            }
            if (amountColumn != null) {
                return Optional.of("give either --amount-col or --amount-expr, not both");
            }
        }
        try {
            TransactionDates.of(dateFormat, zone);
        } catch (IllegalArgumentException e) {
            return Optional.of("--date-format: " + e.getMessage());
        }
        return Optional.empty();
    }
}
