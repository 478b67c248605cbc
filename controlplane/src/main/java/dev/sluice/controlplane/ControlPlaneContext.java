package dev.sluice.controlplane;

import dev.sluice.protocol.Channels;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.exceptions.ConfigurationException;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemEpochClock;

/**
 * Settings of a {@link ControlPlane}: fluent {@code foo(x)}/{@code foo()} accessors, defaults from system
 * properties ({@code FOO_PROP_NAME}/{@code FOO_DEFAULT}), and {@link #conclude()}, which checks every setting
 * at once and opens the policy store and (unless one is supplied) the Aeron client. Set up by one thread
 * before the control plane starts; read-only afterwards.
 *
 * <p>Channels: gateways and the CLI send to the control plane's inbound channel; the control plane sends
 * pushes (stream {@link #pushStreamId()}) and submit results (stream {@link #replyStreamId()}) on one
 * multi-destination-cast publication with dynamic control, which every gateway and CLI joins by subscribing
 * with {@link #pushSubscriptionChannel(String)} (for the defaults, {@link #GATEWAY_PUSH_SUBSCRIPTION_CHANNEL}).
 */
public final class ControlPlaneContext implements AutoCloseable
{
    /** Property for {@link #inboundChannel()}. */
    public static final String INBOUND_CHANNEL_PROP_NAME = "sluice.controlplane.inbound.channel";
    /** Hellos, acks and submits arrive here. */
    public static final String INBOUND_CHANNEL_DEFAULT = Channels.CONTROL_INBOUND_CHANNEL_DEFAULT;

    /** Property for {@link #inboundStreamId()}. */
    public static final String INBOUND_STREAM_ID_PROP_NAME = "sluice.controlplane.inbound.stream.id";
    /** Stream of hellos, acks and submits. */
    public static final int INBOUND_STREAM_ID_DEFAULT = Channels.CONTROL_INBOUND_STREAM_ID_DEFAULT;

    /** Property for {@link #pushChannel()}. */
    public static final String PUSH_CHANNEL_PROP_NAME = "sluice.controlplane.push.channel";
    /** Multi-destination-cast publication; receivers join it through its control endpoint. */
    public static final String PUSH_CHANNEL_DEFAULT = Channels.POLICY_PUSH_PUBLICATION_CHANNEL_DEFAULT;

    /** Property for {@link #pushStreamId()}. */
    public static final String PUSH_STREAM_ID_PROP_NAME = "sluice.controlplane.push.stream.id";
    /** Stream of PolicyPush messages on the push channel. */
    public static final int PUSH_STREAM_ID_DEFAULT = Channels.POLICY_PUSH_STREAM_ID_DEFAULT;

    /** Property for {@link #replyStreamId()}. */
    public static final String REPLY_STREAM_ID_PROP_NAME = "sluice.controlplane.reply.stream.id";
    /** Stream of PolicySubmitResult messages on the push channel; the CLI filters them by correlation id. */
    public static final int REPLY_STREAM_ID_DEFAULT = Channels.POLICY_SUBMIT_REPLY_STREAM_ID_DEFAULT;

    /**
     * What a gateway (and the CLI) subscribes with to receive from {@link #PUSH_CHANNEL_DEFAULT}: an
     * ephemeral local port, registered with the publication's control endpoint.
     */
    public static final String GATEWAY_PUSH_SUBSCRIPTION_CHANNEL = Channels.POLICY_PUSH_SUBSCRIPTION_CHANNEL_DEFAULT;

    /** Property for {@link #policyStoreDir()}; required, there is no default. */
    public static final String POLICY_STORE_DIR_PROP_NAME = "sluice.controlplane.store.dir";

    /** Property for {@link #policyFile()}; unset means no file is watched. */
    public static final String POLICY_FILE_PROP_NAME = "sluice.controlplane.policy.file";

    /** Property for {@link #policyFilePollIntervalMs()}. */
    public static final String POLICY_FILE_POLL_INTERVAL_MS_PROP_NAME = "sluice.controlplane.policy.file.poll.ms";
    /** How often the watched file's modification time and size are checked. */
    public static final long POLICY_FILE_POLL_INTERVAL_MS_DEFAULT = 500;

