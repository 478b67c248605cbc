package dev.sluice.dataplane.decode.event.syslog;

/**
 * Reads a syslog timestamp where it lies and turns it into epoch nanoseconds: strictly the RFC
 * 5424 form ({@code 2003-10-11T22:14:15.003Z}, fraction of 1 to 6 digits, offset {@code Z} or
 * {@code ±hh:mm}, a day that exists), or leniently the forms RFC 3164 senders write:
 * <pre>
 *   Oct 11 22:14:15            Aug  7 06:30:00           Aug 7 06:30:00.123
 *   Oct 11 22:14:15 2003       Oct 11 2003 22:14:15      1990 Oct 22 10:52:01
 *   Aug 24 05:34:00 CST 1987   2003-10-11T22:14:15.003Z  2003-10-11 22:14:15+0200
 * </pre>
 * A lenient timestamp without a year leaves {@link #year} at {@link #NO_YEAR} for the caller to
 * fill; one with a zone name (CST) keeps the text but gives no epoch value (the name's offset
 * is unknown); one without any offset is taken as UTC.
 * <p>
 * One instance per parser, reused for every message; one thread.
 */
final class SyslogTimestamp
{
    /** {@link #year} when the timestamp did not say. */
    static final int NO_YEAR = -1;
    /** {@link #epochNanos} when the instant cannot be computed or does not fit a long. */
    static final long NO_EPOCH = Long.MIN_VALUE;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final int SECONDS_PER_DAY = 86_400;
    private static final int RFC5424_MAX_FRACTION_DIGITS = 6;
    private static final int LENIENT_MAX_FRACTION_DIGITS = 9;
    private static final int MAX_ZONE_NAME = 5;
    /** Epoch nanoseconds in a long cover 1677-09-21 to 2262-04-11: whole years inside that. */
    private static final int MIN_EPOCH_YEAR = 1678;
    private static final int MAX_EPOCH_YEAR = 2261;
    private static final int[] DAYS_IN_MONTH = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    /** {@code 2003-10-11T22:14:15}: the part of an RFC 5424 timestamp {@link #fastDateTime} reads. */
    private static final int DATE_TIME_LENGTH = 19;
    /** {@code YYYY-MM-}: the separators' bytes, and what they must hold. */
    private static final long DATE_SEPARATORS = 0xFF00_00FF_0000_0000L;
    private static final long DATE_SEPARATOR_BYTES = 0x2D00_002D_0000_0000L;
    /** {@code DDThh:mm}. */
    private static final long TIME_SEPARATORS = 0x0000_FF00_00FF_0000L;
    private static final long TIME_SEPARATOR_BYTES = 0x0000_3A00_0054_0000L;
    /** {@code :ss} and 5 bytes that are not the timestamp's (masked to zero). */
    private static final long SECONDS_MASK = 0x0000_0000_00FF_FFFFL;
    private static final long SECONDS_SEPARATOR = 0x0000_0000_0000_00FFL;
    private static final long SECONDS_SEPARATOR_BYTE = 0x0000_0000_0000_003AL;
    private static final long SECONDS_DIGITS = 0x0000_0000_00FF_FF00L;
    private static final long ZEROS = 0x3030_3030_3030_3030L;
    /** Added to each byte less {@code 0}: sets its high bit when it was not a digit (below 0x80; above, it is set). */
    private static final long NON_DIGIT_ADD = 0x7676_7676_7676_7676L;
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000,
        100_000_000, 1_000_000_000};

    int year;
    int month;
    int day;
    int hour;
    int minute;
    int second;
    int nanos;
    int offsetMinutes;
    boolean zoneName;
    /** Where the last failed strict parse found the timestamp bad, from the message's start. */
    int errorOffset;

    private final MessageBytes bytes;

    /**
     * @param bytes the message being parsed, shared with the parser.
     */
    SyslogTimestamp(final MessageBytes bytes)
    {
        this.bytes = bytes;
    }

    private void reset()
    {
        year = NO_YEAR;
        month = 0;
        day = 0;
        hour = 0;
        minute = 0;
        second = 0;
        nanos = 0;
        offsetMinutes = 0;
        zoneName = false;
        errorOffset = -1;
    }

    private int at(final int position)
    {
        return bytes.at(position);
    }

    /**
     * {@code count} decimal digits at {@code position}, or -1 with {@link #errorOffset} at the
     * first byte that is not one (or at {@code end}).
     */
    private int digits(final int position, final int count, final int end)
    {
        int value = 0;
        for (int i = position; i < position + count; i++)
        {
            if (i >= end)
            {
                errorOffset = end;
                return -1;
            }
            final int c = at(i);
            if (c < '0' || c > '9')
            {
                errorOffset = i;
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private boolean expect(final int position, final int expected, final int end)
    {
        if (position >= end || at(position) != expected)
        {
            errorOffset = Math.min(position, end);
            return false;
        }
        return true;
    }

    /**
     * RFC 5424's {@code FULL-DATE "T" FULL-TIME}, strictly.
     *
     * @return the position after the timestamp, or -1 with {@link #errorOffset} set.
     */
    int parseRfc5424(final int start, final int end)
    {
        reset();
        int p = fastDateTime(start, end);
        if (p < 0)
        {
            p = dateTime(start, end);
            if (p < 0)
            {
                return -1;
            }
        }
        if (p < end && at(p) == '.')
        {
            p = fraction(p + 1, end, RFC5424_MAX_FRACTION_DIGITS);
            if (p < 0)
            {
                return -1;
            }
        }
        if (p >= end)
        {
            errorOffset = end;
            return -1;
        }
        final int c = at(p);
        if (c == 'Z')
        {
            return p + 1;
        }
        if (c != '+' && c != '-')
        {
            errorOffset = p;
            return -1;
        }
        return numericOffset(p, end, true);
    }

    /**
     * {@code FULL-DATE "T" PARTIAL-TIME} without the fraction, 8 bytes at a time: the shape checked
     * at once, then the fields' ranges. Any doubt (a bad byte, a field out of range, the text reaching
     * past the window) returns -1 with nothing set, for {@link #dateTime} to find where it is bad.
     *
     * @return the position after the seconds, or -1.
     */
    private int fastDateTime(final int start, final int end)
    {
        if (start + DATE_TIME_LENGTH > end || !bytes.inWindow(start, DATE_TIME_LENGTH))
        {
            return -1;
        }
        final long dateWord = bytes.windowLong(start);
        final long timeWord = bytes.windowLong(start + Long.BYTES);
        final long secondsWord = bytes.windowLong(start + 2 * Long.BYTES) & SECONDS_MASK;
        if ((dateWord & DATE_SEPARATORS) != DATE_SEPARATOR_BYTES ||
            (timeWord & TIME_SEPARATORS) != TIME_SEPARATOR_BYTES ||
            (secondsWord & SECONDS_SEPARATOR) != SECONDS_SEPARATOR_BYTE ||
            !allDigits((dateWord & ~DATE_SEPARATORS) | (ZEROS & DATE_SEPARATORS)) ||
            !allDigits((timeWord & ~TIME_SEPARATORS) | (ZEROS & TIME_SEPARATORS)) ||
            !allDigits((secondsWord & SECONDS_DIGITS) | (ZEROS & ~SECONDS_DIGITS)))
        {
            return -1;
        }
        final int fastYear = digit(dateWord, 0) * 1000 + digit(dateWord, 1) * 100 + digit(dateWord, 2) * 10 +
            digit(dateWord, 3);
        final int fastMonth = digit(dateWord, 5) * 10 + digit(dateWord, 6);
        final int fastDay = digit(timeWord, 0) * 10 + digit(timeWord, 1);
        final int fastHour = digit(timeWord, 3) * 10 + digit(timeWord, 4);
        final int fastMinute = digit(timeWord, 6) * 10 + digit(timeWord, 7);
        final int fastSecond = digit(secondsWord, 1) * 10 + digit(secondsWord, 2);
        if (fastMonth < 1 || fastMonth > 12 || fastDay < 1 || fastDay > daysInMonth(fastYear, fastMonth) ||
            fastHour > 23 || fastMinute > 59 || fastSecond > 59)
        {
            return -1;
        }
        year = fastYear;
        month = fastMonth;
        day = fastDay;
        hour = fastHour;
        minute = fastMinute;
        second = fastSecond;
        return start + DATE_TIME_LENGTH;
    }

    /** True when each of the 8 bytes of {@code word} is an ASCII digit (simdjson's test). */
    private static boolean allDigits(final long word)
    {
        return ((word & 0xF0F0_F0F0_F0F0_F0F0L) | (((word + 0x0606_0606_0606_0606L) & 0xF0F0_F0F0_F0F0_F0F0L) >>> 4)) ==
            0x3333_3333_3333_3333L;
    }

    private static int digit(final long word, final int index)
    {
        return ((int)(word >>> (index << 3)) & 0xFF) - '0';
    }

    /** {@code FULL-DATE "T" PARTIAL-TIME} without the fraction, a byte at a time; -1 with {@link #errorOffset}. */
    private int dateTime(final int start, final int end)
    {
        int p = start;
        year = digits(p, 4, end);
        if (year < 0 || !expect(p + 4, '-', end))
        {
            return -1;
        }
        p += 5;
        month = twoDigits(p, 1, 12, end);
        if (month < 0)
        {
            return -1;
        }
        if (!expect(p + 2, '-', end))
        {
            return -1;
        }
        p += 3;
        day = twoDigits(p, 1, daysInMonth(year, month), end);
        if (day < 0)
        {
            return -1;
        }
        if (!expect(p + 2, 'T', end))
        {
            return -1;
        }
        return time(p + 3, end);
    }

    /**
     * Two digits at {@code p} holding a value in {@code min..max}; -1 when they are not digits
     * ({@link #digits} says where) or the value is out of range (the error is at its second digit).
     */
    private int twoDigits(final int p, final int min, final int max, final int end)
    {
        final int value = digits(p, 2, end);
        if (value < 0)
        {
            return -1;
        }
        if (value < min || value > max)
        {
            errorOffset = p + 1;
            return -1;
        }
        return value;
    }

    /** {@code hh:mm:ss}, each in range; -1 when bad. */
    private int time(final int start, final int end)
    {
        int p = start;
        hour = twoDigits(p, 0, 23, end);
        if (hour < 0)
        {
            return -1;
        }
        if (!expect(p + 2, ':', end))
        {
            return -1;
        }
        p += 3;
        minute = twoDigits(p, 0, 59, end);
        if (minute < 0)
        {
            return -1;
        }
        if (!expect(p + 2, ':', end))
        {
            return -1;
        }
        p += 3;
        second = twoDigits(p, 0, 59, end);
        if (second < 0)
        {
            return -1;
        }
        return p + 2;
    }

    /** 1 to {@code maxDigits} digits of a second's fraction; -1 when none or too many. */
    private int fraction(final int start, final int end, final int maxDigits)
    {
        if (end - start >= Long.BYTES && bytes.inWindow(start, Long.BYTES))
        {
            final long word = bytes.windowLong(start);
            final long values = word ^ ZEROS;
            final long nonDigits = ((values + NON_DIGIT_ADD) | values) & HIGH_BITS;
            final int count = Long.numberOfTrailingZeros(nonDigits) >>> 3;
            if (nonDigits != 0 && count >= 1 && count <= maxDigits)
            {
                int value = 0;
                for (int i = 0; i < count; i++)
                {
                    value = value * 10 + (int)(values >>> (i << 3) & 0xFF);
                }
                nanos = value * POWERS_OF_TEN[9 - count];
                return start + count;
            }
        }
        int p = start;
        int value = 0;
        while (p < end)
        {
            final int c = at(p);
            if (c < '0' || c > '9')
            {
                break;
            }
            if (p - start == maxDigits)
            {
                errorOffset = p;
                return -1;
            }
            value = value * 10 + (c - '0');
            p++;
        }
        if (p == start)
        {
            errorOffset = Math.min(p, end);
            return -1;
        }
        nanos = value * POWERS_OF_TEN[9 - (p - start)];
        return p;
    }

    /** {@code ±hh:mm} (or, when not {@code strict}, {@code ±hhmm}) at {@code start}; -1 when bad. */
    private int numericOffset(final int start, final int end, final boolean strict)
    {
        final int sign = at(start) == '-' ? -1 : 1;
        int p = start + 1;
        final int hours = twoDigits(p, 0, 23, end);
        if (hours < 0)
        {
            return -1;
        }
        p += 2;
        if (p < end && at(p) == ':')
        {
            p++;
        }
        else if (strict)
        {
            errorOffset = Math.min(p, end);
            return -1;
        }
        final int minutes = twoDigits(p, 0, 59, end);
        if (minutes < 0)
        {
            return -1;
        }
        offsetMinutes = sign * (hours * 60 + minutes);
        return p + 2;
    }

    /**
     * One of the lenient RFC 3164 forms (see the class comment).
     *
     * @return the position after the timestamp, or -1 when none of the forms is there.
     */
    int parseLenient(final int start, final int end)
    {
        reset();
        if (start >= end)
        {
            return -1;
        }
        final int c = at(start);
        if (c >= '0' && c <= '9')
        {
            final int leadingYear = digits(start, 4, end);
            if (leadingYear < 0 || start + 4 >= end)
            {
                return -1;
            }
            final int separator = at(start + 4);
            if (separator == '-')
            {
                return isoLenient(start, end);
            }
            if (separator == ' ')
            {
                final int p = bsd(start + 5, end);
                if (p < 0 || year != NO_YEAR)
                {
                    return -1;
                }
                year = leadingYear;
                return validDay() ? p : -1;
            }
            return -1;
        }
        final int p = bsd(start, end);
        return p >= 0 && validDay() ? p : -1;
    }

    private boolean validDay()
    {
        return day <= (year == NO_YEAR ? (month == 2 ? 29 : DAYS_IN_MONTH[month]) : daysInMonth(year, month));
    }

    /** {@code Mmm dd[ yyyy] hh:mm:ss[.frac][ yyyy| ZONE yyyy]}. */
    private int bsd(final int start, final int end)
    {
        if (start + 3 >= end)
        {
            return -1;
        }
        month = monthNumber(at(start), at(start + 1), at(start + 2));
        if (month == 0 || at(start + 3) != ' ')
        {
            return -1;
        }
        int p = start + 4;
        if (p < end && at(p) == ' ')
        {
            p++;
        }
        final int tens = digits(p, 1, end);
        if (tens < 0)
        {
            return -1;
        }
        p++;
        day = tens;
        if (p < end && at(p) >= '0' && at(p) <= '9')
        {
            day = tens * 10 + (at(p) - '0');
            p++;
        }
        if (day < 1 || day > 31 || p >= end || at(p) != ' ')
        {
            return -1;
        }
        p++;
        if (p + 4 < end && at(p + 4) == ' ')
        {
            final int yearBeforeTime = digits(p, 4, end);
            if (yearBeforeTime < 0)
            {
                return -1;
            }
            year = yearBeforeTime;
            p += 5;
        }
        p = time(p, end);
        if (p < 0)
        {
            return -1;
        }
        if (p < end && at(p) == '.')
        {
            p = fraction(p + 1, end, LENIENT_MAX_FRACTION_DIGITS);
            if (p < 0)
            {
                return -1;
            }
        }
        if (year == NO_YEAR && p < end && at(p) == ' ')
        {
            final int afterYear = trailingYear(p + 1, end);
            if (afterYear > 0)
            {
                return afterYear;
            }
            int q = p + 1;
            while (q < end && q - (p + 1) < MAX_ZONE_NAME && at(q) >= 'A' && at(q) <= 'Z')
            {
                q++;
            }
            if (q - (p + 1) >= 2 && q < end && at(q) == ' ')
            {
                final int afterZoneYear = trailingYear(q + 1, end);
                if (afterZoneYear > 0)
                {
                    zoneName = true;
                    return afterZoneYear;
                }
            }
        }
        return p;
    }

    /** A 4-digit year at {@code start} that ends the timestamp (followed by a space or the end); -1 when not. */
    private int trailingYear(final int start, final int end)
    {
        if (start + 4 > end || (start + 4 < end && at(start + 4) != ' '))
        {
            return -1;
        }
        final int value = digits(start, 4, end);
        if (value < 0)
        {
            return -1;
        }
        year = value;
        return start + 4;
    }

    /** {@code yyyy-mm-dd(T|t| )hh:mm:ss[.frac][Z|z|±hh:mm|±hhmm]}. */
    private int isoLenient(final int start, final int end)
    {
        year = digits(start, 4, end);
        int p = start + 5;
        month = digits(p, 2, end);
        if (month < 1 || month > 12 || !expect(p + 2, '-', end))
        {
            return -1;
        }
        p += 3;
        day = digits(p, 2, end);
        if (day < 1 || day > daysInMonth(year, month) || p + 2 >= end)
        {
            return -1;
        }
        final int separator = at(p + 2);
        if (separator != 'T' && separator != 't' && separator != ' ')
        {
            return -1;
        }
        p = time(p + 3, end);
        if (p < 0)
        {
            return -1;
        }
        if (p < end && at(p) == '.')
        {
            p = fraction(p + 1, end, LENIENT_MAX_FRACTION_DIGITS);
            if (p < 0)
            {
                return -1;
            }
        }
        if (p < end)
        {
            final int c = at(p);
            if (c == 'Z' || c == 'z')
            {
                return p + 1;
            }
            if (c == '+' || c == '-')
            {
                return numericOffset(p, end, false);
            }
        }
        return p;
    }

    /** 1 to 12 for a month's three-letter English abbreviation in any case; 0 otherwise. */
    static int monthNumber(final int a, final int b, final int c)
    {
        final int key = ((a | 0x20) << 16) | ((b | 0x20) << 8) | (c | 0x20);
        return switch (key)
        {
            case ('j' << 16) | ('a' << 8) | 'n' -> 1;
            case ('f' << 16) | ('e' << 8) | 'b' -> 2;
            case ('m' << 16) | ('a' << 8) | 'r' -> 3;
            case ('a' << 16) | ('p' << 8) | 'r' -> 4;
            case ('m' << 16) | ('a' << 8) | 'y' -> 5;
            case ('j' << 16) | ('u' << 8) | 'n' -> 6;
            case ('j' << 16) | ('u' << 8) | 'l' -> 7;
            case ('a' << 16) | ('u' << 8) | 'g' -> 8;
            case ('s' << 16) | ('e' << 8) | 'p' -> 9;
            case ('o' << 16) | ('c' << 8) | 't' -> 10;
            case ('n' << 16) | ('o' << 8) | 'v' -> 11;
            case ('d' << 16) | ('e' << 8) | 'c' -> 12;
            default -> 0;
        };
    }

    static boolean isLeapYear(final int year)
    {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    static int daysInMonth(final int year, final int month)
    {
        return month == 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month];
    }

    /** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
    static long epochDay(final int year, final int month, final int day)
    {
        final int y = month <= 2 ? year - 1 : year;
        final int era = (y >= 0 ? y : y - 399) / 400;
        final int yearOfEra = y - era * 400;
        final int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        final int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    /**
     * @return the instant of the parsed fields in nanoseconds since the epoch, or
     * {@link #NO_EPOCH} when the year is unknown or out of a long's range, or a zone name was given.
     */
    long epochNanos()
    {
        if (zoneName || year < MIN_EPOCH_YEAR || year > MAX_EPOCH_YEAR || day > daysInMonth(year, month))
        {
            return NO_EPOCH;
        }
        final long seconds = epochDay(year, month, day) * SECONDS_PER_DAY + hour * 3_600L + minute * 60L + second -
            offsetMinutes * 60L;
        return seconds * NANOS_PER_SECOND + nanos;
    }
}
