package dev.sluice.regional;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.protocol.codec.IpVersion;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the batch handler: any bytes end in exactly one counted verdict and never an exception;
 * an accepted batch yields one valid JSON object per record and a replay of it is a duplicate; a
 * batch built from fuzzed values and left intact is written back with exactly those values.
 */
@Timeout(300)
class DataBatchHandlerFuzzTest
{
    private static final String REGION = "eu-west";
    private static final String PRINTABLE =
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    @FuzzTest(maxDuration = "3m")
    void fuzzFrame(final byte[] frame) throws IOException
    {
        handleAndCheck(new UnsafeBuffer(frame), null);
    }

    @FuzzTest(maxDuration = "3m")
    void fuzzMutatedBatch(final FuzzedDataProvider data) throws IOException
    {
        final TestBatch batch = new TestBatch();
        batch.gatewayId = text(data, 32, 1);
        batch.site = text(data, 32, 0);
        batch.originRegion = text(data, 16, 0);
        batch.destination = data.consumeBoolean() ? REGION : text(data, 16, 0);
        batch.sequence = data.consumeLong();
        batch.policyVersion = data.consumeLong();
        batch.encodedTimestampNs = data.consumeLong();

        final int packets = data.consumeInt(0, 20);
        for (int i = 0; i < packets; i++)
        {
            final IpVersion ipVersion = data.pickValue(new IpVersion[]{ IpVersion.NONE, IpVersion.V4, IpVersion.V6 });
            final int addressLength = IpVersion.V4 == ipVersion ? 4 : 16;
            batch.packet(new TestBatch.Packet(
                data.consumeLong(),
                data.consumeLong(0, 0xFFFF_FFFFL),
                data.consumeLong(0, 0xFFFF_FFFFL),
                data.consumeInt(-1, 0xFFFE),
                data.consumeInt(0, 0xFFFF),
                ipVersion,
                (short)data.consumeInt(0, 0xFF),
                IpVersion.NONE == ipVersion ? new byte[16] : bytes(data, addressLength),
                IpVersion.NONE == ipVersion ? new byte[16] : bytes(data, addressLength),
                data.consumeInt(0, 0xFFFF),
                data.consumeInt(0, 0xFFFF),
                data.consumeInt(0, 0x1FF),
                (short)data.consumeInt(0, 0xFF),
                (short)data.consumeInt(0, 0xFF),
                data.consumeBoolean(),
                data.consumeBoolean()));
        }
        final int events = data.consumeInt(0, 5);
        for (int i = 0; i < events; i++)
        {
            batch.event(data.consumeLong(), data.consumeInt(0, 0xFFFE), data.consumeBytes(data.consumeInt(0, 300)));
        }

        final UnsafeBuffer encoded = batch.encode();
        final int mutations = data.consumeInt(0, 4);
        for (int i = 0; i < mutations; i++)
        {
            encoded.putByte(data.consumeInt(0, encoded.capacity() - 1), data.consumeByte());
        }
        final int length = data.consumeBoolean() ? encoded.capacity() : data.consumeInt(0, encoded.capacity());

        handleAndCheck(new UnsafeBuffer(encoded, 0, length), 0 == mutations && length == encoded.capacity() ? batch : null);
    }

    /**
     * Handles the frame with a fresh core state and checks the verdict and the output; when
     * {@code intact} is given, also that every written value equals the one encoded.
     */
    private static void handleAndCheck(final UnsafeBuffer frame, final TestBatch intact) throws IOException
    {
        final Path dir = Files.createTempDirectory("sluice-regional-fuzz");
        final Path file = dir.resolve(REGION + ".ndjson");
        final List<Throwable> errors = new ArrayList<>();
        final RegionalCounters counters = new RegionalCounters(REGION);
        final NdjsonBatchWriter writer = NdjsonBatchWriter.open(file, 64 * 1024, counters, errors::add);
        try
        {
            final DataBatchHandler handler = new DataBatchHandler(REGION, counters, writer);
            assertEquals(Action.CONTINUE, handler.onFragment(frame, 0, frame.capacity(), null));

            final long batches = counters.get(RegionalCounter.BATCHES);
            assertEquals(1, batches + counters.get(RegionalCounter.MISROUTED) +
                counters.get(RegionalCounter.REJECTED_FRAMES), "exactly one verdict");
            assertEquals(frame.capacity(), counters.get(RegionalCounter.BYTES_RECEIVED));

            if (1 == batches)
            {
                assertEquals(Action.CONTINUE, handler.onFragment(frame, 0, frame.capacity(), null));
                assertEquals(1, counters.get(RegionalCounter.DUPLICATES), "a replay is a duplicate");
            }

            writer.flush();
            final List<JsonNode> lines = NdjsonReader.read(file);
            assertEquals(counters.get(RegionalCounter.RECORDS), lines.size());
            for (final JsonNode line : lines)
            {
                assertEquals(REGION, line.get(NdjsonFields.DESTINATION).asText());
                assertTrue(line.get(NdjsonFields.SEQUENCE).asLong() > 0);
            }

            if (null != intact && REGION.equals(intact.destination) && intact.sequence > 0 &&
                isPrintable(intact.gatewayId) && !intact.gatewayId.isEmpty())
            {
                assertEquals(1, batches, "an intact batch for this region is accepted");
                assertWritten(intact, lines);
            }
            assertEquals(List.of(), errors);
        }
        finally
        {
            writer.close();
            Files.deleteIfExists(file);
            Files.delete(dir);
        }
    }

