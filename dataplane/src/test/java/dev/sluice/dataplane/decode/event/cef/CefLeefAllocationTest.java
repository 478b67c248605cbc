package dev.sluice.dataplane.decode.event.cef;

import dev.sluice.dataplane.testing.AllocationProbe;
import dev.sluice.dataplane.decode.event.EventText;
import dev.sluice.dataplane.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;


/**
 * Parsing CEF and LEEF allocates nothing per event: after a warm-up, whole passes over every shared
 * sample (each parsed by both parsers, so rejections are on the path too) plus broken variants, with
 * every header field and every pair's value decoded into a reused {@link EventText}, lookups by key
 * and address reads, leave the thread's allocated-bytes counter where it was.
 */
class CefLeefAllocationTest
{
    private static final int WARM_UP_EVENTS = 400_000;
    private static final int MEASURED_EVENTS = 200_000;
    private static final int MEASURED_WINDOWS = 3;
    private static final String[] KEYS = {"src", "dst", "suser", "usrName", "cs1", "cs1Label", "act", "missing"};

    private static long checksum;

    private final CefParser cef = new CefParser();
    private final LeefParser leef = new LeefParser();
    private final EventText text = new EventText(16_384);

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void steadyStateParsingAndLookupsAllocateNothing() throws IOException
    {
        final Path data = SharedData.root().resolve("cef_leef");
        final List<String> messages = new ArrayList<>();
        messages.addAll(lines(data.resolve("sc4s/sc4s_cef_rendered.txt")));
        messages.addAll(lines(data.resolve("sc4s/sc4s_leef_rendered.txt")));
        messages.addAll(lines(data.resolve("tenzir/leef1.log")));
        messages.addAll(lines(data.resolve("tenzir/leef2.log")));
        messages.addAll(lines(data.resolve("tenzir/zscaler-nss.log")));
        messages.add("CEF:0|V|P|1|2|N|5|just text");
        messages.add("CEF:0|V|P|1|2");
        messages.add("LEEF:2.0|V|P|1|42|ab|a=b");
        messages.add("not an event at all");

        final byte[][] encoded = new byte[messages.size()][];
        long total = 0;
        for (int i = 0; i < encoded.length; i++)
        {
            encoded[i] = messages.get(i).getBytes(StandardCharsets.UTF_8);
            total += encoded[i].length;
        }
        final MemorySegment memory = Arena.ofAuto().allocate(total);
        final long[] offsets = new long[encoded.length];
        final int[] lengths = new int[encoded.length];
        long at = 0;
        for (int i = 0; i < encoded.length; i++)
        {
            MemorySegment.copy(encoded[i], 0, memory, ValueLayout.JAVA_BYTE, at, encoded[i].length);
            offsets[i] = at;
            lengths[i] = encoded[i].length;
            at += encoded[i].length;
        }

        new AllocationProbe("CEF and LEEF parse + lookups", WARM_UP_EVENTS, MEASURED_EVENTS, MEASURED_WINDOWS).assertNoAllocation(() -> pass(memory, offsets, lengths));
    }

    private long pass(final MemorySegment memory, final long[] offsets, final int[] lengths)
    {
        for (int i = 0; i < offsets.length; i++)
        {
            if (cef.parse(memory, offsets[i], lengths[i]))
            {
                checksum += readCef();
            }
            else
            {
                checksum += cef.rejectOffset() + cef.rejectReason().length();
            }
            if (leef.parse(memory, offsets[i], lengths[i]))
            {
                checksum += readLeef();
            }
            else
            {
                checksum += leef.rejectOffset() + leef.rejectReason().length();
            }
        }
        return 2L * offsets.length;
    }

    private long readCef()
    {
        long sum = cef.syslogPrefixLength() + cef.version() + cef.severity() + cef.severityLevel();
        for (int field = CefParser.DEVICE_VENDOR; field <= CefParser.SEVERITY; field++)
        {
            sum += cef.header(field, text).length();
        }
        for (int i = 0; i < cef.extensionCount(); i++)
        {
            sum += cef.extensionValue(i, text).length();
        }
        for (final String key : KEYS)
        {
            sum += cef.extension(key, text) ? text.length() : 0;
            sum += cef.extensionAddress(key) + cef.address().low();
        }
        return sum;
    }

    private long readLeef()
    {
        long sum = leef.syslogPrefixLength() + leef.version() + leef.delimiterByte(0);
        for (int field = LeefParser.VENDOR; field <= LeefParser.EVENT_ID; field++)
        {
            sum += leef.header(field, text).length();
        }
        for (int i = 0; i < leef.attributeCount(); i++)
        {
            sum += leef.attributeValue(i, text).length();
        }
        for (final String key : KEYS)
        {
            sum += leef.attribute(key, text) ? text.length() : 0;
            sum += leef.attributeAddress(key) + leef.address().low();
        }
        return sum;
    }

    private static List<String> lines(final Path file) throws IOException
    {
        final List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        lines.removeIf(String::isEmpty);
        return lines;
    }
}
