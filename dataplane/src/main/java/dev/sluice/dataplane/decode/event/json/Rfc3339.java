package dev.sluice.dataplane.decode.event.json;

/**
 * Reads an RFC 3339 / ISO 8601 timestamp from a document's bytes into epoch milliseconds,
 * without allocating: {@code YYYY-MM-DD}, {@code T}, {@code t} or a space,
 * {@code hh:mm:ss}, an optional fraction (digits past milliseconds are dropped), then
 * {@code Z}, {@code z}, {@code +hh:mm} or {@code -hh:mm}. A leap second (:60) is accepted and
 * counts as the next second. Writes one back in UTC to the second (for a time anonymization
 * cut down). Stateless; any thread.
 */
public final class Rfc3339
{
    private static final long MILLIS_PER_SECOND = 1000;
    private static final int SECONDS_PER_MINUTE = 60;
    private static final int SECONDS_PER_HOUR = 3600;
    private static final int SECONDS_PER_DAY = 86_400;
    private static final int SHORTEST = "2000-01-01T00:00:00Z".length();

    private Rfc3339()
    {
    }

    /**
     * @param json  the parser holding the document.
     * @param start the timestamp's first byte.
     * @param end   one past its last byte.
     * @return epoch milliseconds, or {@link TelemetryView#NO_TIME} when it is not a valid timestamp.
     */
    static long epochMillis(final JsonParser json, final int start, final int end)
    {
        if (end - start < SHORTEST)
        {
            return TelemetryView.NO_TIME;
        }
        final int year = digits(json, start, 4);
        final int month = digits(json, start + 5, 2);
        final int day = digits(json, start + 8, 2);
        final int hour = digits(json, start + 11, 2);
        final int minute = digits(json, start + 14, 2);
        final int second = digits(json, start + 17, 2);
        final byte separator = json.at(start + 10);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) ||
            hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60 ||
            json.at(start + 4) != '-' || json.at(start + 7) != '-' || json.at(start + 13) != ':' ||
            json.at(start + 16) != ':' || (separator != 'T' && separator != 't' && separator != ' '))
        {
            return TelemetryView.NO_TIME;
        }
        int position = start + 19;
        long millis = 0;
        if (json.at(position) == '.')
        {
            position++;
            final int fractionStart = position;
            long scale = 100;
            while (position < end && json.at(position) >= '0' && json.at(position) <= '9')
            {
                millis += (json.at(position) - '0') * scale;
                scale /= 10;
                position++;
            }
            if (position == fractionStart)
            {
                return TelemetryView.NO_TIME;
            }
        }
        if (position >= end)
        {
            return TelemetryView.NO_TIME;
        }
        final byte zone = json.at(position);
        int offsetSeconds = 0;
        if (zone == 'Z' || zone == 'z')
        {
            position++;
        }
        else if ((zone == '+' || zone == '-') && position + 6 == end && json.at(position + 3) == ':')
        {
            final int offsetHours = digits(json, position + 1, 2);
            final int offsetMinutes = digits(json, position + 4, 2);
            if (offsetHours < 0 || offsetHours > 23 || offsetMinutes < 0 || offsetMinutes > 59)
            {
                return TelemetryView.NO_TIME;
            }
            offsetSeconds = (zone == '+' ? 1 : -1) * (offsetHours * SECONDS_PER_HOUR + offsetMinutes * SECONDS_PER_MINUTE);
            position += 6;
        }
        if (position != end)
        {
            return TelemetryView.NO_TIME;
        }
        final long seconds = daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * SECONDS_PER_HOUR +
            minute * SECONDS_PER_MINUTE + second - offsetSeconds;
        return seconds * MILLIS_PER_SECOND + millis;
    }

    private static int digits(final JsonParser json, final int position, final int count)
    {
        int value = 0;
        for (int i = 0; i < count; i++)
        {
            final byte b = json.at(position + i);
            if (b < '0' || b > '9')
            {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    private static int daysInMonth(final int year, final int month)
    {
        if (month == 2)
        {
            final boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            return leap ? 29 : 28;
        }
        return month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    static long daysFromCivil(final int year, final int month, final int day)
    {
        final int y = month <= 2 ? year - 1 : year;
        final int era = (y >= 0 ? y : y - 399) / 400;
        final int yearOfEra = y - era * 400;
        final int dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        final int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - 719_468;
    }

    /**
     * Writes {@code YYYY-MM-DDThh:mm:ssZ} (UTC; milliseconds cut), the inverse of
     * {@link #daysFromCivil} (H. Hinnant's civil_from_days), without allocating.
     *
     * @return 20 (bytes written), or -1 when they do not fit before {@code limit} or the year is not 0..9999.
     */
    public static int writeUtcSeconds(final long epochMillis, final byte[] out, final int at, final int limit)
    {
        final long seconds = Math.floorDiv(epochMillis, MILLIS_PER_SECOND);
        final long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
        final long secondOfDay = seconds - days * SECONDS_PER_DAY;
        final long z = days + 719_468;
        final long era = Math.floorDiv(z, 146_097L);
        final long dayOfEra = z - era * 146_097L;
        final long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        final long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        final long mp = (5 * dayOfYear + 2) / 153;
        final long day = dayOfYear - (153 * mp + 2) / 5 + 1;
        final long month = mp < 10 ? mp + 3 : mp - 9;
        final long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
        if (year < 0 || year > 9999 || at + SHORTEST > limit)
        {
            return -1;
        }
        int i = at;
        i = twoDigits(year / 100, out, i);
        i = twoDigits(year % 100, out, i);
        out[i++] = '-';
        i = twoDigits(month, out, i);
        out[i++] = '-';
        i = twoDigits(day, out, i);
        out[i++] = 'T';
        i = twoDigits(secondOfDay / SECONDS_PER_HOUR, out, i);
        out[i++] = ':';
        i = twoDigits(secondOfDay / SECONDS_PER_MINUTE % SECONDS_PER_MINUTE, out, i);
        out[i++] = ':';
        i = twoDigits(secondOfDay % SECONDS_PER_MINUTE, out, i);
        out[i++] = 'Z';
        return i - at;
    }

    private static int twoDigits(final long value, final byte[] out, final int at)
    {
        out[at] = (byte)('0' + value / 10);
        out[at + 1] = (byte)('0' + value % 10);
        return at + 2;
    }
}
