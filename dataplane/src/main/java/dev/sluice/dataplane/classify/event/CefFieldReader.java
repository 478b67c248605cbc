package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.EventText;
import dev.sluice.dataplane.decode.event.cef.CefParser;
import dev.sluice.dataplane.decode.event.syslog.SyslogParser;
import dev.sluice.policy.field.DynamicPrefix;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;

/**
 * Serves a policy's {@code cef.*} fields from a {@link CefParser} that accepted the current
 * message: the header fields, the well-known extension keys of {@link EventFields}, and the
 * policy's other extension keys {@code cef.<key>} (resolved once per policy into a table indexed
 * by field id). When the message came with a syslog header that a {@link SyslogParser} accepted,
 * the {@code syslog.*} fields (and {@code syslog.sd.*}) are served from it. Everything else is
 * absent; {@code item.kind} is {@code cef}.
 * <p>
 * Extension values are text: read as an integer when plain decimal digits, as an address when the
 * whole value is one. {@code cef.severity} is the header's number, or the bottom of a word's band
 * (Low 0, Medium 4, High 7, Very-High 9; Unknown and anything else absent). Built per policy off
 * the data path; {@link #wrap} per message; no allocation per message. Worker thread only.
 */
public final class CefFieldReader implements FieldReader
{
    private static final String KIND = "cef";
    /** The bottom of each severity band, by {@code CefParser.LEVEL_*} (LOW=1 .. VERY_HIGH=4). */
    private static final int[] LEVEL_SEVERITY = {-1, 0, 4, 7, 9};

    private final String[] keys;
    private final FieldType[] types;
    private final SyslogFieldReader syslog;
    private final TextValue value = new TextValue();
    private CefParser parser;

    /**
     * @param catalogue the policy's catalogue ({@code policy.catalogue()}).
     */
    public CefFieldReader(final FieldCatalogue catalogue)
    {
        final ExtensionKeys resolved = new ExtensionKeys(catalogue, DynamicPrefix.CEF, CefFieldReader::fixedKey);
        keys = resolved.keys();
        types = resolved.types();
        syslog = new SyslogFieldReader(catalogue);
    }

    private static String fixedKey(final int id)
    {
        return switch (id)
        {
            case EventFields.CEF_SRC -> "src";
            case EventFields.CEF_DST -> "dst";
            case EventFields.CEF_DVC -> "dvc";
            case EventFields.CEF_SHOST -> "shost";
            case EventFields.CEF_DHOST -> "dhost";
            case EventFields.CEF_SPT -> "spt";
            case EventFields.CEF_DPT -> "dpt";
            case EventFields.CEF_SUSER -> "suser";
            case EventFields.CEF_DUSER -> "duser";
            case EventFields.CEF_ACT -> "act";
            case EventFields.CEF_PROTO -> "proto";
            case EventFields.CEF_REQUEST -> "request";
            case EventFields.CEF_MSG -> "msg";
            default -> null;
        };
    }

    /**
     * @param parser a CEF parser whose last {@code parse} accepted the message.
     * @param header a syslog parser that accepted the same message's syslog header, or null.
     * @return this.
     */
    public CefFieldReader wrap(final CefParser parser, final SyslogParser header)
    {
        this.parser = parser;
        syslog.wrap(header);
        return this;
    }

    @Override
    public boolean isPresent(final int fieldId)
    {
        switch (fieldId)
        {
            case EventFields.ITEM_KIND, EventFields.CEF_VERSION, EventFields.CEF_DEVICE_VENDOR,
                EventFields.CEF_DEVICE_PRODUCT, EventFields.CEF_DEVICE_VERSION, EventFields.CEF_SIGNATURE_ID,
                EventFields.CEF_NAME ->
            {
                return true;
            }
            case EventFields.CEF_SEVERITY ->
            {
                return severity() >= 0;
            }
            default ->
            {
                if (fieldId >= 0 && fieldId < keys.length && null != keys[fieldId])
                {
                    return extension(fieldId);
                }
                return syslog.isPresent(fieldId);
            }
        }
    }

    private int severity()
    {
        final int numeric = parser.severity();
        if (numeric >= 0)
        {
            return numeric;
        }
        final int level = parser.severityLevel();
        return level > 0 && level < LEVEL_SEVERITY.length ? LEVEL_SEVERITY[level] : -1;
    }

    /** Reads extension {@code fieldId} into {@link #value}: true when present and readable as the field's type. */
    private boolean extension(final int fieldId)
    {
        if (!parser.extension(keys[fieldId], value.text()))
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

    @Override
    public int occurrences(final int fieldId)
    {
        return isPresent(fieldId) ? 1 : 0;
    }

    @Override
    public long integer(final int fieldId, final int occurrence)
    {
        return switch (fieldId)
        {
            case EventFields.CEF_VERSION -> parser.version();
            case EventFields.CEF_SEVERITY -> severity();
            default ->
            {
                if (fieldId >= 0 && fieldId < keys.length && null != keys[fieldId])
                {
                    yield extension(fieldId) ? value.integer() : 0;
                }
                yield syslog.integer(fieldId, occurrence);
            }
        };
    }

    @Override
    public CharSequence text(final int fieldId)
    {
        final EventText out = value.text();
        return switch (fieldId)
        {
            case EventFields.ITEM_KIND -> KIND;
            case EventFields.CEF_DEVICE_VENDOR -> parser.deviceVendor(out);
            case EventFields.CEF_DEVICE_PRODUCT -> parser.deviceProduct(out);
            case EventFields.CEF_DEVICE_VERSION -> parser.deviceVersion(out);
            case EventFields.CEF_SIGNATURE_ID -> parser.signatureId(out);
            case EventFields.CEF_NAME -> parser.name(out);
            default ->
            {
                if (fieldId >= 0 && fieldId < keys.length && null != keys[fieldId])
                {
                    parser.extension(keys[fieldId], out);
                    yield out;
                }
                yield syslog.text(fieldId);
            }
        };
    }

    @Override
    public int addressVersion(final int fieldId)
    {
        return isOwn(fieldId) ? (extension(fieldId) ? value.address().version() : 0) : syslog.addressVersion(fieldId);
    }

    @Override
    public long addressHigh(final int fieldId)
    {
        return isOwn(fieldId) ? (extension(fieldId) ? value.address().high() : 0) : syslog.addressHigh(fieldId);
    }

    @Override
    public long addressLow(final int fieldId)
    {
        return isOwn(fieldId) ? (extension(fieldId) ? value.address().low() : 0) : syslog.addressLow(fieldId);
    }

    private boolean isOwn(final int fieldId)
    {
        return fieldId >= 0 && fieldId < keys.length && null != keys[fieldId];
    }
}
