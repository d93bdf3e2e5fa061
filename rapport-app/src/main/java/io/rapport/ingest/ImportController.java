package io.rapport.ingest;

import io.rapport.platform.RapportException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.ObjectMapper;

/** File imports: upload (multipart), follow progress, download the error report. */
@RestController
@PreAuthorize("hasAnyRole('ADMIN','MARKETER')")
class ImportController {

    private final ImportJobs jobs;
    private final ObjectMapper json;

    ImportController(ImportJobs jobs, ObjectMapper json) {
        this.jobs = jobs;
        this.json = json;
    }

    /**
     * Starts an import. {@code kind}: customers, products, stores, orders, events; {@code preset}: native (default)
     * or uci-online-retail; {@code source} scopes the records' ids (idempotency key); {@code mapping} optionally
     * renames columns, as JSON {@code {"order_id":"Invoice"}} (Rapport field → file column).
     */
    @PostMapping(path = "/api/v1/imports", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<ImportJobs.Job> upload(@RequestParam("file") MultipartFile file, @RequestParam String kind,
                                          @RequestParam(defaultValue = "native") String preset,
                                          @RequestParam(defaultValue = "import") String source,
                                          @RequestParam(required = false) String mapping,
                                          @RequestParam(defaultValue = "false") boolean wait,
                                          Authentication caller) throws IOException {
        Map<String, String> columns = parseMapping(mapping);
        ImportJobs.Job job = wait
                ? jobs.runNow(kind, preset, source, file.getOriginalFilename(), file.getInputStream(), columns,
                        caller.getName())
                : jobs.submit(kind, preset, source, file.getOriginalFilename(), file.getInputStream(), columns,
                        caller.getName());
        return ResponseEntity.status(wait ? HttpStatus.OK : HttpStatus.ACCEPTED).body(job);
    }

    private Map<String, String> parseMapping(String mapping) {
        if (mapping == null || mapping.isBlank()) {
            return Map.of();
        }
        try {
            return json.readValue(mapping, new TypeReference<Map<String, String>>() {});
        } catch (JacksonException e) {
            throw RapportException.badRequest("invalid-mapping", "mapping",
                    "mapping must be a JSON object of Rapport field to file column: " + e.getOriginalMessage());
        }
    }

    @GetMapping("/api/v1/imports")
    List<ImportJobs.Job> recent(@RequestParam(defaultValue = "50") int limit) {
        return jobs.recent(Math.min(Math.max(limit, 1), 500));
    }

    @GetMapping("/api/v1/imports/{id}")
    ImportJobs.Job job(@PathVariable long id) {
        return jobs.find(id);
    }

    @GetMapping("/api/v1/imports/{id}/errors")
    List<ImportJobs.RowError> errors(@PathVariable long id, @RequestParam(defaultValue = "1000") int limit) {
        return jobs.errors(id, Math.min(Math.max(limit, 1), ImportJobs.MAX_STORED_ERRORS));
    }

    @GetMapping(path = "/api/v1/imports/{id}/errors.csv", produces = "text/csv")
    void errorReport(@PathVariable long id, HttpServletResponse response) throws IOException {
        ErrorReportDownload.send(jobs, id, response);
    }
}
