package dev.sluice.protocol;

/**
 * Default Aeron channels and stream ids of the three tiers: the one place every tier (and
 * the demo) takes them from, so a gateway and a control plane started with defaults find
 * each other. Deployments override them in each tier's configuration.
 */
public final class Channels
{
    /** Gateways' hellos and acknowledgements, and CLI submissions, into the control plane. */
    public static final String CONTROL_INBOUND_CHANNEL_DEFAULT = "aeron:udp?endpoint=localhost:20110";
    public static final int CONTROL_INBOUND_STREAM_ID_DEFAULT = 2001;

    /**
     * Policy pushes from the control plane to every gateway: a multi-destination-cast
     * publication with dynamic control, so gateways join by subscribing. Min flow control
     * ({@code fc=min}) paces it to the slowest live gateway: with Aeron's default (max) a
     * gateway that falls a term behind during a chunked multi-megabyte push loses data it can
     * no longer recover, and its image stalls for every later push too. A gateway that stops
     * answering is dropped from the flow control after the receiver timeout.
     */
    public static final String POLICY_PUSH_PUBLICATION_CHANNEL_DEFAULT =
        "aeron:udp?control=localhost:20111|control-mode=dynamic|fc=min";
    /** What a gateway subscribes to for {@link #POLICY_PUSH_PUBLICATION_CHANNEL_DEFAULT}. */
    public static final String POLICY_PUSH_SUBSCRIPTION_CHANNEL_DEFAULT =
        "aeron:udp?endpoint=localhost:0|control=localhost:20111|control-mode=dynamic";
    public static final int POLICY_PUSH_STREAM_ID_DEFAULT = 2002;
    /** Results of CLI submissions, on the policy push channel; a client picks its own by correlation id. */
    public static final int POLICY_SUBMIT_REPLY_STREAM_ID_DEFAULT = 2003;

    /**
     * Acknowledgements ({@code StreamAck}) from a regional core to its gateways, on a channel
     * derived from the core's data channel ({@link #ackPublicationChannel}, {@link #ackSubscriptionChannel}).
     */
    public static final int ACK_STREAM_ID_DEFAULT = 3001;
    /**
     * The derived ack channel's control port is the data port plus this: far enough that cores
     * given neighbouring data ports (20121, 20122) do not take each other's.
     */
    public static final int ACK_PORT_OFFSET = 1000;

    /** Data batches into a regional core. */
    public static final int DATA_STREAM_ID_DEFAULT = 1001;

    private Channels()
    {
    }

    /**
     * The channel a regional core publishes acknowledgements on when none is configured: for a UDP
     * data channel {@code endpoint=host:port}, a multi-destination-cast publication with dynamic
     * control on {@code host:port+}{@link #ACK_PORT_OFFSET}, which gateways join by subscribing; for IPC, IPC. Deriving it
     * from the data channel keeps two cores on one host apart without more configuration.
     *
     * @param dataChannel the core's data channel.
     * @return the ack publication channel.
     */
    public static String ackPublicationChannel(final String dataChannel)
    {
        if (dataChannel.startsWith("aeron:ipc"))
        {
            return "aeron:ipc";
        }
        final String control = ackControlAddress(dataChannel);
        return "aeron:udp?control=" + control + "|control-mode=dynamic";
    }

    /**
     * What a gateway subscribes to for the acknowledgements of a destination whose data channel is
     * {@code dataChannel} (see {@link #ackPublicationChannel}).
     *
     * @param dataChannel the destination's data channel.
     * @return the ack subscription channel.
     */
    public static String ackSubscriptionChannel(final String dataChannel)
    {
        if (dataChannel.startsWith("aeron:ipc"))
        {
            return "aeron:ipc";
        }
        final String control = ackControlAddress(dataChannel);
        final boolean loopback = control.startsWith("localhost:") || control.startsWith("127.");
        return "aeron:udp?endpoint=" + (loopback ? "localhost:0" : "0.0.0.0:0") + "|control=" + control +
            "|control-mode=dynamic";
    }

    private static String ackControlAddress(final String dataChannel)
    {
        final int start = dataChannel.indexOf("endpoint=");
        if (start < 0)
        {
            throw new IllegalArgumentException("cannot derive an ack channel from " + dataChannel +
                ": it has no endpoint=host:port; set the ack channel explicitly");
        }
        int end = dataChannel.indexOf('|', start);
        end = end < 0 ? dataChannel.length() : end;
        final String endpoint = dataChannel.substring(start + "endpoint=".length(), end);
        final int colon = endpoint.lastIndexOf(':');
        try
        {
            final int port = Integer.parseInt(endpoint.substring(colon + 1));
            return endpoint.substring(0, colon) + ":" + (port + ACK_PORT_OFFSET);
        }
        catch (final NumberFormatException | StringIndexOutOfBoundsException ex)
        {
            throw new IllegalArgumentException("cannot derive an ack channel from " + dataChannel +
                ": its endpoint has no port; set the ack channel explicitly", ex);
        }
    }

    /** The default data channel of a regional core listening on {@code port} of this host. */
    public static String dataChannel(final String host, final int port)
    {
        return "aeron:udp?endpoint=" + host + ":" + port;
    }
}
