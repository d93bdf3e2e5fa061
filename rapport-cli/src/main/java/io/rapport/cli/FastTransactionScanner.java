package io.rapport.cli;

import io.rapport.analytics.summary.TransactionColumns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A parallel scanner for the one CSV layout {@code rapport bench} writes: no quoted fields,
 * customer ids of at most 8 ASCII bytes, dates {@code yyyy-MM-dd} optionally followed by a UTC
 * time ({@code THH:mm:ssZ}), plain decimal amounts.
 *
 * <p>Why not Commons CSV here: Commons CSV makes a String per field and a record per row, which
 * on 10 M rows costs several seconds and most of the allocation of the whole scoring run (the
 * numbers are in docs/benchmarks.md). This scanner splits the file at line breaks into ranges of a
 * few MB, reads each into a byte[] and parses the bytes straight into primitive columns, ranges in
 * parallel, and packs each id
 * into a long. It refuses anything outside its layout (a quote, a long id, an offset other than
 * Z) with the line number instead of guessing; {@code rapport score} keeps using Commons CSV for
 * arbitrary files.
 */
final class FastTransactionScanner {

    /**
     * @param columns      transactions, customer = dense index in order of first appearance
     * @param customerKeys per customer index, the id packed by {@link #pack}; decode with {@link #id}
     */
    record Result(TransactionColumns columns, long[] customerKeys, long rows) {
        int customerCount() {
            return customerKeys.length;
        }
    }

    private FastTransactionScanner() {}

    static Result scan(Path file, String customerColumn, String dateColumn, String amountColumn) throws IOException {
        try (var channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long headerEnd = nextLine(channel, 0, size);
            if (headerEnd <= 0 || size == 0) {
                throw new FailureMessage.CommandFailure(file + " is empty: expected a header row and transactions");
            }
            var header = List.of(new String(read(channel, 0, (int) headerEnd), StandardCharsets.UTF_8).strip().split(",", -1));
            int customerAt = column(file, header, customerColumn);
            int dateAt = column(file, header, dateColumn);
            int amountAt = column(file, header, amountColumn);

            // Ranges of ~4 MB, at least two per core, each read into a byte[] and parsed there.
            int parts = (int) Math.max(Math.min(2L * Runtime.getRuntime().availableProcessors(), Math.max(1, size >> 20)),
                    (size >> 22) + 1);
            long[] bounds = new long[parts + 1];
            bounds[0] = headerEnd;
            for (int p = 1; p < parts; p++) {
                bounds[p] = Math.max(bounds[p - 1], nextLine(channel, headerEnd + (size - headerEnd) * p / parts, size));
            }
            bounds[parts] = size;
            Part[] results = IntStream.range(0, parts).parallel()
                    .mapToObj(p -> new Part(file, read(channel, bounds[p], (int) (bounds[p + 1] - bounds[p])),
                            bounds[p], customerAt, dateAt, amountAt, header.size()))
                    .toArray(Part[]::new);
            return merge(file, results);
        }
    }

