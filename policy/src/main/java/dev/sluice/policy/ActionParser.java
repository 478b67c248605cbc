package dev.sluice.policy;

import dev.sluice.policy.action.ActionKind;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.action.CountAction;
import dev.sluice.policy.action.PayloadAction;
import dev.sluice.policy.action.RateLimit;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.Suggestions;
import dev.sluice.policy.field.DataClasses;
import dev.sluice.policy.field.DynamicName;
import dev.sluice.policy.field.DynamicPrefix;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldResolver;
import dev.sluice.policy.field.FieldSet;
import dev.sluice.policy.yaml.YamlChecks;
import dev.sluice.policy.yaml.YamlNode;
import dev.sluice.policy.yaml.YamlScalar;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses a rule's {@code then:} (one action or a list of them) into {@link RuleActions}:
 * <pre>
 * drop | keep | sample 1/N [by &lt;field&gt;[, ...]] | aggregate flows
 *      | rate-limit N/s|N/m [by &lt;field&gt;[, ...]] [burst B]
 *      | count [by &lt;field&gt;[, ...]] every N(s|m|h)
 *      | truncate payload N | strip payload
 *      | anonymize &lt;field or class&gt;[, ...] with &lt;method&gt;
 *      | tag &lt;class&gt;[, ...] | route &lt;region&gt;[, ...]
 * </pre>
 * {@code drop} stands alone; at most one of {@code keep}, {@code sample}, {@code rate-limit},
 * {@code aggregate flows} and {@code count}; at most one payload action, and none with
 * {@code aggregate flows} or {@code count};
 * {@code anonymize}, payload actions, {@code tag} and {@code route} alone imply {@code keep};
 * {@code tag} and {@code route} (each at most once) go with anything but {@code drop} and
 * {@code aggregate flows}. A conflict is reported at
 * whichever of the two actions comes second. Errors point into the action text.
 * <p>
 * Confined to the thread parsing the policy.
 */
final class ActionParser
{
    static final List<String> ACTIONS =
        List.of("drop", "keep", "sample", "rate-limit", "aggregate", "count", "truncate", "strip", "anonymize", "tag", "route");
    private static final String RATE_FORM =
        "write 'rate-limit N/s [by <fields>] [burst B]' (or N/m per minute), e.g. 'rate-limit 100/s by ip.src'";
    private static final String COUNT_FORM =
        "write 'count [by <fields>] every N' with N in s, m or h, e.g. 'count by syslog.hostname every 1m'";

    private final FieldResolver catalogue;
    private final DataClasses dataClasses;
    private final Diagnostics diagnostics;
    private final Set<String> regions;

    /**
     * @param regions the regions the policy declares, or null when it declares none.
     */
    ActionParser(
        final FieldResolver catalogue, final DataClasses dataClasses, final Set<String> regions, final Diagnostics diagnostics)
    {
        this.catalogue = catalogue;
        this.regions = regions;
        this.dataClasses = dataClasses;
        this.diagnostics = diagnostics;
    }

    private record Token(String text, int start)
    {
    }

    /** Which group of mutually exclusive actions an action belongs to. */
    private enum Group
    {
        DROP, FORWARDING, PAYLOAD, ANONYMIZE, TAG, ROUTE
    }

    /** One action that parsed, for the combination checks. */
    private record Parsed(Group group, String text)
    {
    }

