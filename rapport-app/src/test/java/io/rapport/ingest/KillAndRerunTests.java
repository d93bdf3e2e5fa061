package io.rapport.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.PostgresAvailable;
import io.rapport.testing.ServerProcess;
import io.rapport.testing.ServerProcessTest;
import io.rapport.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

/**
 * A real server process is killed with SIGKILL in the middle of importing the first six months of UCI Online Retail
 * (209,029 rows, 10,783 invoices, 2,767 customers); the restarted server resumes the job by itself, and in the end
 * every row is stored exactly once.
 */
abstract class KillAndRerunTests extends ServerProcessTest {

    @Test
    void should_lose_no_accepted_row_and_count_none_twice_when_the_server_is_killed_mid_import() throws Exception {
        int port = freePort();
        Process server = start(port);
        long job;
        try {
            Http admin = Http.basic(port, "admin", PASSWORD);
            byte[] file = Files.readAllBytes(SharedData.file("online_retail_2010-12_to_2011-05.csv"));
            var submitted = admin.postFile("/api/v1/imports", "retail.csv", file,
                    Map.of("kind", "orders", "preset", "uci-online-retail", "source", "uci"));
            assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
            job = submitted.json().get("id").asLong();
            JsonNode progress = admin.get("/api/v1/imports/" + job).json();
            for (int i = 0; i < 3000 && progress.get("rowsRead").asLong() < 20_000; i++) {
                Thread.sleep(100);
                progress = admin.get("/api/v1/imports/" + job).json();
            }
            assertThat(progress.get("status").asString()).as("killed while running").isEqualTo("running");
        } finally {
            server.destroyForcibly().waitFor();
        }

        Process restarted = start(port);
        try {
            Http admin = Http.basic(port, "admin", PASSWORD);
            JsonNode result = admin.get("/api/v1/imports/" + job).json();
            for (int i = 0; i < 6000 && !List.of("done", "failed", "incomplete").contains(result.get("status").asString()); i++) {
                Thread.sleep(100);
                result = admin.get("/api/v1/imports/" + job).json();
            }
            assertThat(result.get("status").asString()).isEqualTo("done");
            assertThat(result.get("accepted").asLong() + result.get("duplicates").asLong()).isEqualTo(209_029);
            assertThat(result.get("duplicates").asLong()).as("rows committed before the kill").isPositive();
        } finally {
            restarted.destroy();
            restarted.waitFor();
        }
        assertThat(count("select count(*) from ingest_order_line where source = 'uci'")).isEqualTo(209_029);
        assertThat(count("select count(*) from ingest_order where source = 'uci'")).isEqualTo(10_783);
        assertThat(count("select count(*) from customer_profile where status = 'active'")).isEqualTo(2_767);
        assertThat(count("select sum(order_count) from customer_summary"))
                .isEqualTo(count("select count(*) from ingest_order where kind = 'sale' and customer_id is not null"));
    }

    private Process start(int port) throws IOException, InterruptedException {
        return start(port, "--rapport.currency=GBP");
    }
}

class KillAndRerunOnH2Test extends KillAndRerunTests {

    @Override
    protected ServerProcess.Database database(Path dir) {
        return ServerProcess.Database.h2(dir);
    }
}

@ExtendWith(PostgresAvailable.class)
class KillAndRerunOnPostgresTest extends KillAndRerunTests {

    @Override
    protected ServerProcess.Database database(Path dir) {
        return ServerProcess.Database.postgres("rapport_kill");
    }
}
