package io.rapport.segment;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.Http;
import io.rapport.testing.ServerTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Test customers, orders and events for segment tests. Segments read every customer in the database, so segment test
 * classes get a database of their own, and each test keeps to its own customers: they live in a city named after the
 * test's source, and {@link #mine(String)} adds that city to a condition.
 */
@TestPropertySource(properties = "rapport.test.context=segment")
abstract class SegmentFixtures extends ServerTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final ZoneId BRAND = ZoneId.of("Asia/Shanghai");
    static final String ORDERS = "order_id,line_no,customer_id,email,phone,channel,store_code,ordered_at,sku,quantity,"
            + "unit_price,discount,coupon_code,currency,kind,original_order_id\n";

    int orderNo;
    int eventNo;

    /** Customers c0..c(n-1) of this test, in the test's own city. */
    void customers(int n) {
        StringBuilder csv = new StringBuilder("customer_id,member_no,name,gender,birthday,city,email,phone,registered_at\n");
        for (int i = 0; i < n; i++) {
            LocalDate birthday = LocalDate.of(1970 + i % 40, 1 + i % 12, 1 + i % 28);
            csv.append("c").append(i).append(",M").append(source).append(i).append(",Name ").append(i).append(',')
                    .append(i % 2 == 0 ? "F" : "M").append(',').append(birthday).append(',').append(source).append(',')
                    .append(email(i)).append(",,2024-01-0").append(1 + i % 9).append("T08:00:00Z\n");
        }
        JsonNode job = importFile("customers", "native", "customers.csv", csv.toString().getBytes(StandardCharsets.UTF_8))
                .json();
        assertThat(job.get("rejected").asLong()).as(job.toString()).isZero();
    }

    /** A customers file that sets the gender of c0..c(n-1), in order (their city stays this test's). */
    void genders(String... genders) {
        StringBuilder csv = new StringBuilder("customer_id,gender,city\n");
        for (int i = 0; i < genders.length; i++) {
            csv.append('c').append(i).append(',').append(genders[i]).append(',').append(source).append('\n');
        }
        JsonNode job = importFile("customers", "native", "customers.csv", csv.toString().getBytes(StandardCharsets.UTF_8))
                .json();
        assertThat(job.get("rejected").asLong()).as(job.toString()).isZero();
    }

    String email(int i) {
        return "c" + i + "." + source + "@example.com";
    }

    void products(String... skuAndCategory) {
        StringBuilder csv = new StringBuilder("sku,name,category,unit_price,currency\n");
        for (int i = 0; i < skuAndCategory.length; i += 2) {
            csv.append(skuAndCategory[i]).append(",P,").append(skuAndCategory[i + 1]).append(",100,CNY\n");
        }
        JsonNode job = importFile("products", "native", "products.csv", csv.toString().getBytes(StandardCharsets.UTF_8))
                .json();
        assertThat(job.get("rejected").asLong()).as(job.toString()).isZero();
    }

    /** One sale line for customer c{customer}, {@code daysAgo} days before now. */
    String orderLine(int customer, Instant at, String sku, int price, String coupon) {
        return source + "-o" + (orderNo++) + ",1,c" + customer + ",,,shop,," + at + "," + sku + ",1," + price + ","
                + (coupon.isEmpty() ? "0" : "10") + "," + coupon + ",CNY,sale,\n";
    }

    void orders(String lines) {
        JsonNode job = importFile("orders", "native", "orders.csv", (ORDERS + lines).getBytes(StandardCharsets.UTF_8))
                .json();
        assertThat(job.get("rejected").asLong()).as(job.toString()).isZero();
    }

    Map<String, Object> event(int customer, String type, Instant at, Map<String, Object> properties) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("external_id", source + "-e" + (eventNo++));
        event.put("source", source);
        event.put("customer_id", "c" + customer);
        event.put("type", type);
        event.put("occurred_at", at.toString());
        if (!properties.isEmpty()) {
            event.put("properties", properties);
        }
        return event;
    }

    void send(List<Map<String, Object>> events) {
        for (int from = 0; from < events.size(); from += 1000) {
            Http.Response response = admin().postJson("/api/v1/events", events.subList(from, Math.min(events.size(), from + 1000)));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.json().get("accepted").asInt()).as(response.body())
                    .isEqualTo(Math.min(events.size(), from + 1000) - from);
        }
    }

    static Instant daysAgo(double days) {
        return Instant.now().minus((long) (days * 24 * 60), ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);
    }

    /** The condition restricted to this test's customers. */
    JsonNode mine(String condition) {
        return JSON.readTree("{\"all\":[{\"field\":\"profile.city\",\"op\":\"eq\",\"value\":\"" + source + "\"},"
                + condition + "]}");
    }

    long count(String condition) {
        Http.Response response = admin().postJson("/api/v1/segments/preview", mine(condition).toString());
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("count").asLong();
    }

    JsonNode create(String name, JsonNode definition) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("definition", definition);
        Http.Response response = admin().postJson("/api/v1/segments", body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    long customerId(int i) {
        JsonNode hits = admin().get("/api/v1/customers?q=" + email(i)).json().get("hits");
        assertThat(hits).as("customer " + email(i)).hasSize(1);
        return hits.get(0).get("id").asLong();
    }

    List<Long> members(long segmentId) {
        List<Long> ids = new ArrayList<>();
        admin().get("/api/v1/segments/" + segmentId + "/members?limit=500").json()
                .forEach(m -> ids.add(m.get("customerId").asLong()));
        return ids;
    }
}
