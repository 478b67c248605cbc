package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.EventText;
import dev.sluice.dataplane.decode.event.json.JsonParser;
import dev.sluice.dataplane.decode.event.json.TelemetryView;
import dev.sluice.policy.field.DynamicPrefix;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;
import dev.sluice.policy.field.PathStep;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Serves a policy's {@code json.*} fields and the telemetry view's {@code vehicle.*} fields from
 * a {@link JsonParser} that accepted the current document. Each {@code json.<path>} field's path
 * is compiled once per policy into a table indexed by field id (member names as UTF-8 bytes,
 * array indexes as ints), then walked per document over the parser's index without allocating:
 * a key step only enters an object, an index step only an array, so {@code json.a[0]} and
 * {@code json.a["0"]} differ as the policy language says. Everything else is absent;
 * {@code item.kind} is {@code json}.
 * <p>
 * Values as {@link FieldReader} defines them: text is a string unescaped, a number or literal as
 * written, an object or array as its JSON text; an integer is a number truncated toward zero
 * (negative or above 2^63-1: absent), {@code true} 1, {@code false} 0, or a string of plain
 * decimal digits; an address is a string holding one; {@code null} is absent whatever the type.
 * {@code vehicle.lat}, {@code vehicle.lon} and {@code vehicle.time} read as the document wrote
 * them; {@code vehicle.speed} as sent, truncated; {@code vehicle.heading} truncated, 360 read as 0.
 * <p>
 * Built per policy off the data path; {@link #wrap} per document; no allocation per document.
 * Worker thread only.
 */
public final class JsonFieldReader implements FieldReader
{
    private static final String KIND = "json";
    private static final int NOT_FOUND = -1;
    private static final int FULL_CIRCLE = 360;

    /** Per field id: the path's member names (null at an index step), or null when not a JSON field. */
    private final byte[][][] pathKeys;
    private final int[][] pathIndexes;
    private final FieldType[] types;
    private final TelemetryView telemetry = new TelemetryView();
    private final TextValue value = new TextValue();
    private JsonParser parser;
    private boolean telemetryMapped;

    /**
     * @param catalogue the policy's catalogue ({@code policy.catalogue()}).
     */
    public JsonFieldReader(final FieldCatalogue catalogue)
    {
        final int size = catalogue.size();
        pathKeys = new byte[size][][];
        pathIndexes = new int[size][];
        types = new FieldType[size];
        for (int id = EventFields.END_ID; id < size; id++)
        {
            final Field field = catalogue.byId(id);
            if (DynamicPrefix.JSON != field.dynamicPrefix())
            {
                continue;
            }
            final List<PathStep> path = field.dynamicPath();
            final byte[][] keys = new byte[path.size()][];
            final int[] indexes = new int[path.size()];
            for (int s = 0; s < path.size(); s++)
            {
                final PathStep step = path.get(s);
                keys[s] = step.isIndex() ? null : step.key().getBytes(StandardCharsets.UTF_8);
                indexes[s] = step.isIndex() ? step.index() : NOT_FOUND;
            }
            pathKeys[id] = keys;
            pathIndexes[id] = indexes;
            types[id] = field.type();
        }
    }

    /**
     * @param parser a JSON parser whose last {@code parse} accepted the document.
     * @return this.
     */
    public JsonFieldReader wrap(final JsonParser parser)
    {
        this.parser = parser;
        telemetryMapped = false;
        return this;
    }

    /**
     * @return the telemetry view of the current document, mapped on first use.
     */
    public TelemetryView telemetry()
    {
        if (!telemetryMapped)
        {
            telemetry.wrap(parser);
            telemetryMapped = true;
        }
        return telemetry;
    }

    @Override
    public boolean isPresent(final int fieldId)
    {
        return switch (fieldId)
        {
            case EventFields.ITEM_KIND -> true;
            case EventFields.VEHICLE_VIN -> telemetry().has(TelemetryView.VIN);
            case EventFields.VEHICLE_DRIVER_ID -> telemetry().has(TelemetryView.DRIVER_ID);
            case EventFields.VEHICLE_LAT -> telemetry().has(TelemetryView.LAT);
            case EventFields.VEHICLE_LON -> telemetry().has(TelemetryView.LON);
            case EventFields.VEHICLE_SPEED -> telemetry().has(TelemetryView.SPEED) &&
                TextValue.truncate(telemetry.speed()) >= 0;
            case EventFields.VEHICLE_HEADING -> telemetry().has(TelemetryView.HEADING);
            case EventFields.VEHICLE_TIME -> telemetry().has(TelemetryView.TIME);
            default -> isDynamicPresent(fieldId);
        };
    }

    private boolean isDynamicPresent(final int fieldId)
    {
        final int token = find(fieldId);
        if (token < 0)
        {
            return false;
        }
        return switch (types[fieldId])
        {
            case STRING -> JsonParser.NULL != parser.kind(token);
            case INTEGER -> integerOf(token) >= 0;
            case ADDRESS -> addressOf(token);
        };
    }

    /** The token at the field's path, or -1 when the field is not a JSON field or the path does not resolve. */
    private int find(final int fieldId)
    {
        if (fieldId < EventFields.END_ID || fieldId >= pathKeys.length || null == pathKeys[fieldId])
        {
            return NOT_FOUND;
        }
        final JsonParser json = parser;
        if (json.tokenCount() == 0)
        {
            return NOT_FOUND;
        }
        final byte[][] keys = pathKeys[fieldId];
        final int[] indexes = pathIndexes[fieldId];
        int token = 0;
        for (int s = 0; s < keys.length && token >= 0; s++)
        {
            final int kind = json.kind(token);
            if (null != keys[s])
            {
                token = JsonParser.OBJECT == kind ? json.member(token, keys[s]) : NOT_FOUND;
            }
            else
            {
                token = JsonParser.ARRAY == kind ? json.element(token, indexes[s]) : NOT_FOUND;
            }
        }
        return token;
    }

    private long integerOf(final int token)
    {
        final JsonParser json = parser;
        return switch (json.kind(token))
        {
            case JsonParser.INTEGER ->
            {
                final long v = json.integer(token);
                yield v >= 0 ? v : TextValue.ABSENT;
            }
            case JsonParser.DECIMAL -> TextValue.truncate(json.decimal(token));
            case JsonParser.TRUE -> 1;
            case JsonParser.FALSE -> 0;
            case JsonParser.STRING ->
            {
                json.text(token, value.text());
                yield value.integer();
            }
            default -> TextValue.ABSENT;
        };
    }

    private boolean addressOf(final int token)
    {
        if (JsonParser.STRING != parser.kind(token))
        {
            return false;
        }
        parser.text(token, value.text());
        return 0 != value.parseAddress();
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
            case EventFields.VEHICLE_SPEED -> TextValue.truncate(telemetry().speed());
            case EventFields.VEHICLE_HEADING -> TextValue.truncate(telemetry().heading()) % FULL_CIRCLE;
            default ->
            {
                final int token = find(fieldId);
                yield token < 0 ? 0 : Math.max(0, integerOf(token));
            }
        };
    }

    @Override
    public CharSequence text(final int fieldId)
    {
        final EventText out = value.text().clear();
        return switch (fieldId)
        {
            case EventFields.ITEM_KIND -> KIND;
            case EventFields.VEHICLE_VIN -> telemetry().vin(out);
            case EventFields.VEHICLE_DRIVER_ID -> telemetry().driverId(out);
            case EventFields.VEHICLE_LAT -> tokenText(telemetry().token(TelemetryView.LAT), out);
            case EventFields.VEHICLE_LON -> tokenText(telemetry().token(TelemetryView.LON), out);
            case EventFields.VEHICLE_TIME -> tokenText(telemetry().token(TelemetryView.TIME), out);
            default -> tokenText(find(fieldId), out);
        };
    }

    /** The spans of the vehicle values {@code round} and {@code bucket} rewrite; other fields have none here. */
    @Override
    public long rawSpan(final int fieldId)
    {
        final int token = switch (fieldId)
        {
            case EventFields.VEHICLE_SPEED -> telemetry().token(TelemetryView.SPEED);
            case EventFields.VEHICLE_HEADING -> telemetry().token(TelemetryView.HEADING);
            case EventFields.VEHICLE_TIME -> telemetry().token(TelemetryView.TIME);
            default -> -1;
        };
        return token < 0 ? -1 : ((long)parser.start(token) << 32) | (parser.end(token) - parser.start(token));
    }

    @Override
    public long timeMillis(final int fieldId)
    {
        return EventFields.VEHICLE_TIME == fieldId && telemetry().has(TelemetryView.TIME) ? telemetry().timeMillis() : Long.MIN_VALUE;
    }

    private EventText tokenText(final int token, final EventText out)
    {
        return token < 0 ? out : parser.text(token, out);
    }

    @Override
    public int addressVersion(final int fieldId)
    {
        final int token = find(fieldId);
        return token >= 0 && addressOf(token) ? value.address().version() : 0;
    }

    @Override
    public long addressHigh(final int fieldId)
    {
        final int token = find(fieldId);
        return token >= 0 && addressOf(token) ? value.address().high() : 0;
    }

    @Override
    public long addressLow(final int fieldId)
    {
        final int token = find(fieldId);
        return token >= 0 && addressOf(token) ? value.address().low() : 0;
    }
}
