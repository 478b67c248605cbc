package dev.sluice.dataplane.decode.event;

/**
 * Receives one parsed event's fields under their policy-language names ({@code syslog.severity},
 * {@code syslog.sd.origin.ip}, {@code cef.src}, {@code json.vehicle.speed},
 * {@code can.EngineData.EngineSpeed}, {@code flow.bytes}, ...), in the order they occur.
 * <p>
 * Serves the parse tool, explain and tests: not the data path, so names are Strings and
 * implementations may allocate. The data path reads fields through the parsers' own
 * allocation-free accessors instead. A value passed as {@link CharSequence} may be a flyweight
 * valid only during the call.
 */
public interface EventFieldVisitor
{
    /**
     * @param name  the field's policy name.
     * @param value the decoded text (escapes resolved).
     */
    void text(String name, CharSequence value);

    /**
     * @param name  the field's policy name.
     * @param value an integer value (a JSON integer, a port, a counter, a raw CAN signal).
     */
    void integer(String name, long value);

    /**
     * @param name  the field's policy name.
     * @param value a value with a fraction (a JSON number with fraction or exponent, a scaled CAN signal).
     */
    void decimal(String name, double value);

    /**
     * @param name  the field's policy name.
     * @param value a JSON {@code true} or {@code false}.
     */
    void bool(String name, boolean value);

    /**
     * An IPv4 or IPv6 address (a flow's endpoints, an exporter): kept as an address so
     * anonymization and CIDR tests apply to it.
     *
     * @param name    the field's policy name.
     * @param version 4 or 6.
     * @param high    IPv6: bits 127..64; IPv4: 0.
     * @param low     IPv6: bits 63..0; IPv4: the address as an unsigned 32-bit value.
     */
    void address(String name, int version, long high, long low);
}
