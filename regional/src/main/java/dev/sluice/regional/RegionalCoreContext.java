package dev.sluice.regional;

import dev.sluice.protocol.Channels;
import dev.sluice.regional.sink.KafkaSinkConfig;
import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.exceptions.ConfigurationException;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static dev.sluice.regional.SystemProperties.durationProperty;
import static dev.sluice.regional.SystemProperties.intProperty;
import static dev.sluice.regional.SystemProperties.sizeProperty;

/**
 * Settings of a {@link RegionalCore}. Each setting has a fluent setter {@code foo(x)} and getter
 * {@code foo()}, and most have a system property {@code FOO_PROP_NAME} read by {@link #conclude()}
 * when the setter was not called, falling back to {@code FOO_DEFAULT}.
 * <p>
 * {@link #conclude()} applies properties and defaults, validates every setting and reports all
 * problems in one {@link ConfigurationException}, creates the output directory, and connects an
 * {@link Aeron} client unless the caller supplied one. A client the context connected is closed
 * by {@link #close()}; a supplied one is left to its owner, which lets several tiers share one
 * client and one embedded media driver in one JVM.
 * <p>
 * Not thread safe: configure and conclude on one thread, then hand the context to the core.
 */
public final class RegionalCoreContext implements AutoCloseable
{
    /**
     * Region this core serves, e.g. {@code eu-west}: 1 to 16 of {@code [A-Za-z0-9._-]}, starting
     * with a letter or digit. Required; there is no default.
     */
    public static final String REGION_PROP_NAME = "sluice.regional.region";

    /**
     * Channel the core subscribes to.
     */
    public static final String CHANNEL_PROP_NAME = "sluice.regional.channel";

    /**
     * Default channel: UDP unicast on localhost.
     */
    public static final String CHANNEL_DEFAULT = "aeron:udp?endpoint=localhost:20121";

    /**
     * Stream id the core subscribes to.
     */
    public static final String STREAM_ID_PROP_NAME = "sluice.regional.stream.id";

    /**
     * Default stream id of data batches.
     */
    public static final int STREAM_ID_DEFAULT = 1001;

    /**
     * Directory of the NDJSON and pcapng output, created when absent.
     */
    public static final String OUTPUT_DIR_PROP_NAME = "sluice.regional.output.dir";

    /**
     * Default output directory, relative to the working directory.
     */
    public static final String OUTPUT_DIR_DEFAULT = "sluice-work/regional";

    /**
     * Longest time written records may stay buffered before they are handed to the file, as an
     * Agrona duration such as {@code 1ms}; 0 flushes at the end of every duty cycle that wrote.
     */
    public static final String FLUSH_INTERVAL_PROP_NAME = "sluice.regional.flush.interval";

    /**
     * Default flush interval in nanoseconds.
     */
    public static final long FLUSH_INTERVAL_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(1);

    /**
     * The channel acknowledgements ({@code StreamAck}) are published on.
     *
     * @param ackChannel Aeron URI.
     * @return this.
     * @see #ACK_CHANNEL_PROP_NAME
     */
    public RegionalCoreContext ackChannel(final String ackChannel)
    {
        this.ackChannel = ackChannel;
        return this;
    }

    /**
     * The channel acknowledgements are published on.
     *
     * @return Aeron URI; when unset, the one {@link Channels#ackPublicationChannel} derives from
     * the data channel.
     */
    public String ackChannel()
    {
        return null == ackChannel ? Channels.ackPublicationChannel(channel()) : ackChannel;
    }

    /**
     * Stream id of acknowledgements.
     *
     * @param ackStreamId stream id.
     * @return this.
     * @see #ACK_STREAM_ID_PROP_NAME
     */
    public RegionalCoreContext ackStreamId(final int ackStreamId)
    {
        this.ackStreamId = ackStreamId;
        return this;
    }

    /**
     * Stream id of acknowledgements.
     *
     * @return stream id; {@link #ACK_STREAM_ID_DEFAULT} when unset.
     */
    public int ackStreamId()
    {
        return null == ackStreamId ? ACK_STREAM_ID_DEFAULT : ackStreamId;
    }

