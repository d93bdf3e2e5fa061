package io.rapport.analytics.synthetic;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * A registered member of the demo brand. Personal data is synthetic; e-mail addresses use the
 * reserved {@code example.*} domains (RFC 2606), so nothing is ever sent to a real person.
 *
 * @param externalId   the source's customer id, e.g. {@code C000001}; unique
 * @param memberNo     loyalty membership number; unique
 * @param name         full name (Chinese names in Chinese characters, some English names)
 * @param gender       {@code F} or {@code M}
 * @param birthday     date of birth
 * @param city         home city
 * @param email        e-mail address; unique
 * @param phone        mobile number in E.164, e.g. {@code +8613812345678}; unique
 * @param registeredAt when the customer became a member
 * @param timeZone     IANA time-zone id, e.g. {@code Asia/Shanghai}
 */
public record DemoCustomer(
        String externalId,
        String memberNo,
        String name,
        String gender,
        LocalDate birthday,
        String city,
        String email,
        String phone,
        Instant registeredAt,
        String timeZone) {

    public DemoCustomer {
        Objects.requireNonNull(externalId, "externalId");
        Objects.requireNonNull(memberNo, "memberNo");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(gender, "gender");
        Objects.requireNonNull(birthday, "birthday");
        Objects.requireNonNull(city, "city");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(phone, "phone");
        Objects.requireNonNull(registeredAt, "registeredAt");
        Objects.requireNonNull(timeZone, "timeZone");
    }
}
