package dev.sluice.dataplane.decode.event.netflow;

import dev.sluice.dataplane.testing.AllocationProbe;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.decode.event.netflow.NetflowAllocationTest.Corpus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;


/**
 * Rendering flow records as JSON allocates nothing per record: after a warm-up, passes over every
 * record of the shared NetFlow data (parsed off-heap as the ingest holds it), each rendered raw and
 * anonymized into an off-heap buffer, leave the thread's allocated-bytes counter where it was.
 */
class FlowRecordJsonAllocationTest
{
    private static final int WARM_UP_RENDERS = 300_000;
    private static final int MEASURED_RENDERS = 200_000;
    private static final int MEASURED_WINDOWS = 3;

    private static long checksum;


    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void steadyStateRenderingAllocatesNothing() throws IOException
    {
        try (Arena arena = Arena.ofConfined())
        {
            final Corpus corpus = Corpus.load(arena);
            final NetflowParser parser = new NetflowParser();
            final FlowRecordJson json = new FlowRecordJson();
            final byte[] key = new byte[CryptoPan.KEY_LENGTH_BYTES];
            Arrays.fill(key, (byte)0x5A);
            final CryptoPan anonymizer = new CryptoPan(key);
            final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1 << 16));

            new AllocationProbe("flow record parse + select + render (raw and anonymized)", WARM_UP_RENDERS, MEASURED_RENDERS, MEASURED_WINDOWS).assertNoAllocation(() -> pass(corpus, parser, json, anonymizer, buffer));
        }
    }

    /** @return records rendered (each twice: raw and anonymized). */
    private static long pass(
        final Corpus corpus,
        final NetflowParser parser,
        final FlowRecordJson json,
        final CryptoPan anonymizer,
        final UnsafeBuffer buffer)
    {
        long renders = 0;
        for (int d = 0; d < corpus.count(); d++)
        {
            parser.exporter(4, 0, corpus.exporter[d], 2055).receivedAt(corpus.receivedNs[d]);
            if (!parser.parse(corpus.segment[d], 0, (int)corpus.segment[d].byteSize()))
            {
                continue;
            }
            final int records = parser.recordCount();
            for (int i = 0; i < records; i++)
            {
                if (parser.selectRecord(i))
                {
                    checksum += json.render(parser, null, buffer, 0, buffer.capacity());
                    checksum += json.render(parser, anonymizer, buffer, 0, buffer.capacity());
                    renders += 2;
                }
            }
        }
        return renders;
    }
}