    /**
     * Longest time an accepted record waits before the files are forced and it is acknowledged;
     * one fsync of each file covers every batch accepted meanwhile.
     *
     * @param ackIntervalNs nanoseconds; 0 forces at the end of every duty cycle that wrote.
     * @return this.
     * @see #ACK_INTERVAL_PROP_NAME
     */
    public RegionalCoreContext ackIntervalNs(final long ackIntervalNs)
    {
        this.ackIntervalNs = ackIntervalNs;
        return this;
    }

    /**
     * Longest time an accepted record waits before it is made durable and acknowledged.
     *
     * @return nanoseconds; {@link #ACK_INTERVAL_NS_DEFAULT} when unset.
     */
    public long ackIntervalNs()
    {
        return null == ackIntervalNs ? ACK_INTERVAL_NS_DEFAULT : ackIntervalNs;
    }

    /**
     * How often every stream's durable sequence is sent again when it did not move.
     *
     * @param ackRepeatIntervalNs nanoseconds, above 0.
     * @return this.
     * @see #ACK_REPEAT_INTERVAL_PROP_NAME
     */
    public RegionalCoreContext ackRepeatIntervalNs(final long ackRepeatIntervalNs)
    {
        this.ackRepeatIntervalNs = ackRepeatIntervalNs;
        return this;
    }

    /**
     * How often every stream's durable sequence is sent again.
     *
     * @return nanoseconds; {@link #ACK_REPEAT_INTERVAL_NS_DEFAULT} when unset.
     */
    public long ackRepeatIntervalNs()
    {
        return null == ackRepeatIntervalNs ? ACK_REPEAT_INTERVAL_NS_DEFAULT : ackRepeatIntervalNs;
    }

    /**
     * How long batches after a gap in their stream are held back (dropped, counted
     * {@link RegionalCounter#HELD_FOR_GAP}) so a gateway can replay the missing ones in order.
     *
     * @param gapTimeoutNs nanoseconds; 0 accepts them at once and counts the gap.
     * @return this.
     * @see #GAP_TIMEOUT_PROP_NAME
     */
    public RegionalCoreContext gapTimeoutNs(final long gapTimeoutNs)
    {
        this.gapTimeoutNs = gapTimeoutNs;
        return this;
    }

    /**
     * How long batches after a gap are held back.
     *
     * @return nanoseconds; {@link #GAP_TIMEOUT_NS_DEFAULT} when unset.
     */
    public long gapTimeoutNs()
    {
        return null == gapTimeoutNs ? GAP_TIMEOUT_NS_DEFAULT : gapTimeoutNs;
    }

    /**
     * The core's durable state: each stream's last durable sequence and the durable length of each
     * output file, {@code <outputDir>/<region>.state}.
     *
     * @return file path; null while the region is unset.
     */
    public Path stateFile()
    {
        return null == regionName ? null : outputDir().resolve(regionName + ".state");
    }

    /**
     * Most fragments taken from the subscription in one duty cycle.
     */
    public static final String FRAGMENT_LIMIT_PROP_NAME = "sluice.regional.fragment.limit";

    /**
     * Default fragment limit per duty cycle.
     */
    public static final int FRAGMENT_LIMIT_DEFAULT = 16;

    /**
     * Initial length of each output buffer (NDJSON and pcapng), as an Agrona size such as
     * {@code 1m}; it grows only for a single batch larger than itself.
     */
    public static final String OUTPUT_BUFFER_LENGTH_PROP_NAME = "sluice.regional.output.buffer.length";

    /**
     * Default output buffer length in bytes.
     */
    public static final int OUTPUT_BUFFER_LENGTH_DEFAULT = 1024 * 1024;

    /**
     * Smallest output buffer length accepted.
     */
    public static final int OUTPUT_BUFFER_LENGTH_MIN = 64 * 1024;

    /**
     * Idle strategy of the agent runner: {@code backoff}, {@code sleeping} (1 ms), {@code yielding},
     * {@code busy-spin} or {@code noop}.
     */
    public static final String IDLE_STRATEGY_PROP_NAME = "sluice.regional.idle.strategy";

