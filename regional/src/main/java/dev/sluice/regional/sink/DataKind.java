package dev.sluice.regional.sink;

import dev.sluice.protocol.EventKind;

/**
 * What a record of an accepted batch is, as sinks that keep kinds apart see it: Kafka gives each
 * kind a topic of its own ({@code <prefix>.<topicSuffix>}), so a consumer of syslog lines never
 * reads flow records. Events are told apart by their {@link EventKind}; an event code this build
 * does not know goes to {@link #EVENTS_OTHER} rather than being refused.
 * <p>
 * Immutable; any thread.
 */
public enum DataKind
{
    /** Packet summaries. */
    PACKETS("packets", null),

    /** Flow records of the gateway's flow table. */
    FLOWS("flows", null),

    /** Forwarded packets (frame records, with their bytes). */
    FRAMES("frames", null),

    /** Syslog events. */
    EVENTS_SYSLOG("events.syslog", EventKind.SYSLOG),

    /** CEF events. */
    EVENTS_CEF("events.cef", EventKind.CEF),

    /** LEEF events. */
    EVENTS_LEEF("events.leef", EventKind.LEEF),

    /** JSON events. */
    EVENTS_JSON("events.json", EventKind.JSON),

    /** NetFlow/IPFIX records received as events. */
    EVENTS_FLOW("events.flow", EventKind.FLOW),

    /** candump (SocketCAN) events. */
    EVENTS_CAN("events.can", EventKind.CAN),

    /** Count records of {@code count by <keys> every <window>} rules. */
    EVENTS_COUNT("events.count", EventKind.COUNT),

    /** Events of a kind this build does not know. */
    EVENTS_OTHER("events.other", null);

    private static final DataKind[] VALUES = values();
    private static final DataKind[] BY_EVENT_CODE = new DataKind[EventKind.MAX_CODE + 1];

    static
    {
        for (final DataKind kind : VALUES)
        {
            if (null != kind.eventKind)
            {
                BY_EVENT_CODE[kind.eventKind.code()] = kind;
            }
        }
        for (final EventKind eventKind : EventKind.values())
        {
            if (null == BY_EVENT_CODE[eventKind.code()])
            {
                throw new IllegalStateException("event kind " + eventKind + " has no DataKind: add one");
            }
        }
    }

    private final String topicSuffix;
    private final EventKind eventKind;

    DataKind(final String topicSuffix, final EventKind eventKind)
    {
        this.topicSuffix = topicSuffix;
        this.eventKind = eventKind;
    }

    /**
     * @return what follows the prefix in the kind's topic name, e.g. {@code events.syslog}.
     */
    public String topicSuffix()
    {
        return topicSuffix;
    }

    /**
     * The topic of this kind under a prefix.
     *
     * @param prefix e.g. {@code sluice.eu-west}.
     * @return {@code <prefix>.<topicSuffix>}.
     */
    public String topic(final String prefix)
    {
        return prefix + '.' + topicSuffix;
    }

    /**
     * The kind of an event, without allocating.
     *
     * @param eventKindCode the event's {@code eventKind} wire value.
     * @return its kind, {@link #EVENTS_OTHER} for a code this build does not know.
     */
    public static DataKind ofEvent(final int eventKindCode)
    {
        final DataKind kind = eventKindCode >= 0 && eventKindCode < BY_EVENT_CODE.length ?
            BY_EVENT_CODE[eventKindCode] : null;
        return null == kind ? EVENTS_OTHER : kind;
    }

    /**
     * The kind of an ordinal, without allocating.
     *
     * @param ordinal a value of {@link #ordinal()}.
     * @return the kind.
     */
    static DataKind get(final int ordinal)
    {
        return VALUES[ordinal];
    }

    /**
     * @return how many kinds there are.
     */
    static int count()
    {
        return VALUES.length;
    }
}