    /**
     * @param then the {@code then:} node.
     * @return the actions, or null when an error was reported.
     */
    RuleActions parse(final YamlNode then)
    {
        final List<YamlScalar> items = YamlChecks.scalarOrList(then, "'then'", diagnostics);
        if (null == items)
        {
            return null;
        }
        if (items.isEmpty())
        {
            diagnostics.error(then.position(), "a rule needs at least one action", "e.g. 'then: keep'");
            return null;
        }

        final int errorsBefore = diagnostics.errorCount();
        final ArrayList<Parsed> accepted = new ArrayList<>();
        ActionKind kind = null;
        int sampleDenominator = 1;
        PayloadAction payloadAction = PayloadAction.NONE;
        int payloadBytes = 0;
        RateLimit rateLimit = null;
        CountAction count = null;
        final Map<AnonymizationMethod, FieldSet.Builder> anonymize = new EnumMap<>(AnonymizationMethod.class);
        List<String> tags = List.of();
        List<String> routes = List.of();
        List<Field> sampleKeys = List.of();

        for (final YamlScalar item : items)
        {
            final List<Token> tokens = tokenize(item);
            if (null == tokens)
            {
                continue;
            }
            if (tokens.isEmpty())
            {
                diagnostics.error(item.position(), "empty action", null);
                continue;
            }

            final Token verb = tokens.getFirst();
            switch (verb.text)
            {
                case "drop", "keep" ->
                {
                    if (expectEnd(item, tokens, 1, "'" + verb.text + "'") && combines(item, verb, accepted, group(verb.text), verb.text))
                    {
                        kind = "drop".equals(verb.text) ? ActionKind.DROP : ActionKind.KEEP;
                    }
                }
                case "sample" ->
                {
                    final ArrayList<Field> keys = new ArrayList<>();
                    final int denominator = sample(item, tokens, keys);
                    if (denominator > 0 && combines(item, verb, accepted, Group.FORWARDING, "sample 1/" + denominator))
                    {
                        kind = ActionKind.SAMPLE;
                        sampleDenominator = denominator;
                        sampleKeys = keys;
                    }
                }
                case "rate-limit" ->
                {
                    final RateLimit limit = rateLimit(item, tokens);
                    if (null != limit && combines(item, verb, accepted, Group.FORWARDING, limit.describe()))
                    {
                        kind = ActionKind.RATE_LIMIT;
                        rateLimit = limit;
                    }
                }
                case "aggregate" ->
                {
                    if (aggregate(item, tokens) && combines(item, verb, accepted, Group.FORWARDING, "aggregate flows"))
                    {
                        kind = ActionKind.AGGREGATE;
                    }
                }
                case "count" ->
                {
                    final CountAction parsed = count(item, tokens);
                    if (null != parsed && combines(item, verb, accepted, Group.FORWARDING, parsed.describe()))
                    {
                        kind = ActionKind.COUNT;
                        count = parsed;
                    }
                }
                case "truncate", "strip" ->
                {
                    final int bytes = payload(item, tokens);
                    if (bytes >= 0)
                    {
                        final String text = "strip".equals(verb.text) ? "strip payload" : "truncate payload " + bytes;
                        if (combines(item, verb, accepted, Group.PAYLOAD, text))
                        {
                            payloadAction = 0 == bytes ? PayloadAction.STRIP : PayloadAction.TRUNCATE;
                            payloadBytes = bytes;
                        }
                    }
                }
                case "anonymize" ->
                {
                    final int errors = diagnostics.errorCount();
                    anonymize(item, tokens, anonymize);
                    if (errors == diagnostics.errorCount())
                    {
                        combines(item, verb, accepted, Group.ANONYMIZE, "anonymize");
                    }
                }
                case "tag" ->
                {
                    final List<String> classes = names(item, tokens, "tag");
                    if (null != classes && combines(item, verb, accepted, Group.TAG, "tag"))
                    {
                        tags = classes;
                    }
                }
                case "route" ->
                {
                    final List<String> destinations = names(item, tokens, "route");
                    if (null != destinations && combines(item, verb, accepted, Group.ROUTE, "route"))
                    {
                        routes = destinations;
                    }
                }
                default ->
                {
                    error(item, verb, "unknown action '" + verb.text + "'",
                        Suggestions.didYouMean(verb.text, ACTIONS, "actions: " + String.join(", ", ACTIONS)));
                }
            }
        }

        if (diagnostics.errorCount() != errorsBefore)
        {
            return null;
        }
        final Map<AnonymizationMethod, FieldSet> fields = new EnumMap<>(AnonymizationMethod.class);
        anonymize.forEach((method, builder) -> fields.put(method, builder.build()));
        final RuleActions actions = RuleActions.of(
                null == kind ? ActionKind.KEEP : kind, sampleDenominator, fields, payloadAction, payloadBytes, rateLimit, count)
            .withRoutesAndTags(routes, tags).withSampleKeys(sampleKeys);
        return null == kind ? actions.withImpliedKeep() : actions;
    }

    private static Group group(final String verb)
    {
        return "drop".equals(verb) ? Group.DROP : Group.FORWARDING;
    }

