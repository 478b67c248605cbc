package dev.sluice.dataplane.decode.event.syslog;

/**
 * The grammar a syslog message was parsed with; its keyword is the value of {@code syslog.format}.
 */
public enum SyslogFormat
{
    /** RFC 5424, held to the RFC's grammar. */
    RFC5424("rfc5424"),
    /** RFC 3164 as senders write it, parsed leniently. */
    RFC3164("rfc3164");

    private final String keyword;

    SyslogFormat(final String keyword)
    {
        this.keyword = keyword;
    }

    /**
     * @return the value of {@code syslog.format} for this grammar.
     */
    public String keyword()
    {
        return keyword;
    }
}
