package io.rapport.loyalty;

import static io.rapport.platform.Tables.field;
import static io.rapport.platform.Tables.table;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import org.jooq.Field;
import org.jooq.Sequence;
import org.jooq.Table;
import org.jooq.impl.DSL;

/** The loyalty capability's tables and columns, for jOOQ's DSL. */
final class LoyaltyTables {

    private LoyaltyTables() {}

    static final Table<?> PROGRAMME = table("loyalty_programme");
    static final Field<Integer> PG_ID = field("loyalty_programme", "id", Integer.class);
    static final Field<String> PG_SETTINGS = field("loyalty_programme", "settings", String.class);
    static final Field<String> PG_BY = field("loyalty_programme", "updated_by", String.class);
    static final Field<OffsetDateTime> PG_AT = field("loyalty_programme", "updated_at", OffsetDateTime.class);

    static final Sequence<Long> MEMBER_NO_SEQ = DSL.sequence(DSL.unquotedName("loyalty_member_no_seq"), Long.class);

    static final Table<?> MEMBER = table("loyalty_member");
    static final Field<Long> M_CUSTOMER = field("loyalty_member", "customer_id", Long.class);
    static final Field<String> M_NO = field("loyalty_member", "member_no", String.class);
    static final Field<String> M_STATUS = field("loyalty_member", "status", String.class);
    static final Field<String> M_TIER = field("loyalty_member", "tier", String.class);
    static final Field<OffsetDateTime> M_TIER_SINCE = field("loyalty_member", "tier_since", OffsetDateTime.class);
    static final Field<LocalDate> M_REVIEW = field("loyalty_member", "tier_review_on", LocalDate.class);
    static final Field<LocalDate> M_GRACE = field("loyalty_member", "grace_until", LocalDate.class);
    static final Field<Long> M_AVAILABLE = field("loyalty_member", "available", Long.class);
    static final Field<Long> M_PENDING = field("loyalty_member", "pending", Long.class);
    static final Field<Long> M_DEBT = field("loyalty_member", "debt", Long.class);
    static final Field<OffsetDateTime> M_NEXT_RELEASE = field("loyalty_member", "next_release_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> M_NEXT_EXPIRY = field("loyalty_member", "next_expiry_at", OffsetDateTime.class);
    static final Field<String> M_REFERRAL_CODE = field("loyalty_member", "referral_code", String.class);
    static final Field<Long> M_REFERRED_BY = field("loyalty_member", "referred_by", Long.class);
    static final Field<OffsetDateTime> M_FIRST_ORDER = field("loyalty_member", "first_order_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> M_ENROLLED = field("loyalty_member", "enrolled_at", OffsetDateTime.class);

    static final Table<?> LOT = table("loyalty_lot");
    static final Field<Long> LOT_ID = field("loyalty_lot", "id", Long.class);
    static final Field<Long> LOT_CUSTOMER = field("loyalty_lot", "customer_id", Long.class);
    static final Field<String> LOT_SOURCE = field("loyalty_lot", "source", String.class);
    static final Field<Long> LOT_POINTS = field("loyalty_lot", "points", Long.class);
    static final Field<Long> LOT_REMAINING = field("loyalty_lot", "remaining", Long.class);
    static final Field<Boolean> LOT_QUALIFYING = field("loyalty_lot", "qualifying", Boolean.class);
    static final Field<String> LOT_STATE = field("loyalty_lot", "state", String.class);
    static final Field<OffsetDateTime> LOT_EARNED = field("loyalty_lot", "earned_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> LOT_AVAILABLE_AT = field("loyalty_lot", "available_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> LOT_EXPIRES = field("loyalty_lot", "expires_at", OffsetDateTime.class);

    static final Table<?> LEDGER = table("loyalty_ledger");
    static final Field<Long> L_ID = field("loyalty_ledger", "id", Long.class);
    static final Field<Long> L_CUSTOMER = field("loyalty_ledger", "customer_id", Long.class);
    static final Field<String> L_KEY = field("loyalty_ledger", "op_key", String.class);
    static final Field<Integer> L_PART = field("loyalty_ledger", "part", Integer.class);
    static final Field<String> L_KIND = field("loyalty_ledger", "kind", String.class);
    static final Field<String> L_SOURCE = field("loyalty_ledger", "source", String.class);
    static final Field<Long> L_POINTS = field("loyalty_ledger", "points", Long.class);
    static final Field<Long> L_PENDING = field("loyalty_ledger", "pending_points", Long.class);
    static final Field<Long> L_DEBT = field("loyalty_ledger", "debt_points", Long.class);
    static final Field<Boolean> L_QUALIFYING = field("loyalty_ledger", "qualifying", Boolean.class);
    static final Field<Long> L_LOT = field("loyalty_ledger", "lot_id", Long.class);
    static final Field<String> L_REFERENCE = field("loyalty_ledger", "reference", String.class);
    static final Field<String> L_REASON = field("loyalty_ledger", "reason", String.class);
    static final Field<String> L_ACTOR = field("loyalty_ledger", "actor", String.class);
    static final Field<OffsetDateTime> L_CREATED = field("loyalty_ledger", "created_at", OffsetDateTime.class);

    static final Table<?> ORDER = table("loyalty_order");
    static final Field<String> O_SOURCE = field("loyalty_order", "source", String.class);
    static final Field<String> O_EXTERNAL = field("loyalty_order", "external_order_id", String.class);
    static final Field<Long> O_CUSTOMER = field("loyalty_order", "customer_id", Long.class);
    static final Field<BigDecimal> O_NET = field("loyalty_order", "net_amount", BigDecimal.class);
    static final Field<Long> O_POINTS = field("loyalty_order", "points", Long.class);
    static final Field<BigDecimal> O_RETURNED = field("loyalty_order", "returned_amount", BigDecimal.class);
    static final Field<Long> O_REVERSED = field("loyalty_order", "reversed_points", Long.class);
    static final Field<Long> O_LOT = field("loyalty_order", "lot_id", Long.class);
    static final Field<OffsetDateTime> O_ORDERED = field("loyalty_order", "ordered_at", OffsetDateTime.class);

    static final Table<?> QUALIFYING = table("loyalty_qualifying");
    static final Field<Long> Q_CUSTOMER = field("loyalty_qualifying", "customer_id", Long.class);
    static final Field<LocalDate> Q_MONTH = field("loyalty_qualifying", "month_start", LocalDate.class);
    static final Field<BigDecimal> Q_SPEND = field("loyalty_qualifying", "spend", BigDecimal.class);
    static final Field<Long> Q_POINTS = field("loyalty_qualifying", "points", Long.class);

    static final Table<?> DAILY = table("loyalty_daily");
    static final Field<Long> D_CUSTOMER = field("loyalty_daily", "customer_id", Long.class);
    static final Field<LocalDate> D_DAY = field("loyalty_daily", "local_day", LocalDate.class);
    static final Field<Long> D_POINTS = field("loyalty_daily", "points", Long.class);

    static final Table<?> TIER_CHANGE = table("loyalty_tier_change");
    static final Field<Long> TC_ID = field("loyalty_tier_change", "id", Long.class);
    static final Field<Long> TC_CUSTOMER = field("loyalty_tier_change", "customer_id", Long.class);
    static final Field<String> TC_FROM = field("loyalty_tier_change", "from_tier", String.class);
    static final Field<String> TC_TO = field("loyalty_tier_change", "to_tier", String.class);
    static final Field<String> TC_DIRECTION = field("loyalty_tier_change", "direction", String.class);
    static final Field<String> TC_REASON = field("loyalty_tier_change", "reason", String.class);
    static final Field<OffsetDateTime> TC_AT = field("loyalty_tier_change", "changed_at", OffsetDateTime.class);

    static final Table<?> REWARD = table("loyalty_reward");
    static final Field<String> RW_CODE = field("loyalty_reward", "code", String.class);
    static final Field<String> RW_NAME = field("loyalty_reward", "name", String.class);
    static final Field<String> RW_KIND = field("loyalty_reward", "kind", String.class);
    static final Field<Long> RW_COST = field("loyalty_reward", "points_cost", Long.class);
    static final Field<Long> RW_STOCK = field("loyalty_reward", "stock", Long.class);
    static final Field<OffsetDateTime> RW_FROM = field("loyalty_reward", "valid_from", OffsetDateTime.class);
    static final Field<OffsetDateTime> RW_UNTIL = field("loyalty_reward", "valid_until", OffsetDateTime.class);
    static final Field<Integer> RW_COUPON_DAYS = field("loyalty_reward", "coupon_valid_days", Integer.class);
    static final Field<BigDecimal> RW_VALUE = field("loyalty_reward", "coupon_value", BigDecimal.class);
    static final Field<Boolean> RW_ACTIVE = field("loyalty_reward", "active", Boolean.class);
    static final Field<OffsetDateTime> RW_CREATED = field("loyalty_reward", "created_at", OffsetDateTime.class);

    static final Table<?> COUPON = table("loyalty_coupon");
    static final Field<String> C_CODE = field("loyalty_coupon", "code", String.class);
    static final Field<Long> C_CUSTOMER = field("loyalty_coupon", "customer_id", Long.class);
    static final Field<String> C_REWARD = field("loyalty_coupon", "reward_code", String.class);
    static final Field<String> C_KEY = field("loyalty_coupon", "op_key", String.class);
    static final Field<Long> C_POINTS = field("loyalty_coupon", "points", Long.class);
    static final Field<String> C_STATUS = field("loyalty_coupon", "status", String.class);
    static final Field<OffsetDateTime> C_ISSUED = field("loyalty_coupon", "issued_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> C_EXPIRES = field("loyalty_coupon", "expires_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> C_USED_AT = field("loyalty_coupon", "used_at", OffsetDateTime.class);
    static final Field<String> C_USED_ORDER = field("loyalty_coupon", "used_order", String.class);

    static final Table<?> TASK = table("loyalty_task_progress");
    static final Field<Long> T_CUSTOMER = field("loyalty_task_progress", "customer_id", Long.class);
    static final Field<String> T_CODE = field("loyalty_task_progress", "task_code", String.class);
    static final Field<Integer> T_PROGRESS = field("loyalty_task_progress", "progress", Integer.class);
    static final Field<LocalDate> T_LAST_DAY = field("loyalty_task_progress", "last_day", LocalDate.class);
    static final Field<OffsetDateTime> T_COMPLETED = field("loyalty_task_progress", "completed_at", OffsetDateTime.class);

    static final Table<?> REFERRAL = table("loyalty_referral");
    static final Field<Long> RF_INVITEE = field("loyalty_referral", "invitee_id", Long.class);
    static final Field<Long> RF_INVITER = field("loyalty_referral", "inviter_id", Long.class);
    static final Field<String> RF_DEVICE = field("loyalty_referral", "device_id", String.class);
    static final Field<String> RF_STATUS = field("loyalty_referral", "status", String.class);
    static final Field<String> RF_REASON = field("loyalty_referral", "reason", String.class);
    static final Field<String> RF_ORDER = field("loyalty_referral", "qualifying_order", String.class);
    static final Field<OffsetDateTime> RF_DUE = field("loyalty_referral", "due_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> RF_CREATED = field("loyalty_referral", "created_at", OffsetDateTime.class);
    static final Field<OffsetDateTime> RF_REWARDED = field("loyalty_referral", "rewarded_at", OffsetDateTime.class);

    static final Table<?> CHARITY = table("loyalty_charity");
    static final Field<String> CH_CAMPAIGN = field("loyalty_charity", "campaign", String.class);
    static final Field<String> CH_KIND = field("loyalty_charity", "kind", String.class);
    static final Field<Long> CH_CUSTOMER = field("loyalty_charity", "customer_id", Long.class);
    static final Field<String> CH_KEY = field("loyalty_charity", "op_key", String.class);
    static final Field<Long> CH_POINTS = field("loyalty_charity", "points", Long.class);
    static final Field<BigDecimal> CH_AMOUNT = field("loyalty_charity", "amount", BigDecimal.class);
    static final Field<OffsetDateTime> CH_CREATED = field("loyalty_charity", "created_at", OffsetDateTime.class);
    static final Field<String> CH_ORDER = field("loyalty_charity", "order_ref", String.class);

    static final Table<?> PARTNER = table("loyalty_partner");
    static final Field<String> PT_CODE = field("loyalty_partner", "code", String.class);
    static final Field<String> PT_NAME = field("loyalty_partner", "name", String.class);
    static final Field<String> PT_SECRET = field("loyalty_partner", "secret", String.class);
    static final Field<BigDecimal> PT_EARN_RATE = field("loyalty_partner", "earn_rate", BigDecimal.class);
    static final Field<BigDecimal> PT_BURN_RATE = field("loyalty_partner", "burn_rate", BigDecimal.class);
    static final Field<Boolean> PT_ACTIVE = field("loyalty_partner", "active", Boolean.class);
    static final Field<OffsetDateTime> PT_CREATED = field("loyalty_partner", "created_at", OffsetDateTime.class);

    static final Table<?> PARTNER_REQUEST = table("loyalty_partner_request");
    static final Field<String> PR_PARTNER = field("loyalty_partner_request", "partner_code", String.class);
    static final Field<String> PR_NONCE = field("loyalty_partner_request", "nonce", String.class);
    static final Field<String> PR_DIRECTION = field("loyalty_partner_request", "direction", String.class);
    static final Field<Long> PR_CUSTOMER = field("loyalty_partner_request", "customer_id", Long.class);
    static final Field<Long> PR_PARTNER_POINTS = field("loyalty_partner_request", "partner_points", Long.class);
    static final Field<Long> PR_POINTS = field("loyalty_partner_request", "points", Long.class);
    static final Field<OffsetDateTime> PR_AT = field("loyalty_partner_request", "received_at", OffsetDateTime.class);

    static final Table<?> CONTACT = table("loyalty_contact");
    static final Field<Long> CT_CUSTOMER = field("loyalty_contact", "customer_id", Long.class);
    static final Field<String> CT_KIND = field("loyalty_contact", "kind", String.class);
    static final Field<String> CT_FINGERPRINT = field("loyalty_contact", "fingerprint", String.class);
    static final Field<OffsetDateTime> CT_CREATED = field("loyalty_contact", "created_at", OffsetDateTime.class);
}
