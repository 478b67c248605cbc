package dev.sluice.dataplane.decode.event.netflow;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.decode.event.EventFieldVisitor;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link NetflowParser} with its template table: a sequence of datagrams from a few
 * exporters, so that templates learned (and evicted, expired, withdrawn, replaced) by earlier
 * datagrams shape how later ones parse. No input may make the parser or any accessor throw
 * (each datagram sits alone in a segment of its exact size, so any read past it would), every
 * rejection has a constant reason and an offset inside the datagram, and every indexed record and
 * field lies inside the datagram. Every record also renders ({@link FlowRecordJson}, raw and
 * anonymized) as one JSON object with unique names within {@link FlowRecordJson#lengthBound}, and
 * a render with too little room gives -1 without writing past it.
 * <p>
 * Input: repeated {@code [exporter/time byte][length: 2 bytes][datagram]}; the exporter byte
 * picks one of four exporters (low 2 bits) and advances the clock by its high bits in minutes,
 * against a 10-minute template timeout. The table is small (8 templates of up to 16 fields) so
 * that eviction happens. Seeds: {@code NetflowParserFuzzTestInputs/parsesAnyDatagrams}
 * (hand-made v5, v9 and IPFIX datagrams; the shared payloads are never copied here).
 * Fuzz locally with {@code JAZZER_FUZZ=1 mvn -pl dataplane -am test -Dtest=NetflowParserFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class NetflowParserFuzzTest
{
    private static final long MINUTE_NS = 60_000_000_000L;

    private final NetflowTemplates templates = new NetflowTemplates(8, 16, 10 * MINUTE_NS);
    private final NetflowParser parser = new NetflowParser(templates, 32);
    private static final ObjectMapper STRICT = new ObjectMapper()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final EventFieldVisitor visitor = new CheckingVisitor();
    private final FlowRecordJson json = new FlowRecordJson();
    private final CryptoPan anonymizer = new CryptoPan(new byte[CryptoPan.KEY_LENGTH_BYTES]);
    private long checksum;

    @FuzzTest(maxDuration = "2m")
    void parsesAnyDatagrams(final byte[] input)
    {
        templates.clear();
        long now = 1_700_000_000_000_000_000L;
        int position = 0;
        while (input.length - position >= 3)
        {
            final int selector = input[position] & 0xFF;
            final int length = Math.min(((input[position + 1] & 0xFF) << 8) | (input[position + 2] & 0xFF),
                input.length - position - 3);
            final byte[] datagram = Arrays.copyOfRange(input, position + 3, position + 3 + length);
            position += 3 + length;
            now += (selector >>> 2) * MINUTE_NS;
            parser.exporter(4, 0, 0x0A00_0000L + (selector & 3), 2055).receivedAt(now);
            check(datagram);
        }
    }

    private void check(final byte[] datagram)
    {
        final boolean accepted = parser.parse(MemorySegment.ofArray(datagram), 0, datagram.length);
        if (!accepted)
        {
            assertNotNull(parser.rejectReason());
            assertTrue(parser.rejectOffset() >= 0 && parser.rejectOffset() <= datagram.length, "offset");
            assertEquals(0, parser.recordCount());
            parser.visitFields(visitor);
            return;
        }
        assertNull(parser.rejectReason());
        assertTrue(parser.recordCount() >= 0 && parser.recordCount() <= 32);
        for (int i = 0; i < parser.recordCount(); i++)
        {
            if (!parser.selectRecord(i))
            {
                continue;
            }
            final int recordEnd = parser.recordOffset() + parser.recordLength();
            assertTrue(parser.recordOffset() >= 0 && recordEnd <= datagram.length, "record inside the datagram");
            long sum = parser.srcAddressHigh() + parser.srcAddressLow() + parser.dstAddressLow() + parser.nextHopLow() +
                parser.srcPort() + parser.dstPort() + parser.protocol() + parser.bytes() + parser.packets() +
                parser.tcpFlags() + parser.tos() + parser.inputInterface() + parser.outputInterface() + parser.srcAs() +
                parser.dstAs() + parser.srcMask() + parser.dstMask() + parser.ipVersion() + parser.startNs() +
                parser.endNs() + parser.samplingInterval() + parser.samplingAlgorithm() + parser.systemInitMs() +
                parser.templateId() + parser.value(0, 1);
            for (int k = 0; k < parser.fieldCount(); k++)
            {
                assertTrue(parser.fieldOffset(k) >= parser.recordOffset() &&
                    parser.fieldOffset(k) + parser.fieldLength(k) <= recordEnd, "field inside the record");
                sum += parser.fieldValue(k) + parser.fieldId(k) + parser.fieldEnterprise(k);
            }
            checksum += sum;
            checkJson(null);
            checkJson(anonymizer);
        }
        parser.visitFields(visitor);
    }

    private void checkJson(final CryptoPan anonymizer)
    {
        final int bound = FlowRecordJson.lengthBound(parser);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[bound]);
        final int length = json.render(parser, anonymizer, buffer, 0, bound);
        assertTrue(length > 0 && length <= bound, "within the bound");
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        try
        {
            final JsonNode node = STRICT.readTree(bytes);
            assertTrue(node.isObject());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(new String(bytes, java.nio.charset.StandardCharsets.US_ASCII), ex);
        }
        // A byte less than the object is refused, without a write past a buffer of exactly that size.
        assertEquals(-1, json.render(parser, anonymizer, new UnsafeBuffer(new byte[length - 1]), 0, length - 1));
    }

    private static final class CheckingVisitor implements EventFieldVisitor
    {
        public void text(final String name, final CharSequence value)
        {
            assertTrue(name.startsWith("flow.") || name.startsWith("netflow."), name);
            assertEquals(0, value.length() % 2, "hex text");
        }

        public void integer(final String name, final long value)
        {
            assertTrue(name.startsWith("flow.") || name.startsWith("netflow."), name);
        }

        public void decimal(final String name, final double value)
        {
            throw new AssertionError("no decimals in flows: " + name);
        }

        public void bool(final String name, final boolean value)
        {
            assertEquals("flow.options", name);
        }

        public void address(final String name, final int version, final long high, final long low)
        {
            assertTrue(version == 4 || version == 6, name);
        }
    }
}
