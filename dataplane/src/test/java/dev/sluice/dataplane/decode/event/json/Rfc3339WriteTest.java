package dev.sluice.dataplane.decode.event.json;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The RFC 3339 writer (the {@code bucket} method's) agrees with {@link Instant} across the
 * calendar's edges: the epoch, leap days, century years, times before 1970.
 */
class Rfc3339WriteTest
{
    @Test
    void writesUtcTimesAsInstantDoes()
    {
        final byte[] out = new byte[32];
        for (final String time : new String[]{
            "1970-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "2000-03-01T00:00:00Z", "2100-02-28T12:30:05Z",
            "1969-12-31T23:59:59Z", "1900-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z" })
        {
            final long millis = Instant.parse(time).toEpochMilli();
            final int length = Rfc3339.writeUtcSeconds(millis, out, 0, out.length);
            assertEquals(time, new String(out, 0, length, StandardCharsets.US_ASCII));
            assertEquals(time, new String(out, 0, Rfc3339.writeUtcSeconds(millis + 999, out, 0, out.length), StandardCharsets.US_ASCII),
                "milliseconds are cut, not rounded");
        }
        assertEquals(-1, Rfc3339.writeUtcSeconds(Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli(), out, 0, out.length));
        assertEquals(-1, Rfc3339.writeUtcSeconds(0, out, 0, 19), "20 bytes do not fit in 19");
    }
}