    /**
     * Check that an action that parsed can join those accepted before it; report the conflict
     * at this action's verb when it cannot.
     *
     * @return true when it was accepted.
     */
    private boolean combines(
        final YamlScalar item, final Token verb, final List<Parsed> accepted, final Group group, final String text)
    {
        for (final Parsed earlier : accepted)
        {
            final String message;
            String hint = null;
            if (Group.DROP == group || Group.DROP == earlier.group)
            {
                message = "'drop' cannot be combined with other actions";
                hint = "a dropped item is not forwarded, so nothing else applies";
            }
            else if (Group.FORWARDING == group && Group.FORWARDING == earlier.group)
            {
                if (isAggregate(text) && isAggregate(earlier.text))
                {
                    message = "'aggregate flows' is listed twice";
                }
                else if (isCount(text) && isCount(earlier.text))
                {
                    message = "a rule can have only one 'count'";
                }
                else if (isCount(text) || isCount(earlier.text))
                {
                    message = "'" + text + "' cannot be combined with '" + earlier.text + "'";
                    hint = "'count' forwards count records instead of the events it counts; put the other action in a rule of its own";
                }
                else if (isAggregate(text) || isAggregate(earlier.text))
                {
                    message = "'" + text + "' cannot be combined with '" + earlier.text + "'";
                    hint = "'aggregate flows' forwards flow records instead of packets; 'keep' and 'sample' forward packets";
                }
                else if (isRateLimit(text) || isRateLimit(earlier.text))
                {
                    message = "a rule can have only one of 'keep', 'sample' and 'rate-limit'";
                    hint = "a rate-limited rule forwards what is within the limit, and only that";
                }
                else
                {
                    message = "a rule can have only one of 'keep' and 'sample'";
                }
            }
            else if ((Group.TAG == group || Group.ROUTE == group) && group == earlier.group)
            {
                message = "a rule can have only one '" + text + "'";
                hint = "list every " + (Group.TAG == group ? "class" : "region") + " in one, separated by commas";
            }
            else if (((Group.TAG == group || Group.ROUTE == group) && isAggregate(earlier.text)) ||
                (isAggregate(text) && (Group.TAG == earlier.group || Group.ROUTE == earlier.group)))
            {
                final String other = isAggregate(text) ? earlier.text : text;
                message = "'" + other + "' cannot be combined with 'aggregate flows'";
                hint = "flow records go where the residency of their fields allows; " + other + " the packets in a rule that keeps them";
            }
            else if (Group.PAYLOAD == group && Group.PAYLOAD == earlier.group)
            {
                message = "a rule can have only one payload action, and it already has '" + earlier.text + "'";
            }
            else if ((Group.PAYLOAD == group && isCount(earlier.text)) || (isCount(text) && Group.PAYLOAD == earlier.group))
            {
                message = "'" + text + "' cannot be combined with '" + earlier.text + "'";
                hint = "count records carry no payload; cut payloads in a rule that keeps or samples";
            }
            else if ((Group.PAYLOAD == group && isAggregate(earlier.text)) || (isAggregate(text) && Group.PAYLOAD == earlier.group))
            {
                message = "'" + text + "' cannot be combined with '" + earlier.text + "'";
                hint = "flow records carry no payload; cut payloads in a rule that keeps or samples packets";
            }
            else
            {
                continue;
            }
            error(item, verb, message, hint);
            return false;
        }
        accepted.add(new Parsed(group, text));
        return true;
    }

    private static boolean isAggregate(final String text)
    {
        return "aggregate flows".equals(text);
    }

    private static boolean isCount(final String text)
    {
        return "count".equals(text) || text.startsWith("count ");
    }

    private static boolean isRateLimit(final String text)
    {
        return text.startsWith("rate-limit ");
    }

    /**
     * @return true when no token follows index {@code end - 1}; otherwise reported.
     */
    private boolean expectEnd(final YamlScalar item, final List<Token> tokens, final int end, final String after)
    {
        if (tokens.size() > end)
        {
            error(item, tokens.get(end), "unexpected '" + tokens.get(end).text + "' after " + after, null);
            return false;
        }
        return true;
    }

    /**
     * @return N of {@code sample 1/N}, or 0 when an error was reported.
     */
    private int sample(final YamlScalar item, final List<Token> tokens, final List<Field> keys)
    {
        final String form = "write 'sample 1/N [by <fields>]' to keep one item in N, e.g. 'sample 1/10' or 'sample 1/10 by ip.src'";
        if (tokens.size() < 4 || !"/".equals(tokens.get(2).text))
        {
            final Token at = tokens.size() > 1 ? tokens.get(1) : tokens.getFirst();
            error(item, at, "expected '1/N' after 'sample'", form);
            return 0;
        }
        if (tokens.size() > 4)
        {
            if (!"by".equals(tokens.get(4).text))
            {
                error(item, tokens.get(4), "unexpected '" + tokens.get(4).text + "' after the sampling ratio",
                    "'sample 1/N by <fields>' keeps every item of one key in N, the same keys on every gateway");
                return 0;
            }
            if (keys(item, tokens, 4, keys, "", "a sample picks") < 0)
            {
                return 0;
            }
        }

        final Token numerator = tokens.get(1);
        final Token denominator = tokens.get(3);
        if (!"1".equals(numerator.text))
        {
            error(item, numerator, "only 1/N sampling is supported, found " + numerator.text + "/" + denominator.text, form);
            return 0;
        }
        if (!isDecimal(denominator.text))
        {
            error(item, denominator, "expected a whole number after '1/', found '" + denominator.text + "'", form);
            return 0;
        }
        final String digits = denominator.text.replaceFirst("^0+(?=.)", "");
        if (digits.length() > 10 || Long.parseLong(digits) > Integer.MAX_VALUE)
        {
            error(item, denominator, "sampling denominator " + denominator.text + " is too large (at most " + Integer.MAX_VALUE + ")", null);
            return 0;
        }
        final int value = Integer.parseInt(digits);
        if (0 == value)
        {
            error(item, denominator, "'sample 1/0' is not a ratio: N must be at least 1", "use 'drop' to keep nothing, 'keep' to keep everything");
            return 0;
        }

        return value;
    }

