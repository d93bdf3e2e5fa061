package io.rapport.analytics.synthetic;

import java.time.Instant;
import java.time.LocalDate;
import java.util.SplittableRandom;

/**
 * Makes the personal data of demo customers: names (mostly Chinese, some English), genders,
 * birthdays, cities, and identifiers that are unique by construction.
 *
 * <p>Phone numbers, member numbers and e-mail addresses are derived from the customer's index
 * through a bijection (an affine map modulo a power of ten whose multiplier is coprime to ten),
 * so they are unique without remembering which ones were handed out — that keeps the generator
 * memory-light for millions of customers.
 */
final class DemoPeople {

    /** Up to this many customers get distinct 8-digit phone suffixes. */
    static final int MAX_CUSTOMERS = 99_999_999;

    static final String TIME_ZONE = "Asia/Shanghai";

    private static final long PHONE_SPACE = 100_000_000L;
    private static final long PHONE_MULTIPLIER = 73_939_133L; // odd, not a multiple of 5
    private static final long MEMBER_SPACE = 1_000_000_000L;
    private static final long MEMBER_MULTIPLIER = 387_420_489L; // 3^18

    // Mobile number prefixes of the three Chinese carriers.
    private static final String[] MOBILE_PREFIXES = {
        "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152",
        "153", "155", "156", "157", "158", "159", "177", "180", "181", "182", "183", "185", "186",
        "187", "188", "189", "199"
    };

    private record Syllable(String hanzi, String pinyin) {}

    private static final Syllable[] SURNAMES = syllables(
            "王 wang 李 li 张 zhang 刘 liu 陈 chen 杨 yang 黄 huang 赵 zhao 吴 wu 周 zhou 徐 xu 孙 sun "
                    + "马 ma 朱 zhu 胡 hu 郭 guo 何 he 林 lin 高 gao 罗 luo 郑 zheng 梁 liang 谢 xie 宋 song");
    private static final Syllable[] FEMALE_GIVEN = syllables(
            "芳 fang 娜 na 敏 min 静 jing 丽 li 婷 ting 雪 xue 颖 ying 晓燕 xiaoyan 欣怡 xinyi 思琪 siqi "
                    + "雨涵 yuhan 佳怡 jiayi 梦瑶 mengyao 秀英 xiuying 玉兰 yulan 诗涵 shihan 慧 hui");
    private static final Syllable[] MALE_GIVEN = syllables(
            "伟 wei 强 qiang 磊 lei 洋 yang 勇 yong 军 jun 杰 jie 涛 tao 浩然 haoran 子轩 zixuan 俊杰 junjie "
                    + "明 ming 建华 jianhua 志强 zhiqiang 宇航 yuhang 博文 bowen 鹏 peng 国强 guoqiang");
    private static final String[] ENGLISH_FEMALE = {
        "Emily", "Grace", "Olivia", "Sophie", "Chloe", "Hannah", "Lucy", "Amy", "Vivian", "Cindy"
    };
    private static final String[] ENGLISH_MALE = {
        "James", "Daniel", "Michael", "David", "Kevin", "Jason", "Eric", "Leo", "Tony", "Frank"
    };
    private static final String[] ENGLISH_SURNAMES = {
        "Smith", "Brown", "Wilson", "Taylor", "Chen", "Wong", "Lee", "Miller", "Zhang", "Liu"
    };
    private static final String[] EMAIL_DOMAINS = {"example.com", "example.net", "example.org"};

    private static final WeightedChoice<String> CITIES = new WeightedChoice<String>()
            .add("Shanghai", 14).add("Beijing", 13).add("Guangzhou", 10).add("Shenzhen", 10)
            .add("Hangzhou", 7).add("Chengdu", 7).add("Chongqing", 6).add("Wuhan", 6)
            .add("Nanjing", 5).add("Suzhou", 5).add("Xi'an", 4).add("Tianjin", 4)
            .add("Qingdao", 3).add("Changsha", 3).add("Shenyang", 3);

    private final int idWidth;
    private final long phoneOffset;
    private final long memberOffset;

    DemoPeople(long seed, int customers) {
        this.idWidth = Math.max(6, Integer.toString(customers).length());
        var rng = new SplittableRandom(seed);
        this.phoneOffset = rng.nextLong(PHONE_SPACE);
        this.memberOffset = rng.nextLong(MEMBER_SPACE);
    }

    String externalId(int index) {
        return "C" + zeroPadded(index + 1L, idWidth);
    }

    /** The customer's number as used inside order and event ids. */
    String number(int index) {
        return zeroPadded(index + 1L, idWidth);
    }

    String city(SplittableRandom rng) {
        return CITIES.pick(rng);
    }

    DemoCustomer customer(int index, SplittableRandom rng, String city, Instant registeredAt, LocalDate today) {
        boolean female = rng.nextDouble() < 0.52;
        String name;
        String emailName;
        if (rng.nextDouble() < 0.85) {
            var surname = SURNAMES[rng.nextInt(SURNAMES.length)];
            var given = female ? FEMALE_GIVEN[rng.nextInt(FEMALE_GIVEN.length)] : MALE_GIVEN[rng.nextInt(MALE_GIVEN.length)];
            name = surname.hanzi() + given.hanzi();
            emailName = switch (rng.nextInt(3)) {
                case 0 -> surname.pinyin() + given.pinyin();
                case 1 -> surname.pinyin() + "." + given.pinyin();
                default -> given.pinyin() + "_" + surname.pinyin();
            };
        } else {
            var given = female ? ENGLISH_FEMALE[rng.nextInt(ENGLISH_FEMALE.length)] : ENGLISH_MALE[rng.nextInt(ENGLISH_MALE.length)];
            var surname = ENGLISH_SURNAMES[rng.nextInt(ENGLISH_SURNAMES.length)];
            name = given + " " + surname;
            emailName = (given + "." + surname).toLowerCase(java.util.Locale.ROOT);
        }
        // The name part never ends in a digit and the number is unique, so the address is unique.
        var email = emailName + (index + 1) + "@" + EMAIL_DOMAINS[rng.nextInt(EMAIL_DOMAINS.length)];
        var phone = "+86" + MOBILE_PREFIXES[rng.nextInt(MOBILE_PREFIXES.length)]
                + zeroPadded(Math.floorMod(index * PHONE_MULTIPLIER + phoneOffset, PHONE_SPACE), 8);
        var memberNo = "M" + zeroPadded(Math.floorMod(index * MEMBER_MULTIPLIER + memberOffset, MEMBER_SPACE), 9);
        return new DemoCustomer(externalId(index), memberNo, name, female ? "F" : "M",
                birthday(rng, today), city, email, phone, registeredAt, TIME_ZONE);
    }

    /** Ages 20 to 70, most between 28 and 45: who buys large appliances. */
    private static LocalDate birthday(SplittableRandom rng, LocalDate today) {
        double u = (rng.nextDouble() + rng.nextDouble() + rng.nextDouble()) / 3; // bell-shaped on [0,1)
        int age = 20 + (int) (u * u * 40 + u * 10);
        return today.minusYears(age).minusDays(rng.nextInt(365));
    }

    private static String zeroPadded(long value, int width) {
        var digits = Long.toString(value);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }

    private static Syllable[] syllables(String pairs) {
        var parts = pairs.split(" ");
        var result = new Syllable[parts.length / 2];
        for (int i = 0; i < result.length; i++) {
            result[i] = new Syllable(parts[2 * i], parts[2 * i + 1]);
        }
        return result;
    }
}