    /** Property for {@link #gatewayTimeoutMs()}. */
    public static final String GATEWAY_TIMEOUT_MS_PROP_NAME = "sluice.controlplane.gateway.timeout.ms";
    /** A gateway not heard from for this long leaves the fleet registry. */
    public static final long GATEWAY_TIMEOUT_MS_DEFAULT = 10_000;

    /** Property for {@link #pushResendIntervalMs()}. */
    public static final String PUSH_RESEND_INTERVAL_MS_PROP_NAME = "sluice.controlplane.push.resend.ms";
    /** A gateway still behind this long after a push to it gets the current version again. */
    public static final long PUSH_RESEND_INTERVAL_MS_DEFAULT = 2_000;

    private static final Logger LOGGER = System.getLogger(ControlPlaneContext.class.getName());

    private boolean isConcluded;
    private boolean ownsAeronClient;
    private String aeronDirectoryName = CommonContext.getAeronDirectoryName();
    private Aeron aeron;
    private String inboundChannel = System.getProperty(INBOUND_CHANNEL_PROP_NAME, INBOUND_CHANNEL_DEFAULT);
    private int inboundStreamId = Integer.getInteger(INBOUND_STREAM_ID_PROP_NAME, INBOUND_STREAM_ID_DEFAULT);
    private String pushChannel = System.getProperty(PUSH_CHANNEL_PROP_NAME, PUSH_CHANNEL_DEFAULT);
    private int pushStreamId = Integer.getInteger(PUSH_STREAM_ID_PROP_NAME, PUSH_STREAM_ID_DEFAULT);
    private int replyStreamId = Integer.getInteger(REPLY_STREAM_ID_PROP_NAME, REPLY_STREAM_ID_DEFAULT);
    private Path policyStoreDir = pathProperty(POLICY_STORE_DIR_PROP_NAME);
    private Path policyFile = pathProperty(POLICY_FILE_PROP_NAME);
    private long policyFilePollIntervalMs =
        Long.getLong(POLICY_FILE_POLL_INTERVAL_MS_PROP_NAME, POLICY_FILE_POLL_INTERVAL_MS_DEFAULT);
    private long gatewayTimeoutMs = Long.getLong(GATEWAY_TIMEOUT_MS_PROP_NAME, GATEWAY_TIMEOUT_MS_DEFAULT);
    private long pushResendIntervalMs =
        Long.getLong(PUSH_RESEND_INTERVAL_MS_PROP_NAME, PUSH_RESEND_INTERVAL_MS_DEFAULT);
    private PolicyValidator policyValidator;
    private EpochClock epochClock;
    private IdleStrategy idleStrategy;
    private ErrorHandler errorHandler;
    private PolicyStore policyStore;