    /**
     * {@code rate-limit N/s|N/m [by <field>[, ...]] [burst B]}.
     *
     * @return the limit, or null when an error was reported.
     */
    private RateLimit rateLimit(final YamlScalar item, final List<Token> tokens)
    {
        if (tokens.size() < 4 || !"/".equals(tokens.get(2).text))
        {
            final Token at = tokens.size() > 1 ? tokens.get(1) : tokens.getFirst();
            error(item, at, "expected a rate such as '100/s' after 'rate-limit'", RATE_FORM);
            return null;
        }
        final Token countToken = tokens.get(1);
        final long count = positive(item, countToken, "a rate", "the number of items per second or minute");
        if (count < 0)
        {
            return null;
        }
        final Token unit = tokens.get(3);
        final RateLimit.Period period = RateLimit.Period.byUnit(unit.text);
        if (null == period)
        {
            error(item, unit, "unknown rate unit '" + unit.text + "'", "write N/s for a rate per second, N/m for one per minute");
            return null;
        }

        int next = 4;
        final ArrayList<Field> keys = new ArrayList<>();
        if (next < tokens.size() && "by".equals(tokens.get(next).text))
        {
            next = keys(item, tokens, next, keys, "burst", "a rate limit counts");
            if (next < 0)
            {
                return null;
            }
        }
        long burst = count;
        if (next < tokens.size() && "burst".equals(tokens.get(next).text))
        {
            if (next + 1 >= tokens.size())
            {
                error(item, tokens.get(next), "expected the number of items after 'burst'",
                    "'burst B' lets up to B items through at once after a quiet spell; without it B is N");
                return null;
            }
            burst = positive(item, tokens.get(next + 1), "a burst", "the most items let through at once");
            if (burst < 0)
            {
                return null;
            }
            next += 2;
        }
        if (next < tokens.size())
        {
            final Token extra = tokens.get(next);
            error(item, extra, "unexpected '" + extra.text + "' in 'rate-limit'",
                "continue the rate with 'by <fields>', then 'burst B', in that order");
            return null;
        }
        return new RateLimit(count, period, burst, keys);
    }

    /**
     * Parse the key fields after {@code by} at {@code byIndex} into {@code keys}, up to the word
     * {@code stop} (empty: up to the end).
     *
     * @return the index after the last key, or -1 when an error was reported.
     */
    private int keys(
        final YamlScalar item, final List<Token> tokens, final int byIndex, final List<Field> keys, final String stop, final String counts)
    {
        final String form = "write 'by' and fields separated by commas, e.g. 'by ip.src, tcp.dstport'";
        int i = byIndex + 1;
        boolean expectName = true;
        for (; i < tokens.size(); i++)
        {
            final Token token = tokens.get(i);
            if (expectName)
            {
                if (",".equals(token.text) || "/".equals(token.text) || stop.equals(token.text))
                {
                    error(item, token, "expected a field after " + (i == byIndex + 1 ? "'by'" : "','") + ", found '" + token.text + "'", form);
                    return -1;
                }
                final Field field = key(item, token, counts);
                if (null == field)
                {
                    return -1;
                }
                if (keys.contains(field))
                {
                    diagnostics.warning(item.positionOf(token.start), "'" + token.text + "' is listed twice");
                }
                else
                {
                    keys.add(field);
                }
                expectName = false;
            }
            else if (",".equals(token.text))
            {
                expectName = true;
            }
            else if (stop.equals(token.text))
            {
                break;
            }
            else
            {
                error(item, token, "expected ','" + (stop.isEmpty() ? "" : " or '" + stop + "'") + " after a key field, found '" +
                    token.text + "'", "separate fields with commas");
                return -1;
            }
        }
        if (expectName)
        {
            error(item, tokens.get(i - 1), "expected a field after '" + tokens.get(i - 1).text + "'", form);
            return -1;
        }
        return i;
    }