    /**
     * Default idle strategy name.
     */
    public static final String IDLE_STRATEGY_DEFAULT = "backoff";

    /**
     * Property naming the channel the core publishes {@code StreamAck}s on, to every gateway that
     * sends to it.
     */
    public static final String ACK_CHANNEL_PROP_NAME = "sluice.regional.ack.channel";

    /**
     * Property naming the stream id of acknowledgements.
     */
    public static final String ACK_STREAM_ID_PROP_NAME = "sluice.regional.ack.stream.id";

    /**
     * Default stream id of acknowledgements.
     */
    public static final int ACK_STREAM_ID_DEFAULT = Channels.ACK_STREAM_ID_DEFAULT;

    /**
     * Property naming the durability interval: how long accepted records wait at most before the
     * output files are flushed, forced to the device and acknowledged.
     */
    public static final String ACK_INTERVAL_PROP_NAME = "sluice.regional.ack.interval";

    /**
     * Default durability interval: one fsync of both files per 5 ms at most, coalescing every
     * batch accepted meanwhile.
     */
    public static final long ACK_INTERVAL_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(5);

    /**
     * Property naming how often every stream's durable sequence is sent again even when it did not
     * move, so a gateway that restarted or reconnected learns it.
     */
    public static final String ACK_REPEAT_INTERVAL_PROP_NAME = "sluice.regional.ack.repeat.interval";

    /**
     * Default repeat interval of acknowledgements.
     */
    public static final long ACK_REPEAT_INTERVAL_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(200);

    /**
     * Property naming how long batches that arrive after a gap in their stream are held back for
     * the gateway to replay the missing ones.
     */
    public static final String GAP_TIMEOUT_PROP_NAME = "sluice.regional.gap.timeout";

    /**
     * Default gap timeout: longer than the longest a spooled gateway's replay takes to arrive. That
     * is not the gateway's replay timeout (1 s) alone: after a core restart, the core's media driver
     * keeps the dead core's subscription, which holds the image's flow-control window, until its
     * client liveness timeout (10 s) retires it, and the replay waits behind it. Accepting past a gap
     * before the replay arrives would acknowledge batches never recorded (the fault suite's core
     * kill found exactly that with 2 s), so the timeout only serves gateways without a spool, whose
     * lost batches never come back.
     */
    public static final long GAP_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(30);

    private static final int REGION_MAX_LENGTH = StreamTable.REGION_LENGTH;
    private static final Pattern REGION_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private boolean isConcluded;
    private boolean ownsAeronClient;
    private String regionName;
    private Aeron aeron;
    private String aeronDirectoryName;
    private String channel;
    private Integer streamId;
    private Path outputDir;
    private Long flushIntervalNs;
    private String ackChannel;
    private Integer ackStreamId;
    private Long ackIntervalNs;
    private Long ackRepeatIntervalNs;
    private Long gapTimeoutNs;
    private Integer fragmentLimit;
    private Integer outputBufferLength;
    private IdleStrategy idleStrategy;
    private ErrorHandler errorHandler;
    private NanoClock nanoClock;
    private KafkaSinkConfig kafkaSink;

