package dev.sluice.dataplane.decode.event.can;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Proves that parsing and decoding CAN frames allocates nothing once warm: every line of the
 * SavvyCAN capture in its three formats with ThinkCity.dbc, plus synthetic frames that exercise
 * multiplexing, an extended id, an IEEE float and CAN FD with 64-bit signals, and the
 * data-path accessors (signal lookup by precomputed id and by name, hex data text).
 */
class CanAllocationTest
{
    private static final int WARM_UP_ROUNDS = 20;
    private static final int MEASURED_ROUNDS = 5;
    private static final String SPEED = "PCU_Torque.MotorSpeed";
    private static final String SYNTHETIC = String.join("\n",
        "(1.0) can0 0CF004FE#014006000000C03F",
        "(1.0) can0 0CF004FE#02F6000000000000",
        "(1.0) can0 0CF004FE#R",
        "(1.0) can0 400##1" + "5A".repeat(64),
        "(1.0) can0 123#DEADBEEF",
        "(1.0) can0 123#zz") + "\n";

    private final com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @Test
    @Timeout(300)
    void parsingAndDecodingAllocateNothingPerFrame() throws IOException
    {
        final CanDatabase thinkCity = CanTestData.database("ThinkCity.dbc");
        final CanDatabase synthetic = CanDatabase.compile(DbcFile.parse("synthetic.dbc", CandumpParserTest.SYNTHETIC_DBC));
        final CandumpParser candump = new CandumpParser(thinkCity);
        final CrtdParser crtd = new CrtdParser(thinkCity);
        final GvretCsvParser gvret = new GvretCsvParser(thinkCity);
        final CandumpParser candumpSynthetic = new CandumpParser(synthetic);
        final int speedId = thinkCity.signalId(SPEED);
        try (Arena arena = Arena.ofConfined())
        {
            final CanTestData.Lines candumpLines = CanTestData.lines(CanTestData.file("candump.log"), arena);
            final CanTestData.Lines crtdLines = CanTestData.lines(CanTestData.file("CRTD_Log.txt"), arena);
            final CanTestData.Lines gvretLines = CanTestData.lines(CanTestData.file("GVRET_Log.csv"), arena);
            final java.nio.file.Path syntheticFile = java.nio.file.Files.createTempFile("can-synthetic", ".log");
            final CanTestData.Lines syntheticLines;
            try
            {
                java.nio.file.Files.writeString(syntheticFile, SYNTHETIC);
                syntheticLines = CanTestData.lines(syntheticFile, arena);
            }
            finally
            {
                java.nio.file.Files.delete(syntheticFile);
            }

            threads.getCurrentThreadAllocatedBytes();
            for (int round = 0; round < WARM_UP_ROUNDS; round++)
            {
                run(candump, candumpLines, speedId);
                run(crtd, crtdLines, speedId);
                run(gvret, gvretLines, speedId);
                run(candumpSynthetic, syntheticLines, 0);
            }

            final long before = threads.getCurrentThreadAllocatedBytes();
            long sink = 0;
            long frames = 0;
            for (int round = 0; round < MEASURED_ROUNDS; round++)
            {
                sink += run(candump, candumpLines, speedId);
                sink += run(crtd, crtdLines, speedId);
                sink += run(gvret, gvretLines, speedId);
                for (int i = 0; i < 1000; i++)
                {
                    sink += run(candumpSynthetic, syntheticLines, 0);
                }
                frames += candumpLines.count() + crtdLines.count() + gvretLines.count() + 1000L * syntheticLines.count();
            }
            final long allocatedBytes = threads.getCurrentThreadAllocatedBytes() - before;
            System.out.println("CAN frames parsed and decoded while measuring: " + frames + ", bytes allocated: " + allocatedBytes);
            assertNotEquals(0L, sink);
            assertEquals(0L, allocatedBytes, "bytes allocated over " + frames + " frames");
        }
    }

    private static long run(final CanFrameParser parser, final CanTestData.Lines lines, final int signalId)
    {
        long sink = 0;
        for (int i = 0; i < lines.count(); i++)
        {
            if (!parser.parse(lines.segment(), lines.starts()[i], lines.lengths()[i]))
            {
                sink += parser.rejectOffset() + parser.rejectReason().length();
                continue;
            }
            sink += parser.canId() + parser.timestampNs() + parser.dlc() + parser.data().length() + parser.interfaceName().length();
            for (int s = 0; s < parser.signalCount(); s++)
            {
                sink += (long)parser.signalValue(s) + parser.signalRaw(s) + parser.signalId(s);
                final String valueName = parser.signalValueName(s);
                sink += null == valueName ? 0 : valueName.length();
            }
            sink += parser.signalIndex(signalId) + parser.signalIndex(SPEED);
        }
        return sink;
    }
}
