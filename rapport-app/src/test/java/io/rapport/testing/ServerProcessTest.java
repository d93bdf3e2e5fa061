package io.rapport.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test that runs Rapport as a separate {@link ServerProcess} (to kill it with {@code kill -9} and start it again)
 * over a database that outlives it; subclasses say which database and assert on it with {@link #count}.
 */
public abstract class ServerProcessTest {

    protected static final String PASSWORD = "kill-test-password";

    @TempDir
    protected Path dir;

    private ServerProcess.Database database;

    /** The database the server processes share (counted from the test). */
    protected abstract ServerProcess.Database database(Path dir);

    protected static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Starts a server on the port over this test's database, with these settings beside the common ones. */
    protected Process start(int port, String... settings) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "io.rapport.RapportApplication",
                "--server.port=" + port, "--rapport.admin.password=" + PASSWORD,
                "--rapport.upload-dir=" + dir.resolve("uploads"), "--logging.level.root=warn"));
        command.addAll(List.of(settings));
        command.addAll(database().arguments());
        return ServerProcess.start(command, dir, port);
    }

    protected long count(String sql) throws Exception {
        return database().count(sql);
    }

    private ServerProcess.Database database() {
        if (database == null) {
            database = database(dir);
        }
        return database;
    }

    @AfterEach
    void drop() throws Exception {
        if (database != null) {
            database.drop();
        }
    }
}
