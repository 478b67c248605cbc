package dev.sluice.regional;

import dev.sluice.regional.sink.KafkaSinkConfig;
import io.aeron.exceptions.ConfigurationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class RegionalCoreContextTest
{
    @TempDir
    Path tempDir;

    @Test
    void reportsEveryInvalidSettingAtOnce() throws Exception
    {
        final Path notADirectory = Files.writeString(tempDir.resolve("file"), "x");
        final RegionalCoreContext ctx = new RegionalCoreContext()
            .regionName("EU WEST!")
            .channel("nonsense")
            .fragmentLimit(0)
            .outputBufferLength(10)
            .flushIntervalNs(-1)
            .outputDir(notADirectory);

        final ConfigurationException error = assertThrows(ConfigurationException.class, ctx::conclude);
        final String message = error.getMessage();
        assertTrue(message.contains("regionName must be 1 to 16"), message);
        assertTrue(message.contains("channel 'nonsense' is not a valid Aeron channel"), message);
        assertTrue(message.contains("fragmentLimit must be >= 1, was 0"), message);
        assertTrue(message.contains("outputBufferLength must be between 65536"), message);
        assertTrue(message.contains("flushIntervalNs must be >= 0"), message);
        assertTrue(message.contains("exists and is not a directory"), message);
        assertEquals(7, message.lines().count(), message);
        assertFalse(ctx.isConcluded());
        assertNull(ctx.aeron(), "no client is connected for an invalid configuration");
    }

    @Test
    void reportsInvalidKafkaSinkSettingsWithTheRest()
    {
        final RegionalCoreContext ctx = new RegionalCoreContext()
            .regionName("eu-west")
            .fragmentLimit(0)
            .outputDir(tempDir)
            .kafkaSink(new KafkaSinkConfig().topicPrefix("no spaces").maxInFlightRequests(9));

        final String message = assertThrows(ConfigurationException.class, ctx::conclude).getMessage();
        assertTrue(message.contains("fragmentLimit must be >= 1, was 0"), message);
        assertTrue(message.contains("bootstrapServers is required"), message);
        assertTrue(message.contains("topicPrefix must be"), message);
        assertTrue(message.contains("maxInFlightRequests must be 1 to 5"), message);
        assertNull(ctx.aeron(), "no client is connected for an invalid configuration");
    }

    @Test
    void requiresARegionAndNamesItsProperty()
    {
        final ConfigurationException error = assertThrows(
            ConfigurationException.class,
            () -> new RegionalCoreContext().outputDir(tempDir).conclude());
        assertTrue(error.getMessage().contains("-D" + RegionalCoreContext.REGION_PROP_NAME), error.getMessage());

        assertThrows(ConfigurationException.class,
            () -> new RegionalCoreContext().regionName("region-name-longer-than-16").outputDir(tempDir).conclude());
    }

    @Test
    void reportsMalformedSystemProperties()
    {
        final String[] names = {
            RegionalCoreContext.REGION_PROP_NAME,
            RegionalCoreContext.STREAM_ID_PROP_NAME,
            RegionalCoreContext.FLUSH_INTERVAL_PROP_NAME,
            RegionalCoreContext.IDLE_STRATEGY_PROP_NAME,
            RegionalCoreContext.OUTPUT_BUFFER_LENGTH_PROP_NAME,
            RegionalCoreContext.FRAGMENT_LIMIT_PROP_NAME };
        try
        {
            System.setProperty(RegionalCoreContext.REGION_PROP_NAME, "eu-west");
            System.setProperty(RegionalCoreContext.STREAM_ID_PROP_NAME, "abc");
            System.setProperty(RegionalCoreContext.FLUSH_INTERVAL_PROP_NAME, "soon");
            System.setProperty(RegionalCoreContext.IDLE_STRATEGY_PROP_NAME, "lazy");
            System.setProperty(RegionalCoreContext.OUTPUT_BUFFER_LENGTH_PROP_NAME, "huge");
            System.setProperty(RegionalCoreContext.FRAGMENT_LIMIT_PROP_NAME, "x");

            final RegionalCoreContext ctx = new RegionalCoreContext().outputDir(tempDir);
            final String message = assertThrows(ConfigurationException.class, ctx::conclude).getMessage();
            assertTrue(message.contains(RegionalCoreContext.STREAM_ID_PROP_NAME + " must be an integer, was 'abc'"), message);
            assertTrue(message.contains(RegionalCoreContext.FLUSH_INTERVAL_PROP_NAME + " must be a duration"), message);
            assertTrue(message.contains("unknown idle strategy 'lazy'"), message);
            assertTrue(message.contains(RegionalCoreContext.OUTPUT_BUFFER_LENGTH_PROP_NAME + " must be a size"), message);
            assertTrue(message.contains(RegionalCoreContext.FRAGMENT_LIMIT_PROP_NAME + " must be an integer"), message);
            assertFalse(message.contains("regionName"), "the region came from its property: " + message);
        }
        finally
        {
            for (final String name : names)
            {
                System.clearProperty(name);
            }
        }
    }

    @Test
    void appliesPropertiesAndDefaultsAndConcludesOnce()
    {
        try (TestDriver driver = new TestDriver())
        {
            System.setProperty(RegionalCoreContext.FLUSH_INTERVAL_PROP_NAME, "5ms");
            System.setProperty(RegionalCoreContext.OUTPUT_BUFFER_LENGTH_PROP_NAME, "128k");
            final RegionalCoreContext ctx = new RegionalCoreContext()
                .regionName("eu-west")
                .aeron(driver.aeron)
                .outputDir(tempDir.resolve("made/by/conclude"));
            try
            {
                assertEquals(RegionalCoreContext.CHANNEL_DEFAULT, ctx.channel());
                assertEquals("aeron:udp?endpoint=localhost:20121", RegionalCoreContext.CHANNEL_DEFAULT);
                assertEquals(1001, RegionalCoreContext.STREAM_ID_DEFAULT);

                ctx.conclude();

                assertTrue(ctx.isConcluded());
                assertEquals(1001, ctx.streamId());
                assertEquals(5_000_000L, ctx.flushIntervalNs());
                assertEquals(128 * 1024, ctx.outputBufferLength());
                assertEquals(RegionalCoreContext.FRAGMENT_LIMIT_DEFAULT, ctx.fragmentLimit());
                assertInstanceOf(BackoffIdleStrategy.class, ctx.idleStrategy());
                assertTrue(Files.isDirectory(tempDir.resolve("made/by/conclude")));
                assertEquals(tempDir.resolve("made/by/conclude/eu-west.ndjson"), ctx.outputFile());
                assertThrows(IllegalStateException.class, ctx::conclude);

                ctx.close();
                assertFalse(driver.aeron.isClosed(), "a supplied client stays open");
            }
            finally
            {
                System.clearProperty(RegionalCoreContext.FLUSH_INTERVAL_PROP_NAME);
                System.clearProperty(RegionalCoreContext.OUTPUT_BUFFER_LENGTH_PROP_NAME);
            }
        }
    }

    @Test
    void createsIdleStrategiesByName()
    {
        assertInstanceOf(BackoffIdleStrategy.class, RegionalCoreContext.newIdleStrategy("backoff"));
        assertInstanceOf(SleepingMillisIdleStrategy.class, RegionalCoreContext.newIdleStrategy("sleeping"));
        assertSame(YieldingIdleStrategy.INSTANCE, RegionalCoreContext.newIdleStrategy("yielding"));
        assertSame(BusySpinIdleStrategy.INSTANCE, RegionalCoreContext.newIdleStrategy("busy-spin"));
        assertSame(NoOpIdleStrategy.INSTANCE, RegionalCoreContext.newIdleStrategy("noop"));
        assertThrows(IllegalArgumentException.class, () -> RegionalCoreContext.newIdleStrategy("spin"));
    }
}
