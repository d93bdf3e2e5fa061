package io.rapport.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rapport.testing.OnH2;
import io.rapport.testing.OnPostgres;
import io.rapport.testing.ServerTest;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The declaration of personal columns stays true: every declared column exists in the schema. */
abstract class PersonalFieldsTests extends ServerTest {

    @Test
    void should_declare_only_columns_that_exist() {
        Set<String> columns = new HashSet<>();
        db.fetch("select table_name, column_name from information_schema.columns where table_schema = current_schema")
                .forEach(r -> columns.add((r.get(0, String.class) + "." + r.get(1, String.class)).toLowerCase()));
        for (PersonalFields.Field field : PersonalFields.ALL) {
            assertThat(columns).as("declared personal column").contains(field.table() + "." + field.column());
        }
    }
}

@OnH2
class PersonalFieldsOnH2Test extends PersonalFieldsTests {}

@OnPostgres
class PersonalFieldsOnPostgresTest extends PersonalFieldsTests {}