    /**
     * @param counts what counts by keys, for a message: "a rate limit counts".
     * @return the field a rate limit or a count counts by, or null (reported) when the name is not one.
     */
    private Field key(final YamlScalar item, final Token token, final String counts)
    {
        Field field = catalogue.standard().byName(token.text);
        if (null == field)
        {
            try
            {
                final DynamicName dynamic = DynamicName.parse(token.text);
                if (null != dynamic)
                {
                    // A key does not type the field: a comparison elsewhere may, otherwise it is text.
                    return catalogue.use(dynamic, null, null, item.positionOf(token.start), diagnostics);
                }
            }
            catch (final DynamicName.Invalid invalid)
            {
                diagnostics.error(item.positionOf(token.start + invalid.offset()), invalid.getMessage(), invalid.hint());
                return null;
            }
        }
        if (null == field)
        {
            if (dataClasses.contains(token.text))
            {
                error(item, token, "'" + token.text + "' is a data class; " + counts + " by fields",
                    "name the fields, e.g. 'by ip.src'");
            }
            else
            {
                error(item, token, "unknown field '" + token.text + "'", Suggestions.didYouMean(token.text, catalogue.names()));
            }
            return null;
        }
        if (FieldKind.ALIAS == field.kind())
        {
            final List<String> names = field.aliasedFields().stream().map(Field::name).toList();
            error(item, token,
                "'" + field.name() + "' stands for either of " + String.join(" and ", names) + ", so it is not one value to count by",
                "count by " + String.join(", by ", names.stream().map(n -> "'" + n + "'").toList()) + ", or by both: 'by " +
                    String.join(", ", names) + "'");
            return null;
        }
        return field;
    }

    /**
     * {@code count [by <field>[, ...]] every N(s|m|h)}; the number and its unit may be one word
     * ({@code 1m}) or two ({@code 1 m}).
     *
     * @return the count, or null when an error was reported.
     */
    private CountAction count(final YamlScalar item, final List<Token> tokens)
    {
        int next = 1;
        final ArrayList<Field> keys = new ArrayList<>();
        if (next < tokens.size() && "by".equals(tokens.get(next).text))
        {
            next = keys(item, tokens, next, keys, "every", "a count counts");
            if (next < 0)
            {
                return null;
            }
            if (keys.size() > CountAction.MAX_KEYS)
            {
                error(item, tokens.get(1), "a count has at most " + CountAction.MAX_KEYS + " key fields, found " + keys.size(),
                    "each combination of key values is one count record; count by fewer fields");
                return null;
            }
        }
        if (next >= tokens.size() || !"every".equals(tokens.get(next).text))
        {
            final Token at = next < tokens.size() ? tokens.get(next) : tokens.getLast();
            error(item, at, next < tokens.size() ?
                "expected 'by' or 'every' in 'count', found '" + at.text + "'" :
                "expected 'every <window>' at the end of 'count'", COUNT_FORM);
            return null;
        }
        if (next + 1 >= tokens.size())
        {
            error(item, tokens.get(next), "expected a window such as '1m' after 'every'", COUNT_FORM);
            return null;
        }
        final Token amount = tokens.get(next + 1);
        int digitsEnd = 0;
        while (digitsEnd < amount.text.length() && amount.text.charAt(digitsEnd) >= '0' && amount.text.charAt(digitsEnd) <= '9')
        {
            digitsEnd++;
        }
        if (0 == digitsEnd)
        {
            error(item, amount, "expected a whole number and a unit after 'every', found '" + amount.text + "'", COUNT_FORM);
            return null;
        }
        final String digits = amount.text.substring(0, digitsEnd);
        Token unitToken = amount;
        int unitStart = digitsEnd;
        String symbol = amount.text.substring(digitsEnd);
        int end = next + 2;
        if (symbol.isEmpty() && end < tokens.size())
        {
            unitToken = tokens.get(end);
            unitStart = 0;
            symbol = unitToken.text;
            end++;
        }
        if (symbol.isEmpty())
        {
            error(item, amount, "expected a unit after '" + amount.text + "'",
                "write s for seconds, m for minutes, h for hours, e.g. 'every 1m'");
            return null;
        }
        final CountAction.Unit unit = CountAction.Unit.bySymbol(symbol);
        if (null == unit)
        {
            diagnostics.error(item.positionOf(unitToken.start + unitStart), "unknown window unit '" + symbol + "'",
                "write s for seconds, m for minutes, h for hours, e.g. 'every 1m'");
            return null;
        }
        final String trimmed = digits.replaceFirst("^0+(?=.)", "");
        final long limit = CountAction.MAX_WINDOW_SECONDS / unit.seconds();
        if (trimmed.length() > 10 || Long.parseLong(trimmed) > limit)
        {
            error(item, amount, "a window of " + digits + unit.symbol() + " is too long (at most " + limit + unit.symbol() + ", one day)",
                "count over a shorter window; the core can add windows up");
            return null;
        }
        final long window = Long.parseLong(trimmed);
        if (0 == window)
        {
            error(item, amount, "a window of 0" + unit.symbol() + " is empty: it must be at least 1" + unit.symbol(), COUNT_FORM);
            return null;
        }
        if (end < tokens.size())
        {
            error(item, tokens.get(end), "unexpected '" + tokens.get(end).text + "' after the window", COUNT_FORM);
            return null;
        }
        return new CountAction(keys, window, unit);
    }

