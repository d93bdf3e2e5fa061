package io.rapport.ingest;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;

/** Sends a job's error report as a CSV attachment; the API and the console offer the same download. */
public final class ErrorReportDownload {

    private ErrorReportDownload() {}

    public static void send(ImportJobs jobs, long id, HttpServletResponse response) throws IOException {
        jobs.find(id);
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"import-" + id + "-errors.csv\"");
        var writer = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
        jobs.writeErrorReport(id, writer);
        writer.flush();
    }
}