    /** Positional reads: FileChannel allows them from several threads at once. */
    private static byte[] read(FileChannel channel, long position, int length) {
        byte[] bytes = new byte[length];
        var buffer = ByteBuffer.wrap(bytes);
        try {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new IOException("file shrank while being read");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes;
    }

    /** Offset just after the next '\n' at or after {@code from}, or {@code size}. */
    private static long nextLine(FileChannel channel, long from, long size) {
        for (long at = from; at < size; at += 4096) {
            byte[] block = read(channel, at, (int) Math.min(4096, size - at));
            for (int i = 0; i < block.length; i++) {
                if (block[i] == '\n') {
                    return at + i + 1;
                }
            }
        }
        return size;
    }

    private static int column(Path file, List<String> header, String name) {
        int at = header.indexOf(name);
        if (at < 0) {
            throw new FailureMessage.CommandFailure(file + ": no column '" + name + "'; the header has: " + String.join(", ", header));
        }
        return at;
    }

    /** One range of lines parsed into growable primitive columns. */
    private static final class Part {
        long[] keys = new long[1 << 16];
        long[] days = new long[1 << 16];
        double[] amounts = new double[1 << 16];
        int rows;

        private final Path file;
        private final byte[] data;
        private final long offset;
        private final int customerAt;
        private final int dateAt;
        private final int amountAt;
        private final int columns;

        Part(Path file, byte[] data, long offset, int customerAt, int dateAt, int amountAt, int columns) {
            this.file = file;
            this.data = data;
            this.offset = offset;
            this.customerAt = customerAt;
            this.dateAt = dateAt;
            this.amountAt = amountAt;
            this.columns = columns;
            int pos = 0;
            while (pos < data.length) {
                pos = line(pos);
            }
        }

        // The previous line's date field: the lines of one order share it, so most dates are not parsed again.
        private int lastDateStart = -1;
        private int lastDateLength;
        private long lastDay;

        /** Whether the date field from … to equals the previous line's, byte for byte. */
        private boolean sameDateAsBefore(int from, int to) {
            int n = to - from;
            if (lastDateStart < 0 || n != lastDateLength) {
                return false;
            }
            return Arrays.equals(data, from, to, data, lastDateStart, lastDateStart + n);
        }

        /** Parses the line starting at {@code pos} (small, so the JIT compiles it early); returns the next line's start. */
        private int line(int pos) {
            int to = data.length;
            byte first = data[pos];
            if (first == '\n' || first == '\r') {
                return pos + 1; // empty line
            }
            int lineStart = pos;
            int field = 0;
            int fieldStart = pos;
            long key = 0;
            long day = Long.MIN_VALUE;
            double amount = Double.NaN;
            while (true) {
                byte b = pos < to ? data[pos] : (byte) '\n';
                if (b == ',' || b == '\n' || b == '\r') {
                    if (field == customerAt) {
                        key = pack(file, data, offset, lineStart, fieldStart, pos);
                    } else if (field == dateAt) {
                        day = sameDateAsBefore(fieldStart, pos) ? lastDay
                                : epochDay(file, data, offset, lineStart, fieldStart, pos);
                        lastDateStart = fieldStart;
                        lastDateLength = pos - fieldStart;
                        lastDay = day;
                    } else if (field == amountAt) {
                        amount = decimal(file, data, offset, lineStart, fieldStart, pos);
                    }
                    field++;
                    fieldStart = pos + 1;
                    if (b != ',') {
                        pos++;
                        if (b == '\r' && pos < to && data[pos] == '\n') {
                            pos++;
                        }
                        break;
                    }
                } else if (b == '"') {
                    throw failure(file, offset + lineStart, "a quoted field; the fast scanner reads only unquoted CSV (use the general parser)");
                }
                pos++;
            }
            if (field != columns) {
                throw failure(file, offset + lineStart, field + " fields, the header has " + columns);
            }
            if (rows == keys.length) {
                keys = Arrays.copyOf(keys, rows * 2);
                days = Arrays.copyOf(days, rows * 2);
                amounts = Arrays.copyOf(amounts, rows * 2);
            }
            keys[rows] = key;
            days[rows] = day;
            amounts[rows] = amount;
            rows++;
            return pos;
        }
    }

    /** The id's bytes, little-endian, in a long; ids hold no NUL byte, so different ids give different longs. */
    static long pack(Path file, byte[] data, long offset, int line, int from, int to) {
        int n = to - from;
        if (n == 0 || n > 8) {
            throw failure(file, offset + line, n == 0 ? "a blank customer id" : "a customer id longer than 8 bytes");
        }
        long key = 0;
        for (int i = 0; i < n; i++) {
            key |= (data[from + i] & 0xFFL) << (8 * i);
        }
        return key;
    }

    static String id(long key) {
        var bytes = new byte[8];
        int n = 0;
        while (n < 8 && ((key >>> (8 * n)) & 0xFF) != 0) {
            bytes[n] = (byte) (key >>> (8 * n));
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    private static long epochDay(Path file, byte[] data, long offset, int line, int from, int to) {
        int n = to - from;
        boolean ok = n >= 10 && data[from + 4] == '-' && data[from + 7] == '-';
        if (ok && n > 10) {
            // A UTC instant (…Z) or a local date-time; any other offset would need the zone rules.
            byte t = data[from + 10];
            ok = t == 'T' || t == ' ';
            for (int i = from + 11; ok && i < to; i++) {
                byte b = data[i];
                ok = (b >= '0' && b <= '9') || b == ':' || b == '.' || (b == 'Z' && i == to - 1);
            }
        }
        int year = ok ? digits(data, from, 4) : -1;
        int month = ok ? digits(data, from + 5, 2) : -1;
        int dayOfMonth = ok ? digits(data, from + 8, 2) : -1;
        if (year < 0 || month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > lengthOfMonth(year, month)) {
            throw failure(file, offset + line, "'" + text(data, from, to) + "' is not yyyy-MM-dd or yyyy-MM-ddTHH:mm:ssZ");
        }
        return daysFromCivil(year, month, dayOfMonth);
    }

    private static int lengthOfMonth(int year, int month) {
        return month == 2 ? (java.time.Year.isLeap(year) ? 29 : 28) : month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    private static int digits(byte[] data, int from, int count) {
        int v = 0;
        for (int i = 0; i < count; i++) {
            int d = data[from + i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level date algorithms"). */
    static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

    /**
     * [-]digits[.digits] with at most 15 significant digits: mantissa and power of ten are exact
     * doubles, so their quotient is the correctly rounded value, the same as Double.parseDouble.
     */
    private static double decimal(Path file, byte[] data, long offset, int line, int from, int to) {
        int i = from;
        boolean negative = i < to && data[i] == '-';
        if (negative) {
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int fraction = -1;
        for (; i < to; i++) {
            byte b = data[i];
            if (b >= '0' && b <= '9') {
                mantissa = mantissa * 10 + (b - '0');
                digits++;
                if (fraction >= 0) {
                    fraction++;
                }
            } else if (b == '.' && fraction < 0) {
                fraction = 0;
            } else {
                digits = 99;
                break;
            }
        }
        if (digits == 0 || digits > 15) {
            throw failure(file, offset + line, "'" + text(data, from, to) + "' is not a plain decimal amount");
        }
        double v = fraction > 0 ? mantissa / POW10[fraction] : mantissa;
        return negative ? -v : v;
    }

    private static String text(byte[] data, int from, int to) {
        return new String(data, from, Math.min(to - from, 64), StandardCharsets.UTF_8);
    }

    /** The line number is counted only when there is an error to report. */
    private static FailureMessage.CommandFailure failure(Path file, long lineStartInFile, String problem) {
        long line = 1;
        try (var channel = FileChannel.open(file, StandardOpenOption.READ)) {
            var buffer = java.nio.ByteBuffer.allocate(1 << 16);
            long position = 0;
            while (position < lineStartInFile) {
                buffer.clear();
                int read = channel.read(buffer, position);
                if (read <= 0) {
                    break;
                }
                for (int i = 0; i < read && position + i < lineStartInFile; i++) {
                    if (buffer.get(i) == '\n') {
                        line++;
                    }
                }
                position += read;
            }
        } catch (IOException e) {
            return new FailureMessage.CommandFailure(file + ": at byte " + lineStartInFile + ": " + problem);
        }
        return new FailureMessage.CommandFailure(file + ": line " + line + ": " + problem);
    }

    /** Concatenates the parts and gives customers dense indexes in order of first appearance. */
    private static Result merge(Path file, Part[] parts) {
        long total = 0;
        for (var p : parts) {
            total += p.rows;
        }
        if (total == 0) {
            throw new FailureMessage.CommandFailure(file + " has no transactions");
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new FailureMessage.CommandFailure(file + " has more than 2^31 rows");
        }
        int n = (int) total;
        int[] customer = new int[n];
        long[] day = new long[n];
        double[] amount = new double[n];
        var index = new LongIndex(1 << 16);
        int at = 0;
        long lastKey = 0;
        int lastIndex = -1;
        for (var p : parts) {
            System.arraycopy(p.days, 0, day, at, p.rows);
            System.arraycopy(p.amounts, 0, amount, at, p.rows);
            for (int i = 0; i < p.rows; i++) {
                long key = p.keys[i];
                if (key != lastKey) {
                    // Rows of a customer usually come together: most rows skip the hash lookup.
                    lastKey = key;
                    lastIndex = index.indexOf(key);
                }
                customer[at + i] = lastIndex;
            }
            at += p.rows;
            p.keys = null;
            p.days = null;
            p.amounts = null;
        }
        return new Result(new TransactionColumns(customer, day, amount), index.keys(), total);
    }

    /** Open-addressing map from a non-zero long key to a dense index (0, 1, 2, … in order of first sight). */
    static final class LongIndex {
        private long[] table;
        private int[] values;
        private long[] byIndex = new long[1 << 16];
        private int size;

        LongIndex(int capacity) {
            table = new long[Integer.highestOneBit(Math.max(16, capacity) * 2)];
            values = new int[table.length];
        }

        int indexOf(long key) {
            int mask = table.length - 1;
            int slot = mix(key) & mask;
            while (table[slot] != 0) {
                if (table[slot] == key) {
                    return values[slot];
                }
                slot = (slot + 1) & mask;
            }
            table[slot] = key;
            values[slot] = size;
            if (size == byIndex.length) {
                byIndex = Arrays.copyOf(byIndex, size * 2);
            }
            byIndex[size] = key;
            int index = size++;
            if (size * 2 > table.length) {
                grow();
            }
            return index;
        }

        long[] keys() {
            return Arrays.copyOf(byIndex, size);
        }

        private void grow() {
            long[] oldTable = table;
            int[] oldValues = values;
            table = new long[oldTable.length * 2];
            values = new int[table.length];
            int mask = table.length - 1;
            for (int i = 0; i < oldTable.length; i++) {
                if (oldTable[i] != 0) {
                    int slot = mix(oldTable[i]) & mask;
                    while (table[slot] != 0) {
                        slot = (slot + 1) & mask;
                    }
                    table[slot] = oldTable[i];
                    values[slot] = oldValues[i];
                }
            }
        }

        private static int mix(long key) {
            long z = key * 0x9E3779B97F4A7C15L;
            return (int) (z ^ (z >>> 32));
        }
    }
}
