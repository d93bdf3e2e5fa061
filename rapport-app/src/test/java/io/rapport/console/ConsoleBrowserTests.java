package io.rapport.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;

import io.rapport.testing.BrowserTest;
import io.rapport.testing.Http;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

/** The web console in a real, headless Chromium: what a CRM team member sees and clicks. */
abstract class ConsoleBrowserTests extends BrowserTest {

    static final String CUSTOMERS_HEADER =
            "customer_id,member_no,name,gender,birthday,city,email,phone,registered_at,time_zone\n";
    static final String ORDERS_HEADER = "order_id,line_no,customer_id,email,phone,channel,store_code,ordered_at,sku,"
            + "quantity,unit_price,discount,coupon_code,currency,kind,original_order_id\n";

    /** Letters only, unique to this test: a name prefix that no other test's customer starts with. */
    final String token = "Q" + source.substring(1).chars()
            .mapToObj(c -> String.valueOf((char) (Character.isDigit(c) ? 'a' + (c - '0') : c)))
            .reduce("", String::concat);

    @TempDir
    Path files;

    record Login(String username, String password) {}

    /** A console user created through the admin API. */
    Login newUser(boolean maySeePii, String... roles) {
        String name = "b" + UUID.randomUUID().toString().substring(0, 8);
        var created = admin().postJson("/api/v1/users", Map.of("username", name, "password", "password-" + name,
                "roles", List.of(roles), "maySeePersonalData", maySeePii));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        return new Login(name, "password-" + name);
    }

    void signIn(Login login) {
        browser.signIn(login.username(), login.password());
    }

    void signInAsAdmin() {
        browser.signIn("admin", ADMIN_PASSWORD);
    }

    static String randomPhone() {
        return "+86139" + String.format("%08d", ThreadLocalRandom.current().nextInt(100_000_000));
    }

    String customerRow(String id, String name, String email, String birthday) {
        return id + ",M-" + token + "-" + id + "," + name + ",F," + birthday + ",Shanghai," + email + ","
                + randomPhone() + ",2024-01-02T03:04:05Z,Asia/Shanghai\n";
    }

    /** Imports customers through the API and returns the id of the one with this e-mail. */
    long importCustomer(String name, String email) {
        JsonNode job = importFile("customers", "native", "customers.csv",
                (CUSTOMERS_HEADER + customerRow("C1", name, email, "1990-05-17")).getBytes(StandardCharsets.UTF_8))
                .json();
        assertThat(job.get("accepted").asLong()).as(job.toString()).isEqualTo(1);
        JsonNode hits = admin().get("/api/v1/customers?q=" + email).json().get("hits");
        assertThat(hits).hasSize(1);
        return hits.get(0).get("id").asLong();
    }

