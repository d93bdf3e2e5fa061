package io.rapport.ingest;

import java.io.FilterReader;
import java.io.IOException;
import java.io.Reader;

/**
 * Stops a file from making the importer buffer without limit: if more than {@code limit} characters pass without
 * a row completing (an unclosed quote, a missing line break in a 500 MB file), reading fails with a clear message
 * instead of exhausting the heap. The importer calls {@link #rowDone()} after every row.
 */
final class BoundedRecordReader extends FilterReader {

    private final long limit;
    private long sinceRow;

    BoundedRecordReader(Reader in, long limit) {
        super(in);
        this.limit = limit;
    }

    void rowDone() {
        sinceRow = 0;
    }

    @Override
    public int read() throws IOException {
        int c = super.read();
        if (c >= 0) {
            count(1);
        }
        return c;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) throws IOException {
        sinceRow += n;
        if (sinceRow > limit) {
            throw new RowTooLongException(limit);
        }
    }

    /** One row is longer than the limit. */
    static final class RowTooLongException extends IOException {
        RowTooLongException(long limit) {
            super("a single row is longer than " + limit / (1024 * 1024)
                    + " MB (an unclosed quote or a missing line break?)");
        }
    }
}
