package io.rapport.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Uploads a file to a running server as an import job, follows its progress and prints the final counts. The file
 * is streamed from disk, so its size does not matter. Exit code 0 when the job is done (even with rejected rows,
 * which are listed in the error report), 1 when it failed or stopped early.
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Import a file into a running Rapport server and follow the job.")
final class ImportCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Mixin
    private ServerConnection server;

    @Parameters(paramLabel = "FILE", description = "CSV (or JSON lines for events); .gz accepted.")
    private Path file;

    @Option(names = "--kind", required = true, paramLabel = "KIND",
            description = "customers, products, stores, orders or events.")
    private String kind;

    @Option(names = "--preset", defaultValue = "native", paramLabel = "PRESET",
            description = "native (default) or uci-online-retail.")
    private String preset;

    @Option(names = "--source", defaultValue = "import", paramLabel = "SRC",
            description = "Source that scopes the records' ids (the idempotency key); default ${DEFAULT-VALUE}.")
    private String source;

    @Option(names = "--mapping", paramLabel = "JSON",
            description = "Column mapping, Rapport field to file column, e.g. '{\"order_id\":\"Invoice\"}'.")
    private String mapping;

    @Option(names = {"-q", "--quiet"}, description = "Do not show progress on standard error.")
    private boolean quiet;

    @Override
    public Integer call() throws Exception {
        server.validate(spec.commandLine());
        if (!Files.isRegularFile(file)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "No such file: " + file);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> submitted = http.send(upload(), HttpResponse.BodyHandlers.ofString());
            if (submitted.statusCode() != 202 && submitted.statusCode() != 200) {
                err.println("rapport: the server refused the import (" + submitted.statusCode() + "): "
                        + text(submitted.body(), "detail"));
                err.flush();
                return 1;
            }
            JsonNode job = JSON.readTree(submitted.body());
            long id = job.get("id").asLong();
            ProgressMeter progress = new ProgressMeter(err, !quiet, ProgressMeter.onTerminal(),
                    "importing " + file.getFileName(), true);
            while (!List.of("done", "failed", "incomplete").contains(job.get("status").asString())) {
                progress.update(job.get("bytesRead").asLong(), job.get("bytesTotal").asLong());
                Thread.sleep(500);
                HttpResponse<String> poll = http.send(server.request("/api/v1/imports/" + id).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (poll.statusCode() != 200) {
                    err.println("rapport: could not follow job " + id + " (" + poll.statusCode() + ")");
                    return 1;
                }
                job = JSON.readTree(poll.body());
            }
            progress.update(job.get("bytesTotal").asLong(), job.get("bytesTotal").asLong());
            String status = job.get("status").asString();
            out.printf("job %d %s: read %d, accepted %d (%d anonymous), duplicates %d, rejected %d%n", id, status,
                    job.get("rowsRead").asLong(), job.get("accepted").asLong(), job.get("anonymous").asLong(),
                    job.get("duplicates").asLong(), job.get("rejected").asLong());
            if (job.hasNonNull("failure")) {
                out.println("  " + job.get("failure").asString());
            }
            if (job.get("rejected").asLong() > 0) {
                out.println("  error report: " + server.url.replaceAll("/+$", "") + "/api/v1/imports/" + id
                        + "/errors.csv");
            }
            out.flush();
            return "done".equals(status) ? 0 : 1;
        } catch (ConnectException e) {
            err.println("rapport: no Rapport server answers at " + server.url);
            err.flush();
            return 1;
        }
    }

    private HttpRequest upload() throws IOException {
        String boundary = "rapport-" + UUID.randomUUID();
        StringBuilder fields = new StringBuilder();
        field(fields, boundary, "kind", kind);
        field(fields, boundary, "preset", preset);
        field(fields, boundary, "source", source);
        if (mapping != null) {
            field(fields, boundary, "mapping", mapping);
        }
        fields.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"")
                .append(file.getFileName()).append("\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        return server.request("/api/v1/imports")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofString(fields.toString(), StandardCharsets.UTF_8),
                        HttpRequest.BodyPublishers.ofFile(file),
                        HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n", StandardCharsets.UTF_8)))
                .build();
    }

    /** A field of a JSON (problem details) body, or the body itself when it is not JSON. */
    private static String text(String body, String field) {
        try {
            JsonNode node = JSON.readTree(body);
            return node.hasNonNull(field) ? node.get(field).asString() : body;
        } catch (tools.jackson.core.JacksonException notJson) {
            return body;
        }
    }

    private static void field(StringBuilder body, String boundary, String name, String value) {
        body.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(name)
                .append("\"\r\n\r\n").append(value).append("\r\n");
    }
}
