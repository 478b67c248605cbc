package dev.sluice.dataplane.decode.event.netflow;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.decode.event.EventFieldVisitor;
import dev.sluice.dataplane.decode.event.netflow.NetflowAllocationTest.Corpus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JSON a flow event carries holds exactly what visitFields reports for the datagram header and
 * the record (an element a template repeats once, with its first value), for every record of the shared NetFlow v5, v9 and IPFIX data, with every address as
 * its Crypto-PAn image when anonymized; and it is valid JSON (Jackson reads it strictly).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FlowRecordJsonTest
{
    private static final ObjectMapper STRICT = new ObjectMapper()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern IE_NAME = Pattern.compile("(?:flow|netflow\\.option|netflow\\.option\\.scope)\\.ie_(\\d+)_(\\d+)");

    private final FlowRecordJson json = new FlowRecordJson();
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 16));

    @Test
    void rendersWhatVisitFieldsReportsForEveryRecordOfTheSharedData() throws IOException
    {
        final Counts counts = renderAll(null);
        System.out.println("flow json: " + counts);
        assertTrue(counts.records > 1000, counts.toString());
        assertTrue(counts.versions.keySet().containsAll(List.of(5L, 9L, 10L)), counts.toString());
        assertTrue(counts.options > 0 && counts.ipv6 > 0 && counts.hex > 0, counts.toString());
    }

    @Test
    void writesEveryAddressAsItsCryptoPanImageWhenAnonymized() throws IOException
    {
        final Counts counts = renderAll(new CryptoPan(key()));
        System.out.println("flow json anonymized: " + counts);
        assertTrue(counts.records > 1000, counts.toString());
        assertTrue(counts.anonymizedElements > 0, "post-NAT / exporter elements met: " + counts);
    }

    @Test
    void refusesToPassTheLimit() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final Corpus corpus = Corpus.load(arena);
            final NetflowParser parser = new NetflowParser();
            int checked = 0;
            for (int d = 0; d < corpus.count() && checked < 200; d++)
            {
                if (!parse(parser, corpus, d))
                {
                    continue;
                }
                for (int i = 0; i < parser.recordCount() && checked < 200; i++)
                {
                    if (!parser.selectRecord(i))
                    {
                        continue;
                    }
                    final int length = json.render(parser, null, buffer, 100, buffer.capacity() - 100);
                    assertTrue(length > 0 && length <= FlowRecordJson.lengthBound(parser));
                    assertEquals(length, json.render(parser, null, buffer, 7, FlowRecordJson.lengthBound(parser)));
                    final UnsafeBuffer exact = new UnsafeBuffer(new byte[length - 1]);
                    assertEquals(-1, json.render(parser, null, exact, 0, length - 1), "one byte short");
                    assertEquals(-1, json.render(parser, null, buffer, 0, 10));
                    assertEquals(-1, json.render(parser, null, buffer, 0, 0));
                    checked++;
                }
            }
            assertEquals(200, checked);
            parser.parse(MemorySegment.ofArray(new byte[]{ 0, 5 }), 0, 2);
            assertEquals(-1, json.render(parser, null, buffer, 0, buffer.capacity()), "no record selected");
        }
    }

    @Test
    void writesIpv6AddressesInRfc5952Form()
    {
        assertIpv6("2001:db8::1", 0x2001_0db8_0000_0000L, 1);
        assertIpv6("2001:db8:0:1:1:1:1:1", 0x2001_0db8_0000_0001L, 0x0001_0001_0001_0001L);
        assertIpv6("2001:db8::1:0:0:1", 0x2001_0db8_0000_0000L, 0x0001_0000_0000_0001L);
        assertIpv6("2001:0:0:1::1", 0x2001_0000_0000_0001L, 0x0000_0000_0000_0001L);
        assertIpv6("::", 0, 0);
        assertIpv6("::1", 0, 1);
        assertIpv6("1::", 0x0001_0000_0000_0000L, 0);
        assertIpv6("fe80::", 0xfe80_0000_0000_0000L, 0);
        assertIpv6("::ffff:192.0.2.1", 0, 0x0000_ffff_c000_0201L);
        assertIpv6("::c000:201", 0, 0x0000_0000_c000_0201L);
        assertIpv6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", -1, -1);
        assertIpv6("1:0:2:0:3:0:4:0", 0x0001_0000_0002_0000L, 0x0003_0000_0004_0000L);
        assertIpv6("a:bc:def:1234::", 0x000a_00bc_0def_1234L, 0);
    }

    private void assertIpv6(final String expected, final long high, final long low)
    {
        assertEquals(expected, Ipv6Reference.format(high, low));
        // Rendered through the exporter field of a datagram with no records: check via a v5 datagram of one record.
        final byte[] v5 = new byte[NetflowParser.V5_HEADER_LENGTH + NetflowParser.V5_RECORD_LENGTH];
        v5[1] = 5;
        v5[3] = 1;
        final NetflowParser parser = new NetflowParser().exporter(6, high, low, 2055);
        assertTrue(parser.parse(MemorySegment.ofArray(v5), 0, v5.length));
        assertTrue(parser.selectRecord(0));
        final int length = json.render(parser, null, buffer, 0, buffer.capacity());
        final String text = buffer.getStringWithoutLengthAscii(0, length);
        assertTrue(text.contains("\"netflow.exporter\":\"" + expected + "\""), text);
    }

    private Counts renderAll(final CryptoPan anonymizer) throws IOException
    {
        final CryptoPan images = null == anonymizer ? null : new CryptoPan(key());
        final Counts counts = new Counts();
        try (Arena arena = Arena.ofConfined())
        {
            final Corpus corpus = Corpus.load(arena);
            final NetflowParser parser = new NetflowParser();
            for (int d = 0; d < corpus.count(); d++)
            {
                if (!parse(parser, corpus, d))
                {
                    continue;
                }
                final Recorder recorder = new Recorder(images, counts);
                parser.visitFields(recorder);
                for (int i = 0; i < parser.recordCount(); i++)
                {
                    if (!parser.selectRecord(i))
                    {
                        continue;
                    }
                    final List<String> expected = new ArrayList<>(recorder.header);
                    final java.util.Set<String> names = new java.util.HashSet<>();
                    for (final String member : recorder.records.get(i))
                    {
                        // A repeated element is written once, with its first value.
                        if (names.add(member.substring(0, member.indexOf('='))))
                        {
                            expected.add(member);
                        }
                        else
                        {
                            counts.repeated++;
                        }
                    }
                    final int offset = 3 + i % 5;
                    final int length = json.render(parser, anonymizer, buffer, offset, buffer.capacity() - offset);
                    assertTrue(length > 0, "record " + i + " of datagram " + d);
                    assertTrue(length <= FlowRecordJson.lengthBound(parser));
                    final byte[] bytes = new byte[length];
                    buffer.getBytes(offset, bytes);
                    final List<String> actual = members(bytes);
                    assertEquals(expected, actual, "record " + i + " of datagram " + d + ": " +
                        new String(bytes, StandardCharsets.US_ASCII));
                    STRICT.readTree(bytes);
                    counts.records++;
                    counts.versions.merge((long)parser.version(), 1L, Long::sum);
                    counts.options += parser.isOptionsRecord() ? 1 : 0;
                    counts.ipv6 += parser.srcAddressVersion() == 6 ? 1 : 0;
                }
            }
        }
        return counts;
    }

    private static boolean parse(final NetflowParser parser, final Corpus corpus, final int d)
    {
        parser.exporter(4, 0, corpus.exporter[d], 2055).receivedAt(corpus.receivedNs[d]);
        return parser.parse(corpus.segment[d], 0, (int)corpus.segment[d].byteSize());
    }

    /** The object's members in order as {@code name=value}, values as their JSON text (strings unquoted). */
    private static List<String> members(final byte[] bytes) throws IOException
    {
        final List<String> members = new ArrayList<>();
        try (JsonParser parser = STRICT.getFactory().createParser(bytes))
        {
            assertEquals(JsonToken.START_OBJECT, parser.nextToken());
            while (parser.nextToken() == JsonToken.FIELD_NAME)
            {
                final String name = parser.currentName();
                final JsonToken value = parser.nextToken();
                assertTrue(value.isScalarValue(), name);
                assertTrue(value != JsonToken.VALUE_NUMBER_FLOAT, name + ": netflow reports no decimals");
                members.add(name + "=" + parser.getText());
            }
            assertEquals(JsonToken.END_OBJECT, parser.currentToken());
        }
        return members;
    }

    private static byte[] key()
    {
        final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
        for (int i = 0; i < key.length; i++)
        {
            key[i] = (byte)(i * 37 + 11);
        }
        return key;
    }

    static final class Counts
    {
        long records;
        long options;
        long ipv6;
        long hex;
        long anonymizedElements;
        long repeated;
        final Map<Long, Long> versions = new HashMap<>();

        @Override
        public String toString()
        {
            return records + " records " + versions + " by version, " + options + " options, " + ipv6 + " IPv6, " + hex +
                " hex elements, " + anonymizedElements + " address elements anonymized, " + repeated + " repeated elements left out";
        }
    }

    /** What visitFields reports, as the renderer should write it: the header, then each record's members. */
    private static final class Recorder implements EventFieldVisitor
    {
        final List<String> header = new ArrayList<>();
        final List<List<String>> records = new ArrayList<>();
        private final CryptoPan images;
        private final Counts counts;
        private List<String> current = header;

        Recorder(final CryptoPan images, final Counts counts)
        {
            this.images = images;
            this.counts = counts;
        }

        @Override
        public void text(final String name, final CharSequence value)
        {
            counts.hex++;
            String text = value.toString();
            if (null != images && isAddressElement(name) && (text.length() == 8 || text.length() == 32))
            {
                counts.anonymizedElements++;
                if (text.length() == 8)
                {
                    text = String.format("%08x", images.anonymizeIpv4((int)Long.parseLong(text, 16)));
                }
                else
                {
                    images.anonymizeIpv6(Long.parseUnsignedLong(text.substring(0, 16), 16),
                        Long.parseUnsignedLong(text.substring(16), 16));
                    text = String.format("%016x%016x", images.resultHigh(), images.resultLow());
                }
            }
            current.add(name + "=" + text);
        }

        @Override
        public void integer(final String name, final long value)
        {
            if (name.equals("flow.record"))
            {
                current = new ArrayList<>();
                records.add(current);
            }
            long shown = value;
            if (null != images && isAddressElement(name))
            {
                assertTrue(value >= 0 && value <= 0xFFFF_FFFFL, name + " is a 4-byte address");
                counts.anonymizedElements++;
                shown = images.anonymizeIpv4((int)value) & 0xFFFF_FFFFL;
                assertNotEquals(value, shown, name);
            }
            final boolean signed = name.equals("flow.start_ns") || name.equals("flow.end_ns");
            current.add(name + "=" + (signed ? Long.toString(shown) : Long.toUnsignedString(shown)));
        }

        @Override
        public void decimal(final String name, final double value)
        {
            throw new AssertionError("netflow reports no decimals: " + name);
        }

        @Override
        public void bool(final String name, final boolean value)
        {
            current.add(name + "=" + value);
        }

        @Override
        public void address(final String name, final int version, final long high, final long low)
        {
            final String text;
            if (version == 4)
            {
                final long address = null == images ? low : images.anonymizeIpv4((int)low) & 0xFFFF_FFFFL;
                text = (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." +
                    (address & 0xFF);
            }
            else if (null == images)
            {
                text = Ipv6Reference.format(high, low);
            }
            else
            {
                images.anonymizeIpv6(high, low);
                text = Ipv6Reference.format(images.resultHigh(), images.resultLow());
            }
            current.add(name + "=" + text);
        }

        private static boolean isAddressElement(final String name)
        {
            final Matcher matcher = IE_NAME.matcher(name);
            return matcher.matches() &&
                InformationElements.isAddress(Long.parseLong(matcher.group(1)), Integer.parseInt(matcher.group(2)));
        }
    }

    /** RFC 5952 text by string manipulation, to check the renderer's digit-by-digit writer against. */
    static final class Ipv6Reference
    {
        static String format(final long high, final long low)
        {
            if (high == 0 && (low >>> 32) == 0xFFFF)
            {
                return "::ffff:" + ((low >>> 24) & 0xFF) + "." + ((low >>> 16) & 0xFF) + "." + ((low >>> 8) & 0xFF) + "." +
                    (low & 0xFF);
            }
            final String[] groups = new String[8];
            for (int i = 0; i < 8; i++)
            {
                groups[i] = Integer.toHexString((int)(((i < 4 ? high : low) >>> (48 - 16 * (i % 4))) & 0xFFFF));
            }
            final String full = ":" + String.join(":", groups) + ":";
            for (int run = 8; run >= 2; run--)
            {
                final String zeros = ":0".repeat(run) + ":";
                final int at = full.indexOf(zeros);
                if (at >= 0)
                {
                    final String compressed = full.substring(0, at) + "::" + full.substring(at + zeros.length());
                    return compressed.replaceAll("^:([^:])", "$1").replaceAll("([^:]):$", "$1");
                }
            }
            return full.substring(1, full.length() - 1);
        }
    }
}
