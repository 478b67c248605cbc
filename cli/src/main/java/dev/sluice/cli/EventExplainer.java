package dev.sluice.cli;

import dev.sluice.cli.Explanation.Delivery;
import dev.sluice.dataplane.anonymize.CryptoPan;
import dev.sluice.dataplane.anonymize.EventAnonymizer;
import dev.sluice.dataplane.anonymize.keys.EpochMethods;
import dev.sluice.dataplane.anonymize.keys.SiteKey;
import dev.sluice.dataplane.classify.detect.IdentifierKind;
import dev.sluice.dataplane.classify.event.EventDispatcher;
import dev.sluice.dataplane.classify.event.EventItemHandler;
import dev.sluice.dataplane.classify.event.EventRules;
import dev.sluice.dataplane.decode.event.EventFormat;
import dev.sluice.dataplane.decode.event.netflow.NetflowParser;
import dev.sluice.dataplane.pipeline.EventDelivery;
import dev.sluice.dataplane.residency.EventResidencyPlan;
import dev.sluice.dataplane.source.event.IngestRecord;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.PacketFields;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a policy does with one event of a log, and why: the event is parsed by the gateway's own
 * {@link EventDispatcher}, its rule found by the policy, and what each region receives decided
 * by the gateway's own {@link EventDelivery} over the {@link EventResidencyPlan} a gateway builds
 * (rule anonymization, classified fields, addresses in the text, a transform that could not be
 * made), so the explanation is the gateway's decision. The transformed form is written too and
 * shown, under a key made for this run (the gateway's keys stay where they are: the form shows
 * what is replaced, not the values a destination would see). {@code sample 1/N} keeps the first
 * of every N events of its rule, as a worker does. One thread.
 */
final class EventExplainer implements EventItemHandler, AutoCloseable
{
    /** The longest transformed form shown: a rewritten event may be longer than the line. */
    private static final int TRANSFORMED_MAX_BYTES = 1 << 20;
    private static final int SHOWN_CHARS = 160;

    private final Policy policy;
    private final EventRules rules;
    private final Reasons reasons;
    private final EventAnonymizer anonymizer = new EventAnonymizer(TRANSFORMED_MAX_BYTES);
    private final EventDelivery delivery;
    private final EventDispatcher dispatcher;
    private final EpochMethods methods;
    private final IngestRecord header = new IngestRecord();
    private final UnsafeBuffer transformed = new UnsafeBuffer(new byte[TRANSFORMED_MAX_BYTES]);
    private final ForwardingSimulation forwarding;
    private final LogLineTime lineTime;

    private long number;
    private String line;
    private Explanation explanation;

    /**
     * @param policy       the policy.
     * @param originRegion the region the log is collected in (the gateway's).
     */
    EventExplainer(final Policy policy, final String originRegion)
    {
        this.policy = policy;
        this.rules = EventRules.of(policy);
        this.reasons = new Reasons(policy, originRegion);
        anonymizer.use(policy);
        delivery = new EventDelivery(anonymizer, policy.regions().size());
        delivery.use(rules, EventResidencyPlan.build(policy, originRegion, policy.regions()));
        dispatcher = new EventDispatcher(policy.catalogue(), null, new NetflowParser()).items(this);
        final byte[] key = new byte[SiteKey.LENGTH_BYTES];
        new SecureRandom().nextBytes(key);
        methods = EpochMethods.of(new SiteKey(originRegion, "explain", key), CryptoPan.DEFAULT_CACHE_SLOTS);
        forwarding = new ForwardingSimulation(policy);
        final long now = System.currentTimeMillis() * 1_000_000L;
        lineTime = new LogLineTime(now, Year.now(ZoneOffset.UTC).getValue());
        header.wrap(Arena.ofAuto().allocate(IngestRecord.HEADER_LENGTH), 0);
    }

    /**
     * @param format the log's format (a line format: not NetFlow).
     * @param bytes  the line, without its end.
     * @param number the line's number in the log.
     */
    Explanation explain(final EventFormat format, final byte[] bytes, final long number)
    {
        this.number = number;
        this.line = new String(bytes, StandardCharsets.UTF_8);
        this.explanation = null;
        final MemorySegment segment = MemorySegment.ofArray(bytes);
        header.receiveTimeNs(System.currentTimeMillis() * 1_000_000L);
        dispatcher.onEvent(format, header, segment, 0, bytes.length);
        if (null == explanation)
        {
            // A format that makes no item of a line (none today): say so rather than lose the line.
            explanation = nothing("not parsed", "no event", "no event made of the line");
        }
        return explanation;
    }