    /**
     * Applies system properties and defaults to unset settings, validates all settings, creates
     * the output directory and connects to the media driver when no client was supplied.
     *
     * @return this.
     * @throws ConfigurationException listing every invalid setting.
     * @throws IllegalStateException  if already concluded.
     */
    public RegionalCoreContext conclude()
    {
        if (isConcluded)
        {
            throw new IllegalStateException("RegionalCoreContext already concluded");
        }

        final List<String> errors = new ArrayList<>();

        if (null == regionName)
        {
            regionName = System.getProperty(REGION_PROP_NAME);
        }
        validateRegion(errors);

        if (null == channel)
        {
            channel = System.getProperty(CHANNEL_PROP_NAME, CHANNEL_DEFAULT);
        }
        validateChannel(errors);

        if (null == streamId)
        {
            streamId = intProperty(STREAM_ID_PROP_NAME, STREAM_ID_DEFAULT, errors);
        }

        if (null == outputDir)
        {
            outputDir = pathProperty(OUTPUT_DIR_PROP_NAME, OUTPUT_DIR_DEFAULT, errors);
        }

        if (null == flushIntervalNs)
        {
            flushIntervalNs = durationProperty(FLUSH_INTERVAL_PROP_NAME, FLUSH_INTERVAL_NS_DEFAULT, errors);
        }
        if (flushIntervalNs < 0)
        {
            errors.add("flushIntervalNs must be >= 0 (0 flushes every duty cycle), was " + flushIntervalNs);
        }

        if (null == ackChannel)
        {
            ackChannel = System.getProperty(ACK_CHANNEL_PROP_NAME);
        }
        if (null == ackChannel)
        {
            try
            {
                ackChannel = Channels.ackPublicationChannel(channel);
            }
            catch (final IllegalArgumentException ex)
            {
                // An invalid data channel is reported already; only a valid one without a port is news.
                if (channel.startsWith("aeron:"))
                {
                    errors.add("ackChannel: " + ex.getMessage() + " (-D" + ACK_CHANNEL_PROP_NAME + "=...)");
                }
                ackChannel = "aeron:ipc";
            }
        }
        if (!ackChannel.startsWith("aeron:"))
        {
            errors.add("ackChannel must be an Aeron URI such as aeron:udp?control=core:21121|control-mode=dynamic, was " +
                ackChannel);
        }
        if (null == ackStreamId)
        {
            ackStreamId = intProperty(ACK_STREAM_ID_PROP_NAME, ACK_STREAM_ID_DEFAULT, errors);
        }
        if (null == ackIntervalNs)
        {
            ackIntervalNs = durationProperty(ACK_INTERVAL_PROP_NAME, ACK_INTERVAL_NS_DEFAULT, errors);
        }
        if (ackIntervalNs < 0)
        {
            errors.add("ackIntervalNs must be >= 0 (0 forces every duty cycle that wrote), was " + ackIntervalNs);
        }
        if (null == ackRepeatIntervalNs)
        {
            ackRepeatIntervalNs = durationProperty(ACK_REPEAT_INTERVAL_PROP_NAME, ACK_REPEAT_INTERVAL_NS_DEFAULT, errors);
        }
        if (ackRepeatIntervalNs <= 0)
        {
            errors.add("ackRepeatIntervalNs must be > 0, was " + ackRepeatIntervalNs);
        }

        if (null == gapTimeoutNs)
        {
            gapTimeoutNs = durationProperty(GAP_TIMEOUT_PROP_NAME, GAP_TIMEOUT_NS_DEFAULT, errors);
        }
        if (gapTimeoutNs < 0)
        {
            errors.add("gapTimeoutNs must be >= 0 (0 accepts batches after a gap at once), was " + gapTimeoutNs);
        }

        if (null == fragmentLimit)
        {
            fragmentLimit = intProperty(FRAGMENT_LIMIT_PROP_NAME, FRAGMENT_LIMIT_DEFAULT, errors);
        }
        if (fragmentLimit < 1)
        {
            errors.add("fragmentLimit must be >= 1, was " + fragmentLimit);
        }

        if (null == outputBufferLength)
        {
            outputBufferLength = sizeProperty(OUTPUT_BUFFER_LENGTH_PROP_NAME, OUTPUT_BUFFER_LENGTH_DEFAULT, errors);
        }
        if (outputBufferLength < OUTPUT_BUFFER_LENGTH_MIN || outputBufferLength > NdjsonBatchWriter.MAX_BUFFER_LENGTH)
        {
            errors.add("outputBufferLength must be between " + OUTPUT_BUFFER_LENGTH_MIN + " and " +
                NdjsonBatchWriter.MAX_BUFFER_LENGTH + " bytes, was " + outputBufferLength);
        }

        if (null == idleStrategy)
        {
            idleStrategy = idleStrategy(System.getProperty(IDLE_STRATEGY_PROP_NAME, IDLE_STRATEGY_DEFAULT), errors);
        }

        if (null == errorHandler)
        {
            errorHandler = (throwable) -> throwable.printStackTrace(System.err);
        }

        if (null == nanoClock)
        {
            nanoClock = SystemNanoClock.INSTANCE;
        }

        if (null == kafkaSink && KafkaSinkConfig.isRequestedBySystemProperty())
        {
            kafkaSink = new KafkaSinkConfig();
        }
        if (null != kafkaSink && !kafkaSink.isConcluded())
        {
            try
            {
                kafkaSink.conclude();
            }
            catch (final IllegalArgumentException ex)
            {
                errors.add(ex.getMessage());
            }
        }

        if (null != aeron && aeron.isClosed())
        {
            errors.add("the supplied Aeron client is closed");
        }
        if (null != aeron && !aeron.isClosed())
        {
            aeronDirectoryName = aeron.context().aeronDirectoryName();
        }
        else if (null == aeronDirectoryName)
        {
            aeronDirectoryName = CommonContext.getAeronDirectoryName();
        }

        if (null != outputDir && Files.exists(outputDir) && !Files.isDirectory(outputDir))
        {
            errors.add("outputDir " + outputDir + " exists and is not a directory");
        }
        else if (errors.isEmpty() && null != outputDir)
        {
            // Only a configuration that is otherwise valid leaves a directory behind.
            createOutputDir(errors);
        }

        if (!errors.isEmpty())
        {
            throw new ConfigurationException(
                "invalid regional core settings:" + System.lineSeparator() + "  " +
                String.join(System.lineSeparator() + "  ", errors));
        }

        if (null == aeron)
        {
            aeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(aeronDirectoryName)
                .errorHandler(errorHandler));
            ownsAeronClient = true;
        }

