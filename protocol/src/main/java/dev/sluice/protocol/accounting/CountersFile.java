package dev.sluice.protocol.accounting;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The counters snapshot files that {@code sluice reconcile} reads: their names, their field names
 * (the writers in the gateway and the core and the reader in the CLI share them), and the atomic
 * write. A gateway keeps {@code <state-dir>/counters.json}, a regional core
 * {@code <output-dir>/<region>.counters.json}; each is one JSON object, replaced whole every
 * second and once more at a clean stop ({@code "stopped": true}). Any thread.
 */
public final class CountersFile
{
    /** The gateway's file in its state directory. */
    public static final String GATEWAY_FILE_NAME = "counters.json";
    /** The suffix of a core's file, after its region name, in its output directory. */
    public static final String CORE_FILE_SUFFIX = ".counters.json";
    /** How often the files are written while the process runs. */
    public static final long WRITE_INTERVAL_MS = 1_000;

    public static final String KIND = "kind";
    public static final String KIND_GATEWAY = "gateway";
    public static final String KIND_CORE = "core";
    public static final String GATEWAY_ID = "gateway_id";
    public static final String SITE = "site";
    public static final String REGION = "region";
    public static final String RUN_STARTED_AT = "run_started_at";
    public static final String WRITTEN_AT = "written_at";
    public static final String STOPPED = "stopped";
    public static final String SOURCE = "source";
    public static final String FLOWS_EMITTED = "flows_emitted";
    public static final String DESTINATIONS = "destinations";
    public static final String STREAMS = "streams";
    /** The gateway's event path, when it has one: the worker's equation terms and its destinations. */
    public static final String EVENTS = "events";
    /** Per data class, per destination: the residency decisions of the items that held it. */
    public static final String CLASSES = "classes";
    public static final String CLASS = "class";
    public static final String WORKER = "worker";
    public static final String LAST_SEQUENCE = "last_sequence";
    /** The gateway's highest acknowledged sequence of a stream; -1 for a stream without a spool. */
    public static final String ACKED_SEQUENCE = "acked_sequence";
    public static final String DURABLE_SEQUENCE = "durable_sequence";
    public static final String SPOOLED_BATCHES = "spooled_batches";
    /** Batches a stream's spool lost in this run (its overflow rule dropped them, or damage): never sent. */
    public static final String SPOOL_DROPPED_BATCHES = "spool_dropped_batches";
    public static final String TOTALS = "totals";
    public static final String BATCHES = "batches";
    public static final String RECORDS = "records";
    public static final String GAPS = "gaps";
    public static final String DUPLICATES = "duplicates";
    public static final String DROPPED = "dropped";

    private CountersFile()
    {
    }

    /** The core file of {@code region} in {@code outputDirectory}. */
    public static Path coreFile(final Path outputDirectory, final String region)
    {
        return outputDirectory.resolve(region + CORE_FILE_SUFFIX);
    }

    /**
     * Replaces {@code file} with {@code text}: written to a temporary file beside it, forced, then
     * renamed over it, so a reader (or a crash) sees the old file or the new one, never half of one.
     */
    public static void writeAtomically(final Path file, final String text) throws IOException
    {
        final Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(
            temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))
        {
            final ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining())
            {
                channel.write(bytes);
            }
            channel.force(false);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