    @Override
    public void onEvent(
        final int kind,
        final FieldReader reader,
        final MemorySegment segment,
        final long offset,
        final int length,
        final long receiveTimeNs)
    {
        final int ruleIndex = policy.firstMatch(reader);
        final int slot = rules.slot(ruleIndex);
        final String ruleName = reasons.ruleName(ruleIndex);
        final String rule = reasons.ruleWithPlace(ruleIndex);
        final RuleActions actions = policy.actionsFor(ruleIndex);
        final String action = actions.toString();
        final String item = describe(reader);

        final List<String> classes = new ArrayList<>();
        final List<String> presentClasses = new ArrayList<>();
        reasons.presentClasses(reader, (id) -> id >= EventFields.FIRST_ID, classes, presentClasses);
        reasons.taggedClasses(actions, classes, presentClasses);

        final Map<String, Delivery> destinations = new LinkedHashMap<>();
        final CharSequence timestamp = reader.isPresent(EventFields.SYSLOG_TIMESTAMP) ? reader.text(EventFields.SYSLOG_TIMESTAMP) : null;
        final String notForwarded = forwarding.notForwarded(ruleIndex, reader, lineTime.of(timestamp));
        if (null != notForwarded)
        {
            policy.regions().forEach((region) -> destinations.put(region, new Delivery("nothing", notForwarded)));
            explanation = new Explanation(number, item, ruleName, rule, action, classes, destinations, null);
            return;
        }

        final boolean addressMustChange = delivery.decide(reader, slot);
        final int written = delivery.transformText(reader, slot, addressMustChange, methods, segment, offset, length,
            transformed, 0, transformed.capacity(), receiveTimeNs, false);
        if (anonymizer.addressesRewritten() > 0)
        {
            final int addresses = anonymizer.addressesRewritten();
            final String inText = addresses + (1 == addresses ? " address" : " addresses") + " in the text";
            final int listed = presentClasses.indexOf(PacketFields.PII_IP);
            if (listed >= 0)
            {
                final String fields = classes.get(listed);
                classes.set(listed, fields.substring(0, fields.length() - 1) + ", " + inText + ")");
            }
            else
            {
                classes.add(PacketFields.PII_IP + " (" + inText + ")");
                presentClasses.add(PacketFields.PII_IP);
            }
        }
        for (final IdentifierKind identifier : IdentifierKind.values())
        {
            if (identifier.isIn(delivery.detectedKinds()))
            {
                classes.add(identifier.dataClass() + " (" + identifier.name().toLowerCase(Locale.ROOT).replace('_', ' ') +
                    " in the text)");
                if (!presentClasses.contains(identifier.dataClass()))
                {
                    presentClasses.add(identifier.dataClass());
                }
            }
        }
        if (delivery.undetermined())
        {
            classes.add("undetermined: " + delivery.identifiersFound() + " identifiers, more than " +
                EventDelivery.MAX_IDENTIFIERS + " can be transformed, so the most restrictive of the classes a residency rule names");
        }
        boolean sentTransformed = false;
        for (int d = 0; d < policy.regions().size(); d++)
        {
            final String region = policy.regions().get(d);
            if (EventResidencyPlan.NOT_ROUTED == delivery.decision(d))
            {
                destinations.put(region, new Delivery("nothing", Reasons.notRouted(actions)));
                continue;
            }
            final List<String> why = new ArrayList<>();
            if (rules.anonymizes(slot))
            {
                why.add("the rule anonymizes");
            }
            final String residency = reasons.forRegion(presentClasses, region);
            if (!residency.isEmpty())
            {
                why.add(residency);
            }
            final String outcome = switch (delivery.decision(d))
            {
                case EventResidencyPlan.RAW -> "raw";
                case EventResidencyPlan.TRANSFORM -> "transformed";
                default -> "blocked";
            };
            if (null != delivery.failure() && EventResidencyPlan.BLOCK == delivery.decision(d))
            {
                why.add("could not be transformed (" + delivery.failure() + ")");
            }
            sentTransformed |= EventResidencyPlan.TRANSFORM == delivery.decision(d);
            destinations.put(region, new Delivery(outcome, why.isEmpty() ? "no data class" : String.join("; ", why)));
        }
        // The form only a blocked destination would have had is not what anyone receives: not shown.
        final String form = written >= 0 && sentTransformed ? transformed.getStringWithoutLengthUtf8(0, written) : null;
        explanation = new Explanation(number, item, ruleName, rule, action, classes, destinations, form);
    }

    @Override
    public void onFlowRecord(final FieldReader reader, final NetflowParser parser, final long receiveTimeNs)
    {
        explanation = nothing("not parsed", "a flow record", "flow records are explained from captures of their datagrams");
    }

    @Override
    public void onRejected(
        final String key,
        final int position,
        final MemorySegment segment,
        final long offset,
        final int length,
        final long receiveTimeNs)
    {
        explanation = nothing("not parsed", "dropped before the rules (" + key + " at byte " + position + ")",
            "not parsed");
    }

    @Override
    public void close()
    {
        delivery.close();
    }

    private Explanation nothing(final String ruleName, final String action, final String why)
    {
        final Map<String, Delivery> destinations = new LinkedHashMap<>();
        policy.regions().forEach((region) -> destinations.put(region, new Delivery("nothing", why)));
        return new Explanation(number, shown(line), ruleName, ruleName, action, List.of(), destinations, null);
    }

    private String describe(final FieldReader reader)
    {
        final String kind = reader.isPresent(EventFields.ITEM_KIND) ? reader.text(EventFields.ITEM_KIND).toString() : "event";
        return kind + ": " + shown(line);
    }

    private static String shown(final String text)
    {
        return text.length() <= SHOWN_CHARS ? text : text.substring(0, SHOWN_CHARS) + "...";
    }
}
