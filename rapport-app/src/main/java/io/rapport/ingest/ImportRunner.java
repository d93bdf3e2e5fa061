package io.rapport.ingest;

import io.rapport.ingest.IngestRecords.Outcome;
import io.rapport.platform.RapportProperties;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Streams one stored file through mapping, validation and the pipeline, chunk by chunk. Memory stays bounded by the
 * chunk size whatever the file size. Bad rows are reported (row, field, value, reason) and skipped; good rows beside
 * them are stored. A structural problem that makes the rest unreadable stops the job as {@code incomplete}, keeping
 * everything before it.
 */
@Component
class ImportRunner {

    /** Rows longer than this are a broken file, not data. */
    static final long MAX_ROW_CHARS = 32L * 1024 * 1024;

    private final RecordMappers mappers;
    private final ChunkWriter writer;
    private final RapportProperties properties;
    private final ObjectMapper json;

    ImportRunner(RecordMappers mappers, ChunkWriter writer, RapportProperties properties, ObjectMapper json) {
        this.mappers = mappers;
        this.writer = writer;
        this.properties = properties;
        this.json = json;
    }

    /** Where the runner reports to: progress after every chunk, and problems as they are found. */
    interface Progress {
        void chunk(long bytesRead, long rowsRead, Map<Outcome, Integer> outcomes, int rejected);

        void problem(long row, String field, String value, String reason);
    }

    /** How a run ended. */
    record Result(String status, String failure) {}

    /** Thrown for a file Rapport cannot read at all: nothing is imported. */
    static final class UnreadableFile extends RuntimeException {
        UnreadableFile(String message) {
            super(message);
        }
    }

    Result run(ImportFormat format, String source, Path file, Map<String, String> columnMapping, Progress progress)
            throws IOException {
        if (Files.size(file) == 0) {
            return new Result("failed", "The file is empty");
        }
        try (CountingInputStream counting = new CountingInputStream(Files.newInputStream(file));
             InputStream raw = new BufferedInputStream(counting, 1 << 16)) {
            InputStream content = decompressed(raw);
            String problem = binaryContent(content);
            if (problem != null) {
                return new Result("failed", problem);
            }
            var decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
            BoundedRecordReader reader = new BoundedRecordReader(
                    new BufferedReader(new InputStreamReader(content, decoder), 1 << 16), MAX_ROW_CHARS);
            Batch batch = new Batch(format, counting, progress);
            try {
                if (format.jsonLines()) {
                    jsonLines(format, source, reader, batch);
                } else {
                    csv(format, source, reader, columnMapping, batch);
                }
            } catch (UnreadableFile e) {
                batch.flush();
                return new Result("failed", e.getMessage());
            } catch (UncheckedIOException | IOException e) {
                batch.flush();
                IOException cause = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
                String message = cause instanceof BoundedRecordReader.RowTooLongException ? cause.getMessage()
                        : "malformed CSV: " + rootMessage(cause);
                progress.problem(batch.rows + 1, null, null, message + "; the rest of the file could not be read");
                batch.rejectedRest();
                return new Result("incomplete", "Row " + (batch.rows + 1) + ": " + message);
            }
            batch.flush();
            if (batch.rows == 0) {
                return new Result("failed", format.jsonLines() ? "The file has no data rows, only blank lines"
                        : "The file has a header but no data rows");
            }
            return new Result("done", null);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static InputStream decompressed(InputStream raw) throws IOException {
        raw.mark(2);
        int b1 = raw.read();
        int b2 = raw.read();
        raw.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        }
        return raw;
    }

    /** Rejects files that are obviously not text (spreadsheets, archives, images) before reading a single row. */
    private static String binaryContent(InputStream content) throws IOException {
        content.mark(8192);
        byte[] head = content.readNBytes(8192);
        content.reset();
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return "The file is a ZIP archive (an .xlsx workbook?), not CSV text: export it as CSV (UTF-8)";
        }
        if (head.length >= 4 && head[0] == '%' && head[1] == 'P' && head[2] == 'D' && head[3] == 'F') {
            return "The file is a PDF document, not CSV text";
        }
        if (head.length >= 8 && head[0] == (byte) 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G'
                || head.length >= 3 && head[0] == (byte) 0xFF && head[1] == (byte) 0xD8 && head[2] == (byte) 0xFF
                || head.length >= 4 && head[0] == 'G' && head[1] == 'I' && head[2] == 'F' && head[3] == '8') {
            return "The file is an image (PNG, JPEG or GIF), not CSV text";
        }
        if (head.length >= 2 && (head[0] == (byte) 0xFF && head[1] == (byte) 0xFE
                || head[0] == (byte) 0xFE && head[1] == (byte) 0xFF)) {
            return "The file is UTF-16 encoded; save it as UTF-8";
        }
        for (byte b : head) {
            if (b == 0) {
                return "The file contains binary data (NUL bytes), not CSV text";
            }
        }
        return null;
    }

