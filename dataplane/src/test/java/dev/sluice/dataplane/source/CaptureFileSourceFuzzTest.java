package dev.sluice.dataplane.source;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sluice.dataplane.counters.DropReason;
import dev.sluice.dataplane.decode.PacketDecoder;
import dev.sluice.dataplane.pipeline.PacketBurst;
import dev.sluice.dataplane.pipeline.Verdict;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link CaptureFileSource} with any file bytes, and decodes what it hands out: opening
 * either succeeds or fails with an {@link IOException}; polling never throws, every
 * descriptor lies inside the file, the source always ends exhausted (with or without a
 * problem), and every packet either decodes or gets a decode drop reason.
 * Seeds: {@code CaptureFileSourceFuzzTestInputs/readsAnyFile}, small pcap and pcapng files.
 */
class CaptureFileSourceFuzzTest
{
    private final PacketBurst burst = new PacketBurst(4, 1);
    private final PacketDecoder decoder = new PacketDecoder();

    @FuzzTest(maxDuration = "2m")
    void readsAnyFile(final byte[] file)
    {
        final MemorySegment capture = MemorySegment.ofArray(file);
        final CaptureFileSource source;
        try
        {
            source = CaptureFileSource.wrap("fuzz", capture);
        }
        catch (final IOException notACapture)
        {
            return;
        }

        final long firstPass = readAll(source, capture, file.length);
        final String problem = source.problem();
        assertTrue(source.isExhausted());
        assertEquals(problem == null, source.problemOffsetBytes() == -1);

        source.rewind();
        assertEquals(firstPass, readAll(source, capture, file.length), "a second pass reads the same");
        assertEquals(problem, source.problem());
        source.close();
        assertEquals(0, source.poll(burst));
    }

    private long readAll(final CaptureFileSource source, final MemorySegment capture, final long fileBytes)
    {
        long packets = 0;
        // Each poll fills the burst or exhausts the source, so this ends.
        while (!source.isExhausted())
        {
            final int count = source.poll(burst);
            for (int i = 0; i < count; i++)
            {
                assertSame(capture, burst.data[i]);
                assertTrue(burst.offset[i] >= 0 && burst.capturedLength[i] >= 0);
                assertTrue(burst.offset[i] + burst.capturedLength[i] <= fileBytes, "descriptor inside the file");
            }
            burst.resetStageState();
            decoder.decode(burst);
            for (int i = 0; i < count; i++)
            {
                if (burst.verdict[i] == Verdict.DROPPED)
                {
                    assertEquals("decode", DropReason.values()[burst.dropReason[i]].stage());
                }
                else
                {
                    assertEquals(Verdict.PENDING, burst.verdict[i]);
                }
            }
            packets += count;
        }
        assertEquals(packets, source.packetsRead());
        if (null == source.problem())
        {
            assertNull(source.problem());
        }
        return packets;
    }
}
