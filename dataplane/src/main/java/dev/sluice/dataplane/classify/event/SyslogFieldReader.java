package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.syslog.SyslogParser;
import dev.sluice.policy.field.DynamicPrefix;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * Serves a policy's {@code syslog.*} fields from a {@link SyslogParser} that accepted the
 * current message: the fixed header fields, and the policy's structured-data parameters
 * {@code syslog.sd.<SD-ID>.<param>}, whose SD-ID and parameter name are resolved once per
 * policy into tables indexed by field id. Every other field is absent. {@code item.kind} is
 * {@code syslog} (a CEF or LEEF reader uses this one for the syslog header in front of its
 * message and answers its own kind).
 * <p>
 * A structured-data value reads as text; as an integer when it is a plain decimal number; as an
 * address when it is one. Built per policy off the data path; {@link #wrap} per message; no
 * allocation per message. Worker thread only.
 */
public final class SyslogFieldReader implements FieldReader
{
    private static final String KIND = "syslog";

    private final String[] sdIds;
    private final String[] sdParams;
    private final FieldType[] sdTypes;
    private final TextValue value = new TextValue();
    private SyslogParser parser;

    /**
     * @param catalogue the policy's catalogue ({@code policy.catalogue()}).
     */
    public SyslogFieldReader(final FieldCatalogue catalogue)
    {
        final int size = catalogue.size();
        sdIds = new String[size];
        sdParams = new String[size];
        sdTypes = new FieldType[size];
        for (int id = EventFields.END_ID; id < size; id++)
        {
            final Field field = catalogue.byId(id);
            if (DynamicPrefix.SYSLOG_SD == field.dynamicPrefix())
            {
                sdIds[id] = field.dynamicPath().get(0).key();
                sdParams[id] = field.dynamicPath().get(1).key();
                sdTypes[id] = field.type();
            }
        }
    }

    /**
     * @param parser a parser whose last {@code parse} accepted the message to read, or null for none
     *               (then every syslog field is absent).
     * @return this.
     */
    public SyslogFieldReader wrap(final SyslogParser parser)
    {
        this.parser = parser;
        return this;
    }

    @Override
    public boolean isPresent(final int fieldId)
    {
        if (EventFields.ITEM_KIND == fieldId)
        {
            return true;
        }
        final SyslogParser p = parser;
        if (null == p || null == p.format())
        {
            return false;
        }
        return switch (fieldId)
        {
            case EventFields.SYSLOG_PRI, EventFields.SYSLOG_FACILITY, EventFields.SYSLOG_SEVERITY -> p.pri() >= 0;
            case EventFields.SYSLOG_VERSION -> p.version() > 0;
            case EventFields.SYSLOG_TIMESTAMP -> p.timestampOffset() >= 0;
            case EventFields.SYSLOG_HOSTNAME -> p.hostnameOffset() >= 0;
            case EventFields.SYSLOG_APPNAME -> p.appnameOffset() >= 0;
            case EventFields.SYSLOG_PROCID -> p.procidOffset() >= 0;
            case EventFields.SYSLOG_MSGID -> p.msgidOffset() >= 0;
            case EventFields.SYSLOG_MSG -> p.msgOffset() >= 0;
            case EventFields.SYSLOG_FORMAT -> true;
            default -> isStructuredDataPresent(fieldId);
        };
    }

    private boolean isStructuredDataPresent(final int fieldId)
    {
        if (fieldId < EventFields.END_ID || fieldId >= sdIds.length || null == sdIds[fieldId])
        {
            return false;
        }
        if (!parser.structuredDataValue(sdIds[fieldId], sdParams[fieldId], value.text().clear()))
        {
            return false;
        }
        return switch (sdTypes[fieldId])
        {
            case STRING -> true;
            case INTEGER -> value.integer() >= 0;
            case ADDRESS -> 0 != value.parseAddress();
        };
    }

    @Override
    public int occurrences(final int fieldId)
    {
        return isPresent(fieldId) ? 1 : 0;
    }

    @Override
    public long integer(final int fieldId, final int occurrence)
    {
        final SyslogParser p = parser;
        return switch (fieldId)
        {
            case EventFields.SYSLOG_PRI -> p.pri();
            case EventFields.SYSLOG_FACILITY -> p.facility();
            case EventFields.SYSLOG_SEVERITY -> p.severity();
            case EventFields.SYSLOG_VERSION -> p.version();
            default -> structuredData(fieldId) ? value.integer() : 0;
        };
    }

    @Override
    public CharSequence text(final int fieldId)
    {
        final SyslogParser p = parser;
        final var out = value.text().clear();
        switch (fieldId)
        {
            case EventFields.ITEM_KIND ->
            {
                return KIND;
            }
            case EventFields.SYSLOG_FORMAT ->
            {
                return p.format().keyword();
            }
            case EventFields.SYSLOG_TIMESTAMP -> p.timestamp(out);
            case EventFields.SYSLOG_HOSTNAME -> p.hostname(out);
            case EventFields.SYSLOG_APPNAME -> p.appname(out);
            case EventFields.SYSLOG_PROCID -> p.procid(out);
            case EventFields.SYSLOG_MSGID -> p.msgid(out);
            case EventFields.SYSLOG_MSG -> p.msg(out);
            default -> structuredData(fieldId);
        }
        return out;
    }

    @Override
    public int addressVersion(final int fieldId)
    {
        return structuredData(fieldId) ? value.parseAddress() : 0;
    }

    @Override
    public long addressHigh(final int fieldId)
    {
        return structuredData(fieldId) && 0 != value.parseAddress() ? value.address().high() : 0;
    }

    @Override
    public long addressLow(final int fieldId)
    {
        return structuredData(fieldId) && 0 != value.parseAddress() ? value.address().low() : 0;
    }

    /** Fills {@link #value} with a structured-data field's value; false when it has none. */
    private boolean structuredData(final int fieldId)
    {
        return fieldId >= EventFields.END_ID && fieldId < sdIds.length && null != sdIds[fieldId] && null != parser &&
            parser.structuredDataValue(sdIds[fieldId], sdParams[fieldId], value.text().clear());
    }
}
