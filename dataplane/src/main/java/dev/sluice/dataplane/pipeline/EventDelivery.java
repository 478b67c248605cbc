package dev.sluice.dataplane.pipeline;

import dev.sluice.dataplane.anonymize.EventAnonymizer;
import dev.sluice.dataplane.anonymize.TextAddressAnonymizer;
import dev.sluice.dataplane.anonymize.keys.EpochMethods;
import dev.sluice.dataplane.classify.detect.IdentifierDetector;
import dev.sluice.dataplane.classify.detect.IdentifierDetectors;
import dev.sluice.dataplane.classify.detect.IdentifierKind;
import dev.sluice.dataplane.classify.detect.IdentifierMatchHandler;
import dev.sluice.dataplane.classify.event.EventRules;
import dev.sluice.dataplane.residency.EventResidencyPlan;
import dev.sluice.dataplane.residency.RuleRouting;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.field.FieldReader;
import org.agrona.MutableDirectBuffer;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * What each destination receives of one forwarded event: {@link EventResidencyPlan#RAW},
 * {@link EventResidencyPlan#TRANSFORM} or {@link EventResidencyPlan#BLOCK}, decided from the
 * rule's anonymization, the residency of the classified fields the event has, the identifiers
 * a detector finds in its text (e-mail, MAC, IMSI, IMEI, VIN, phone and card numbers, for the
 * classes a residency rule names; each replaced by its pseudonym where a destination takes the
 * class only transformed), and whether its transformed form could be written (an address or value that could not be transformed blocks
 * the destinations that would have had that form). The event worker decides through it, and so
 * does {@code sluice policy explain}: one decision, not a second reading of the document.
 * <p>
 * Per event: {@link #decide(FieldReader, int)}, then either {@link #transformText} (an event
 * whose body is its text) or the caller's own rendering followed by {@link #finish(boolean, boolean)};
 * then {@link #decision(int)} per destination. Allocation-free. One thread.
 */
public final class EventDelivery implements AutoCloseable
{
    /** Identifiers of one event's text that are kept for transforming; beyond them its classes are undetermined. */
    public static final int MAX_IDENTIFIERS = EventAnonymizer.MAX_REQUESTS;

    /** {@link #transformText} wrote no transformed form: the event leaves as received where it may. */
    public static final int UNCHANGED = -1;
    /** {@link #transformText} could not fit the transformed form after the staged events: send them, try again. */
    public static final int DID_NOT_FIT = -2;

    private static final IdentifierKind[] KINDS = IdentifierKind.values();

    private final EventAnonymizer anonymizer;
    private final byte[] decision;
    private final IdentifierMatchHandler onIdentifier = this::onIdentifier;
    private final int[] identifierKind = new int[MAX_IDENTIFIERS];
    private final int[] identifierStart = new int[MAX_IDENTIFIERS];
    private final int[] identifierEnd = new int[MAX_IDENTIFIERS];
    private int identifiers;
    private int identifiersFound;
    private int detectedKinds;
    private IdentifierDetector detector;
    private EventRules rules;
    private EventResidencyPlan residency;
    private boolean anonymized;
    private String failure;

    /**
     * @param anonymizer   the worker's anonymizer, armed with the policy ({@link EventAnonymizer#use}).
     * @param destinations how many destinations there are.
     */
    public EventDelivery(final EventAnonymizer anonymizer, final int destinations)
    {
        this.anonymizer = anonymizer;
        this.decision = new byte[destinations];
    }

    /**
     * Switches to a policy version's rules and residency plan; between batches. The first plan
     * whose residency names a class a detector finds creates this worker's detector.
     */
    public void use(final EventRules rules, final EventResidencyPlan residency)
    {
        this.rules = rules;
        this.residency = residency;
        if (0 != residency.detectedKinds() && null == detector)
        {
            detector = IdentifierDetectors.create();
        }
    }

    /**
     * Sets every destination's decision for the event: the rule's anonymization for every
     * destination, then the strictest residency decision of the classified fields it has; and
     * tells the anonymizer which values the transformed form must replace (those the rule
     * names, and those of classified fields some destination may have only transformed).
     *
     * @param slot the event's rule slot ({@link EventRules#slot(int)}).
     * @return true when the event has an address field that must be rewritten for some
     * destination: without a rewritten body those destinations may not have it.
     */
    public boolean decide(final FieldReader reader, final int slot)
    {
        anonymizer.begin();
        anonymized = false;
        failure = null;
        final boolean ruleAnonymizes = rules.anonymizes(slot);
        Arrays.fill(decision, ruleAnonymizes ? EventResidencyPlan.TRANSFORM : EventResidencyPlan.RAW);
        final RuleRouting routing = residency.routing();
        if (routing.isActive())
        {
            route(routing, reader, slot);
        }
        boolean addressMustChange = false;
        if (ruleAnonymizes)
        {
            for (final int field : rules.anonymizedAddressFields(slot))
            {
                addressMustChange |= reader.isPresent(field);
            }
            final int[] valueFields = rules.valueFields(slot);
            final AnonymizationMethod[] valueMethods = rules.valueMethods(slot);
            for (int v = 0; v < valueFields.length; v++)
            {
                if (reader.isPresent(valueFields[v]))
                {
                    anonymizer.request(valueFields[v], valueMethods[v]);
                }
            }
        }
        final int fields = residency.classifiedFieldCount();
        for (int k = 0; k < fields; k++)
        {
            if (reader.isPresent(residency.classifiedField(k)))
            {
                boolean transforms = false;
                for (int d = 0; d < decision.length; d++)
                {
                    final byte fieldDecision = residency.decision(k, d);
                    transforms |= EventResidencyPlan.TRANSFORM == fieldDecision;
                    if (fieldDecision > decision[d])
                    {
                        decision[d] = fieldDecision;
                    }
                }
                if (transforms)
                {
                    final AnonymizationMethod method = residency.method(k);
                    if (method.transformsAddresses())
                    {
                        addressMustChange = true;
                    }
                    else
                    {
                        anonymizer.request(residency.classifiedField(k), method);
                    }
                }
            }
        }
        return addressMustChange;
    }

    /**
     * The rule's {@code route} and {@code tag}: destinations it does not route to are
     * {@link EventResidencyPlan#NOT_ROUTED} (which every later, stricter decision keeps, being the
     * highest), those its tags' classes may not have are blocked.
     */
    private void route(final RuleRouting routing, final FieldReader reader, final int slot)
    {
        final long routedTo = routing.routedTo(slot);
        final long blockedByTags = routing.blockedForEvent(slot, reader);
        for (int d = 0; d < decision.length; d++)
        {
            if (!RuleRouting.includes(routedTo, d))
            {
                decision[d] = EventResidencyPlan.NOT_ROUTED;
            }
            else if (RuleRouting.includes(blockedByTags, d))
            {
                decision[d] = EventResidencyPlan.BLOCK;
            }
        }
    }

    /**
     * Writes the transformed form of an event whose body is its text, where some destination
     * needs one, and settles every destination's decision ({@link #finish} included).
     *
     * @param addressMustChange what {@link #decide} returned.
     * @param methods           the keyed methods of the current epoch, or null without a key.
     * @param mayRetry          whether {@link #DID_NOT_FIT} may be returned (something is staged
     *                          before this event); otherwise a form that does not fit blocks
     *                          the destinations that would have had it.
     * @return the length of the transformed form written at {@code targetOffset}, or
     * {@link #UNCHANGED}, or {@link #DID_NOT_FIT} (decisions not settled: decide again).
     */
    public int transformText(
        final FieldReader reader,
        final int slot,
        final boolean addressMustChange,
        final EpochMethods methods,
        final MemorySegment source,
        final long offset,
        final int length,
        final MutableDirectBuffer target,
        final int targetOffset,
        final int targetLimit,
        final long eventNs,
        final boolean mayRetry)
    {
        final boolean undetermined = detectIdentifiers(source, offset, length);
        if (!needsRewrite())
        {
            finish(false, addressMustChange || undetermined);
            return UNCHANGED;
        }

        int transformed = UNCHANGED;
        boolean mustBlockTransforms = false;
        final boolean wantAddresses = residency.anyTextNonRaw() || addressMustChange || rules.rewritesAddresses(slot);
        final TextAddressAnonymizer addresses = wantAddresses ? anonymizer.addressRewriter(methods) : null;
        if (wantAddresses && null == addresses)
        {
            // Without a key no address can be looked for: fail closed where text addresses may not go raw.
            blockTextAddresses();
        }
        if (null != addresses || anonymizer.hasRequests())
        {
            final int written = anonymizer.write(
                reader, methods, addresses, source, offset, length, target, targetOffset, targetLimit, eventNs);
            if (written < 0 && mayRetry)
            {
                return DID_NOT_FIT;
            }
            if (written >= 0 && anonymizer.changed())
            {
                transformed = written;
                if (anonymizer.addressesRewritten() > 0)
                {
                    for (int d = 0; d < decision.length; d++)
                    {
                        decision[d] = (byte)Math.max(decision[d], residency.textAddresses(d));
                    }
                }
            }
            else if (written < 0)
            {
                // Longer rewritten than the whole staging area: it cannot leave transformed.
                blockTextAddresses();
            }
            if (null != anonymizer.failure())
            {
                failure = anonymizer.failure();
                mustBlockTransforms = true;
            }
        }
        // An address field to rewrite that the rewrite did not find: it may not leave as it is.
        mustBlockTransforms |= addressMustChange && anonymizer.addressesRewritten() == 0;
        mustBlockTransforms |= undetermined;
        finish(transformed >= 0, mustBlockTransforms);
        return transformed;
    }

    /**
     * Looks for identifiers in the event's text when the policy's residency names their class:
     * each kind found makes every destination's decision at least that class's, and where a
     * destination takes the class only transformed, each identifier of it is asked to be replaced
     * by its pseudonym. An event with more identifiers than can be transformed has classes that
     * cannot be determined: it is treated as holding the most restrictive of them all.
     *
     * @return true when the classes could not be determined (the transformed form may not go).
     */
    private boolean detectIdentifiers(final MemorySegment source, final long offset, final int length)
    {
        identifiers = 0;
        identifiersFound = 0;
        detectedKinds = 0;
        final int inScope = residency.detectedKinds();
        if (0 == inScope)
        {
            return false;
        }
        detectedKinds = detector.detect(source, offset, length, onIdentifier) & inScope;
        final boolean undetermined = identifiersFound > MAX_IDENTIFIERS;
        final int kinds = undetermined ? inScope : detectedKinds;
        for (final IdentifierKind kind : KINDS)
        {
            if (!kind.isIn(kinds))
            {
                continue;
            }
            boolean transforms = false;
            for (int d = 0; d < decision.length; d++)
            {
                final byte kindDecision = residency.detected(kind, d);
                transforms |= EventResidencyPlan.TRANSFORM == kindDecision;
                if (kindDecision > decision[d])
                {
                    decision[d] = kindDecision;
                }
            }
            if (transforms && !undetermined)
            {
                for (int i = 0; i < identifiers; i++)
                {
                    if (identifierKind[i] == kind.ordinal())
                    {
                        anonymizer.requestSpan(
                            identifierStart[i], identifierEnd[i] - identifierStart[i], residency.detectedMethod(kind));
                    }
                }
            }
        }
        return undetermined;
    }

    private void onIdentifier(final IdentifierKind kind, final int start, final int end)
    {
        if (!kind.isIn(residency.detectedKinds()))
        {
            return;
        }
        if (identifiers < MAX_IDENTIFIERS)
        {
            identifierKind[identifiers] = kind.ordinal();
            identifierStart[identifiers] = start;
            identifierEnd[identifiers] = end;
            identifiers++;
        }
        identifiersFound++;
    }

    /**
     * Settles the decisions once the transformed form is known.
     *
     * @param rewritten           whether the event has a transformed form.
     * @param mustBlockTransforms whether that form still holds something a destination that gets
     *                            it may not have (a value or address that could not be transformed).
     */
    public void finish(final boolean rewritten, final boolean mustBlockTransforms)
    {
        if (mustBlockTransforms)
        {
            // TRANSFORM only: a destination not routed to stays so.
            for (int d = 0; d < decision.length; d++)
            {
                if (EventResidencyPlan.TRANSFORM == decision[d])
                {
                    decision[d] = EventResidencyPlan.BLOCK;
                }
            }
        }
        anonymized = rewritten && !mustBlockTransforms;
    }

    /** Where an address in text may not go raw, the event may not go: its addresses could not be rewritten. */
    private void blockTextAddresses()
    {
        for (int d = 0; d < decision.length; d++)
        {
            if (EventResidencyPlan.NOT_ROUTED != decision[d] &&
                (EventResidencyPlan.RAW != residency.textAddresses(d) || EventResidencyPlan.TRANSFORM == decision[d]))
            {
                decision[d] = EventResidencyPlan.BLOCK;
            }
        }
    }

    /** True when a transformed form is needed: a destination takes one, or addresses in text may not go raw. */
    public boolean needsRewrite()
    {
        if (residency.anyTextNonRaw())
        {
            return true;
        }
        for (final byte d : decision)
        {
            if (EventResidencyPlan.TRANSFORM == d)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * {@link EventResidencyPlan#RAW}, {@link EventResidencyPlan#TRANSFORM}, {@link EventResidencyPlan#BLOCK} or
     * {@link EventResidencyPlan#NOT_ROUTED}.
     */
    public byte decision(final int destination)
    {
        return decision[destination];
    }

    /** How many destinations there are. */
    public int destinations()
    {
        return decision.length;
    }

    /** True when the event leaves in a transformed form (counted {@code anonymized}). */
    public boolean anonymized()
    {
        return anonymized;
    }

    /** The identifier kinds ({@link IdentifierKind#bit()}) found in the last event's text whose class the policy names. */
    public int detectedKinds()
    {
        return detectedKinds;
    }

    /** How many identifiers of those kinds the last event's text held. */
    public int identifiersFound()
    {
        return identifiersFound;
    }

    /** True when the last event held more identifiers than can be transformed: its classes are taken as the most restrictive. */
    public boolean undetermined()
    {
        return identifiersFound > MAX_IDENTIFIERS;
    }

    /** Frees the detector's native scratch (Hyperscan). */
    @Override
    public void close()
    {
        if (null != detector)
        {
            detector.close();
            detector = null;
        }
    }

    /** The anonymizer's failure key for the event ({@code untransformed} counter), or null. */
    public String failure()
    {
        return failure;
    }
}
