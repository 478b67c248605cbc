package dev.sluice.dataplane.anonymize.pseudonym;

/**
 * The ITU-T E.164 country codes (the "List of ITU-T Recommendation E.164 assigned country
 * codes", complement to E.164): 1 to 3 digits, a prefix code, so at most one length matches a
 * number's first digits. The table:
 * <pre>
 *   1 digit:  1 (NANP), 7 (Russia, Kazakhstan)
 *   2 digits: 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58
 *             60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98
 *   3 digits: 211 212 213 216 218, 220-229, 230-239, 240-249, 250-258, 260-269,
 *             290 291 297 298 299, 350-359, 370-378, 380 381 382 383 385 386 387 389,
 *             420 421 423, 500-509, 590-599, 670 672-679, 680-683 685-692, 800 808,
 *             850 852 853 855 856, 870 878, 880-883 886 888, 960-968, 970-977 979,
 *             992-996 998
 * </pre>
 * Spare and reserved codes (28x, 41x, 80x outside 800/808, 999 ...) are not assigned and a
 * number starting with one has no country code. Stateless.
 */
final class CountryCodes
{
    private static final String ONE_DIGIT = "1 7";
    private static final String TWO_DIGITS =
        "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 " +
        "60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98";
    private static final String THREE_DIGITS =
        "211 212 213 216 218 220-229 230-239 240-249 250-258 260-269 290 291 297 298 299 350-359 370-378 " +
        "380 381 382 383 385 386 387 389 420 421 423 500-509 590-599 670 672-679 680-683 685-692 800 808 " +
        "850 852 853 855 856 870 878 880-883 886 888 960-968 970-977 979 992-996 998";

    private static final boolean[] ASSIGNED_1 = new boolean[10];
    private static final boolean[] ASSIGNED_2 = new boolean[100];
    private static final boolean[] ASSIGNED_3 = new boolean[1000];

    static
    {
        fill(ONE_DIGIT, ASSIGNED_1);
        fill(TWO_DIGITS, ASSIGNED_2);
        fill(THREE_DIGITS, ASSIGNED_3);
    }

    private CountryCodes()
    {
    }

    private static void fill(final String codes, final boolean[] table)
    {
        for (final String code : codes.split(" "))
        {
            final int dash = code.indexOf('-');
            final int first = Integer.parseInt(dash < 0 ? code : code.substring(0, dash));
            final int last = dash < 0 ? first : Integer.parseInt(code.substring(dash + 1));
            for (int c = first; c <= last; c++)
            {
                table[c] = true;
            }
        }
    }

    /**
     * @param d1 first digit of the number.
     * @param d2 second digit, or -1 if none.
     * @param d3 third digit, or -1 if none.
     * @return the country code's length, 1 to 3, or 0 when no assigned code starts the number.
     */
    static int length(final int d1, final int d2, final int d3)
    {
        if (ASSIGNED_1[d1])
        {
            return 1;
        }
        if (d2 < 0)
        {
            return 0;
        }
        if (ASSIGNED_2[d1 * 10 + d2])
        {
            return 2;
        }
        if (d3 < 0)
        {
            return 0;
        }
        return ASSIGNED_3[d1 * 100 + d2 * 10 + d3] ? 3 : 0;
    }
}
