package io.rapport.analytics.rfm;

/**
 * The eleven named RFM segments, placed on the R × FM score grid.
 *
 * <p>FM is the mean of the F and M scores rounded half up, (F + M + 1) / 2 in integers, so
 * the grid has 25 cells and each cell has exactly one segment. The grid is the widely used
 * R-by-frequency map of RFM tutorials (the "[1-2][1-2] hibernating, [1-2][3-4] at risk, [1-2]5
 * can't lose, 3[1-2] about to sleep, 33 need attention, [3-4][4-5] loyal, 41 promising, 51 new,
 * [4-5][2-3] potential loyalists, 5[4-5] champions" table), read with FM instead of F as in
 * Putler's R / FM table, and with the bottom cell R=1, FM=1 split out as "lost" so that the
 * eleven names of Putler's list all exist:
 *
 * <pre>
 *        FM=1            FM=2            FM=3            FM=4        FM=5
 * R=5    new             pot. loyalist   pot. loyalist   champions   champions
 * R=4    promising       pot. loyalist   pot. loyalist   loyal       loyal
 * R=3    about to sleep  about to sleep  need attention  loyal       loyal
 * R=2    hibernating     hibernating     at risk         at risk     can't lose
 * R=1    lost            hibernating     at risk         at risk     can't lose
 * </pre>
 */
public enum RfmSegment {
    CHAMPIONS(BusinessGroup.HIGH_VALUE_LOYAL),
    LOYAL(BusinessGroup.HIGH_VALUE_LOYAL),
    POTENTIAL_LOYALISTS(BusinessGroup.POTENTIAL),
    NEW_CUSTOMERS(BusinessGroup.POTENTIAL),
    PROMISING(BusinessGroup.POTENTIAL),
    NEED_ATTENTION(BusinessGroup.POTENTIAL),
    ABOUT_TO_SLEEP(BusinessGroup.DORMANT),
    AT_RISK(BusinessGroup.DORMANT),
    CANT_LOSE(BusinessGroup.DORMANT),
    HIBERNATING(BusinessGroup.DORMANT),
    LOST(BusinessGroup.DORMANT);

    private static final RfmSegment[][] GRID = {
            // FM:   1               2                    3                    4          5
            /* R=1 */ {LOST, HIBERNATING, AT_RISK, AT_RISK, CANT_LOSE},
            /* R=2 */ {HIBERNATING, HIBERNATING, AT_RISK, AT_RISK, CANT_LOSE},
            /* R=3 */ {ABOUT_TO_SLEEP, ABOUT_TO_SLEEP, NEED_ATTENTION, LOYAL, LOYAL},
            /* R=4 */ {PROMISING, POTENTIAL_LOYALISTS, POTENTIAL_LOYALISTS, LOYAL, LOYAL},
            /* R=5 */ {NEW_CUSTOMERS, POTENTIAL_LOYALISTS, POTENTIAL_LOYALISTS, CHAMPIONS, CHAMPIONS},
    };

    private final BusinessGroup group;

    RfmSegment(BusinessGroup group) {
        this.group = group;
    }

    public BusinessGroup group() {
        return group;
    }

    /** The segment of R, F and M scores 1-5. */
    public static RfmSegment of(int r, int f, int m) {
        if (r < 1 || r > 5 || f < 1 || f > 5 || m < 1 || m > 5) {
            throw new IllegalArgumentException("RFM scores must be 1-5, got R=" + r + ", F=" + f + ", M=" + m);
        }
        int fm = (f + m + 1) / 2;
        return GRID[r - 1][fm - 1];
    }
}
