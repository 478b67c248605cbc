package dev.sluice.dataplane.residency;

import dev.sluice.dataplane.classify.detect.IdentifierKind;
import dev.sluice.dataplane.counters.ClassDecisionCounters;
import dev.sluice.policy.Policy;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.PacketFields;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.List;

/**
 * A policy version's data classes as the workers count residency decisions per class: for each
 * class the packet fields that hold it (a mask), the event fields that do, the identifier kinds
 * that find it in an event's text, and the gateway's counters for it
 * ({@link ClassDecisionCounters}). An item's classes are a bit set over the first 64 classes (a
 * policy with more counts those). Built with the snapshot, off the data path. Immutable; any
 * thread.
 */
public final class ClassCounting
{
    /** Classes a bit set can hold. */
    public static final int MAX_CLASSES = Long.SIZE;

    private final String[] classes;
    private final long[] packetMasks;
    private final int[][] eventFields;
    private final int[] detectedKinds;
    private final long textAddressClasses;
    private final AtomicCounter[][] counters;
    private final int destinations;
    /** Per rule slot (the default last), the classes its {@code tag} action adds. */
    private final long[] taggedClasses;
    /** The rule slot of each bit of {@code Policy.modifierMatches} (match: all). */
    private final int[] modifierRules;

    private ClassCounting(
        final String[] classes,
        final long[] packetMasks,
        final int[][] eventFields,
        final int[] detectedKinds,
        final long textAddressClasses,
        final AtomicCounter[][] counters,
        final int destinations,
        final long[] taggedClasses,
        final int[] modifierRules)
    {
        this.taggedClasses = taggedClasses;
        this.modifierRules = modifierRules;
        this.classes = classes;
        this.packetMasks = packetMasks;
        this.eventFields = eventFields;
        this.detectedKinds = detectedKinds;
        this.textAddressClasses = textAddressClasses;
        this.counters = counters;
        this.destinations = destinations;
    }

    /**
     * @param policy   the version's policy.
     * @param registry the gateway's counters; a class's are made here the first time it is named.
     */
    public static ClassCounting build(final Policy policy, final ClassDecisionCounters registry)
    {
        final List<String> names = new ArrayList<>(policy.dataClasses());
        final int n = Math.min(MAX_CLASSES, names.size());
        final String[] classes = new String[n];
        final long[] packetMasks = new long[n];
        final int[][] eventFields = new int[n][];
        final int[] detectedKinds = new int[n];
        final AtomicCounter[][] counters = new AtomicCounter[n][];
        long textAddressClasses = 0;
        for (int c = 0; c < n; c++)
        {
            final String name = names.get(c);
            classes[c] = name;
            final List<Integer> events = new ArrayList<>();
            for (final Field field : policy.fieldsOf(name))
            {
                if (field.id() < PacketFields.BASE_FIELD_COUNT)
                {
                    packetMasks[c] |= 1L << field.id();
                }
                else if (field.id() >= EventFields.FIRST_ID)
                {
                    events.add(field.readFieldId());
                }
            }
            eventFields[c] = events.stream().mapToInt(Integer::intValue).toArray();
            for (final IdentifierKind kind : IdentifierKind.values())
            {
                if (!kind.isAddress() && kind.dataClass().equals(name))
                {
                    detectedKinds[c] |= kind.bit();
                }
            }
            if (PacketFields.PII_IP.equals(name))
            {
                textAddressClasses |= 1L << c;
            }
            counters[c] = registry.counters(name);
        }
        final long[] taggedClasses = new long[policy.ruleCount() + 1];
        for (int slot = 0; slot <= policy.ruleCount(); slot++)
        {
            final List<String> tags = slot == policy.ruleCount() ? policy.defaultActions().tags() : policy.actionsFor(slot).tags();
            for (final String tag : tags)
            {
                final int c = names.indexOf(tag);
                if (c >= 0 && c < n)
                {
                    taggedClasses[slot] |= 1L << c;
                }
            }
        }
        return new ClassCounting(classes, packetMasks, eventFields, detectedKinds, textAddressClasses, counters,
            registry.destinationCount(), taggedClasses, policy.modifierRules());
    }

    /** How many classes are counted. */
    public int classCount()
    {
        return classes.length;
    }

    /** How many destinations each class counts for. */
    public int destinationCount()
    {
        return destinations;
    }

    /**
     * @param presentPacketFields the packet's present base fields, as a mask of field ids.
     * @return the classes the packet holds, as a bit set over class indexes.
     */
    public long packetClasses(final long presentPacketFields)
    {
        long held = 0;
        for (int c = 0; c < packetMasks.length; c++)
        {
            if (0 != (packetMasks[c] & presentPacketFields))
            {
                held |= 1L << c;
            }
        }
        return held;
    }

    /**
     * @param reader           the event's fields.
     * @param detectedKinds    the identifier kinds found in its text ({@link IdentifierKind#bit()}).
     * @param addressesInText  whether addresses were found (and rewritten) in its text.
     * @return the classes the event holds, as a bit set over class indexes.
     */
    public long eventClasses(final FieldReader reader, final int detectedKinds, final boolean addressesInText)
    {
        long held = addressesInText ? textAddressClasses : 0;
        for (int c = 0; c < eventFields.length; c++)
        {
            if (0 != (this.detectedKinds[c] & detectedKinds))
            {
                held |= 1L << c;
                continue;
            }
            for (final int field : eventFields[c])
            {
                if (reader.isPresent(field))
                {
                    held |= 1L << c;
                    break;
                }
            }
        }
        return held;
    }

    /**
     * @param matchedRule what {@link Policy#firstMatch} returned for the item ({@link Policy#NO_MATCH} for the default).
     * @param modifiers   the other matching rules ({@link Policy#modifierMatches}), whose tags apply too.
     * @return the classes the rules' {@code tag} adds to it, as a bit set over class indexes.
     */
    public long taggedClasses(final int matchedRule, final long modifiers)
    {
        long classes = taggedClasses[matchedRule < 0 ? taggedClasses.length - 1 : matchedRule];
        for (long remaining = modifiers; remaining != 0; remaining &= remaining - 1)
        {
            classes |= taggedClasses[modifierRules[Long.numberOfTrailingZeros(remaining)]];
        }
        return classes;
    }

    /** The counter of class {@code c}, destination {@code d}, outcome {@code o} ({@link ClassDecisionCounters#RAW}...). */
    AtomicCounter counter(final int c, final int d, final int o)
    {
        return counters[c][d * ClassDecisionCounters.OUTCOMES + o];
    }
}