    private void csv(ImportFormat format, String source, BoundedRecordReader reader, Map<String, String> mapping,
                     Batch batch) throws IOException {
        CSVFormat csvFormat = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .setIgnoreEmptyLines(true).setAllowMissingColumnNames(true).setTrim(false).get();
        try (CSVParser parser = CSVParser.builder().setReader(reader).setFormat(csvFormat).get()) {
            List<String> header = parser.getHeaderNames().stream().map(h -> h.replace("\uFEFF", "").strip()).toList();
            Map<String, String> targetForColumn = new HashMap<>();
            for (String column : header) {
                targetForColumn.put(column, column);
            }
            mapping.forEach((target, column) -> targetForColumn.put(column, target));
            List<String> targets = header.stream().map(targetForColumn::get).toList();
            List<String> missing = format.requiredColumns.stream().filter(c -> !targets.contains(c)).toList();
            if (header.isEmpty() || !missing.isEmpty()) {
                throw new UnreadableFile("The header lacks column(s) " + missing + "; it has " + header
                        + (format.preset.equals("native") ? " (see docs/import-format.md, or map columns)" : ""));
            }
            var uci = format == ImportFormat.ORDERS_UCI ? new RecordMappers.UciOnlineRetail(mappers) : null;
            int maxField = properties.ingest().maxFieldLength();
            Iterator<CSVRecord> records = parser.iterator();
            while (records.hasNext()) {
                CSVRecord record = records.next();
                reader.rowDone();
                long row = ++batch.rows;
                if (record.size() != header.size()) {
                    batch.reject(row, null, null, "row has " + record.size() + " fields; the header has "
                            + header.size());
                    continue;
                }
                Map<String, String> values = new LinkedHashMap<>();
                String problemField = null;
                for (int i = 0; i < header.size(); i++) {
                    String value = record.get(i);
                    if (value.length() > maxField) {
                        batch.reject(row, targets.get(i), value, "'" + targets.get(i) + "' is " + value.length()
                                + " characters long; the limit is " + maxField);
                        problemField = targets.get(i);
                        break;
                    }
                    if (value.indexOf('\uFFFD') >= 0) {
                        batch.reject(row, targets.get(i), value, "'" + targets.get(i)
                                + "' holds bytes that are not valid UTF-8 (was the file saved in another encoding?)");
                        problemField = targets.get(i);
                        break;
                    }
                    values.put(targets.get(i), value);
                }
                if (problemField != null) {
                    continue;
                }
                try {
                    batch.add(switch (format) {
                        case CUSTOMERS_NATIVE -> mappers.customer(row, source, values);
                        case PRODUCTS_NATIVE -> mappers.product(row, values);
                        case STORES_NATIVE -> mappers.store(row, values);
                        case ORDERS_NATIVE -> mappers.orderLine(row, source, values);
                        case ORDERS_UCI -> uci.orderLine(row, source, values);
                        case EVENTS_NATIVE -> throw new IllegalStateException("events are JSON lines");
                    });
                } catch (RowProblem p) {
                    batch.reject(row, p.field(), p.value(), p.reason());
                }
            }
        }
    }

    private void jsonLines(ImportFormat format, String source, BoundedRecordReader reader, Batch batch)
            throws IOException {
        BufferedReader lines = new BufferedReader(reader, 1 << 16);
        String line;
        while ((line = lines.readLine()) != null) {
            reader.rowDone();
            if (line.isBlank()) {
                continue;
            }
            long row = ++batch.rows;
            if (row == 1 && line.charAt(0) == '\uFEFF') {
                line = line.substring(1); // a UTF-8 byte-order mark, as some editors write
            }
            if (line.length() > properties.ingest().maxFieldLength() * 4L) {
                batch.reject(row, null, null, "line is " + line.length() + " characters long; the limit is "
                        + properties.ingest().maxFieldLength() * 4L);
                continue;
            }
            try {
                JsonNode node;
                try {
                    node = json.readTree(line);
                } catch (JacksonException e) {
                    throw new RowProblem(null, line, "not valid JSON: " + e.getOriginalMessage());
                }
                batch.add(EventJson.read(node, row, source, false, mappers));
            } catch (RowProblem p) {
                batch.reject(row, p.field(), p.value(), p.reason());
            }
        }
    }

    /** Collects records into chunks and writes them; counts what happened. */
    private final class Batch {
        final ImportFormat format;
        final CountingInputStream counting;
        final Progress progress;
        final List<Object> records = new ArrayList<>();
        long rows;
        int rejectedInChunk;

        Batch(ImportFormat format, CountingInputStream counting, Progress progress) {
            this.format = format;
            this.counting = counting;
            this.progress = progress;
        }

        void add(Object record) {
            records.add(record);
            if (records.size() >= properties.ingest().chunkSize()) {
                flush();
            }
        }

        void reject(long row, String field, String value, String reason) {
            progress.problem(row, field, value, reason);
            rejectedInChunk++;
            if (rejectedInChunk >= properties.ingest().chunkSize()) {
                flush();
            }
        }

        void rejectedRest() {
            rejectedInChunk++;
            flush();
        }

        void flush() {
            Map<Outcome, Integer> counts = new java.util.EnumMap<>(Outcome.class);
            for (Outcome o : writer.write(format, records)) {
                counts.merge(o, 1, Integer::sum);
            }
            progress.chunk(counting.count(), rows, counts, rejectedInChunk);
            records.clear();
            rejectedInChunk = 0;
        }
    }
}