    /**
     * @return a whole number 1..{@link RateLimit#MAX_COUNT}, or -1 when an error was reported.
     */
    private long positive(final YamlScalar item, final Token token, final String what, final String meaning)
    {
        if (!isDecimal(token.text))
        {
            error(item, token, "expected a whole number for " + what + ", found '" + token.text + "'", RATE_FORM);
            return -1;
        }
        final String digits = token.text.replaceFirst("^0+(?=.)", "");
        if (digits.length() > 10 || Long.parseLong(digits) > RateLimit.MAX_COUNT)
        {
            error(item, token, token.text + " is too large for " + what + " (at most " + RateLimit.MAX_COUNT + ")", null);
            return -1;
        }
        final long value = Long.parseLong(digits);
        if (0 == value)
        {
            error(item, token, "0 is not " + what + ": " + meaning + " must be at least 1",
                "use 'drop' to forward nothing from the rule");
            return -1;
        }
        return value;
    }

    /**
     * @return true for {@code aggregate flows}; otherwise reported.
     */
    private boolean aggregate(final YamlScalar item, final List<Token> tokens)
    {
        if (tokens.size() < 2)
        {
            error(item, tokens.getFirst(), "expected 'flows' after 'aggregate'", "write 'aggregate flows'");
            return false;
        }
        final Token what = tokens.get(1);
        if (!"flows".equals(what.text))
        {
            error(item, what, "unknown aggregation '" + what.text + "'",
                Suggestions.didYouMean(what.text, List.of("flows"), "only 'aggregate flows' is supported"));
            return false;
        }
        return expectEnd(item, tokens, 2, "'aggregate flows'");
    }

    /**
     * @return the payload bytes to keep ({@code strip payload}: 0), or -1 when an error was reported.
     */
    private int payload(final YamlScalar item, final List<Token> tokens)
    {
        final Token verb = tokens.getFirst();
        final boolean strip = "strip".equals(verb.text);
        final String form = strip ?
            "write 'strip payload' to forward headers only" :
            "write 'truncate payload N' to keep the first N bytes of each payload, e.g. 'truncate payload 64'";
        if (tokens.size() < 2)
        {
            error(item, verb, "expected 'payload' after '" + verb.text + "'", form);
            return -1;
        }
        final Token what = tokens.get(1);
        if (!"payload".equals(what.text))
        {
            error(item, what, "expected 'payload' after '" + verb.text + "', found '" + what.text + "'",
                "only payloads can be cut; headers are always kept whole");
            return -1;
        }
        if (strip)
        {
            return expectEnd(item, tokens, 2, "'strip payload'") ? 0 : -1;
        }

        if (tokens.size() < 3)
        {
            error(item, what, "expected the number of payload bytes to keep after 'truncate payload'", form);
            return -1;
        }
        final Token count = tokens.get(2);
        if (!isDecimal(count.text))
        {
            error(item, count, "expected a whole number of bytes after 'truncate payload', found '" + count.text + "'", form);
            return -1;
        }
        final String digits = count.text.replaceFirst("^0+(?=.)", "");
        if (digits.length() > 10 || Long.parseLong(digits) > RuleActions.MAX_PAYLOAD_BYTES)
        {
            error(item, count,
                count.text + " is out of range for 'truncate payload' (0.." + RuleActions.MAX_PAYLOAD_BYTES + " bytes)",
                "no payload is longer than " + RuleActions.MAX_PAYLOAD_BYTES + " bytes; leave the action out to keep payloads whole");
            return -1;
        }
        if (!expectEnd(item, tokens, 3, "the number of bytes"))
        {
            return -1;
        }
        return Integer.parseInt(digits);
    }

