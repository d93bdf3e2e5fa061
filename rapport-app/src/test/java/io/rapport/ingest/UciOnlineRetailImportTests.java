package io.rapport.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import io.rapport.testing.SharedData;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The full UCI Online Retail log (Chen, Sain &amp; Guo 2012) through the built-in preset reproduces the published
 * figures: 541,909 rows, 25,900 invoices (3,836 of them cancellations, 9,288 cancellation rows), 4,372 customers and
 * 135,080 rows without a customer; importing it again adds nothing.
 */
abstract class UciOnlineRetailImportTests extends ServerTest {

    @Test
    void should_reproduce_the_published_counts_and_add_nothing_on_a_second_import() throws Exception {
        byte[] file = Files.readAllBytes(SharedData.file("online_retail_full.csv.gz"));
        JsonNode job = importFile("orders", "uci-online-retail", "online_retail_full.csv.gz", file).json();
        assertThat(job.get("status").asString()).isEqualTo("done");
        assertThat(job.get("rowsRead").asLong()).isEqualTo(541_909);
        assertThat(job.get("rejected").asLong()).isZero();
        assertThat(job.get("accepted").asLong()).isEqualTo(541_909);
        assertThat(job.get("anonymous").asLong()).isEqualTo(135_080);

        assertThat(db.fetchCount(db.selectFrom("ingest_order").where("source = ?", source))).isEqualTo(25_900);
        assertThat(db.fetchCount(db.selectFrom("ingest_order").where("source = ? and kind = 'cancellation'", source)))
                .isEqualTo(3_836);
        assertThat(db.fetchValue("""
                select count(*) from ingest_order_line l join ingest_order o on o.id = l.order_id
                where o.source = ? and o.kind = 'cancellation'""", source)).isEqualTo(9_288L);
        assertThat(db.fetchValue("""
                select count(*) from customer_identity i join customer_profile p on p.id = i.customer_id
                where i.kind = 'EXTERNAL' and i.namespace = ? and p.status = 'active'""", source)).isEqualTo(4_372L);

        JsonNode again = importFile("orders", "uci-online-retail", "online_retail_full.csv.gz", file).json();
        assertThat(again.get("accepted").asLong()).isZero();
        assertThat(again.get("duplicates").asLong()).isEqualTo(541_909);
        assertThat(db.fetchCount(db.selectFrom("ingest_order_line").where("source = ?", source))).isEqualTo(541_909);
    }
}

@OnH2
class UciOnlineRetailImportOnH2Test extends UciOnlineRetailImportTests {}

@OnPostgres
class UciOnlineRetailImportOnPostgresTest extends UciOnlineRetailImportTests {}
