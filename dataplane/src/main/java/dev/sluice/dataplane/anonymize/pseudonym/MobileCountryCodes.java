package dev.sluice.dataplane.anonymize.pseudonym;

/**
 * How long an IMSI's MNC is after its MCC (ITU-T E.212). Most countries use two-digit MNCs;
 * the table below lists the MCCs that use three:
 * <pre>
 *   302 Canada, 310-316 United States, 334 Mexico, 338 Jamaica, 342 Barbados,
 *   344 Antigua and Barbuda, 346 Cayman Islands, 348 British Virgin Islands, 354 Montserrat,
 *   356 Saint Kitts and Nevis, 358 Saint Lucia, 360 Saint Vincent, 365 Anguilla,
 *   376 Turks and Caicos, 708 Honduras, 722 Argentina, 732 Colombia,
 *   405 India: only some networks (the 405 750-756, 405 799-881 and 405 908-932 ranges)
 * </pre>
 * For 405 the MNC is taken as three digits when its first digit is 7, 8 or 9, else two: the
 * 405 025-047 three-digit range cannot be told from the two-digit 405 03 and 405 04 by the
 * digits alone, and is read as two digits (one more digit kept as the network, one fewer
 * masked: the MSIN still has at least nine). Any other MCC: two digits. Stateless.
 */
final class MobileCountryCodes
{
    private static final int[] THREE_DIGIT_MNC_MCCS = {
        302, 310, 311, 312, 313, 314, 315, 316, 334, 338, 342, 344, 346, 348, 354, 356, 358, 360, 365, 376, 708, 722, 732,
    };
    private static final int INDIA_SOME_THREE_DIGIT = 405;
    private static final boolean[] THREE_DIGIT = new boolean[1000];

    static
    {
        for (final int mcc : THREE_DIGIT_MNC_MCCS)
        {
            THREE_DIGIT[mcc] = true;
        }
    }

    private MobileCountryCodes()
    {
    }

    /**
     * @param mcc           the three-digit MCC, 0 to 999.
     * @param firstMncDigit the digit after the MCC.
     * @return 2 or 3.
     */
    static int mncLength(final int mcc, final int firstMncDigit)
    {
        if (INDIA_SOME_THREE_DIGIT == mcc)
        {
            return firstMncDigit >= 7 ? 3 : 2;
        }
        return THREE_DIGIT[mcc] ? 3 : 2;
    }
}
