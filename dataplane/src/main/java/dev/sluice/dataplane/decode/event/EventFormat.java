package dev.sluice.dataplane.decode.event;

/**
 * The event formats the gateway ingests. The ingest ring tags each record with
 * {@link #typeId()} so a worker knows which parser to run.
 */
public enum EventFormat
{
    /** RFC 5424, or RFC 3164 as the world writes it. */
    SYSLOG("syslog", 1),
    /** ArcSight Common Event Format, bare or after a syslog header. */
    CEF("cef", 2),
    /** IBM QRadar Log Event Extended Format 1.0 and 2.0, bare or after a syslog header. */
    LEEF("leef", 3),
    /** One JSON document (a JSON line, one line of an NDJSON batch, a telemetry message). */
    JSON("json", 4),
    /** One NetFlow v5/v9 or IPFIX export datagram, carrying many flow records. */
    NETFLOW("netflow", 5),
    /** One line of a candump log, decoded into named signals with a DBC file. */
    CANDUMP("candump", 6);

    private static final EventFormat[] VALUES = values();

    private final String keyword;
    private final int typeId;

    EventFormat(final String keyword, final int typeId)
    {
        this.keyword = keyword;
        this.typeId = typeId;
    }

    /**
     * @return the format's name on the command line and in configuration.
     */
    public String keyword()
    {
        return keyword;
    }

    /**
     * @return the message type id of ring records in this format (positive, as Agrona's rings require).
     */
    public int typeId()
    {
        return typeId;
    }

    /**
     * @param keyword a name from the command line or configuration.
     * @return the format, or null when no format has that name.
     */
    public static EventFormat byKeyword(final String keyword)
    {
        for (final EventFormat format : VALUES)
        {
            if (format.keyword.equals(keyword))
            {
                return format;
            }
        }
        return null;
    }

    /**
     * @param typeId a ring record's message type id.
     * @return the format, or null when none has that id.
     */
    public static EventFormat byTypeId(final int typeId)
    {
        for (final EventFormat format : VALUES)
        {
            if (format.typeId == typeId)
            {
                return format;
            }
        }
        return null;
    }
}
