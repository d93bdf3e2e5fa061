package io.rapport.cli;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Where a running Rapport server is and how to authenticate to it: an API key or a user's password. */
final class ServerConnection {

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${RAPPORT_URL:-http://localhost:8080}",
            description = "Server address (default: $RAPPORT_URL or ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${RAPPORT_API_KEY}",
            description = "API key, sent as X-API-Key (default: $RAPPORT_API_KEY).")
    String apiKey;

    @Option(names = "--user", paramLabel = "USER", description = "User for HTTP Basic authentication (with --password).")
    String user;

    @Option(names = "--password", paramLabel = "P", defaultValue = "${RAPPORT_PASSWORD}",
            description = "Password of --user (default: $RAPPORT_PASSWORD).")
    String password;

    /** Checks the options; a usage error names what is missing. */
    void validate(CommandLine commandLine) {
        if ((apiKey == null || apiKey.isBlank()) && (user == null || password == null)) {
            throw new CommandLine.ParameterException(commandLine,
                    "Say how to sign in: --api-key KEY (or $RAPPORT_API_KEY), or --user USER --password P");
        }
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(commandLine, "--url '" + url + "' is not an http(s) address");
        }
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path));
        if (apiKey != null && !apiKey.isBlank()) {
            builder.header("X-API-Key", apiKey);
        } else {
            builder.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return builder;
    }
}
