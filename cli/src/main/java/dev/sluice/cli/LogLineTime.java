package dev.sluice.cli;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The time a log line says it was written, taken as its arrival time when {@code policy explain}
 * replays a log (a gateway uses each event's receive time): RFC 5424 timestamps
 * ({@code 2026-11-27T10:00:00.5+01:00}) and RFC 3164 ones ({@code Nov 27 10:00:01}, in UTC, in
 * the year given, since the format has none). A line without a time it can read arrives with the
 * line before it. One thread.
 */
final class LogLineTime
{
    private static final List<String> MONTHS =
        List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");

    private final int year;
    private long lastNs;

    /**
     * @param startNs the time of a first line without a readable time (epoch nanoseconds).
     * @param year    the year of RFC 3164 timestamps.
     */
    LogLineTime(final long startNs, final int year)
    {
        this.lastNs = startNs;
        this.year = year;
    }

    /**
     * @param timestamp the line's {@code syslog.timestamp}, or null when it has none.
     * @return the line's time in epoch nanoseconds.
     */
    long of(final CharSequence timestamp)
    {
        if (null != timestamp)
        {
            final long ns = parse(timestamp.toString().trim());
            if (ns != Long.MIN_VALUE)
            {
                lastNs = ns;
            }
        }
        return lastNs;
    }

    private long parse(final String text)
    {
        try
        {
            if (text.length() >= 10 && Character.isDigit(text.charAt(0)))
            {
                final OffsetDateTime time = OffsetDateTime.parse(text);
                return nanos(time.toEpochSecond(), time.getNano());
            }
            // "Nov 27 10:00:01" or "Dec  1 06:55:46"
            final String[] parts = text.split(" +");
            if (3 == parts.length && MONTHS.contains(parts[0]))
            {
                final String[] clock = parts[2].split(":");
                if (3 == clock.length)
                {
                    final LocalDateTime time = LocalDateTime.of(year, MONTHS.indexOf(parts[0]) + 1, Integer.parseInt(parts[1]),
                        Integer.parseInt(clock[0]), Integer.parseInt(clock[1]), Integer.parseInt(clock[2]));
                    return nanos(time.toEpochSecond(ZoneOffset.UTC), 0);
                }
            }
        }
        catch (final DateTimeException | NumberFormatException ex)
        {
            // Not a time this reads: the line arrives with the one before.
        }
        return Long.MIN_VALUE;
    }

    private static long nanos(final long seconds, final int nanos)
    {
        return seconds * 1_000_000_000L + nanos;
    }
}
