package dev.sluice.regional;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The core's state file is read back at every start, after crashes and power losses: any bytes
 * give a snapshot or null, never an exception, and a snapshot is consistent with itself.
 */
@Timeout(300)
class CoreStateFileFuzzTest
{
    @FuzzTest(maxDuration = "1m")
    void fuzzStateFile(final byte[] bytes)
    {
        final CoreStateFile.Snapshot snapshot = CoreStateFile.read(bytes);
        if (null != snapshot)
        {
            assertTrue(snapshot.keys().size() == snapshot.sequences().length);
            for (final byte[] key : snapshot.keys())
            {
                assertTrue(key.length == StreamTable.KEY_LENGTH);
            }
        }
    }
}
