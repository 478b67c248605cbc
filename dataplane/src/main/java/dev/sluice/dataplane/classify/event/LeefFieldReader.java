package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.EventText;
import dev.sluice.dataplane.decode.event.cef.LeefParser;
import dev.sluice.dataplane.decode.event.syslog.SyslogParser;
import dev.sluice.policy.field.DynamicPrefix;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * Serves a policy's {@code leef.*} fields from a {@link LeefParser} that accepted the current
 * message: the header fields ({@code leef.version} reads {@code 1.0} or {@code 2.0}), the
 * well-known attributes of {@link EventFields}, and the policy's other attributes
 * {@code leef.<key>} (resolved once per policy into a table indexed by field id). When the message
 * came with a syslog header that a {@link SyslogParser} accepted, the {@code syslog.*} fields are
 * served from it. Everything else is absent; {@code item.kind} is {@code leef}.
 * <p>
 * Attribute values are text: read as an integer when plain decimal digits, as an address when the
 * whole value is one. Built per policy off the data path; {@link #wrap} per message; no
 * allocation per message. Worker thread only.
 */
public final class LeefFieldReader implements FieldReader
{
    private static final String KIND = "leef";
    private static final String VERSION_1 = "1.0";
    private static final String VERSION_2 = "2.0";

    private final String[] keys;
    private final FieldType[] types;
    private final SyslogFieldReader syslog;
    private final TextValue value = new TextValue();
    private LeefParser parser;

    /**
     * @param catalogue the policy's catalogue ({@code policy.catalogue()}).
     */
    public LeefFieldReader(final FieldCatalogue catalogue)
    {
        final ExtensionKeys resolved = new ExtensionKeys(catalogue, DynamicPrefix.LEEF, LeefFieldReader::fixedKey);
        keys = resolved.keys();
        types = resolved.types();
        syslog = new SyslogFieldReader(catalogue);
    }

    private static String fixedKey(final int id)
    {
        return switch (id)
        {
            case EventFields.LEEF_SRC -> "src";
            case EventFields.LEEF_DST -> "dst";
            case EventFields.LEEF_SRC_PORT -> "srcPort";
            case EventFields.LEEF_DST_PORT -> "dstPort";
            case EventFields.LEEF_USR_NAME -> "usrName";
            case EventFields.LEEF_SEV -> "sev";
            case EventFields.LEEF_CAT -> "cat";
            default -> null;
        };
    }

    /**
     * @param parser a LEEF parser whose last {@code parse} accepted the message.
     * @param header a syslog parser that accepted the same message's syslog header, or null.
     * @return this.
     */
    public LeefFieldReader wrap(final LeefParser parser, final SyslogParser header)
    {
        this.parser = parser;
        syslog.wrap(header);
        return this;
    }

    @Override
    public boolean isPresent(final int fieldId)
    {
        return switch (fieldId)
        {
            case EventFields.ITEM_KIND, EventFields.LEEF_VERSION, EventFields.LEEF_VENDOR, EventFields.LEEF_PRODUCT,
                EventFields.LEEF_PRODUCT_VERSION, EventFields.LEEF_EVENT_ID -> true;
            default -> isOwn(fieldId) ? attribute(fieldId) : syslog.isPresent(fieldId);
        };
    }

    /** Reads attribute {@code fieldId} into {@link #value}: true when present and readable as the field's type. */
    private boolean attribute(final int fieldId)
    {
        if (!parser.attribute(keys[fieldId], value.text()))
        {
            return false;
        }
        return switch (types[fieldId])
        {
            case STRING -> true;
            case INTEGER -> value.integer() >= 0;
            case ADDRESS -> 0 != value.parseAddress();
        };
    }

    private boolean isOwn(final int fieldId)
    {
        return fieldId >= 0 && fieldId < keys.length && null != keys[fieldId];
    }

    @Override
    public int occurrences(final int fieldId)
    {
        return isPresent(fieldId) ? 1 : 0;
    }

    @Override
    public long integer(final int fieldId, final int occurrence)
    {
        if (isOwn(fieldId))
        {
            return attribute(fieldId) ? value.integer() : 0;
        }
        return syslog.integer(fieldId, occurrence);
    }

    @Override
    public CharSequence text(final int fieldId)
    {
        final EventText out = value.text();
        return switch (fieldId)
        {
            case EventFields.ITEM_KIND -> KIND;
            case EventFields.LEEF_VERSION -> 1 == parser.version() ? VERSION_1 : VERSION_2;
            case EventFields.LEEF_VENDOR -> parser.vendor(out);
            case EventFields.LEEF_PRODUCT -> parser.product(out);
            case EventFields.LEEF_PRODUCT_VERSION -> parser.productVersion(out);
            case EventFields.LEEF_EVENT_ID -> parser.eventId(out);
            default ->
            {
                if (isOwn(fieldId))
                {
                    parser.attribute(keys[fieldId], out);
                    yield out;
                }
                yield syslog.text(fieldId);
            }
        };
    }

    @Override
    public int addressVersion(final int fieldId)
    {
        return isOwn(fieldId) ? (attribute(fieldId) ? value.address().version() : 0) : syslog.addressVersion(fieldId);
    }

    @Override
    public long addressHigh(final int fieldId)
    {
        return isOwn(fieldId) ? (attribute(fieldId) ? value.address().high() : 0) : syslog.addressHigh(fieldId);
    }

    @Override
    public long addressLow(final int fieldId)
    {
        return isOwn(fieldId) ? (attribute(fieldId) ? value.address().low() : 0) : syslog.addressLow(fieldId);
    }
}
