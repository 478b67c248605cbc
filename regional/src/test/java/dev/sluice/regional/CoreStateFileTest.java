package dev.sluice.regional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The core's durable state file: round trip, the two slots surviving a torn write of either, growth
 * past the slots' capacity, and the refusal of a file with no valid slot.
 */
class CoreStateFileTest
{
    @TempDir
    Path directory;

    @Test
    void readsBackTheLatestGenerationAndSurvivesATornSlot() throws IOException
    {
        final Path file = directory.resolve("eu-west.state");
        final StreamTable streams = new StreamTable(new RegionalCounters("eu-west"));
        final StreamState a = streams.restore(key("gw-1", "eu-west", 0), 0);
        final StreamState b = streams.restore(key("gw-2", "eu-west", 3), 0);
        try (CoreStateFile state = CoreStateFile.open(file))
        {
            assertNull(state.recovered());
            a.durableSequence(10);
            b.durableSequence(20);
            state.write(100, 200, streams, CoreStateFile.NO_SINK_CURSOR);
            a.durableSequence(11);
            b.durableSequence(21);
            state.write(110, 210, streams, CoreStateFile.NO_SINK_CURSOR);
        }

        CoreStateFile.Snapshot snapshot = CoreStateFile.read(Files.readAllBytes(file));
        assertNotNull(snapshot);
        assertEquals(2, snapshot.generation());
        assertEquals(110, snapshot.ndjsonLength());
        assertEquals(210, snapshot.pcapngLength());
        assertArrayEquals(a.key(), snapshot.keys().get(0));
        assertArrayEquals(b.key(), snapshot.keys().get(1));
        assertArrayEquals(new long[]{11, 21}, snapshot.sequences());

        // Tear the newest slot (generation 2 is in slot 0): the previous generation stands.
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw"))
        {
            raw.seek(CoreStateFile.FILE_HEADER_LENGTH + 20);
            raw.write(0x5A);
        }
        snapshot = CoreStateFile.read(Files.readAllBytes(file));
        assertNotNull(snapshot);
        assertEquals(1, snapshot.generation());
        assertArrayEquals(new long[]{10, 20}, snapshot.sequences());

        // Restored streams resume after their durable sequence: a replay of it is a duplicate.
        try (CoreStateFile reopened = CoreStateFile.open(file))
        {
            final StreamTable restored = new StreamTable(new RegionalCounters("eu-west"));
            for (int i = 0; i < reopened.recovered().keys().size(); i++)
            {
                restored.restore(reopened.recovered().keys().get(i), reopened.recovered().sequences()[i]);
            }
            assertEquals(2, restored.size());
            assertEquals(10, restored.stream(0).lastSequence());
            assertEquals("gw-2", restored.stream(1).gatewayId());
            assertEquals(3, restored.stream(1).workerIndex());
            // The next write goes to the torn slot and repairs it.
            reopened.write(120, 220, restored, CoreStateFile.NO_SINK_CURSOR);
        }
        assertEquals(2, CoreStateFile.read(Files.readAllBytes(file)).generation());
    }

    @Test
    void growsPastTheSlotsCapacity() throws IOException
    {
        final Path file = directory.resolve("eu-west.state");
        final StreamTable streams = new StreamTable(new RegionalCounters("eu-west"));
        try (CoreStateFile state = CoreStateFile.open(file))
        {
            for (int i = 0; i < 150; i++)
            {
                streams.restore(key("gw-" + i, "eu-west", i), 0).durableSequence(i + 1);
                state.write(i, i, streams, CoreStateFile.NO_SINK_CURSOR);
            }
        }
        final CoreStateFile.Snapshot snapshot = CoreStateFile.read(Files.readAllBytes(file));
        assertEquals(150, snapshot.keys().size());
        assertEquals(150, snapshot.sequences()[149]);
        assertEquals(150, snapshot.generation());
    }

    @Test
    void refusesAFileWithNoValidSlot() throws IOException
    {
        final Path file = directory.resolve("eu-west.state");
        Files.write(file, "not a state file at all".getBytes(StandardCharsets.US_ASCII));
        final IOException error = assertThrows(IOException.class, () -> CoreStateFile.open(file));
        assertEquals(true, error.getMessage().contains("move it away"), error.getMessage());
    }

    static byte[] key(final String gatewayId, final String region, final int worker)
    {
        final byte[] key = new byte[StreamTable.KEY_LENGTH];
        final byte[] id = gatewayId.getBytes(StandardCharsets.US_ASCII);
        final byte[] destination = region.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(id, 0, key, 0, id.length);
        System.arraycopy(destination, 0, key, StreamTable.GATEWAY_ID_LENGTH, destination.length);
        key[StreamTable.KEY_LENGTH - 2] = (byte)(worker >>> 8);
        key[StreamTable.KEY_LENGTH - 1] = (byte)worker;
        return Arrays.copyOf(key, key.length);
    }
}
