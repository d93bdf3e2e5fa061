package io.rapport.cli;

import io.rapport.analytics.rfm.RfmSegment;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Writes one row of scores per customer (RFC 4180, UTF-8, LF). Rows are formatted in parallel
 * chunks and written in order; numbers have fixed decimals (never exponents, never NaN). The
 * file is written under a temporary name and renamed when complete.
 */
final class ScoresCsvWriter {

    static final String HEADER = "customer_id,frequency,recency,T,monetary_value,total_spend,"
            + "r_score,f_score,m_score,rfm_cell,segment,business_group,top_20_percent,spend_tier,"
            + "p_alive,expected_purchases,p_purchase_within,expected_average_value,clv,churn_risk,churn_reason";

    private static final int CHUNK = 32_768;

    private ScoresCsvWriter() {}

    /** @param customerId the id of customer index i, as read */
    static void write(Path out, ScoringPipeline.Result r, IntFunction<String> customerId) throws IOException {
        var temporary = out.resolveSibling("." + out.getFileName() + ".tmp");
        boolean holdout = r.holdoutPurchases().isPresent();
        int n = r.summaries().customerCount();
        try (OutputStream os = Files.newOutputStream(temporary)) {
            os.write((HEADER + (holdout ? ",holdout_purchases" : "") + "\n").getBytes(StandardCharsets.UTF_8));
            int chunks = (n + CHUNK - 1) / CHUNK;
            int batch = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
            for (int from = 0; from < chunks; from += batch) {
                int first = from;
                List<byte[]> formatted = IntStream.range(first, Math.min(chunks, first + batch)).parallel()
                        .mapToObj(c -> format(r, customerId, c * CHUNK, Math.min(n, (c + 1) * CHUNK), holdout))
                        .toList();
                for (byte[] b : formatted) {
                    os.write(b);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] format(ScoringPipeline.Result r, IntFunction<String> customerId, int from, int to, boolean holdout) {
        var s = r.summaries();
        var p = r.predictions();
        var churn = r.churn();
        var sb = new StringBuilder((to - from) * 200);
        for (int i = from; i < to; i++) {
            appendField(sb, customerId.apply(i));
            boolean bought = s.hasPurchased(i);
            sb.append(',').append(s.frequency()[i]).append(',');
            fixed(sb, s.recency()[i], 4).append(',');
            fixed(sb, s.age()[i], 4).append(',');
            fixed(sb, s.monetaryValue()[i], 2).append(',');
            fixed(sb, s.totalSpend()[i], 2).append(',');
            if (bought) {
                int rs = r.rfm().recency()[i], fs = r.rfm().frequency()[i], ms = r.rfm().monetary()[i];
                var segment = RfmSegment.of(rs, fs, ms);
                sb.append(rs).append(',').append(fs).append(',').append(ms).append(',')
                        .append(100 * rs + 10 * fs + ms).append(',')
                        .append(segment.name().toLowerCase(Locale.ROOT)).append(',')
                        .append(segment.group().name().toLowerCase(Locale.ROOT)).append(',');
            } else {
                sb.append(",,,,,,");
            }
            sb.append(r.topValue()[i]).append(',')
                    .append(r.tiers().tier()[i].name().toLowerCase(Locale.ROOT)).append(',');
            if (bought) {
                fixed(sb, p.probabilityAlive()[i], 6).append(',');
                fixed(sb, p.expectedPurchases()[i], 6).append(',');
                fixed(sb, p.probabilityOfPurchaseWithin()[i], 6).append(',');
                fixed(sb, p.expectedAverageValue()[i], 2).append(',');
                fixed(sb, p.lifetimeValue()[i], 2);
            } else {
                sb.append(",,,,");
            }
            sb.append(',');
            if (churn.hasRisk(i)) {
                fixed(sb, churn.risk()[i], 6);
            }
            sb.append(',');
            churn.topReason(i).ifPresent(reason -> appendField(sb, reason));
            if (holdout) {
                sb.append(',').append(r.holdoutPurchases().get()[i]);
            }
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Quotes a field when it holds a separator, a quote or a line break (RFC 4180). */
    static void appendField(StringBuilder sb, String value) {
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (!quote) {
            sb.append(value);
            return;
        }
        sb.append('"').append(value.replace("\"", "\"\"")).append('"');
    }

    private static final long[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    /** Appends v rounded half-up to {@code decimals} places, without exponent; falls back to BigDecimal for huge values. */
    static StringBuilder fixed(StringBuilder sb, double v, int decimals) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not a finite number: " + v);
        }
        double scaled = Math.abs(v) * POW10[decimals];
        if (scaled >= 9e15) {
            return sb.append(new java.math.BigDecimal(v).setScale(decimals, java.math.RoundingMode.HALF_UP).toPlainString());
        }
        long units = Math.round(scaled);
        if (v < 0 && units != 0) {
            sb.append('-');
        }
        sb.append(units / POW10[decimals]);
        if (decimals > 0) {
            sb.append('.');
            String frac = Long.toString(units % POW10[decimals]);
            for (int k = frac.length(); k < decimals; k++) {
                sb.append('0');
            }
            sb.append(frac);
        }
        return sb;
    }
}
