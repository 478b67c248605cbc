package dev.sluice.dataplane.decode.event.syslog;

import dev.sluice.dataplane.decode.event.EventText;
import dev.sluice.dataplane.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parsing allocates nothing per message: after a warm-up, windows of 200,000 parses of real
 * messages lying off-heap (go-syslog's RFC 5424 cases, valid and invalid, the RFC examples and
 * loghub's 8,000 lines), each followed by every accessor the data path may call (severity,
 * facility, timestamp, text fields into a reused {@link EventText}, structured-data lookups by
 * id and name), leave the thread's allocated-bytes counter where it was.
 */
class SyslogAllocationTest
{
    private static final int WARM_UP_MESSAGES = 300_000;
    private static final int MEASURED_MESSAGES = 200_000;
    private static final int MEASURED_WINDOWS = 3;

    private static volatile byte[] sink;
    private static long checksum;

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    /** Every message, one after another in one off-heap segment, with where each starts and how long it is. */
    record Messages(MemorySegment segment, long[] offsets, int[] lengths)
    {
    }

    static List<byte[]> realMessages() throws IOException
    {
        final List<byte[]> messages = new ArrayList<>();
        for (final GoSyslogCases.Case c : GoSyslogCases.rfc5424())
        {
            messages.add(c.input());
        }
        final Path root = SharedData.root().resolve("syslog");
        for (final String file : List.of("rfc/rfc5424_sec6.5_examples.txt", "rfc/rfc5424_sec6.5_examples_realBOM.txt",
            "rfc/rfc3164_sec5.4_examples.txt", "loghub/Linux_2k.log", "loghub/OpenSSH_2k.log", "loghub/Apache_2k.log",
            "loghub/HDFS_2k.log"))
        {
            final byte[] bytes = Files.readAllBytes(root.resolve(file));
            int start = 0;
            for (int i = 0; i <= bytes.length; i++)
            {
                if (i == bytes.length || bytes[i] == '\n')
                {
                    if (i > start)
                    {
                        messages.add(Arrays.copyOfRange(bytes, start, i));
                    }
                    start = i + 1;
                }
            }
        }
        return messages;
    }

    static Messages offHeap(final Arena arena, final List<byte[]> messages)
    {
        long total = 0;
        for (final byte[] message : messages)
        {
            total += message.length;
        }
        final MemorySegment segment = arena.allocate(Math.max(1, total));
        final long[] offsets = new long[messages.size()];
        final int[] lengths = new int[messages.size()];
        long offset = 0;
        for (int i = 0; i < messages.size(); i++)
        {
            final byte[] message = messages.get(i);
            MemorySegment.copy(message, 0, segment, ValueLayout.JAVA_BYTE, offset, message.length);
            offsets[i] = offset;
            lengths[i] = message.length;
            offset += message.length;
        }
        return new Messages(segment, offsets, lengths);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void steadyStateParseAndReadAllocateNothing() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final Messages messages = offHeap(arena, realMessages());
            final SyslogParser parser = new SyslogParser();
            final EventText text = new EventText(SyslogParser.DEFAULT_MAX_MESSAGE_LENGTH);

            long warmedUp = 0;
            while (warmedUp < WARM_UP_MESSAGES)
            {
                warmedUp += pass(messages, parser, text);
            }

            final long calibrationBefore = threads.getCurrentThreadAllocatedBytes();
            final long calibrationAfter = threads.getCurrentThreadAllocatedBytes();
            final long probeBefore = threads.getCurrentThreadAllocatedBytes();
            sink = new byte[4096];
            assertTrue(threads.getCurrentThreadAllocatedBytes() - probeBefore >= 4096, "the allocation probe works");

            // A per-message allocation shows in every window; a one-off (a deoptimization under load from other
            // builds) in one. Steady state = a clean window.
            long[] windows = new long[MEASURED_WINDOWS];
            long parsed = 0;
            long allocatedBytes = Long.MAX_VALUE;
            int measuredWindows = 0;
            for (int window = 0; window < MEASURED_WINDOWS && allocatedBytes != 0; window++)
            {
                measuredWindows++;
                final long before = threads.getCurrentThreadAllocatedBytes();
                parsed = 0;
                while (parsed < MEASURED_MESSAGES)
                {
                    parsed += pass(messages, parser, text);
                }
                windows[window] = threads.getCurrentThreadAllocatedBytes() - before - (calibrationAfter - calibrationBefore);
                allocatedBytes = Math.min(allocatedBytes, windows[window]);
            }
            windows = Arrays.copyOf(windows, measuredWindows);

            System.out.println("syslog allocation: " + Arrays.toString(windows) + " bytes per window of " + parsed +
                " messages (" + messages.offsets().length + " distinct) after " + warmedUp + " warm-up messages");
            assertTrue(parsed >= MEASURED_MESSAGES);
            assertEquals(0, allocatedBytes, "bytes allocated by parse + reading every field over " + parsed +
                " messages, fewest of " + Arrays.toString(windows) + " (checksum " + checksum + ")");
        }
    }

    private static long pass(final Messages messages, final SyslogParser parser, final EventText text)
    {
        final long[] offsets = messages.offsets();
        final int[] lengths = messages.lengths();
        for (int i = 0; i < offsets.length; i++)
        {
            if (parser.parse(messages.segment(), offsets[i], lengths[i]))
            {
                checksum += readEveryField(parser, text);
            }
            else
            {
                checksum += parser.rejectOffset() + parser.rejectReason().length();
            }
        }
        return offsets.length;
    }

    /** What a policy may read, summed so that none of it is optimised away. */
    static long readEveryField(final SyslogParser p, final EventText text)
    {
        long sum = p.pri() + p.facility() + p.severity() + p.version() + p.timestampNs() + p.format().ordinal();
        sum += p.timestamp(text) ? text.length() : 0;
        sum += p.hostname(text) ? text.length() : 0;
        sum += p.appname(text) ? text.length() : 0;
        sum += p.procid(text) ? text.length() : 0;
        sum += p.msgid(text) ? text.length() : 0;
        sum += p.msg(text) ? text.length() : 0;
        sum += p.structuredDataValue("exampleSDID@32473", "eventSource", text) ? text.length() : 0;
        sum += p.structuredDataValue("meta", "escape", text) ? text.length() : 0;
        sum += p.structuredDataValue("origin", "x-service", text) ? text.length() : 0;
        sum += p.structuredDataValue("nothere", "x", text) ? 1 : 0;
        for (int k = 0; k < p.sdParamCount(); k++)
        {
            p.sdParamValue(k, text);
            sum += text.length() + p.sdParamElement(k);
        }
        return sum + p.hostnameOffset() + p.msgOffset() + p.msgLength() + (p.msgHasBom() ? 1 : 0);
    }
}