    private void anonymize(final YamlScalar item, final List<Token> tokens, final Map<AnonymizationMethod, FieldSet.Builder> sets)
    {
        final String form = "write 'anonymize <fields or classes> with <method>', e.g. 'anonymize ip.src, ip.dst with cryptopan'";
        int withIndex = -1;
        for (int i = 1; i < tokens.size(); i++)
        {
            if ("with".equals(tokens.get(i).text))
            {
                withIndex = i;
                break;
            }
        }
        if (withIndex < 0)
        {
            final Token last = tokens.getLast();
            error(item, last, "expected 'with <method>' at the end of 'anonymize'", form);
            return;
        }
        if (1 == withIndex)
        {
            error(item, tokens.get(1), "expected a field or data class after 'anonymize'", form);
            return;
        }
        if (withIndex + 1 >= tokens.size())
        {
            error(item, tokens.get(withIndex), "expected a method after 'with'",
                "methods: " + String.join(", ", AnonymizationMethod.keywords()));
            return;
        }
        if (withIndex + 2 < tokens.size())
        {
            error(item, tokens.get(withIndex + 2), "unexpected '" + tokens.get(withIndex + 2).text + "' after the method", null);
            return;
        }

        final Token methodToken = tokens.get(withIndex + 1);
        final AnonymizationMethod method = AnonymizationMethod.byKeyword(methodToken.text);
        if (null == method)
        {
            error(item, methodToken, "unknown anonymization method '" + methodToken.text + "'",
                Suggestions.didYouMean(methodToken.text, AnonymizationMethod.keywords(),
                    "methods: " + String.join(", ", AnonymizationMethod.keywords())));
        }

        final FieldSet.Builder fields = FieldSet.builder();
        final Set<String> seen = new LinkedHashSet<>();
        boolean expectName = true;
        for (int i = 1; i < withIndex; i++)
        {
            final Token token = tokens.get(i);
            if (expectName)
            {
                if (",".equals(token.text) || "/".equals(token.text))
                {
                    error(item, token, "expected a field or data class, found '" + token.text + "'", form);
                    return;
                }
                if (!seen.add(token.text))
                {
                    diagnostics.warning(item.positionOf(token.start), "'" + token.text + "' is listed twice");
                }
                fields.addAll(resolve(item, token, method));
                expectName = false;
            }
            else
            {
                if (!",".equals(token.text))
                {
                    error(item, token, "expected ',' or 'with', found '" + token.text + "'", "separate fields with commas");
                    return;
                }
                expectName = true;
            }
        }
        if (expectName)
        {
            error(item, tokens.get(withIndex), "expected a field or data class before 'with'", form);
            return;
        }
        if (null != method)
        {
            sets.computeIfAbsent(method, ignore -> FieldSet.builder()).addAll(fields.build());
        }
    }

    /**
     * @return the base fields the name stands for, or none (reported) when it is not valid here.
     */
    private FieldSet resolve(final YamlScalar item, final Token token, final AnonymizationMethod method)
    {
        Field field = catalogue.standard().byName(token.text);
        if (null == field)
        {
            try
            {
                final DynamicName dynamic = DynamicName.parse(token.text);
                if (null != dynamic)
                {
                    // Named with a method, the field takes the type the method transforms.
                    field = catalogue.use(
                        dynamic,
                        null == method ? null : method.fieldType(),
                        null == method ? null : "anonymized with " + method.keyword(),
                        item.positionOf(token.start),
                        diagnostics);
                    if (null == field)
                    {
                        return FieldSet.EMPTY;
                    }
                }
            }
            catch (final DynamicName.Invalid invalid)
            {
                diagnostics.error(item.positionOf(token.start + invalid.offset()), invalid.getMessage(), invalid.hint());
                return FieldSet.EMPTY;
            }
        }
        if (null != field)
        {
            if (FieldKind.DERIVED == field.kind() || (null != method && !method.appliesTo(field)))
            {
                error(item, token,
                    "'" + field.name() + "' is " + field.type().labelWithArticle() + " field; " +
                        (null == method ? "it cannot be anonymized" : method.keyword() + " anonymizes " + method.transformsWhat()),
                    null);
                return FieldSet.EMPTY;
            }
            return FieldSet.of(field.baseFields());
        }

        if (dataClasses.contains(token.text))
        {
            final List<Field> fields = dataClasses.fieldsOf(token.text);
            if (fields.isEmpty())
            {
                diagnostics.warning(item.positionOf(token.start), "data class '" + token.text + "' has no fields; nothing to anonymize");
            }
            for (final Field member : fields)
            {
                if (null != method && !method.appliesTo(member.type()))
                {
                    error(item, token,
                        "data class '" + token.text + "' includes '" + member.name() + "', " + member.type().labelWithArticle() +
                            " field, which " + method.keyword() + " cannot anonymize",
                        null);
                    return FieldSet.EMPTY;
                }
            }
            return FieldSet.of(fields);
        }

        final ArrayList<String> names = new ArrayList<>(catalogue.names());
        names.addAll(dataClasses.names());
        error(item, token, "unknown field or data class '" + token.text + "'", Suggestions.didYouMean(token.text, names));
        return FieldSet.EMPTY;
    }

