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
     * publication with dynamic control, so gateways join by subscribing.
     */
    public static final String POLICY_PUSH_PUBLICATION_CHANNEL_DEFAULT =
        "aeron:udp?control=localhost:20111|control-mode=dynamic";
    /** What a gateway subscribes to for {@link #POLICY_PUSH_PUBLICATION_CHANNEL_DEFAULT}. */
    public static final String POLICY_PUSH_SUBSCRIPTION_CHANNEL_DEFAULT =
        "aeron:udp?endpoint=localhost:0|control=localhost:20111|control-mode=dynamic";
    public static final int POLICY_PUSH_STREAM_ID_DEFAULT = 2002;
    /** Results of CLI submissions, on the policy push channel; a client picks its own by correlation id. */
    public static final int POLICY_SUBMIT_REPLY_STREAM_ID_DEFAULT = 2003;

    /** Data batches into a regional core. */
    public static final int DATA_STREAM_ID_DEFAULT = 1001;

    private Channels()
    {
    }

    /** The default data channel of a regional core listening on {@code port} of this host. */
    public static String dataChannel(final String host, final int port)
    {
        return "aeron:udp?endpoint=" + host + ":" + port;
    }
}