    private static void assertWritten(final TestBatch batch, final List<JsonNode> lines)
    {
        assertEquals(batch.recordCount(), lines.size());
        for (int i = 0; i < lines.size(); i++)
        {
            final JsonNode line = lines.get(i);
            assertEquals(batch.gatewayId, line.get(NdjsonFields.GATEWAY).asText());
            assertEquals(batch.site, line.get(NdjsonFields.SITE).asText());
            assertEquals(batch.originRegion, line.get(NdjsonFields.ORIGIN_REGION).asText());
            assertEquals(batch.sequence, line.get(NdjsonFields.SEQUENCE).asLong());
            assertEquals(Long.toUnsignedString(batch.policyVersion), line.get(NdjsonFields.POLICY_VERSION).asText());
            assertEquals(batch.encodedTimestampNs, line.get(NdjsonFields.ENCODED_TS_NS).asLong());

            if (i < batch.packets.size())
            {
                final TestBatch.Packet p = batch.packets.get(i);
                assertEquals(NdjsonFields.TYPE_PACKET, line.get(NdjsonFields.TYPE).asText());
                assertEquals(p.timestampNs(), line.get(NdjsonFields.TS_NS).asLong());
                assertEquals(p.wireLength(), line.get(NdjsonFields.WIRE_LEN).asLong());
                assertEquals(p.capturedLength(), line.get(NdjsonFields.CAP_LEN).asLong());
                assertEquals(p.vlanId() < 0, line.get(NdjsonFields.VLAN).isNull());
                if (p.vlanId() >= 0)
                {
                    assertEquals(p.vlanId(), line.get(NdjsonFields.VLAN).asInt());
                }
                assertEquals(p.etherType(), line.get(NdjsonFields.ETH_TYPE).asInt());
                assertEquals(p.ipVersion().value(), line.get(NdjsonFields.IP_VERSION).asInt());
                assertEquals(p.ipProtocol(), line.get(NdjsonFields.IP_PROTO).asInt());
                assertAddress(p.ipVersion(), p.src(), line.get(NdjsonFields.SRC));
                assertAddress(p.ipVersion(), p.dst(), line.get(NdjsonFields.DST));
                assertEquals(p.srcPort(), line.get(NdjsonFields.SRC_PORT).asInt());
                assertEquals(p.dstPort(), line.get(NdjsonFields.DST_PORT).asInt());
                assertEquals(p.tcpFlags(), line.get(NdjsonFields.TCP_FLAGS).asInt());
                assertEquals(p.icmpType(), line.get(NdjsonFields.ICMP_TYPE).asInt());
                assertEquals(p.icmpCode(), line.get(NdjsonFields.ICMP_CODE).asInt());
                final List<String> anonymized = new ArrayList<>();
                line.get(NdjsonFields.ANONYMIZED).forEach((name) -> anonymized.add(name.asText()));
                final List<String> expected = new ArrayList<>();
                if (p.srcAnonymized())
                {
                    expected.add(NdjsonFields.SRC);
                }
                if (p.dstAnonymized())
                {
                    expected.add(NdjsonFields.DST);
                }
                assertEquals(expected, anonymized);
                assertEquals(7 + 16, line.size(), "every field present");
            }
            else
            {
                final TestBatch.Event e = batch.events.get(i - batch.packets.size());
                assertEquals(NdjsonFields.TYPE_EVENT, line.get(NdjsonFields.TYPE).asText());
                assertEquals(e.timestampNs(), line.get(NdjsonFields.TS_NS).asLong());
                assertEquals(e.eventKind(), line.get(NdjsonFields.EVENT_KIND).asInt());
                assertArrayEquals(e.body(), Base64.getDecoder().decode(line.get(NdjsonFields.BODY_B64).asText()));
                assertEquals(4 + 7, line.size(), "every field present");
            }
        }
    }

    private static void assertAddress(final IpVersion ipVersion, final byte[] address, final JsonNode text)
    {
        if (IpVersion.NONE == ipVersion)
        {
            assertTrue(text.isNull());
            return;
        }

        final byte[] parsed = InetAddress.ofLiteral(text.asText()).getAddress();
        if (IpVersion.V6 == ipVersion)
        {
            IpAddressTextTest.assertRfc5952(address, text.asText());
        }
        else
        {
            assertArrayEquals(address, parsed, text.asText());
        }
    }

    private static String text(final FuzzedDataProvider data, final int maxLength, final int minLength)
    {
        final int length = data.consumeInt(minLength, maxLength);
        final StringBuilder builder = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            builder.append(PRINTABLE.charAt(data.consumeInt(0, PRINTABLE.length() - 1)));
        }
        return builder.toString();
    }

    private static byte[] bytes(final FuzzedDataProvider data, final int length)
    {
        final byte[] bytes = new byte[length];
        final byte[] consumed = data.consumeBytes(length);
        System.arraycopy(consumed, 0, bytes, 0, consumed.length);
        return bytes;
    }

    private static boolean isPrintable(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            if (PRINTABLE.indexOf(text.charAt(i)) < 0)
            {
                return false;
            }
        }
        return true;
    }
}