    /**
     * The comma-separated data classes of {@code tag} or regions of {@code route}, each checked:
     * a class must be built in or declared in {@code classes:}, a region declared in {@code regions:}.
     *
     * @return the names in order, or null when an error was reported.
     */
    private List<String> names(final YamlScalar item, final List<Token> tokens, final String verb)
    {
        final boolean tag = "tag".equals(verb);
        final String form = tag ? "write 'tag <class>[, <class>...]', e.g. 'tag pii.user'" :
            "write 'route <region>[, <region>...]', e.g. 'route eu-west'";
        if (!tag && null == regions)
        {
            error(item, tokens.getFirst(), "'route' needs a 'regions' list that declares every region it names",
                "add e.g. 'regions: [eu-west, us-east]'");
            return null;
        }
        final LinkedHashSet<String> names = new LinkedHashSet<>();
        boolean expectName = true;
        for (int i = 1; i < tokens.size(); i++)
        {
            final Token token = tokens.get(i);
            if (expectName)
            {
                if (",".equals(token.text) || "/".equals(token.text))
                {
                    error(item, token, "expected a " + (tag ? "data class" : "region") + ", found '" + token.text + "'", form);
                    return null;
                }
                if (tag && !dataClasses.contains(token.text))
                {
                    error(item, token, "unknown data class '" + token.text + "'",
                        Suggestions.didYouMean(token.text, dataClasses.names(), "declare it under 'classes:', e.g. '" + token.text + ": []'"));
                    return null;
                }
                if (!tag && !regions.contains(token.text))
                {
                    error(item, token, "region '" + token.text + "' is not declared in 'regions'",
                        Suggestions.didYouMean(token.text, regions, "add it to 'regions:'"));
                    return null;
                }
                if (!names.add(token.text))
                {
                    diagnostics.warning(item.positionOf(token.start), "'" + token.text + "' is listed twice");
                }
                expectName = false;
            }
            else if (",".equals(token.text))
            {
                expectName = true;
            }
            else
            {
                error(item, token, "expected ',' between " + (tag ? "classes" : "regions") + ", found '" + token.text + "'", form);
                return null;
            }
        }
        if (expectName)
        {
            error(item, tokens.getLast(), "expected a " + (tag ? "data class" : "region") + " after '" + tokens.getLast().text + "'", form);
            return null;
        }
        return List.copyOf(names);
    }

    /**
     * Split an action into words, ',' and '/' with their offsets; null (reported) on a stray character.
     */
    private List<Token> tokenize(final YamlScalar item)
    {
        final String text = item.value();
        final ArrayList<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < text.length())
        {
            final char c = text.charAt(i);
            if (' ' == c || '\t' == c || '\n' == c || '\r' == c)
            {
                i++;
            }
            else if (',' == c || '/' == c)
            {
                tokens.add(new Token(String.valueOf(c), i));
                i++;
            }
            else if (isWordChar(c))
            {
                final int start = i;
                while (i < text.length())
                {
                    if (isWordChar(text.charAt(i)))
                    {
                        i++;
                    }
                    else if ('[' == text.charAt(i) && null != DynamicPrefix.of(text.substring(start, i + 1)))
                    {
                        // A bracketed step of a dynamic name: json.hops[0], json.http["client-ip"].
                        final int end = DynamicName.bracketEnd(text, i);
                        if (end < 0)
                        {
                            diagnostics.error(
                                item.positionOf(i),
                                "malformed '[' in the field name '" + text.substring(start, i) + "'",
                                "write an array index as [0] and a key with other characters as [\"client-ip\"]");
                            return null;
                        }
                        i = end;
                    }
                    else
                    {
                        break;
                    }
                }
                tokens.add(new Token(text.substring(start, i), start));
            }
            else
            {
                diagnostics.error(
                    item.positionOf(i),
                    "unexpected character " + (c > 0x20 && c < 0x7F ? "'" + c + "'" : String.format("U+%04X", (int)c)) + " in an action",
                    null);
                return null;
            }
        }
        return tokens;
    }

    private static boolean isWordChar(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || '_' == c || '.' == c || '-' == c ||
            '@' == c;
    }

    private static boolean isDecimal(final String text)
    {
        for (int i = 0; i < text.length(); i++)
        {
            if (text.charAt(i) < '0' || text.charAt(i) > '9')
            {
                return false;
            }
        }
        return !text.isEmpty();
    }

    private void error(final YamlScalar item, final Token token, final String message, final String hint)
    {
        diagnostics.error(item.positionOf(token.start), message, hint);
    }
}
