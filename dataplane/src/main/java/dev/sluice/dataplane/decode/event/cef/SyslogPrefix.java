package dev.sluice.dataplane.decode.event.cef;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Finds where a CEF or LEEF record starts in a message that may carry a syslog header in front
 * of it ({@code <134>Jan 18 11:07:53 host CEF:0|...}, {@code <134>1 2019-01-18T11:07:53Z host app - - - LEEF:2.0|...},
 * or any other text a relay put there).
 * <p>
 * Deliberately small: the syslog parser owns the header's grammar. This scan only looks, within the
 * first {@code maxPrefixBytes} bytes, for the format's marker ({@code CEF:} or {@code LEEF:}) at the
 * message's start or right after a space, tab or {@code >} (the end of a PRI), followed by optional
 * spaces and a digit (the version). Everything before the marker is the prefix, which the pipeline
 * can hand to the syslog parser later. Stateless; any thread.
 */
final class SyslogPrefix
{
    static final byte[] CEF_MARKER = {'C', 'E', 'F', ':'};
    static final byte[] LEEF_MARKER = {'L', 'E', 'E', 'F', ':'};

    private SyslogPrefix()
    {
    }

    /**
     * @param segment        holds the message.
     * @param base           where the message starts.
     * @param length         the message's length.
     * @param marker         the format's marker, e.g. {@link #CEF_MARKER}.
     * @param maxPrefixBytes the longest prefix searched.
     * @return the marker's offset from the message's start (the prefix's length), or -1 when absent.
     */
    static int markerOffset(
        final MemorySegment segment, final long base, final int length, final byte[] marker, final int maxPrefixBytes)
    {
        final int last = Math.min(length - marker.length, maxPrefixBytes);
        final byte first = marker[0];
        for (int i = 0; i <= last; i++)
        {
            if (segment.get(ValueLayout.JAVA_BYTE, base + i) == first &&
                (0 == i || isBoundary(segment.get(ValueLayout.JAVA_BYTE, base + i - 1))) &&
                matches(segment, base + i, marker) &&
                versionFollows(segment, base, length, i + marker.length))
            {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBoundary(final byte value)
    {
        return ' ' == value || '\t' == value || '>' == value;
    }

    private static boolean matches(final MemorySegment segment, final long at, final byte[] marker)
    {
        for (int k = 1; k < marker.length; k++)
        {
            if (segment.get(ValueLayout.JAVA_BYTE, at + k) != marker[k])
            {
                return false;
            }
        }
        return true;
    }

    private static boolean versionFollows(final MemorySegment segment, final long base, final int length, final int from)
    {
        int i = from;
        while (i < length && ' ' == segment.get(ValueLayout.JAVA_BYTE, base + i))
        {
            i++;
        }
        if (i >= length)
        {
            return false;
        }
        final byte value = segment.get(ValueLayout.JAVA_BYTE, base + i);
        return value >= '0' && value <= '9';
    }

    /**
     * @return the message's length without the line ending a framer may have left ({@code \n}, {@code \r\n}).
     */
    static int withoutLineEnd(final MemorySegment segment, final long base, final int length)
    {
        int end = length;
        while (end > 0)
        {
            final byte value = segment.get(ValueLayout.JAVA_BYTE, base + end - 1);
            if ('\n' != value && '\r' != value)
            {
                break;
            }
            end--;
        }
        return end;
    }
}
