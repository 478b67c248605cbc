package dev.sluice.policy;

import dev.sluice.policy.action.ActionKind;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.Suggestions;
import dev.sluice.policy.field.DataClasses;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.yaml.YamlChecks;
import dev.sluice.policy.yaml.YamlNode;
import dev.sluice.policy.yaml.YamlScalar;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses a rule's {@code then:} (one action or a list of them) into {@link RuleActions}:
 * <pre>
 * drop | keep | sample 1/N | anonymize &lt;field or class&gt;[, ...] with &lt;method&gt;
 * </pre>
 * {@code drop} stands alone; at most one of {@code keep} and {@code sample}; {@code anonymize}
 * alone implies {@code keep}. Errors point into the action text.
 * <p>
 * Confined to the thread parsing the policy.
 */
final class ActionParser
{
    static final List<String> ACTIONS = List.of("drop", "keep", "sample", "anonymize");
    private static final Set<String> LATER_ACTIONS = Set.of(
        "rate-limit", "tag", "route", "truncate", "strip", "aggregate", "count");

    private final FieldCatalogue catalogue;
    private final DataClasses dataClasses;
    private final Diagnostics diagnostics;

    ActionParser(final FieldCatalogue catalogue, final DataClasses dataClasses, final Diagnostics diagnostics)
    {
        this.catalogue = catalogue;
        this.dataClasses = dataClasses;
        this.diagnostics = diagnostics;
    }

    private record Token(String text, int start)
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
        boolean seenDrop = false;
        boolean seenOther = false;
        YamlScalar keepOrSample = null;
        int sampleDenominator = 0;
        final long[] masks = new long[AnonymizationMethod.values().length];

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
            final boolean known = ACTIONS.contains(verb.text);
            if (known && (seenDrop || ("drop".equals(verb.text) && seenOther)))
            {
                // Reported at whichever of the two came second.
                error(item, verb, "'drop' cannot be combined with other actions", "a dropped item is not forwarded, so nothing else applies");
                continue;
            }

            switch (verb.text)
            {
                case "drop", "keep" ->
                {
                    if (tokens.size() > 1)
                    {
                        error(item, tokens.get(1), "unexpected '" + tokens.get(1).text + "' after '" + verb.text + "'", null);
                    }
                    else if ("drop".equals(verb.text))
                    {
                        seenDrop = true;
                    }
                    else if (null != keepOrSample)
                    {
                        error(item, verb, "a rule can have only one of 'keep' and 'sample'", null);
                    }
                    else
                    {
                        keepOrSample = item;
                    }
                }
                case "sample" ->
                {
                    final int denominator = sample(item, tokens);
                    if (denominator > 0)
                    {
                        if (null != keepOrSample)
                        {
                            error(item, verb, "a rule can have only one of 'keep' and 'sample'", null);
                        }
                        else
                        {
                            keepOrSample = item;
                            sampleDenominator = denominator;
                        }
                    }
                }
                case "anonymize" -> anonymize(item, tokens, masks);
                default ->
                {
                    final String hint;
                    if (LATER_ACTIONS.contains(verb.text))
                    {
                        hint = "'" + verb.text + "' is not supported yet; actions today: " + String.join(", ", ACTIONS);
                    }
                    else
                    {
                        hint = Suggestions.didYouMean(verb.text, ACTIONS, "actions: " + String.join(", ", ACTIONS));
                    }
                    error(item, verb, "unknown action '" + verb.text + "'", hint);
                }
            }
            seenOther |= known && !"drop".equals(verb.text);
        }

        if (diagnostics.errorCount() != errorsBefore)
        {
            return null;
        }
        if (seenDrop)
        {
            return RuleActions.DROP;
        }
        if (sampleDenominator > 0)
        {
            return RuleActions.of(ActionKind.SAMPLE, sampleDenominator, masks);
        }
        return RuleActions.of(ActionKind.KEEP, 1, masks);
    }

    /**
     * @return N of {@code sample 1/N}, or 0 when an error was reported.
     */
    private int sample(final YamlScalar item, final List<Token> tokens)
    {
        final String form = "write 'sample 1/N' to keep one item in N, e.g. 'sample 1/10'";
        if (tokens.size() < 4 || !"/".equals(tokens.get(2).text))
        {
            final Token at = tokens.size() > 1 ? tokens.get(1) : tokens.getFirst();
            error(item, at, "expected '1/N' after 'sample'", form);
            return 0;
        }
        if (tokens.size() > 4)
        {
            error(item, tokens.get(4), "unexpected '" + tokens.get(4).text + "' after the sampling ratio", null);
            return 0;
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

    private void anonymize(final YamlScalar item, final List<Token> tokens, final long[] masks)
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
                masks[null == method ? 0 : method.ordinal()] |= resolve(item, token, method);
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
        }
    }

    /**
     * @return the base-field mask the name stands for, or 0 (reported) when it is not valid here.
     */
    private long resolve(final YamlScalar item, final Token token, final AnonymizationMethod method)
    {
        final Field field = catalogue.byName(token.text);
        if (null != field)
        {
            if (FieldKind.DERIVED == field.kind() || (null != method && !method.appliesTo(field.type())))
            {
                error(item, token,
                    "'" + field.name() + "' is an " + field.type().label() + " field; " +
                        (null == method ? "it cannot be anonymized" : method.keyword() + " anonymizes " + method.fieldType().label() + " fields"),
                    null);
                return 0;
            }
            long mask = 0;
            for (final Field base : field.baseFields())
            {
                mask |= 1L << base.id();
            }
            return mask;
        }

        if (dataClasses.contains(token.text))
        {
            final List<Field> fields = dataClasses.fieldsOf(token.text);
            if (fields.isEmpty())
            {
                diagnostics.warning(item.positionOf(token.start), "data class '" + token.text + "' has no fields; nothing to anonymize");
            }
            long mask = 0;
            for (final Field member : fields)
            {
                if (null != method && !method.appliesTo(member.type()))
                {
                    error(item, token,
                        "data class '" + token.text + "' includes '" + member.name() + "', an " + member.type().label() +
                            " field, which " + method.keyword() + " cannot anonymize",
                        null);
                    return 0;
                }
                mask |= 1L << member.id();
            }
            return mask;
        }

        final ArrayList<String> names = new ArrayList<>(catalogue.names());
        names.addAll(dataClasses.names());
        error(item, token, "unknown field or data class '" + token.text + "'", Suggestions.didYouMean(token.text, names));
        return 0;
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
                while (i < text.length() && isWordChar(text.charAt(i)))
                {
                    i++;
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
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || '_' == c || '.' == c || '-' == c;
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
