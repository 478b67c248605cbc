package dev.sluice.dataplane.anonymize;

import dev.sluice.dataplane.anonymize.generalize.HeadingRounding;
import dev.sluice.dataplane.anonymize.generalize.SpeedRounding;
import dev.sluice.dataplane.anonymize.keys.EpochMethods;
import dev.sluice.dataplane.anonymize.pseudonym.IdentifierPseudonym;
import dev.sluice.dataplane.anonymize.pseudonym.PseudonymReason;
import dev.sluice.dataplane.decode.event.EventText;
import dev.sluice.dataplane.decode.event.json.Rfc3339;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.action.AnonymizationSettings;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.FieldReader;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Writes the transformed form of one event: its text with the values of the fields some
 * destination needs transformed replaced by their pseudonyms (or, for a position, by the
 * centre of its k-anonymous geohash cell), then every address written in it rewritten with the
 * policy's address method. An event leaves as its text, so this is the one place its
 * anonymization happens; the input is never changed: the output goes to the caller's buffer.
 * <p>
 * Per event: {@link #begin()}, a {@link #request} for each (field, method) the rules and the
 * residency plan ask for, then {@link #write}. Afterwards {@link #changed()} says whether the
 * output differs from the input, {@link #addressesRewritten()} how many addresses were found, and
 * {@link #failure()} whether a requested value could not be transformed (the value is not such an
 * identifier, the text writes it escaped so it was not found, the position is not k-anonymous, or
 * the gateway holds no key for the method): the caller must then not send the output where that
 * value may not go raw. Each failure has a constant {@code <method>:<reason>} key for counting.
 * <p>
 * Values are replaced wherever the text holds them whole ({@link TextValueReplacer}), not only in
 * their field: a user name in {@code suser=} is usually in the message too.
 * <p>
 * Worker thread only; allocates nothing per event (the per-policy parts are made in {@link #use}).
 */
public final class EventAnonymizer
{
    /** Field/method pairs one event may request. */
    public static final int MAX_REQUESTS = TextValueReplacer.MAX_VALUES;

    private static final String[] REASON_NAMES = {
        "empty", "too_long", "bad_character", "bad_length", "bad_separator", "not_an_email", "unknown_country_code",
        "too_few_digits", "output_too_small" };
    private static final int NOT_FOUND = REASON_NAMES.length;
    private static final int NO_KEY = REASON_NAMES.length + 1;
    private static final int SUPPRESSED = REASON_NAMES.length + 2;
    private static final int TOO_MANY = REASON_NAMES.length + 3;
    /** Below this a number time is epoch seconds, from it milliseconds (as the telemetry parser reads it). */
    private static final double EPOCH_MILLIS_THRESHOLD = 1e11;
    /** Per method, per reason index: the counting key, made once. */
    private static final String[][] FAILURE_KEYS = failureKeys();
    /** The longest identifier found in text that can be pseudonymized (an e-mail address may have 254 bytes). */
    private static final int IDENTIFIER_MAX_BYTES = 320;

    private final TextValueReplacer replacer = new TextValueReplacer();
    private final int[] requestedFields = new int[MAX_REQUESTS];
    private final AnonymizationMethod[] requestedMethods = new AnonymizationMethod[MAX_REQUESTS];
    private final int[] spanStarts = new int[MAX_REQUESTS];
    private final int[] spanLengths = new int[MAX_REQUESTS];
    private final AnonymizationMethod[] spanMethods = new AnonymizationMethod[MAX_REQUESTS];
    /** An identifier's bytes, copied out of the text to be pseudonymized into the replacer's arena. */
    private final byte[] identifier = new byte[IDENTIFIER_MAX_BYTES];
    private final byte[] scratch;
    private final UnsafeBuffer scratchBuffer;
    private final MemorySegment scratchSegment;
    /** A number's bytes where the message wrote it, for {@link DecimalText#parse}. */
    private final EventText number = new EventText(32);
    /** A vehicle's identity text, copied for its keyed hash. */
    private final byte[] identity = new byte[64];
    private int requests;
    private int spanRequests;
    private boolean position;
    private boolean roundSpeed;
    private boolean roundHeading;
    private boolean bucketTime;
    private String failure;
    private int addressesRewritten;
    private boolean changed;

    private Policy policy;
    private AnonymizationSettings settings = AnonymizationSettings.DEFAULTS;
    private TextAddressAnonymizer truncating;
    private PositionGeneralizer positions;
    private SpeedRounding speeds;
    private HeadingRounding headings;

    /**
     * @param maxTextBytes the longest event text; the scratch area holds it with its values replaced.
     */
    public EventAnonymizer(final int maxTextBytes)
    {
        scratch = new byte[TextAddressAnonymizer.maxOutputLength(maxTextBytes)];
        scratchBuffer = new UnsafeBuffer(scratch);
        scratchSegment = MemorySegment.ofArray(scratch);
    }

    private static String[][] failureKeys()
    {
        final AnonymizationMethod[] methods = AnonymizationMethod.values();
        final String[][] keys = new String[methods.length][REASON_NAMES.length + 4];
        for (final AnonymizationMethod method : methods)
        {
            for (int r = 0; r < REASON_NAMES.length; r++)
            {
                keys[method.ordinal()][r] = method.keyword() + ":" + REASON_NAMES[r];
            }
            keys[method.ordinal()][NOT_FOUND] = method.keyword() + ":value_not_found_in_text";
            keys[method.ordinal()][NO_KEY] = method.keyword() + ":no_key";
            keys[method.ordinal()][SUPPRESSED] = method.keyword() + ":not_k_anonymous";
            keys[method.ordinal()][TOO_MANY] = method.keyword() + ":too_many_values";
        }
        return keys;
    }

    /**
     * Follows a policy version: its address method and the parameters of its methods. Allocates
     * (a truncating rewriter, a k-anonymity guard) only when those change; call between batches.
     */
    public void use(final Policy policy)
    {
        if (policy == this.policy)
        {
            return;
        }
        this.policy = policy;
        final AnonymizationSettings next = policy.anonymizationSettings();
        if (null == truncating || next.truncateIpv4Bits() != settings.truncateIpv4Bits() ||
            next.truncateIpv6Bits() != settings.truncateIpv6Bits())
        {
            truncating = TextAddressAnonymizer.truncating(next.truncateIpv4Bits(), next.truncateIpv6Bits());
        }
        if (null == positions || next.geohashPrecision() != settings.geohashPrecision() ||
            next.geohashMinPrecision() != settings.geohashMinPrecision() || next.kAnonymity() != settings.kAnonymity() ||
            next.kWindowNs() != settings.kWindowNs())
        {
            positions = new PositionGeneralizer(next);
        }
        if (null == speeds || next.speedStep() != settings.speedStep() || next.headingStep() != settings.headingStep())
        {
            speeds = new SpeedRounding(next.speedStep());
            headings = new HeadingRounding(next.headingStep());
        }
        settings = next;
    }

    /** The k-anonymity guard's view of the positions seen so far (its counters). */
    public PositionGeneralizer positions()
    {
        return positions;
    }

    /**
     * The rewriter of addresses in text under the policy's address method, or null when that is
     * Crypto-PAn and the worker has no key.
     */
    public TextAddressAnonymizer addressRewriter(final EpochMethods methods)
    {
        if (AnonymizationMethod.TRUNCATE == policy.addressMethod())
        {
            return truncating;
        }
        return null == methods ? null : methods.textAddresses();
    }

    /** Starts a new event. */
    public void begin()
    {
        requests = 0;
        spanRequests = 0;
        position = false;
        roundSpeed = false;
        roundHeading = false;
        bucketTime = false;
        failure = null;
        addressesRewritten = 0;
        changed = false;
    }

    /**
     * Asks for a field's value to be transformed with a value method (not Crypto-PAn or
     * truncation, which rewrite every address in the text). Asking twice for a field is harmless.
     */
    public void request(final int fieldId, final AnonymizationMethod method)
    {
        if (AnonymizationMethod.GEOHASH == method)
        {
            position = true;
            return;
        }
        if (AnonymizationMethod.BUCKET == method)
        {
            bucketTime = true;
            return;
        }
        if (AnonymizationMethod.ROUND == method)
        {
            roundSpeed |= EventFields.VEHICLE_SPEED == fieldId;
            roundHeading |= EventFields.VEHICLE_HEADING == fieldId;
            return;
        }
        for (int r = 0; r < requests; r++)
        {
            if (requestedFields[r] == fieldId)
            {
                return;
            }
        }
        if (requests == MAX_REQUESTS)
        {
            failure = FAILURE_KEYS[method.ordinal()][TOO_MANY];
            return;
        }
        requestedFields[requests] = fieldId;
        requestedMethods[requests] = method;
        requests++;
    }

    /**
     * Asks for the identifier at {@code [start, start + length)} of the event's text (relative to
     * its offset), found by a detector, to be replaced by its pseudonym under a value method. An
     * identifier that cannot be (too many, too long, no key) is a failure: fail closed.
     */
    public void requestSpan(final int start, final int length, final AnonymizationMethod method)
    {
        if (length > IDENTIFIER_MAX_BYTES)
        {
            fail(method, -1 - PseudonymReason.TOO_LONG);
            return;
        }
        if (spanRequests == MAX_REQUESTS)
        {
            fail(method, TOO_MANY);
            return;
        }
        spanStarts[spanRequests] = start;
        spanLengths[spanRequests] = length;
        spanMethods[spanRequests] = method;
        spanRequests++;
    }

    /** True when some value was requested (so a transformed form is needed even without addresses). */
    public boolean hasRequests()
    {
        return requests > 0 || spanRequests > 0 || position || roundSpeed || roundHeading || bucketTime;
    }

    /**
     * Writes the transformed text.
     *
     * @param reader    the event's fields.
     * @param methods   the worker's keyed methods of the current epoch, or null without a key.
     * @param addresses the address rewriter, or null when addresses are not to be rewritten.
     * @param eventNs   the event's time, for the k-anonymity window.
     * @return bytes written to {@code target} (0 when nothing was to change: {@link #changed()} is
     * false), or -1 when they do not fit before {@code targetLimit}.
     */
    public int write(
        final FieldReader reader,
        final EpochMethods methods,
        final TextAddressAnonymizer addresses,
        final MemorySegment source,
        final long offset,
        final int length,
        final MutableDirectBuffer target,
        final int targetOffset,
        final int targetLimit,
        final long eventNs)
    {
        replacer.clear();
        for (int r = 0; r < requests; r++)
        {
            if (reader.isPresent(requestedFields[r]))
            {
                addValue(reader.text(requestedFields[r]), requestedMethods[r], methods);
            }
        }
        for (int r = 0; r < spanRequests; r++)
        {
            addIdentifier(source, offset + spanStarts[r], spanStarts[r], spanLengths[r], spanMethods[r], methods);
        }
        if (position)
        {
            addPosition(reader, methods, eventNs);
        }
        if (roundSpeed)
        {
            addRounded(reader, EventFields.VEHICLE_SPEED, source, offset);
        }
        if (roundHeading)
        {
            addRounded(reader, EventFields.VEHICLE_HEADING, source, offset);
        }
        if (bucketTime)
        {
            addBucketed(reader, source, offset);
        }

        MemorySegment text = source;
        long textOffset = offset;
        int textLength = length;
        if (replacer.values() > 0)
        {
            if (null == addresses)
            {
                final int written = replacer.rewrite(source, offset, length, target, targetOffset, targetLimit);
                noteValuesFound(written);
                changed = replacer.replaced() > 0;
                return written;
            }
            textLength = replacer.rewrite(source, offset, length, scratchBuffer, 0, scratch.length);
            if (textLength < 0)
            {
                return -1;
            }
            noteValuesFound(textLength);
            text = scratchSegment;
            textOffset = 0;
        }
        if (null == addresses)
        {
            // No value to replace and no address to rewrite: there is no transformed form to write.
            return 0;
        }
        final int written = addresses.rewrite(text, textOffset, textLength, target, targetOffset, targetLimit);
        addressesRewritten = written < 0 ? 0 : addresses.addressesRewritten();
        changed = replacer.replaced() > 0 || addressesRewritten > 0;
        return written;
    }

    private void noteValuesFound(final int written)
    {
        if (written >= 0 && !replacer.allFound() && null == failure)
        {
            failure = FAILURE_KEYS[firstMethod().ordinal()][NOT_FOUND];
        }
    }

    private AnonymizationMethod firstMethod()
    {
        return requests > 0 ? requestedMethods[0] : AnonymizationMethod.GEOHASH;
    }

    private void addValue(final CharSequence value, final AnonymizationMethod method, final EpochMethods methods)
    {
        final IdentifierPseudonym pseudonym = null == methods ? null : methods.pseudonym(method, settings.keepEmailDomain());
        if (null == pseudonym)
        {
            fail(method, NO_KEY);
            return;
        }
        final int at = replacer.beginValue(value);
        if (at < 0)
        {
            fail(method, 0 == value.length() ? -1 - PseudonymReason.EMPTY : TOO_MANY);
            return;
        }
        final byte[] arena = replacer.arena();
        final int valueOffset = at - value.length();
        final int written = pseudonym.pseudonymize(arena, valueOffset, value.length(), arena, at, arena.length);
        if (written < 0)
        {
            fail(method, -1 - written);
            return;
        }
        replacer.endValue(written);
    }

    /** An identifier found in the text: its pseudonym replaces exactly its bytes. */
    private void addIdentifier(
        final MemorySegment source,
        final long at,
        final int start,
        final int length,
        final AnonymizationMethod method,
        final EpochMethods methods)
    {
        final IdentifierPseudonym pseudonym = null == methods ? null : methods.pseudonym(method, settings.keepEmailDomain());
        if (null == pseudonym)
        {
            fail(method, NO_KEY);
            return;
        }
        MemorySegment.copy(source, ValueLayout.JAVA_BYTE, at, identifier, 0, length);
        if (replacer.hasValue(identifier, 0, length))
        {
            // A field's value (a VIN in vehicle.vin) replaced wherever it is written: this occurrence too.
            return;
        }
        final byte[] arena = replacer.arena();
        final int written = pseudonym.pseudonymize(identifier, 0, length, arena, replacer.arenaFree(), arena.length);
        if (written < 0)
        {
            fail(method, -1 - written);
            return;
        }
        if (!replacer.addSpan(start, length, written))
        {
            fail(method, TOO_MANY);
        }
    }

    private void addPosition(final FieldReader reader, final EpochMethods methods, final long eventNs)
    {
        if (!reader.isPresent(EventFields.VEHICLE_LAT) || !reader.isPresent(EventFields.VEHICLE_LON))
        {
            return;
        }
        final long vehicle = vehicleIdentity(reader, methods);
        // A reader may hand out one reusable text for every field: read each number before the next field.
        final double latitude = DecimalText.parse(reader.text(EventFields.VEHICLE_LAT));
        final double longitude = DecimalText.parse(reader.text(EventFields.VEHICLE_LON));
        if (!positions.generalize(vehicle, latitude, longitude, eventNs))
        {
            fail(AnonymizationMethod.GEOHASH, SUPPRESSED);
            return;
        }
        addGeneralized(reader.text(EventFields.VEHICLE_LAT), true);
        addGeneralized(reader.text(EventFields.VEHICLE_LON), false);
    }

    private void addGeneralized(final CharSequence value, final boolean latitude)
    {
        final int at = replacer.beginValue(value);
        if (at < 0)
        {
            fail(AnonymizationMethod.GEOHASH, TOO_MANY);
            return;
        }
        final byte[] arena = replacer.arena();
        final int written = latitude ? positions.writeLatitude(arena, at, arena.length) : positions.writeLongitude(arena, at, arena.length);
        if (written < 0)
        {
            fail(AnonymizationMethod.GEOHASH, -1 - PseudonymReason.OUTPUT_TOO_SMALL);
            return;
        }
        replacer.endValue(written);
    }

    /**
     * Rounds a speed or heading where the parser says it is written (a JSON number: rewriting
     * every equal text would also change unrelated fields), with the policy's step.
     */
    private void addRounded(
        final FieldReader reader, final int fieldId, final MemorySegment source, final long offset)
    {
        if (!reader.isPresent(fieldId))
        {
            return;
        }
        final long span = reader.rawSpan(fieldId);
        final double value = span < 0 ? Double.NaN : DecimalText.parse(number.set(source, offset + (span >>> 32), (int)span));
        final double rounded = EventFields.VEHICLE_SPEED == fieldId ? speeds.round(value) : headings.round(value);
        if (Double.isNaN(rounded))
        {
            fail(AnonymizationMethod.ROUND, NOT_FOUND);
            return;
        }
        final byte[] arena = replacer.arena();
        final int written = DecimalText.write((long)rounded, arena, replacer.arenaFree(), arena.length);
        if (written < 0 || !replacer.addSpan((int)(span >>> 32), (int)span, written))
        {
            fail(AnonymizationMethod.ROUND, TOO_MANY);
        }
    }

    /**
     * Cuts the event's time down to the start of its bucket, written where the message wrote it
     * and as it did: an RFC 3339 string becomes {@code YYYY-MM-DDThh:mm:ssZ} (UTC), a number of
     * epoch seconds or milliseconds stays one, in the same unit.
     */
    private void addBucketed(final FieldReader reader, final MemorySegment source, final long offset)
    {
        if (!reader.isPresent(EventFields.VEHICLE_TIME))
        {
            return;
        }
        final long millis = reader.timeMillis(EventFields.VEHICLE_TIME);
        final long span = reader.rawSpan(EventFields.VEHICLE_TIME);
        if (Long.MIN_VALUE == millis || span < 0)
        {
            fail(AnonymizationMethod.BUCKET, NOT_FOUND);
            return;
        }
        final long bucketMillis = settings.timeBucketNs() / 1_000_000L;
        final long bucketed = Math.floorDiv(millis, bucketMillis) * bucketMillis;
        final int start = (int)(span >>> 32);
        final boolean quoted = start > 0 && '"' == source.get(ValueLayout.JAVA_BYTE, offset + start - 1);
        final byte[] arena = replacer.arena();
        final int at = replacer.arenaFree();
        final int written;
        if (quoted)
        {
            written = Rfc3339.writeUtcSeconds(bucketed, arena, at, arena.length);
        }
        else
        {
            final boolean seconds = DecimalText.parse(number.set(source, offset + start, (int)span)) < EPOCH_MILLIS_THRESHOLD;
            written = DecimalText.write(seconds ? bucketed / 1000 : bucketed, arena, at, arena.length);
        }
        if (written < 0 || !replacer.addSpan(start, (int)span, written))
        {
            fail(AnonymizationMethod.BUCKET, TOO_MANY);
        }
    }

    private long vehicleIdentity(final FieldReader reader, final EpochMethods methods)
    {
        final int field = reader.isPresent(EventFields.VEHICLE_VIN) ? EventFields.VEHICLE_VIN :
            reader.isPresent(EventFields.VEHICLE_DRIVER_ID) ? EventFields.VEHICLE_DRIVER_ID : -1;
        if (field < 0 || null == methods)
        {
            return 0;
        }
        final CharSequence text = reader.text(field);
        final int length = Math.min(text.length(), identity.length);
        for (int i = 0; i < length; i++)
        {
            identity[i] = (byte)text.charAt(i);
        }
        return methods.vehicleIdentity(identity, 0, length);
    }

    private void fail(final AnonymizationMethod method, final int reasonIndex)
    {
        if (null == failure)
        {
            failure = FAILURE_KEYS[method.ordinal()][Math.max(0, Math.min(reasonIndex, FAILURE_KEYS[0].length - 1))];
        }
    }

    /** @return true when the output differs from the input. */
    public boolean changed()
    {
        return changed;
    }

    /** @return addresses rewritten in the output. */
    public int addressesRewritten()
    {
        return addressesRewritten;
    }

    /** @return the {@code <method>:<reason>} of the first value that could not be transformed, or null. */
    public String failure()
    {
        return failure;
    }
}
