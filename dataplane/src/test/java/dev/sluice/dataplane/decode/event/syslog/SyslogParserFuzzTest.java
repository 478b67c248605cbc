package dev.sluice.dataplane.decode.event.syslog;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.dataplane.decode.event.EventFieldVisitor;
import dev.sluice.dataplane.decode.event.EventText;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link SyslogParser} in its three modes and everything that reads its results: no
 * input may make any of them throw (the message sits at the very end of its memory, so any
 * read past it would), every message is either accepted with fields inside it or rejected
 * with a reason and an offset inside it.
 * <ul>
 *   <li>{@code parsesAnyBytes}: any bytes. Seeds: {@code SyslogParserFuzzTestInputs/parsesAnyBytes}
 *       (RFC 5424 and RFC 3164 messages written here). For longer local runs,
 *       {@link SyslogFuzzSeeds} adds go-syslog's cases, the RFC examples and loghub lines to the
 *       generated corpus (not committed: the shared data is never copied into the repository).</li>
 *   <li>{@code parsesAnyStructuredData}: any bytes after a valid RFC 5424 header, so the
 *       fuzzer spends its time in structured data, escapes and the BOM/UTF-8 check.</li>
 * </ul>
 * Run: {@code JAZZER_FUZZ=1 mvn -o -pl dataplane -am test -Dtest=SyslogParserFuzzTest -Dsurefire.failIfNoSpecifiedTests=false};
 * without {@code JAZZER_FUZZ} the seeds and any crash regressions run as plain tests.
 */
class SyslogParserFuzzTest
{
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2026-02-28T23:59:59Z"));
    private static final byte[] HEADER = "<165>1 2003-10-11T22:14:15.003Z host app 1 ID - ".getBytes(StandardCharsets.US_ASCII);

    private final SyslogParser[] parsers = {
        new SyslogParser(SyslogParser.Mode.AUTO, CLOCK, 4096, 4, 8),
        new SyslogParser(SyslogParser.Mode.RFC5424, CLOCK, 4096, 4, 8),
        new SyslogParser(SyslogParser.Mode.RFC3164, CLOCK, 4096, 4, 8)};
    private final EventText text = new EventText(64);
    private final EventFieldVisitor visitor = new EventFieldVisitor()
    {
        public void text(final String name, final CharSequence value)
        {
            assertTrue(name.startsWith("syslog."), name);
            value.toString();
        }

        public void integer(final String name, final long value)
        {
            assertTrue(name.startsWith("syslog."), name);
        }

        public void decimal(final String name, final double value)
        {
            throw new AssertionError("no decimals in syslog: " + name);
        }

        public void bool(final String name, final boolean value)
        {
            throw new AssertionError("no booleans in syslog: " + name);
        }

        public void address(final String name, final int version, final long high, final long low)
        {
            throw new AssertionError("no addresses in syslog: " + name);
        }
    };

    @FuzzTest(maxDuration = "2m")
    void parsesAnyBytes(final byte[] input)
    {
        parseAndCheck(input);
    }

    @FuzzTest(maxDuration = "2m")
    void parsesAnyStructuredData(final byte[] input)
    {
        final byte[] message = new byte[HEADER.length + input.length];
        System.arraycopy(HEADER, 0, message, 0, HEADER.length);
        System.arraycopy(input, 0, message, HEADER.length, input.length);
        parseAndCheck(message);
    }

    private void parseAndCheck(final byte[] message)
    {
        // Two bytes in front: offsets must count from the message, not from the segment.
        final byte[] bytes = new byte[message.length + 2];
        System.arraycopy(message, 0, bytes, 2, message.length);
        final MemorySegment segment = MemorySegment.ofArray(bytes);
        for (final SyslogParser parser : parsers)
        {
            if (parser.parse(segment, 2, message.length))
            {
                assertNull(parser.rejectReason());
                assertEquals(-1, parser.rejectOffset());
                assertNotNull(parser.format());
                checkField(parser.timestampOffset(), parser.timestampLength(), message.length);
                checkField(parser.hostnameOffset(), parser.hostnameLength(), message.length);
                checkField(parser.appnameOffset(), parser.appnameLength(), message.length);
                checkField(parser.procidOffset(), parser.procidLength(), message.length);
                checkField(parser.msgidOffset(), parser.msgidLength(), message.length);
                checkField(parser.msgOffset(), parser.msgLength(), message.length);
                assertTrue(parser.pri() >= -1 && parser.pri() <= 191);
                assertTrue(parser.severity() >= -1 && parser.severity() <= 7);
                assertTrue(parser.version() >= 0 && parser.version() <= 999);
                assertEquals(parser.format() == SyslogFormat.RFC5424, parser.version() > 0);
                if (parser.format() == SyslogFormat.RFC5424)
                {
                    assertTrue(parser.pri() >= 0);
                }
                for (int e = 0; e < parser.sdElementCount(); e++)
                {
                    parser.sdElementId(e, text);
                    assertTrue(text.length() >= 1 && text.length() <= 32);
                }
                for (int k = 0; k < parser.sdParamCount(); k++)
                {
                    assertTrue(parser.sdParamElement(k) < parser.sdElementCount());
                    parser.sdParamName(k, text);
                    parser.sdParamValue(k, text);
                }
                parser.structuredDataValue("a", "b", text);
                parser.visitFields(visitor);
            }
            else
            {
                assertNotNull(parser.rejectReason());
                assertNull(parser.format());
                assertTrue(parser.rejectOffset() >= 0 && parser.rejectOffset() <= Math.max(message.length, 4096),
                    parser.rejectReason() + " at " + parser.rejectOffset());
                assertTrue(parser.rejectReason().matches("[a-z0-9_]+"));
                // RFC 3164 is lenient: only an empty or oversized message is rejected.
                if (parser == parsers[2])
                {
                    assertTrue(message.length == 0 || message.length > 4096, parser.rejectReason());
                }
            }
        }
    }

    private static void checkField(final int offset, final int length, final int messageLength)
    {
        if (offset >= 0)
        {
            assertTrue(length >= 0 && offset + length <= messageLength, offset + "+" + length + " of " + messageLength);
        }
        else
        {
            assertEquals(-1, offset);
            assertEquals(0, length);
        }
    }
}
