package dev.sluice.dataplane.source.event;

import dev.sluice.dataplane.decode.event.EventFormat;

/**
 * What a listener speaks: its socket type, framing, and the format its ring records carry.
 */
public enum ListenerKind
{
    /** Syslog over UDP: one datagram is one message (a trailing LF is not part of it). */
    SYSLOG_UDP("syslog-udp", EventFormat.SYSLOG, false, 8 * 1024),
    /**
     * Syslog over TCP (RFC 6587), optionally TLS (RFC 5425): octet counting or LF framing, told apart
     * per connection by the first byte (a digit: octet counting).
     */
    SYSLOG_TCP("syslog-tcp", EventFormat.SYSLOG, true, 64 * 1024),
    /** JSON lines over TCP, optionally TLS: one document per LF-terminated line. */
    JSON_TCP("json-tcp", EventFormat.JSON, true, 64 * 1024),
    /** HTTP POST of an NDJSON batch, optionally HTTPS; one ring record per batch. */
    HTTP_NDJSON("http-ndjson", EventFormat.JSON, true, 512 * 1024),
    /** NetFlow v5/v9 or IPFIX over UDP: one datagram is one record, with the exporter's address. */
    NETFLOW_UDP("netflow-udp", EventFormat.NETFLOW, false, 65_507),
    /**
     * CAN frames as candump log lines over TCP, optionally TLS (a vehicle gateway streaming
     * {@code candump -L}): one frame per LF-terminated line, decoded with {@code ingest.dbc}.
     */
    CANDUMP_TCP("candump-tcp", EventFormat.CANDUMP, true, 4 * 1024);

    private final String keyword;
    private final EventFormat format;
    private final boolean stream;
    private final int maxMessageBytesDefault;

    ListenerKind(final String keyword, final EventFormat format, final boolean stream, final int maxMessageBytesDefault)
    {
        this.keyword = keyword;
        this.format = format;
        this.stream = stream;
        this.maxMessageBytesDefault = maxMessageBytesDefault;
    }

    public String keyword()
    {
        return keyword;
    }

    /**
     * @return the format of the messages, whose type id tags the ring records (HTTP: of each line).
     */
    public EventFormat format()
    {
        return format;
    }

    /**
     * @return true for TCP listeners (which may use TLS), false for UDP.
     */
    public boolean isStream()
    {
        return stream;
    }

    /**
     * @return the default maximum message size (HTTP: of a whole batch).
     */
    public int maxMessageBytesDefault()
    {
        return maxMessageBytesDefault;
    }

    /**
     * @param keyword a name from configuration.
     * @return the kind, or null when none has that name.
     */
    public static ListenerKind byKeyword(final String keyword)
    {
        for (final ListenerKind kind : values())
        {
            if (kind.keyword.equals(keyword))
            {
                return kind;
            }
        }
        return null;
    }
}
