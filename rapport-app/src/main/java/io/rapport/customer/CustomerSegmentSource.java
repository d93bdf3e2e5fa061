package io.rapport.customer;

import static io.rapport.customer.CustomerTables.*;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * What the customer capability lets segment queries read: profile attributes, identities present and summary
 * figures, as jOOQ tables, columns and conditions (see docs/decisions/0004-segment-sql.md). Read-only by contract:
 * callers compose these into their own SELECTs and never write through them. Columns not listed here are not part of
 * the contract; the customer package may change its tables as long as these keep their meaning.
 */
public final class CustomerSegmentSource {

    private CustomerSegmentSource() {}

    /** Every profile ever created; filter with {@link #active()}. */
    public static Table<?> profiles() {
        return PROFILE;
    }

    public static Field<Long> id() {
        return P_ID;
    }

    /** Profiles that are customers now (merged profiles live on in their survivor). */
    public static Condition active() {
        return P_STATUS.eq("active");
    }

    /**
     * The name as stored: plain, or AES-GCM ciphertext when encryption is on. Pass it through privacy's
     * {@code PersonalDataCipher.decrypt} (plain values pass through) before showing or masking it.
     */
    public static Field<String> storedName() {
        return DSL.coalesce(P_NAME, P_NAME_CIPHER);
    }

    public static Field<String> gender() {
        return P_GENDER;
    }

    public static Field<String> city() {
        return P_CITY;
    }

    public static Field<String> country() {
        return P_COUNTRY;
    }

    public static Field<OffsetDateTime> registeredAt() {
        return P_REGISTERED_AT;
    }

    public static Field<OffsetDateTime> createdAt() {
        return P_CREATED_AT;
    }

    /** Per-customer summaries; left-join them on {@link #summaryOf()} (a customer without orders may have none). */
    public static Table<?> summaries() {
        return SUMMARY;
    }

    /** The join of {@link #summaries()} to {@link #profiles()}. */
    public static Condition summaryOf() {
        return S_CUSTOMER.eq(P_ID);
    }

    public static Field<Integer> orderCount() {
        return S_ORDERS;
    }

    public static Field<Integer> returnCount() {
        return S_RETURNS;
    }

    public static Field<Integer> purchaseDays() {
        return S_DAYS;
    }

    public static Field<BigDecimal> totalSpend() {
        return S_SPEND;
    }

    public static Field<OffsetDateTime> firstPurchaseAt() {
        return S_FIRST;
    }

    public static Field<OffsetDateTime> lastPurchaseAt() {
        return S_LAST;
    }

    public static Field<String> lastChannel() {
        return S_LAST_CHANNEL;
    }

    public static Field<Integer> eventCount() {
        return S_EVENTS;
    }

    public static Field<OffsetDateTime> lastInteractionAt() {
        return S_LAST_INTERACTION;
    }

    /** Ids of customers holding at least one identifier of this kind. */
    public static Select<org.jooq.Record1<Long>> withIdentity(IdentityKind kind) {
        return DSL.select(I_CUSTOMER).from(IDENTITY).where(I_KIND.eq(kind.name()));
    }

    /**
     * The customer's first identifier of a kind (by stored value order) as a scalar subquery, as stored: plain, or
     * AES-GCM ciphertext for phones and emails when encryption is on. Decrypt (privacy's
     * {@code PersonalDataCipher.decrypt}), then mask before showing.
     */
    public static Field<String> firstIdentity(Field<Long> customerId, IdentityKind kind) {
        String alias = "ci_" + kind.wire();
        Field<String> value = DSL.coalesce(DSL.field(DSL.name(alias, I_CIPHER.getName()), String.class),
                DSL.field(DSL.name(alias, I_VALUE.getName()), String.class));
        return DSL.field(DSL.select(DSL.min(value)).from(IDENTITY.as(alias))
                .where(DSL.field(DSL.name(alias, I_CUSTOMER.getName()), Long.class).eq(customerId))
                .and(DSL.field(DSL.name(alias, I_KIND.getName()), String.class).eq(kind.name())));
    }

    /**
     * Birthday conditions that work whether the birthday is stored plain or encrypted (then only the birth year and
     * a blind index of the month-day are readable by SQL). The customer capability provides the bean.
     */
    public interface Birthdays {

        /** Profiles with a birthday. */
        Condition known();

        /** Profiles born on one of these days of the year. */
        Condition bornOn(java.util.Collection<java.time.MonthDay> days);

        /** Profiles at least {@code years} old on {@code today} (by birth year alone when birthdays are encrypted). */
        Condition ageAtLeast(long years, LocalDate today);
    }

    /** Orders per customer and sales channel: customer_id, channel, order_count. */
    public static Select<org.jooq.Record3<Long, String, Integer>> channelOrders() {
        return DSL.select(C_CUSTOMER, C_CHANNEL, C_ORDERS).from(CHANNEL);
    }
}
