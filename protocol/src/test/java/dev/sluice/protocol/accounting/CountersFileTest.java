package dev.sluice.protocol.accounting;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The counters file is replaced whole: a reader sees the old text or the new one, never part of either. */
class CountersFileTest
{
    @TempDir
    Path directory;

    @Test
    void replacesTheFileAndLeavesNoTemporaryBehind() throws Exception
    {
        final Path file = directory.resolve(CountersFile.GATEWAY_FILE_NAME);
        CountersFile.writeAtomically(file, "{\"a\":1}\n");
        CountersFile.writeAtomically(file, "{\"b\":2}\n");
        assertEquals("{\"b\":2}\n", Files.readString(file));
        try (var files = Files.list(directory))
        {
            assertEquals(1, files.count(), "only the counters file");
        }
    }

    @Test
    @Timeout(30)
    void aConcurrentReaderNeverSeesHalfAFile() throws Exception
    {
        final Path file = directory.resolve("eu-west" + CountersFile.CORE_FILE_SUFFIX);
        final String small = document(1);
        final String large = document(2_000);
        CountersFile.writeAtomically(file, small);
        final AtomicBoolean writing = new AtomicBoolean(true);
        final AtomicReference<String> torn = new AtomicReference<>();
        final Thread reader = new Thread(() ->
        {
            while (writing.get() && torn.get() == null)
            {
                try
                {
                    final String text = Files.readString(file);
                    if (!text.equals(small) && !text.equals(large))
                    {
                        torn.set(text.length() + " characters");
                    }
                }
                catch (final NoSuchFileException ex)
                {
                    torn.set("the file was missing for a moment");
                }
                catch (final Exception ex)
                {
                    torn.set(ex.toString());
                }
            }
        }, "counters-file-reader");
        reader.start();
        try
        {
            final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
            for (int i = 0; System.nanoTime() < until && torn.get() == null; i++)
            {
                CountersFile.writeAtomically(file, i % 2 == 0 ? large : small);
            }
        }
        finally
        {
            writing.set(false);
            reader.join();
        }
        assertNull(torn.get());
    }

    @Test
    void jsonTextPlacesCommasAndEscapes()
    {
        final String text = new JsonText().beginObject()
            .field("id", "gw \"1\"\\\n")
            .field("n", 3)
            .beginObject("o").field("x", true).endObject()
            .beginArray("a").beginObject().field("w", 0).endObject().beginObject().endObject().endArray()
            .endObject().toString();
        assertEquals("{\"id\":\"gw \\\"1\\\"\\\\\\n\",\"n\":3,\"o\":{\"x\":true},\"a\":[{\"w\":0},{}]}\n", text);
        assertTrue(text.endsWith("\n"));
        assertFalse(new JsonText().beginObject().field("c", "\u0001").endObject().toString().contains("\u0001"));
    }

    private static String document(final int streams)
    {
        final JsonText json = new JsonText().beginObject().field(CountersFile.KIND, CountersFile.KIND_CORE)
            .beginArray(CountersFile.STREAMS);
        for (int i = 0; i < streams; i++)
        {
            json.beginObject().field(CountersFile.WORKER, i).field(CountersFile.LAST_SEQUENCE, i * 7L).endObject();
        }
        return json.endArray().endObject().toString();
    }
}