    /**
     * Fill defaults, check every setting, open the policy store and connect the Aeron client if none was
     * supplied.
     *
     * @return this.
     * @throws ConfigurationException listing every problem found, one per line.
     */
    public ControlPlaneContext conclude()
    {
        if (isConcluded)
        {
            throw new IllegalStateException("context already concluded");
        }

        final List<String> errors = new ArrayList<>();
        checkChannel(errors, "inboundChannel", inboundChannel);
        checkChannel(errors, "pushChannel", pushChannel);
        if (pushStreamId == replyStreamId)
        {
            errors.add("pushStreamId and replyStreamId must differ, both are " + pushStreamId);
        }
        if (null == policyStoreDir)
        {
            errors.add("policyStoreDir is required (property " + POLICY_STORE_DIR_PROP_NAME + ")");
        }
        checkPositive(errors, "policyFilePollIntervalMs", policyFilePollIntervalMs);
        checkPositive(errors, "gatewayTimeoutMs", gatewayTimeoutMs);
        checkPositive(errors, "pushResendIntervalMs", pushResendIntervalMs);
        if (null == policyValidator)
        {
            policyValidator = new ParserPolicyValidator();
        }
        if (null == aeron && (null == aeronDirectoryName || aeronDirectoryName.isBlank()))
        {
            errors.add("aeronDirectoryName is required when no Aeron client is supplied");
        }
        if (!errors.isEmpty())
        {
            throw new ConfigurationException("invalid control plane settings:\n" + String.join("\n", errors));
        }

        if (null == epochClock)
        {
            epochClock = SystemEpochClock.INSTANCE;
        }
        if (null == idleStrategy)
        {
            idleStrategy = new BackoffIdleStrategy(10, 20, 1_000, 1_000_000);
        }
        if (null == errorHandler)
        {
            errorHandler = (throwable) -> LOGGER.log(Level.ERROR, "control plane error", throwable);
        }

        try
        {
            policyStore = PolicyStore.open(policyStoreDir);
        }
        catch (final IOException ex)
        {
            throw new ConfigurationException("cannot open policy store " + policyStoreDir + ": " + ex.getMessage());
        }

        if (null == aeron)
        {
            try
            {
                aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectoryName));
                ownsAeronClient = true;
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietClose(policyStore);
                policyStore = null;
                throw ex;
            }
        }

        isConcluded = true;
        return this;
    }

    /**
     * Close the policy store (releasing its lock) and the Aeron client if this context connected it.
     */
    public void close()
    {
        CloseHelper.closeAll(policyStore, ownsAeronClient ? aeron : null);
    }

    /**
     * Derive the channel a receiver (gateway or CLI) subscribes with to join a dynamic multi-destination-cast
     * push channel: an ephemeral local port registered with the same control endpoint. Other channels (IPC,
     * plain UDP) are returned unchanged.
     *
     * @param pushChannel the control plane's push channel.
     * @return the subscription channel.
     */
    public static String pushSubscriptionChannel(final String pushChannel)
    {
        final ChannelUri uri = ChannelUri.parse(pushChannel);
        final String control = uri.get(CommonContext.MDC_CONTROL_PARAM_NAME);
        if (!uri.isUdp() || null == control)
        {
            return pushChannel;
        }
        return "aeron:udp?" + CommonContext.ENDPOINT_PARAM_NAME + "=localhost:0|" +
            CommonContext.MDC_CONTROL_PARAM_NAME + "=" + control + "|" +
            CommonContext.MDC_CONTROL_MODE_PARAM_NAME + "=" + CommonContext.MDC_CONTROL_MODE_DYNAMIC;
    }

    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /**
     * @param aeronDirectoryName media driver directory, used when no Aeron client is supplied.
     * @return this.
     */
    public ControlPlaneContext aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    public Aeron aeron()
    {
        return aeron;
    }

    /**
     * @param aeron client to use (for example one shared by every tier in one JVM); not closed by this context.
     * @return this.
     */
    public ControlPlaneContext aeron(final Aeron aeron)
    {
        this.aeron = aeron;
        return this;
    }

    public String inboundChannel()
    {
        return inboundChannel;
    }

    /**
     * @param inboundChannel where hellos, acks and submits arrive.
     * @return this.
     */
    public ControlPlaneContext inboundChannel(final String inboundChannel)
    {
        this.inboundChannel = inboundChannel;
        return this;
    }

    public int inboundStreamId()
    {
        return inboundStreamId;
    }

    /**
     * @param inboundStreamId stream id of hellos, acks and submits.
     * @return this.
     */
    public ControlPlaneContext inboundStreamId(final int inboundStreamId)
    {
        this.inboundStreamId = inboundStreamId;
        return this;
    }

    public String pushChannel()
    {
        return pushChannel;
    }

    /**
     * @param pushChannel publication channel for pushes and submit results.
     * @return this.
     */
    public ControlPlaneContext pushChannel(final String pushChannel)
    {
        this.pushChannel = pushChannel;
        return this;
    }

    public int pushStreamId()
    {
        return pushStreamId;
    }

    /**
     * @param pushStreamId stream id of PolicyPush messages.
     * @return this.
     */
    public ControlPlaneContext pushStreamId(final int pushStreamId)
    {
        this.pushStreamId = pushStreamId;
        return this;
    }

    public int replyStreamId()
    {
        return replyStreamId;
    }

    /**
     * @param replyStreamId stream id of PolicySubmitResult messages on the push channel.
     * @return this.
     */
    public ControlPlaneContext replyStreamId(final int replyStreamId)
    {
        this.replyStreamId = replyStreamId;
        return this;
    }

    public Path policyStoreDir()
    {
        return policyStoreDir;
    }

    /**
     * @param policyStoreDir directory holding every accepted version.
     * @return this.
     */
    public ControlPlaneContext policyStoreDir(final Path policyStoreDir)
    {
        this.policyStoreDir = policyStoreDir;
        return this;
    }

    public Path policyFile()
    {
        return policyFile;
    }

    /**
     * @param policyFile a policy file to watch and submit when it changes; null for none.
     * @return this.
     */
    public ControlPlaneContext policyFile(final Path policyFile)
    {
        this.policyFile = policyFile;
        return this;
    }

    public long policyFilePollIntervalMs()
    {
        return policyFilePollIntervalMs;
    }

    /**
     * @param policyFilePollIntervalMs how often the watched file is checked.
     * @return this.
     */
    public ControlPlaneContext policyFilePollIntervalMs(final long policyFilePollIntervalMs)
    {
        this.policyFilePollIntervalMs = policyFilePollIntervalMs;
        return this;
    }

    public long gatewayTimeoutMs()
    {
        return gatewayTimeoutMs;
    }

    /**
     * @param gatewayTimeoutMs silence after which a gateway leaves the fleet registry.
     * @return this.
     */
    public ControlPlaneContext gatewayTimeoutMs(final long gatewayTimeoutMs)
    {
        this.gatewayTimeoutMs = gatewayTimeoutMs;
        return this;
    }

    public long pushResendIntervalMs()
    {
        return pushResendIntervalMs;
    }

    /**
     * @param pushResendIntervalMs wait before pushing the current version again to a gateway still behind.
     * @return this.
     */
    public ControlPlaneContext pushResendIntervalMs(final long pushResendIntervalMs)
    {
        this.pushResendIntervalMs = pushResendIntervalMs;
        return this;
    }

    public PolicyValidator policyValidator()
    {
        return policyValidator;
    }

    /**
     * @param policyValidator checks documents before they are versioned; defaults to the policy module's parser.
     * @return this.
     */
    public ControlPlaneContext policyValidator(final PolicyValidator policyValidator)
    {
        this.policyValidator = policyValidator;
        return this;
    }

    public EpochClock epochClock()
    {
        return epochClock;
    }

    /**
     * @param epochClock clock for liveness, timestamps and file polling; tests supply a cached one.
     * @return this.
     */
    public ControlPlaneContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * @param idleStrategy for the agent runner started by {@link ControlPlaneMain#launch(ControlPlaneContext)}.
     * @return this.
     */
    public ControlPlaneContext idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @param errorHandler receives errors that escape the agent's duty cycle.
     * @return this.
     */
    public ControlPlaneContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return the store opened by {@link #conclude()}.
     */
    public PolicyStore policyStore()
    {
        return policyStore;
    }

    boolean isConcluded()
    {
        return isConcluded;
    }

    private static void checkChannel(final List<String> errors, final String name, final String channel)
    {
        if (null == channel || channel.isBlank())
        {
            errors.add(name + " is required");
            return;
        }
        try
        {
            ChannelUri.parse(channel);
        }
        catch (final RuntimeException ex)
        {
            errors.add(name + " is not a valid Aeron channel: " + channel + " (" + ex.getMessage() + ")");
        }
    }

    private static void checkPositive(final List<String> errors, final String name, final long value)
    {
        if (value <= 0)
        {
            errors.add(name + " must be > 0, was " + value);
        }
    }

    private static Path pathProperty(final String propertyName)
    {
        final String value = System.getProperty(propertyName);
        return null == value || value.isBlank() ? null : Path.of(value);
    }
}