        isConcluded = true;

        return this;
    }

    /**
     * Has {@link #conclude()} completed?
     *
     * @return true once concluded.
     */
    public boolean isConcluded()
    {
        return isConcluded;
    }

    /**
     * Closes the Aeron client if this context connected it.
     */
    public void close()
    {
        if (ownsAeronClient)
        {
            ownsAeronClient = false;
            CloseHelper.close(aeron);
        }
    }

    /**
     * Region this core serves; batches for other regions are counted as misrouted.
     *
     * @param regionName e.g. {@code eu-west}.
     * @return this.
     * @see #REGION_PROP_NAME
     */
    public RegionalCoreContext regionName(final String regionName)
    {
        this.regionName = regionName;
        return this;
    }

    /**
     * Region this core serves.
     *
     * @return region name, null until set or concluded.
     */
    public String regionName()
    {
        return regionName;
    }

    /**
     * Aeron client to use instead of connecting one; it stays owned by the caller.
     *
     * @param aeron a connected client.
     * @return this.
     */
    public RegionalCoreContext aeron(final Aeron aeron)
    {
        this.aeron = aeron;
        return this;
    }

    /**
     * Aeron client in use.
     *
     * @return the client, null before conclude unless supplied.
     */
    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * Media driver directory to connect to when no client is supplied.
     *
     * @param aeronDirectoryName directory; default {@link CommonContext#getAeronDirectoryName()}.
     * @return this.
     */
    public RegionalCoreContext aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    /**
     * Media driver directory to connect to when no client is supplied.
     *
     * @return directory name, null until set or concluded.
     */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * Channel to subscribe to.
     *
     * @param channel Aeron channel URI.
     * @return this.
     * @see #CHANNEL_PROP_NAME
     */
    public RegionalCoreContext channel(final String channel)
    {
        this.channel = channel;
        return this;
    }

    /**
     * Channel to subscribe to.
     *
     * @return channel URI; {@link #CHANNEL_DEFAULT} when unset.
     */
    public String channel()
    {
        return null == channel ? CHANNEL_DEFAULT : channel;
    }

    /**
     * Stream id to subscribe to.
     *
     * @param streamId stream id.
     * @return this.
     * @see #STREAM_ID_PROP_NAME
     */
    public RegionalCoreContext streamId(final int streamId)
    {
        this.streamId = streamId;
        return this;
    }

    /**
     * Stream id to subscribe to.
     *
     * @return stream id; {@link #STREAM_ID_DEFAULT} when unset.
     */
    public int streamId()
    {
        return null == streamId ? STREAM_ID_DEFAULT : streamId;
    }

    /**
     * Directory of the NDJSON output.
     *
     * @param outputDir directory, created by {@link #conclude()} when absent.
     * @return this.
     * @see #OUTPUT_DIR_PROP_NAME
     */
    public RegionalCoreContext outputDir(final Path outputDir)
    {
        this.outputDir = outputDir;
        return this;
    }

    /**
     * Directory of the NDJSON output.
     *
     * @return directory; {@link #OUTPUT_DIR_DEFAULT} when unset.
     */
    public Path outputDir()
    {
        return null == outputDir ? Path.of(OUTPUT_DIR_DEFAULT) : outputDir;
    }

    /**
     * The NDJSON file: {@code <outputDir>/<region>.ndjson}.
     *
     * @return file path; null while the region is unset.
     */
    public Path outputFile()
    {
        return null == regionName ? null : outputDir().resolve(regionName + ".ndjson");
    }

    /**
     * The pcapng file that frames are also written to: {@code <outputDir>/<region>.pcapng}.
     *
     * @return file path; null while the region is unset.
     */
    public Path pcapngFile()
    {
        return null == regionName ? null : outputDir().resolve(regionName + ".pcapng");
    }

    /**
     * Longest time written records stay buffered before they are handed to the file.
     *
     * @param flushIntervalNs nanoseconds; 0 flushes at the end of every duty cycle that wrote.
     * @return this.
     * @see #FLUSH_INTERVAL_PROP_NAME
     */
    public RegionalCoreContext flushIntervalNs(final long flushIntervalNs)
    {
        this.flushIntervalNs = flushIntervalNs;
        return this;
    }

    /**
     * Longest time written records stay buffered before they are handed to the file.
     *
     * @return nanoseconds; {@link #FLUSH_INTERVAL_NS_DEFAULT} when unset.
     */
    public long flushIntervalNs()
    {
        return null == flushIntervalNs ? FLUSH_INTERVAL_NS_DEFAULT : flushIntervalNs;
    }

    /**
     * Most fragments taken from the subscription in one duty cycle.
     *
     * @param fragmentLimit at least 1.
     * @return this.
     * @see #FRAGMENT_LIMIT_PROP_NAME
     */
    public RegionalCoreContext fragmentLimit(final int fragmentLimit)
    {
        this.fragmentLimit = fragmentLimit;
        return this;
    }

    /**
     * Most fragments taken from the subscription in one duty cycle.
     *
     * @return limit; {@link #FRAGMENT_LIMIT_DEFAULT} when unset.
     */
    public int fragmentLimit()
    {
        return null == fragmentLimit ? FRAGMENT_LIMIT_DEFAULT : fragmentLimit;
    }

    /**
     * Initial length of the NDJSON output buffer.
     *
     * @param outputBufferLength bytes, at least {@link #OUTPUT_BUFFER_LENGTH_MIN}.
     * @return this.
     * @see #OUTPUT_BUFFER_LENGTH_PROP_NAME
     */
    public RegionalCoreContext outputBufferLength(final int outputBufferLength)
    {
        this.outputBufferLength = outputBufferLength;
        return this;
    }

    /**
     * Initial length of the NDJSON output buffer.
     *
     * @return bytes; {@link #OUTPUT_BUFFER_LENGTH_DEFAULT} when unset.
     */
    public int outputBufferLength()
    {
        return null == outputBufferLength ? OUTPUT_BUFFER_LENGTH_DEFAULT : outputBufferLength;
    }

    /**
     * Idle strategy of the agent runner started by {@link RegionalCoreMain#launch}.
     *
     * @param idleStrategy the strategy.
     * @return this.
     * @see #IDLE_STRATEGY_PROP_NAME
     */
    public RegionalCoreContext idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    /**
     * Idle strategy of the agent runner.
     *
     * @return the strategy, null until set or concluded.
     */
    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * Receives errors of the agent runner, of the Aeron client the context connects, and failed
     * output writes.
     *
     * @param errorHandler the handler; default prints to standard error.
     * @return this.
     */
    public RegionalCoreContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * Receives errors.
     *
     * @return the handler, null until set or concluded.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * Clock for the flush interval.
     *
     * @param nanoClock the clock; default {@link SystemNanoClock}.
     * @return this.
     */
    public RegionalCoreContext nanoClock(final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        return this;
    }

    /**
     * Clock for the flush interval.
     *
     * @return the clock, null until set or concluded.
     */
    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    /**
     * Delivers every accepted record to Kafka as well (a topic per data kind), besides the NDJSON
     * file. Off unless set, or unless {@link KafkaSinkConfig#BOOTSTRAP_SERVERS_PROP_NAME} is set,
     * which makes {@link #conclude()} create one from system properties.
     *
     * @param kafkaSink the Kafka sink's settings, or null for none.
     * @return this.
     */
    public RegionalCoreContext kafkaSink(final KafkaSinkConfig kafkaSink)
    {
        this.kafkaSink = kafkaSink;
        return this;
    }

    /**
     * The Kafka sink's settings.
     *
     * @return the settings, null when the core runs no Kafka sink.
     */
    public KafkaSinkConfig kafkaSink()
    {
        return kafkaSink;
    }

    /**
     * Creates an idle strategy from its name.
     *
     * @param name {@code backoff}, {@code sleeping}, {@code yielding}, {@code busy-spin} or {@code noop}.
     * @return a new strategy.
     * @throws IllegalArgumentException for any other name.
     */
    public static IdleStrategy newIdleStrategy(final String name)
    {
        return switch (name)
        {
            case "backoff" -> new BackoffIdleStrategy();
            case "sleeping" -> new SleepingMillisIdleStrategy(1);
            case "yielding" -> YieldingIdleStrategy.INSTANCE;
            case "busy-spin" -> BusySpinIdleStrategy.INSTANCE;
            case "noop" -> NoOpIdleStrategy.INSTANCE;
            default -> throw new IllegalArgumentException(
                "unknown idle strategy '" + name + "', expected backoff, sleeping, yielding, busy-spin or noop");
        };
    }

    private void validateRegion(final List<String> errors)
    {
        if (null == regionName || regionName.isEmpty())
        {
            errors.add("regionName is required (-D" + REGION_PROP_NAME + "=eu-west)");
        }
        else if (regionName.length() > REGION_MAX_LENGTH || !REGION_PATTERN.matcher(regionName).matches())
        {
            errors.add("regionName must be 1 to " + REGION_MAX_LENGTH +
                " of [A-Za-z0-9._-] starting with a letter or digit, was '" + regionName + "'");
        }
    }

    private void validateChannel(final List<String> errors)
    {
        try
        {
            ChannelUri.parse(channel);
        }
        catch (final RuntimeException ex)
        {
            errors.add("channel '" + channel + "' is not a valid Aeron channel: " + ex.getMessage());
        }
    }

    private void createOutputDir(final List<String> errors)
    {
        try
        {
            Files.createDirectories(outputDir);
        }
        catch (final IOException ex)
        {
            errors.add("outputDir " + outputDir + " cannot be created: " + ex);
            return;
        }

        if (!Files.isWritable(outputDir))
        {
            errors.add("outputDir " + outputDir + " is not writable");
        }
    }

    private static IdleStrategy idleStrategy(final String name, final List<String> errors)
    {
        try
        {
            return newIdleStrategy(name);
        }
        catch (final IllegalArgumentException ex)
        {
            errors.add(IDLE_STRATEGY_PROP_NAME + ": " + ex.getMessage());
            return NoOpIdleStrategy.INSTANCE;
        }
    }

    private static Path pathProperty(final String name, final String defaultValue, final List<String> errors)
    {
        final String value = System.getProperty(name, defaultValue);
        try
        {
            return Path.of(value);
        }
        catch (final InvalidPathException ex)
        {
            errors.add(name + " is not a valid path: '" + value + "'");
            return null;
        }
    }
}