    Path file(String name, String content) {
        try {
            return Files.writeString(files.resolve(name), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    long audited(String actor, long customerId) {
        return db.fetchCount(table("privacy_audit"), field("action").eq("pii.read")
                .and(field("actor").eq(actor)).and(field("subject_id").eq(Long.toString(customerId))));
    }

    @Test
    void should_sign_in_through_the_login_form_and_say_so_when_the_password_is_wrong() {
        browser.open("/customers");
        browser.await(d -> browser.path().startsWith("/login"));

        browser.find("#username").sendKeys("admin");
        browser.find("#password").sendKeys("not-the-password");
        browser.find("#sign-in").click();
        browser.await(d -> browser.path().equals("/login?error"));
        assertThat(browser.find("p.error").getText()).isEqualTo("User name or password is wrong.");

        browser.find("#username").sendKeys("admin");
        browser.find("#password").sendKeys(ADMIN_PASSWORD);
        browser.find("#sign-in").click();
        browser.await(d -> browser.path().startsWith("/customers"));
        assertThat(browser.find("h1").getText()).isEqualTo("Customers");
        assertThat(browser.find("header .right").getText()).contains("admin");
    }

    @Test
    void should_show_how_many_active_customers_there_are_on_the_overview() {
        importFile("customers", "native", "customers.csv", (CUSTOMERS_HEADER
                + customerRow("C1", token + " Lin", token.toLowerCase(Locale.ROOT) + ".1@example.com", "1990-05-17")
                + customerRow("C2", token + " Wang", token.toLowerCase(Locale.ROOT) + ".2@example.com", "1991-06-18"))
                .getBytes(StandardCharsets.UTF_8));
        signInAsAdmin();

        browser.open("/");
        long active = db.fetchCount(table("customer_profile"), field("status").eq("active"));
        assertThat(active).isGreaterThanOrEqualTo(2);
        assertThat(browser.find("#customer-count").getText()).isEqualTo(String.format(Locale.ROOT, "%,d", active));
    }

    @Test
    void should_update_the_customer_search_as_you_type_without_reloading_the_page() {
        String mail = token.toLowerCase(Locale.ROOT);
        importFile("customers", "native", "customers.csv", (CUSTOMERS_HEADER
                + customerRow("C1", token + " Lin", mail + ".1@example.com", "1990-05-17")
                + customerRow("C2", token + " Wang", mail + ".2@example.com", "1991-06-18")
                + customerRow("C3", token + " Zhao", mail + ".3@example.com", "1992-07-19")
                + customerRow("C4", "Someone Else", mail + ".4@example.com", "1993-08-20"))
                .getBytes(StandardCharsets.UTF_8));
        List<Long> expected = StreamSupport.stream(
                admin().get("/api/v1/customers?q=" + token).json().get("hits").spliterator(), false)
                .map(hit -> hit.get("id").asLong()).toList();
        assertThat(expected).hasSize(3);
        signInAsAdmin();
        browser.open("/customers");
        browser.script("window.rapportPageLoad = 'first';");

        browser.find("#customer-search").sendKeys(token);

        browser.await(d -> browser.path().equals("/customers?q=" + token));
        browser.await(d -> resultIds().equals(expected));
        assertThat(browser.script("return window.rapportPageLoad;")).as("a partial update, not a page load")
                .isEqualTo("first");
        assertThat(browser.findAll("#results")).hasSize(1);
        assertThat(browser.find("#customer-table").getText()).contains(token.charAt(0) + "***")
                .doesNotContain(token + " Lin").doesNotContain(mail + ".1@example.com");
        assertThat(browser.consoleMessages()).noneMatch(m -> m.contains("Content Security Policy"));
    }

    @Test
    void should_bring_a_search_back_whole_with_the_back_button() {
        String mail = token.toLowerCase(Locale.ROOT);
        importFile("customers", "native", "customers.csv", (CUSTOMERS_HEADER
                + customerRow("C1", token + " Lin", mail + ".1@example.com", "1990-05-17")
                + customerRow("C2", token + " Wang", mail + ".2@example.com", "1991-06-18"))
                .getBytes(StandardCharsets.UTF_8));
        signInAsAdmin();
        browser.open("/customers");
        browser.find("#customer-search").sendKeys(token);
        browser.await(d -> browser.path().equals("/customers?q=" + token));
        browser.await(d -> resultIds().size() == 2);
        browser.find("#customer-search").sendKeys(" Wang");
        browser.await(d -> resultIds().size() == 1);
        // a page that fell out of htmx's history cache is fetched again from the server
        browser.script("sessionStorage.removeItem('htmx-history-cache');");

        browser.driver().navigate().back();

        browser.await(d -> browser.path().equals("/customers?q=" + token));
        browser.await(d -> resultIds().size() == 2);
        assertThat(browser.has("header nav")).as("the whole page, not only the result table").isTrue();
        assertThat(browser.has("#customer-search")).isTrue();
        assertThat(browser.findAll("#results")).hasSize(1);
    }

    private List<Long> resultIds() {
        return browser.findAll("#customer-table td:first-child a").stream()
                .map(a -> Long.parseLong(a.getText())).toList();
    }

    @Test
    void should_mask_personal_data_until_a_permitted_user_reveals_it_and_audit_the_reveal() {
        String email = token.toLowerCase(Locale.ROOT) + "@example.com";
        long id = importCustomer(token + " Lin", email);
        Login analyst = newUser(true, "analyst");
        signIn(analyst);

        browser.open("/customers/" + id);
        String masked = browser.find("#identities").getText();
        assertThat(masked).contains(email.charAt(0) + "***@example.com").contains("****").doesNotContain(email);
        assertThat(browser.find("#customer-name").getText()).isEqualTo(token.charAt(0) + "***");
        assertThat(audited(analyst.username(), id)).isZero();

        browser.find("#reveal").click();

        browser.await(d -> browser.find("#identities").getText().contains(email));
        assertThat(browser.find("#customer-name").getText()).isEqualTo(token + " Lin");
        assertThat(browser.has("#reveal")).isFalse();
        assertThat(audited(analyst.username(), id)).isEqualTo(1);
    }

    @Test
    void should_neither_offer_nor_allow_a_reveal_to_a_user_without_pii_permission() {
        String email = token.toLowerCase(Locale.ROOT) + "@example.com";
        long id = importCustomer(token + " Lin", email);
        Login agent = newUser(false, "service_agent");
        signIn(agent);

        browser.open("/customers/" + id);
        assertThat(browser.find("#identities").getText()).contains(email.charAt(0) + "***@example.com");
        assertThat(browser.has("#reveal")).isFalse();

        // A crafted reveal form with a valid CSRF token (the page's own sign-out form carries one) is still refused.
        browser.script("""
                const form = document.createElement('form');
                form.method = 'post';
                form.action = '/customers/' + arguments[0] + '/reveal';
                form.appendChild(document.querySelector('input[name=_csrf]').cloneNode());
                document.body.appendChild(form);
                form.submit();""", id);
        browser.await(d -> browser.find("main").getText().contains("403"));
        assertThat(browser.find("main").getText()).doesNotContain(email);
        browser.open("/customers/" + id + "?reveal=true");
        assertThat(browser.find("#identities").getText()).as("a GET never reveals").doesNotContain(email);
        assertThat(audited(agent.username(), id)).isZero();
    }

    @Test
    void should_keep_pages_from_a_role_that_may_not_use_them() {
        Login auditor = newUser(false, "auditor");
        signIn(auditor);

        browser.open("/");
        assertThat(browser.has("#customer-count")).isTrue();
        assertThat(browser.has("#nav-customers")).isFalse();
        assertThat(browser.has("#nav-imports")).isFalse();

        browser.open("/customers");
        assertThat(browser.find("main").getText()).contains("403");
        browser.open("/imports");
        assertThat(browser.find("main").getText()).contains("403");
        assertThat(Http.basic(port, auditor.username(), auditor.password()).get("/imports").status()).isEqualTo(403);
    }

    /** Fills in the console's import form and returns the job page's id once the job is done. */
    long importThroughTheConsole(Path upload) {
        browser.open("/imports");
        browser.find("#file").sendKeys(upload.toAbsolutePath().toString());
        new Select(browser.find("#kind")).selectByValue("customers");
        WebElement sourceField = browser.find("#source");
        sourceField.clear();
        sourceField.sendKeys(source);
        browser.find("#start-import").click();

        browser.await(d -> browser.path().matches("/imports/\\d+"));
        browser.awaitText("#status", "done");
        return Long.parseLong(browser.path().substring("/imports/".length()));
    }

    @Test
    void should_run_an_import_uploaded_in_the_console_and_show_its_progress_until_done() {
        String mail = token.toLowerCase(Locale.ROOT);
        Path upload = file("members.csv", CUSTOMERS_HEADER
                + customerRow("C1", token + " Lin", mail + ".1@example.com", "1990-05-17")
                + customerRow("C2", token + " Wang", mail + ".2@example.com", "1991-06-18")
                + customerRow("C3", token + " Zhao", mail + ".3@example.com", "1992-07-19"));
        signInAsAdmin();

        long job = importThroughTheConsole(upload);

        assertThat(browser.find("h1").getText()).isEqualTo("members.csv");
        assertThat(browser.find("#rows-read").getText()).isEqualTo("3");
        assertThat(browser.find("#accepted").getText()).isEqualTo("3");
        assertThat(browser.find("#rejected").getText()).isEqualTo("0");
        assertThat(browser.find("#job-status").getText()).contains("100%");
        assertThat(browser.has("#errors")).isFalse();
        JsonNode viaApi = admin().get("/api/v1/imports/" + job).json();
        assertThat(viaApi.get("source").asString()).isEqualTo(source);
        assertThat(viaApi.get("accepted").asLong()).isEqualTo(3);
    }

    @Test
    void should_list_rejected_rows_and_offer_an_error_report_naming_row_field_and_reason() {
        String mail = token.toLowerCase(Locale.ROOT);
        Path upload = file("members.csv", CUSTOMERS_HEADER
                + customerRow("C1", token + " Lin", mail + ".1@example.com", "1990-05-17")
                + customerRow("C2", token + " Wang", mail + ".2@example.com", "1991-02-30")
                + customerRow("C3", token + " Zhao", mail + ".3@example.com", "1992-07-19"));
        signInAsAdmin();

        long job = importThroughTheConsole(upload);

        assertThat(browser.find("#accepted").getText()).isEqualTo("2");
        assertThat(browser.find("#rejected").getText()).isEqualTo("1");
        List<WebElement> errorRows = browser.findAll("#errors tr");
        assertThat(errorRows).hasSize(2);
        assertThat(errorRows.get(1).findElements(By.tagName("td"))).extracting(WebElement::getText)
                .containsExactly("2", "birthday", "1991-02-30", "'birthday' is not a date (expected yyyy-MM-dd)");

        String href = browser.find("#error-report").getAttribute("href");
        var report = browser.fetch(URI.create(href).getRawPath());
        assertThat(report.statusCode()).isEqualTo(200);
        assertThat(report.headers().firstValue("Content-Disposition")).hasValueSatisfying(
                disposition -> assertThat(disposition).startsWith("attachment"));
        assertThat(report.body().lines()).containsExactly("row,field,value,reason",
                "2,birthday,1991-02-30,'birthday' is not a date (expected yyyy-MM-dd)");
        assertThat(report.body()).isEqualTo(admin().get("/api/v1/imports/" + job + "/errors.csv").body());
    }

    @Test
    void should_switch_the_console_to_chinese_and_remember_the_choice() {
        browser.open("/login?lang=zh-CN");
        assertThat(browser.find("h1").getText()).isEqualTo("登录 Rapport");
        browser.open("/login?lang=en");
        signInAsAdmin();
        assertThat(browser.find("#nav-customers").getText()).isEqualTo("Customers");

        browser.driver().findElement(By.linkText("中文")).click();
        browser.awaitText("#nav-customers", "客户");

        browser.open("/customers");
        assertThat(browser.find("h1").getText()).isEqualTo("客户");
        assertThat(browser.find("html").getAttribute("lang")).isEqualTo("zh-CN");
        assertThat(browser.cookie("rapport-lang").getValue()).isEqualTo("zh-CN");

        browser.driver().findElement(By.linkText("EN")).click();
        browser.awaitText("h1", "Customers");
    }

    @Test
    void should_choose_the_language_from_the_browser_until_one_is_chosen() {
        assertThat(anonymousWithLanguage("zh-CN,zh;q=0.9,en;q=0.8")).contains("登录 Rapport");
        assertThat(anonymousWithLanguage("zh")).contains("登录 Rapport");
        assertThat(anonymousWithLanguage("fr-FR,fr;q=0.9")).contains("Sign in to Rapport");
        assertThat(anonymousWithLanguage("not a language list")).contains("Sign in to Rapport");
    }

    private String anonymousWithLanguage(String acceptLanguage) {
        try (var client = HttpClient.newHttpClient()) {
            return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/login"))
                    .header("Accept-Language", acceptLanguage).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void should_reject_a_console_upload_without_the_csrf_token() {
        signInAsAdmin();
        browser.open("/imports");
        String upload = """
                const [withToken, source, done] = arguments;
                const form = new FormData();
                form.append('kind', 'customers');
                form.append('source', source);
                form.append('file', new Blob(['customer_id\\nX1\\n']), 'x.csv');
                if (withToken) {
                  form.append('_csrf', document.querySelector('#import-form input[name=_csrf]').value);
                }
                fetch('/imports', {method: 'POST', body: form}).then(r => done(r.status), e => done(String(e)));
                """;

        assertThat(browser.asyncScript(upload, false, source)).isEqualTo(403L);
        assertThat(db.fetchCount(table("ingest_job"), field("source").eq(source))).isZero();

        assertThat(browser.asyncScript(upload, true, source)).as("the same upload with the form's token")
                .isEqualTo(200L);
        assertThat(db.fetchCount(table("ingest_job"), field("source").eq(source))).isEqualTo(1);
    }

    @Test
    void should_load_more_of_the_timeline_in_place() {
        String email = token.toLowerCase(Locale.ROOT) + "@example.com";
        String orders = ORDERS_HEADER + IntStream.rangeClosed(1, 23)
                .mapToObj(n -> "O" + n + ",1,C1," + email + ",,shop,,2025-01-" + String.format("%02d", n)
                        + "T10:00:00Z,SKU-A,1,10.00,0,,CNY,sale,\n")
                .reduce("", String::concat);
        JsonNode job = importFile("orders", "native", "orders.csv", orders.getBytes(StandardCharsets.UTF_8)).json();
        assertThat(job.get("accepted").asLong()).as(job.toString()).isEqualTo(23);
        long id = admin().get("/api/v1/customers?q=" + email).json().get("hits").get(0).get("id").asLong();
        signInAsAdmin();

        browser.open("/customers/" + id);
        assertThat(browser.findAll("#timeline .timeline-entry")).hasSize(20);
        browser.find("#more-row button").click();

        browser.await(d -> browser.findAll("#timeline .timeline-entry").size() == 23);
        assertThat(browser.has("#more-row")).isFalse();
    }
}

@io.rapport.testing.OnH2
class ConsoleBrowserOnH2Test extends ConsoleBrowserTests {}

@io.rapport.testing.OnPostgres
class ConsoleBrowserOnPostgresTest extends ConsoleBrowserTests {}
