package dev.sluice.dataplane.residency;

import dev.sluice.dataplane.anonymize.pseudonym.PseudonymMethod;
import dev.sluice.dataplane.classify.detect.IdentifierKind;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldType;
import dev.sluice.policy.field.PacketFields;
import dev.sluice.policy.residency.ResidencyDecision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A policy's residency rules resolved for the events this gateway forwards, per destination:
 * for each classified event field ({@code cef.src} is {@code pii.ip}, {@code cef.suser}
 * {@code pii.user}, {@code vehicle.vin} {@code pii.vehicle}, a policy's own {@code json.*}
 * fields), whether an event that has it may go raw, only transformed, or not at all. The
 * decisions are made once, when the policy is applied; per event the worker asks which
 * classified fields are present and combines their decisions, the strictest winning.
 * <p>
 * An event leaves the site as its text, and it has ONE transformed form, whatever the
 * destination: every field that some destination needs transformed is transformed in it, with
 * one method per field ({@link #method(int)}), and every IPv4 and IPv6 address written in it
 * is rewritten with one address method ({@link #addressMethod()}, Crypto-PAn or truncation). A
 * destination that may receive the field raw gets the raw text unless another field needs the
 * transformed form. Where the document asks for something this cannot deliver, the plan is
 * stricter than the document (fail closed) and says so in a note for the gateway's log:
 * <ul>
 *   <li>a method that cannot transform the field (a VIN method on an address) blocks it;</li>
 *   <li>two destinations asking for different methods on one field: the first method (in the
 *   order of {@link AnonymizationMethod}) is used and the other destination blocked;</li>
 *   <li>two address methods (Crypto-PAn for one destination, truncation for another): Crypto-PAn
 *   is used and the truncation destinations blocked.</li>
 * </ul>
 * Addresses written in free text ({@code syslog.msg}, a JSON string) belong to no field, yet
 * they are the class {@code pii.ip}: {@link #textAddresses(int)} is that class's decision for
 * the destination, applied to an event in which an address was found.
 * <p>
 * Immutable; any thread.
 */
public final class EventResidencyPlan
{
    /** May go as received. */
    public static final byte RAW = 0;
    /** May go in the event's transformed form. */
    public static final byte TRANSFORM = 1;
    /** Must not go. */
    public static final byte BLOCK = 2;
    /** Not sent: the event's rule routes it to other regions ({@code route}); not a residency decision. */
    public static final byte NOT_ROUTED = 3;

    private final int[] classifiedFields;
    private final byte[][] decisions;
    private final byte[][] detectedDecisions;
    private final AnonymizationMethod[] detectedMethods;
    private final int detectedKinds;
    private final AnonymizationMethod[] methods;
    private final byte[] textAddresses;
    private final AnonymizationMethod addressMethod;
    private final boolean anyNonRaw;
    private final boolean anyTextNonRaw;
    private final List<String> notes;
    private final RuleRouting routing;

    private EventResidencyPlan(
        final int[] classifiedFields,
        final byte[][] decisions,
        final AnonymizationMethod[] methods,
        final byte[] textAddresses,
        final AnonymizationMethod addressMethod,
        final byte[][] detectedDecisions,
        final AnonymizationMethod[] detectedMethods,
        final List<String> notes,
        final RuleRouting routing)
    {
        this.routing = routing;
        this.classifiedFields = classifiedFields;
        this.detectedDecisions = detectedDecisions;
        this.detectedMethods = detectedMethods;
        int kinds = 0;
        for (final IdentifierKind kind : IdentifierKind.values())
        {
            kinds |= null == detectedDecisions[kind.ordinal()] ? 0 : kind.bit();
        }
        this.detectedKinds = kinds;
        this.decisions = decisions;
        this.methods = methods;
        this.textAddresses = textAddresses;
        this.addressMethod = addressMethod;
        this.notes = List.copyOf(notes);
        boolean nonRaw = false;
        for (final byte decision : textAddresses)
        {
            nonRaw |= RAW != decision;
        }
        this.anyTextNonRaw = nonRaw;
        for (final byte[] perField : decisions)
        {
            for (final byte decision : perField)
            {
                nonRaw |= RAW != decision;
            }
        }
        this.anyNonRaw = nonRaw;
    }

    /**
     * Resolves the policy's residency for events that originate in {@code originRegion} and go
     * to {@code destinations} (in destination index order).
     */
    public static EventResidencyPlan build(final Policy policy, final String originRegion, final List<String> destinations)
    {
        final int n = destinations.size();
        final List<String> notes = new ArrayList<>();
        final Map<Field, ResidencyDecision[]> byField = new LinkedHashMap<>();
        for (final String dataClass : policy.dataClasses())
        {
            for (final Field field : policy.fieldsOf(dataClass))
            {
                if (field.id() < EventFields.FIRST_ID)
                {
                    continue;
                }
                final ResidencyDecision[] perDestination = byField.computeIfAbsent(field, ignore -> raw(n));
                for (int d = 0; d < n; d++)
                {
                    perDestination[d] = stricter(
                        perDestination[d], policy.residency().decide(dataClass, originRegion, destinations.get(d)),
                        field, destinations.get(d), notes);
                }
            }
        }
        final ResidencyDecision[] text = raw(n);
        if (policy.dataClasses().contains(PacketFields.PII_IP))
        {
            for (int d = 0; d < n; d++)
            {
                text[d] = policy.residency().decide(PacketFields.PII_IP, originRegion, destinations.get(d));
            }
        }

        final AnonymizationMethod addressMethod = addressMethod(byField, text);
        final byte[] textAddresses = new byte[n];
        for (int d = 0; d < n; d++)
        {
            textAddresses[d] = resolve(text[d], addressMethod, "addresses in an event's text", destinations.get(d), notes);
        }

        final List<Integer> fields = new ArrayList<>();
        final List<byte[]> decisions = new ArrayList<>();
        final List<AnonymizationMethod> methods = new ArrayList<>();
        for (final Map.Entry<Field, ResidencyDecision[]> entry : byField.entrySet())
        {
            final Field field = entry.getKey();
            final ResidencyDecision[] perDestination = entry.getValue();
            final AnonymizationMethod method = FieldType.ADDRESS == field.type() ? addressMethod : firstMethod(perDestination);
            final byte[] resolved = new byte[n];
            for (int d = 0; d < n; d++)
            {
                resolved[d] = resolve(perDestination[d], method, field.name(), destinations.get(d), notes);
                if (TRANSFORM == resolved[d] && !method.appliesTo(field))
                {
                    notes.add(field.name() + " to " + destinations.get(d) + ": " + method.keyword() + " cannot transform " +
                        field.name() + " in an event; events that have it are blocked instead");
                    resolved[d] = BLOCK;
                }
            }
            // A field that may go raw everywhere changes no decision: the worker need not ask for it.
            if (!rawEverywhere(resolved))
            {
                fields.add(field.id());
                decisions.add(resolved);
                methods.add(method);
            }
        }

        final int[] fieldIds = new int[fields.size()];
        for (int k = 0; k < fieldIds.length; k++)
        {
            fieldIds[k] = fields.get(k);
        }
        final byte[][] detectedDecisions = new byte[IdentifierKind.values().length][];
        final AnonymizationMethod[] detectedMethods = new AnonymizationMethod[IdentifierKind.values().length];
        for (final IdentifierKind kind : IdentifierKind.values())
        {
            // Addresses in text are rewritten by the address method (textAddresses); a class no residency
            // rule names is not the policy's concern.
            if (kind.isAddress() || !policy.residency().names(kind.dataClass()))
            {
                continue;
            }
            final ResidencyDecision[] perDestination = raw(n);
            for (int d = 0; d < n; d++)
            {
                perDestination[d] = policy.residency().decide(kind.dataClass(), originRegion, destinations.get(d));
            }
            final AnonymizationMethod method = firstMethod(perDestination);
            final String what = kind.dataClass() + " found in an event's text";
            final byte[] resolved = new byte[n];
            for (int d = 0; d < n; d++)
            {
                resolved[d] = resolve(perDestination[d], method, what, destinations.get(d), notes);
                if (TRANSFORM == resolved[d] && null == PseudonymMethod.byKeyword(method.keyword()))
                {
                    notes.add(what + " to " + destinations.get(d) + ": " + method.keyword() + " cannot transform an identifier " +
                        "in text; events that have one are blocked instead");
                    resolved[d] = BLOCK;
                }
            }
            if (!rawEverywhere(resolved))
            {
                detectedDecisions[kind.ordinal()] = resolved;
                detectedMethods[kind.ordinal()] = method;
            }
        }
        return new EventResidencyPlan(
            fieldIds, decisions.toArray(new byte[0][]), methods.toArray(new AnonymizationMethod[0]), textAddresses,
            addressMethod, detectedDecisions, detectedMethods, notes, RuleRouting.build(policy, originRegion, destinations));
    }

    /** True for {@link #RAW} and {@link #TRANSFORM}: the event is sent, as received or transformed. */
    public static boolean sends(final byte decision)
    {
        return RAW == decision || TRANSFORM == decision;
    }

    /** What the rules' {@code route} and {@code tag} actions add, per rule slot. */
    public RuleRouting routing()
    {
        return routing;
    }

    private static ResidencyDecision[] raw(final int destinations)
    {
        final ResidencyDecision[] decisions = new ResidencyDecision[destinations];
        Arrays.fill(decisions, ResidencyDecision.RAW);
        return decisions;
    }

    /** Two classes of one field: the stricter decision; two different transforms cannot both be honoured, so block. */
    private static ResidencyDecision stricter(
        final ResidencyDecision a,
        final ResidencyDecision b,
        final Field field,
        final String destination,
        final List<String> notes)
    {
        if (a.kind() == ResidencyDecision.Kind.TRANSFORM && b.kind() == ResidencyDecision.Kind.TRANSFORM && a.method() != b.method())
        {
            notes.add(field.name() + " to " + destination + ": its classes ask for " + a.method().keyword() + " and " +
                b.method().keyword() + "; blocked instead");
            return ResidencyDecision.BLOCK;
        }
        return b.kind().ordinal() > a.kind().ordinal() ? b : a;
    }

    /** The one address method of the transformed form: Crypto-PAn when anything asks for it, else truncation, else none. */
    private static AnonymizationMethod addressMethod(final Map<Field, ResidencyDecision[]> byField, final ResidencyDecision[] text)
    {
        AnonymizationMethod chosen = firstAddressMethod(text, null);
        for (final Map.Entry<Field, ResidencyDecision[]> entry : byField.entrySet())
        {
            if (FieldType.ADDRESS == entry.getKey().type())
            {
                chosen = firstAddressMethod(entry.getValue(), chosen);
            }
        }
        return chosen;
    }

    private static AnonymizationMethod firstAddressMethod(final ResidencyDecision[] decisions, final AnonymizationMethod chosen)
    {
        AnonymizationMethod first = chosen;
        for (final ResidencyDecision decision : decisions)
        {
            if (ResidencyDecision.Kind.TRANSFORM == decision.kind() && decision.method().transformsAddresses() &&
                (null == first || decision.method().ordinal() < first.ordinal()))
            {
                first = decision.method();
            }
        }
        return first;
    }

    private static AnonymizationMethod firstMethod(final ResidencyDecision[] decisions)
    {
        AnonymizationMethod first = null;
        for (final ResidencyDecision decision : decisions)
        {
            if (ResidencyDecision.Kind.TRANSFORM == decision.kind() && (null == first || decision.method().ordinal() < first.ordinal()))
            {
                first = decision.method();
            }
        }
        return first;
    }

    /** The decision as the plan can deliver it, when the transformed form uses {@code method}. */
    private static byte resolve(
        final ResidencyDecision decision,
        final AnonymizationMethod method,
        final String what,
        final String destination,
        final List<String> notes)
    {
        return switch (decision.kind())
        {
            case RAW -> RAW;
            case BLOCK -> BLOCK;
            case TRANSFORM ->
            {
                if (decision.method() != method)
                {
                    notes.add(what + " to " + destination + ": events have one transformed form, which uses " +
                        (null == method ? "no method" : method.keyword()) + ", not " + decision.method().keyword() +
                        "; blocked instead");
                    yield BLOCK;
                }
                yield TRANSFORM;
            }
        };
    }

    private static boolean rawEverywhere(final byte[] perDestination)
    {
        for (final byte decision : perDestination)
        {
            if (RAW != decision)
            {
                return false;
            }
        }
        return true;
    }

    /** True when some event may reach some destination only transformed, or not at all. */
    public boolean anyNonRaw()
    {
        return anyNonRaw;
    }

    /** True when an address written in an event's text keeps the event from, or must be rewritten for, some destination. */
    public boolean anyTextNonRaw()
    {
        return anyTextNonRaw;
    }

    /** True when some destination receives some events only transformed (so the gateway needs a key). */
    public boolean anyTransform()
    {
        for (int d = 0; d < textAddresses.length; d++)
        {
            if (transforms(d))
            {
                return true;
            }
        }
        return false;
    }

    /** True when destination {@code d} receives some events only transformed. */
    public boolean transforms(final int d)
    {
        if (TRANSFORM == textAddresses[d])
        {
            return true;
        }
        for (final byte[] perField : decisions)
        {
            if (TRANSFORM == perField[d])
            {
                return true;
            }
        }
        return false;
    }

    /** How many event fields carry a class that some destination may not receive raw. */
    public int classifiedFieldCount()
    {
        return classifiedFields.length;
    }

    /** The id of classified field {@code k}, {@code 0 <= k < classifiedFieldCount()}. */
    public int classifiedField(final int k)
    {
        return classifiedFields[k];
    }

    /** The method of classified field {@code k} in the transformed form; null when no destination needs it transformed. */
    public AnonymizationMethod method(final int k)
    {
        return methods[k];
    }

    /** How addresses are rewritten in the transformed form: CRYPTOPAN, TRUNCATE, or null when none is. */
    public AnonymizationMethod addressMethod()
    {
        return addressMethod;
    }

    /** {@link #RAW}, {@link #TRANSFORM} or {@link #BLOCK} for an event that has classified field {@code k}. */
    public byte decision(final int k, final int destination)
    {
        return decisions[k][destination];
    }

    /** The decision for an event with an IPv4 or IPv6 address written in its text ({@code pii.ip}). */
    public byte textAddresses(final int destination)
    {
        return textAddresses[destination];
    }

    /**
     * The identifier kinds ({@link IdentifierKind#bit()}) whose finding in an event's text changes
     * what some destination receives: their class is named by a residency rule and may not go raw
     * everywhere. 0 when no event text needs scanning.
     */
    public int detectedKinds()
    {
        return detectedKinds;
    }

    /** {@link #RAW}, {@link #TRANSFORM} or {@link #BLOCK} for an event whose text holds an identifier of {@code kind}. */
    public byte detected(final IdentifierKind kind, final int destination)
    {
        final byte[] perDestination = detectedDecisions[kind.ordinal()];
        return null == perDestination ? RAW : perDestination[destination];
    }

    /** The method that transforms identifiers of {@code kind} in the transformed form; null when none does. */
    public AnonymizationMethod detectedMethod(final IdentifierKind kind)
    {
        return detectedMethods[kind.ordinal()];
    }

    /** Decisions the plan had to make stricter than the document (for the gateway's log). */
    public List<String> notes()
    {
        return notes;
    }
}
