package io.rapport.customer;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Staff find a customer by name, phone, email or member number, exactly or by prefix, one page at a time. */
abstract class CustomerSearchTests extends ServerTest {

    static final String CUSTOMERS = "customer_id,member_no,name,gender,birthday,city,email,phone,registered_at,time_zone\n";

    private void customers() {
        int n = Math.abs(source.hashCode()) % 9000 + 1000;
        importFile("customers", "native", "c.csv", (CUSTOMERS
                + "Q1," + source + "-M001,Chen Jing,F,,Shenzhen,chen.jing." + source + "@example.com,1370000" + n + ",,\n"
                + "Q2," + source + "-M002,Chen Jie,M,,Shenzhen,chen.jie." + source + "@example.com,1370001" + n + ",,\n"
                + "Q3," + source + "-X003,Liu Yang,M,,Wuhan,liu.yang." + source + "@example.com,,,\n")
                .getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode search(String q) {
        return admin().get("/api/v1/customers?q=" + java.net.URLEncoder.encode(q, StandardCharsets.UTF_8)).json();
    }

    @Test
    void should_find_by_exact_email_member_number_and_phone_as_typed() {
        customers();
        assertThat(search("CHEN.JING." + source + "@example.com").get("hits")).hasSize(1);
        assertThat(search(source + "-M002").get("hits")).hasSize(1);
        int n = Math.abs(source.hashCode()) % 9000 + 1000;
        assertThat(search("137 0000 " + n).get("hits")).as("national format, spaces").hasSize(1);
        assertThat(search("+86 1370000" + n).get("hits")).hasSize(1);
    }

    @Test
    void should_find_by_prefix_when_the_query_ends_with_a_star() {
        customers();
        assertThat(search(source + "-M*").get("hits")).hasSize(2);
        assertThat(search("chen.j*").get("hits").size()).isGreaterThanOrEqualTo(2);
        assertThat(search(source + "-M").get("hits")).as("without a star, member numbers match exactly").isEmpty();
    }

    @Test
    void should_page_through_results() {
        customers();
        JsonNode first = admin().get("/api/v1/customers?q=" + source + "-*&size=2&page=0").json();
        assertThat(first.get("hits")).hasSize(2);
        assertThat(first.get("hasMore").asBoolean()).isTrue();
        JsonNode second = admin().get("/api/v1/customers?q=" + source + "-*&size=2&page=1").json();
        assertThat(second.get("hits")).hasSize(1);
        assertThat(second.get("hasMore").asBoolean()).isFalse();
    }
}

@OnH2
class CustomerSearchOnH2Test extends CustomerSearchTests {}

@OnPostgres
class CustomerSearchOnPostgresTest extends CustomerSearchTests {}
