package dev.sluice.dataplane.decode.event.can;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SavvyCAN example capture (a real vehicle bus) in its three formats: every candump line
 * parses, frames whose ids the DBC defines decode to signals, and the CRTD and GVRET copies of
 * the same capture read as the same frames.
 */
class CanLogConformanceTest
{
    private static final String CANDUMP = "candump.log";

    @Test
    @Timeout(60)
    void everyCandumpLineParsesAndKnownFramesDecode() throws IOException
    {
        final CanDatabase database = CanTestData.database("ThinkCity.dbc");
        final CandumpParser parser = new CandumpParser(database);
        final CandumpParser plain = new CandumpParser();
        try (Arena arena = Arena.ofConfined())
        {
            final CanTestData.Lines lines = CanTestData.lines(CanTestData.file(CANDUMP), arena);
            int known = 0;
            int withSignals = 0;
            long signals = 0;
            final Map<String, Integer> framesPerMessage = new TreeMap<>();
            for (int i = 0; i < lines.count(); i++)
            {
                final String text = lines.text(i);
                final boolean accepted = parser.parse(lines.segment(), lines.starts()[i], lines.lengths()[i]);
                assertTrue(accepted, () -> "line " + text + ": " + parser.rejectReason() + " at " + parser.rejectOffset());
                assertNull(parser.rejectReason());
                assertTrue(plain.parse(lines.segment(), lines.starts()[i], lines.lengths()[i]));

                // Cross-check against the text itself.
                final String frame = text.substring(text.lastIndexOf(' ') + 1);
                final String id = frame.substring(0, frame.indexOf('#'));
                assertEquals(Integer.parseInt(id, 16), parser.canId(), text);
                assertEquals(frame.substring(frame.indexOf('#') + 1), parser.data().toString(), text);
                assertEquals("vcan0", parser.interfaceName().toString());
                assertEquals(parser.dataLength(), parser.dlc());
                final String seconds = text.substring(1, text.indexOf(')'));
                assertEquals(Math.round(Double.parseDouble(seconds) * 1e9), parser.timestampNs(), text);

                final DbcMessage message = database.dbc().message(parser.canId(), false);
                if (null == message)
                {
                    assertEquals(-1, parser.messageIndex());
                    assertEquals(0, parser.signalCount());
                    continue;
                }
                known++;
                framesPerMessage.merge(message.name(), 1, Integer::sum);
                assertEquals(message.name(), parser.messageName());
                // Every signal the payload is long enough for is decoded, and only those.
                int expected = 0;
                for (final DbcSignal signal : message.signals())
                {
                    final int lastByte = CanSignalLayout.lastByte(signal.startBit(), signal.length(), signal.littleEndian());
                    if (lastByte < parser.dataLength())
                    {
                        expected++;
                        final int index = parser.signalIndex(message.name() + "." + signal.name());
                        assertTrue(index >= 0, signal.name());
                        assertEquals(referenceValue(signal, text), parser.signalValue(index), 1e-9,
                            () -> text + " " + signal.name());
                    }
                }
                assertEquals(expected, parser.signalCount(), text);
                withSignals += parser.signalCount() > 0 ? 1 : 0;
                signals += parser.signalCount();
            }
            System.out.printf("%s with ThinkCity.dbc: %d lines, %d accepted, %d frames of DBC messages (%d with signals, "
                + "%d signals decoded), %d of ids the DBC lacks, %d signals beyond short payloads%n", CANDUMP, lines.count(),
                lines.count(), known, withSignals, signals, parser.unknownMessageCount(), parser.signalsBeyondDataCount());
            System.out.println("frames per DBC message: " + framesPerMessage);
            assertEquals(12974, lines.count());
            assertEquals(lines.count() - known, parser.unknownMessageCount());
            assertTrue(withSignals > 0);
        }
    }

    @Test
    @Timeout(60)
    void crtdAndGvretCopiesReadAsTheSameFrames() throws IOException
    {
        final CanDatabase database = CanTestData.database("ThinkCity.dbc");
        try (Arena arena = Arena.ofConfined())
        {
            final List<String> candump = frames(new CandumpParser(database), CanTestData.lines(CanTestData.file(CANDUMP), arena));
            final List<String> crtd = frames(new CrtdParser(database), CanTestData.lines(CanTestData.file("CRTD_Log.txt"), arena));
            final List<String> gvret = frames(new GvretCsvParser(database), CanTestData.lines(CanTestData.file("GVRET_Log.csv"), arena));
            System.out.printf("frames: candump %d, CRTD %d, GVRET %d%n", candump.size(), crtd.size(), gvret.size());
            assertEquals(candump, crtd);
            assertEquals(candump, gvret);
        }
    }

    /** Each line's frame as "id#data/signals", after checking that only header lines are rejected. */
    private static List<String> frames(final CanFrameParser parser, final CanTestData.Lines lines)
    {
        final List<String> frames = new ArrayList<>();
        int rejected = 0;
        for (int i = 0; i < lines.count(); i++)
        {
            if (!parser.parse(lines.segment(), lines.starts()[i], lines.lengths()[i]))
            {
                assertEquals(0, i, "only the header line is rejected: " + lines.text(i) + " " + parser.rejectReason());
                assertEquals(CrtdParser.NOT_A_FRAME, parser.rejectReason());
                rejected++;
                continue;
            }
            final StringBuilder frame = new StringBuilder()
                .append(Integer.toHexString(parser.canId())).append('#').append(parser.data()).append('/');
            for (int s = 0; s < parser.signalCount(); s++)
            {
                frame.append(parser.signalValue(s)).append(',');
            }
            frames.add(frame.toString());
        }
        assertTrue(rejected <= 1);
        return frames;
    }

    /** The signal's value computed bit by bit from the frame's hex text, independently of CanSignalLayout. */
    static double referenceValue(final DbcSignal signal, final String line)
    {
        final String hex = line.substring(line.indexOf('#') + 1);
        final int[] bytes = new int[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++)
        {
            bytes[i] = Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return referenceRaw(signal, bytes) * signal.factor() + signal.offset();
    }

    /** The signal's raw value read one bit at a time, following the DBC bit numbering literally. */
    static long referenceRaw(final DbcSignal signal, final int[] bytes)
    {
        long raw = 0;
        int bit = signal.startBit();
        for (int n = 0; n < signal.length(); n++)
        {
            final int value = (bytes[bit / 8] >> (bit % 8)) & 1;
            if (signal.littleEndian())
            {
                raw |= (long)value << n;
                bit++;
            }
            else
            {
                raw = raw << 1 | value;
                // Motorola: down through the byte, then to the top bit of the next byte.
                bit = bit % 8 == 0 ? bit + 15 : bit - 1;
            }
        }
        if (signal.signed() && signal.length() < 64 && 0 != (raw >>> (signal.length() - 1) & 1))
        {
            raw -= 1L << signal.length();
        }
        return raw;
    }
}
