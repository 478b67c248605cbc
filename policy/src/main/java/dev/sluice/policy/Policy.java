package dev.sluice.policy;

import dev.sluice.policy.action.ActionKind;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.action.AnonymizationSettings;
import dev.sluice.policy.action.FlowSettings;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.compile.RuleCompiler;
import dev.sluice.policy.compile.RuleMatcher;
import dev.sluice.policy.condition.Condition;
import dev.sluice.policy.condition.ConstantCondition;
import dev.sluice.policy.condition.NamedList;
import dev.sluice.policy.field.DataClasses;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldReader;
import dev.sluice.policy.field.FieldType;
import dev.sluice.policy.keys.KeyEpochs;
import dev.sluice.policy.residency.Residency;
import dev.sluice.policy.residency.ResidencyRule;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated policy: its rules with compiled conditions and actions, its default action, data
 * classes and residency rules. Only {@link PolicyParser} creates one.
 * <p>
 * The dataplane calls {@link #firstMatch(FieldReader)} per item and {@link #actionsFor(int)} to
 * learn what to do; neither allocates.
 * <p>
 * Immutable; any thread (each thread with its own {@link FieldReader}).
 */
public final class Policy
{
    /** Under {@code match: all}, the most rules that may have modifiers (bits of {@link #modifierMatches}). */
    public static final int MAX_MODIFIER_RULES = Long.SIZE;

    /** What {@link #firstMatch} returns when no rule matches and the default applies. */
    public static final int NO_MATCH = -1;

    /** {@link #describe()} prints a longer list one member a line. */
    private static final int LIST_MEMBERS_ON_ONE_LINE = 16;

    private final String sourceName;
    private final String name;
    private final int formatVersion;
    private final MatchMode matchMode;
    private final RuleActions defaultActions;
    private final List<String> regions;
    private final DataClasses dataClasses;
    private final FlowSettings flowSettings;
    private final AnonymizationSettings anonymizationSettings;
    /** Computed once: the data path asks per event. */
    private final AnonymizationMethod addressMethod;
    private final List<NamedList> lists;
    private final List<Rule> rules;
    private final Residency residency;
    private final FieldCatalogue catalogue;
    private final KeyEpochs keys;
    private final Condition[] conditions;
    private final RuleActions[] actions;
    /** Generated code (or the interpreter when compilation is off or failed): the data path's. */
    private final RuleMatcher matcher;
    private final RuleMatcher interpreter;
    private final boolean compiled;
    private final String compileNote;
    /** Under match: all, the rules with modifiers (rule indexes), whose matches {@link #modifierMatches} gives as bits. */
    private final int[] modifierRules;
    private final Condition[] modifierConditions;

    Policy(
        final String sourceName,
        final String name,
        final int formatVersion,
        final MatchMode matchMode,
        final RuleActions defaultActions,
        final List<String> regions,
        final DataClasses dataClasses,
        final FlowSettings flowSettings,
        final AnonymizationSettings anonymizationSettings,
        final List<NamedList> lists,
        final List<Rule> rules,
        final Residency residency,
        final FieldCatalogue catalogue,
        final KeyEpochs keys)
    {
        this.sourceName = sourceName;
        this.name = name;
        this.formatVersion = formatVersion;
        this.matchMode = matchMode;
        this.defaultActions = defaultActions;
        this.regions = List.copyOf(regions);
        this.dataClasses = dataClasses;
        this.flowSettings = flowSettings;
        this.anonymizationSettings = anonymizationSettings;
        this.addressMethod = addressMethodOf(rules, residency);
        this.lists = List.copyOf(lists);
        this.rules = List.copyOf(rules);
        this.residency = residency;
        this.catalogue = catalogue;
        this.keys = keys;

        conditions = new Condition[rules.size()];
        actions = new RuleActions[rules.size()];
        for (int i = 0; i < conditions.length; i++)
        {
            conditions[i] = rules.get(i).condition();
            actions[i] = rules.get(i).actions();
        }

        // Under match: all the matcher finds the first rule that decides forwarding: a rule of modifiers
        // only never does; every rule with modifiers is tested apart (modifierMatches).
        final Condition[] verdictConditions = conditions.clone();
        final List<Integer> withModifiers = new ArrayList<>();
        for (int i = 0; i < conditions.length && MatchMode.ALL == matchMode; i++)
        {
            if (!actions[i].statesVerdict())
            {
                verdictConditions[i] = ConstantCondition.FALSE;
            }
            if (actions[i].hasModifiers())
            {
                withModifiers.add(i);
            }
        }
        if (withModifiers.size() > MAX_MODIFIER_RULES)
        {
            throw new IllegalArgumentException(withModifiers.size() + " rules with modifiers under match: all");
        }
        modifierRules = withModifiers.stream().mapToInt(Integer::intValue).toArray();
        modifierConditions = new Condition[modifierRules.length];
        for (int k = 0; k < modifierRules.length; k++)
        {
            modifierConditions[k] = conditions[modifierRules[k]];
        }

        // Compiled here, while the policy is built off the data path, never per item.
        final RuleCompiler.Selection selection = RuleCompiler.select(verdictConditions);
        matcher = selection.matcher();
        interpreter = selection.interpreter();
        compiled = selection.compiled();
        compileNote = selection.note();
    }

    /**
     * @param item the item's fields.
     * @return the index of the first rule whose condition holds, or {@link #NO_MATCH}.
     */
    public int firstMatch(final FieldReader item)
    {
        return matcher.firstMatch(item);
    }

    /**
     * Under {@code match: all}, which rules with modifiers (anonymize, payload cut, tag, route) match
     * the item, each of them adding its modifiers to what the {@link #firstMatch} rule decides.
     *
     * @param item the item's fields.
     * @return bit k set when rule {@link #modifierRule(int) modifierRule(k)} matches; always 0 under {@code match: first}.
     */
    public long modifierMatches(final FieldReader item)
    {
        long matches = 0;
        for (int k = 0; k < modifierConditions.length; k++)
        {
            if (modifierConditions[k].test(item))
            {
                matches |= 1L << k;
            }
        }
        return matches;
    }

    /**
     * @param k a bit of {@link #modifierMatches}.
     * @return the index of the rule it stands for.
     */
    public int modifierRule(final int k)
    {
        return modifierRules[k];
    }

    /**
     * @return the rule of each bit of {@link #modifierMatches}, in bit order (a copy).
     */
    public int[] modifierRules()
    {
        return modifierRules.clone();
    }

    /**
     * @return how many rules {@link #modifierMatches} tests: under {@code match: all}, those with modifiers; 0 otherwise.
     */
    public int modifierRuleCount()
    {
        return modifierRules.length;
    }

    /**
     * What an item gets when {@code ruleIndex} decides its forwarding and the rules of
     * {@code modifierMatches} match too (for {@code explain}; allocates).
     *
     * @param ruleIndex       what {@link #firstMatch} returned.
     * @param modifierMatches what {@link #modifierMatches} returned.
     * @return the combined actions.
     */
    public RuleActions combinedActions(final int ruleIndex, final long modifierMatches)
    {
        RuleActions combined = actionsFor(ruleIndex);
        for (long remaining = modifierMatches; remaining != 0; remaining &= remaining - 1)
        {
            combined = combined.plusModifiersOf(actions[modifierRules[Long.numberOfTrailingZeros(remaining)]]);
        }
        return combined;
    }

    /**
     * The same answer as {@link #firstMatch} from the interpreter over the condition trees, for
     * {@code explain} and for tests that hold the generated code to it.
     *
     * @param item the item's fields.
     * @return the index of the first rule whose condition holds, or {@link #NO_MATCH}.
     */
    public int firstMatchInterpreted(final FieldReader item)
    {
        return interpreter.firstMatch(item);
    }

    /**
     * @return true when {@link #firstMatch} runs generated code; false when it interprets, because
     * {@code sluice.policy.compile=false} or because the code could not be generated
     * ({@link #compileNote()} says which).
     */
    public boolean isCompiled()
    {
        return compiled;
    }

    /**
     * @return "compiled", or why the policy is interpreted.
     */
    public String compileNote()
    {
        return compileNote;
    }

    /**
     * @param ruleIndex what {@link #firstMatch} returned.
     * @return the rule's actions, or the default's for {@link #NO_MATCH}.
     */
    public RuleActions actionsFor(final int ruleIndex)
    {
        return NO_MATCH == ruleIndex ? defaultActions : actions[ruleIndex];
    }

    /**
     * @return the name the document was parsed under (file name, store key).
     */
    public String sourceName()
    {
        return sourceName;
    }

    public String name()
    {
        return name;
    }

    /**
     * @return the {@code sluice-policy:} document format version.
     */
    public int formatVersion()
    {
        return formatVersion;
    }

    public MatchMode matchMode()
    {
        return matchMode;
    }

    /**
     * @return what happens to items no rule matches: {@link RuleActions#KEEP} or {@link RuleActions#DROP}.
     */
    public RuleActions defaultActions()
    {
        return defaultActions;
    }

    /**
     * @return the declared regions, in order.
     */
    public List<String> regions()
    {
        return regions;
    }

    /**
     * @return the parameters of the anonymization methods: the document's {@code anonymization:}
     * section, with defaults for what it leaves out ({@link AnonymizationSettings#DEFAULTS} without one).
     */
    public AnonymizationSettings anonymizationSettings()
    {
        return anonymizationSettings;
    }

    /**
     * @return how this policy transforms addresses wherever it does: TRUNCATE when a rule or a
     * residency rule names truncate, otherwise CRYPTOPAN (a policy uses one of the two, never both).
     */
    public AnonymizationMethod addressMethod()
    {
        return addressMethod;
    }

    private static AnonymizationMethod addressMethodOf(final List<Rule> rules, final Residency residency)
    {
        for (final Rule rule : rules)
        {
            if (!rule.actions().anonymizeFields(AnonymizationMethod.TRUNCATE).isEmpty())
            {
                return AnonymizationMethod.TRUNCATE;
            }
        }
        for (final ResidencyRule rule : residency.rules())
        {
            if (rule.after().containsKey(AnonymizationMethod.TRUNCATE))
            {
                return AnonymizationMethod.TRUNCATE;
            }
        }
        return AnonymizationMethod.CRYPTOPAN;
    }

    /**
     * @return how {@code aggregate flows} builds flow records: the document's {@code flows:}
     * section, with defaults for what it leaves out ({@link FlowSettings#DEFAULTS} without one).
     */
    public FlowSettings flowSettings()
    {
        return flowSettings;
    }

    /**
     * @return the {@code lists:} section: the named lists, in document order.
     */
    public List<NamedList> lists()
    {
        return lists;
    }

    public List<Rule> rules()
    {
        return rules;
    }

    public int ruleCount()
    {
        return rules.size();
    }

    public Residency residency()
    {
        return residency;
    }

    /**
     * @return the {@code keys:} section: key epochs per region, metadata only
     * ({@link KeyEpochs#NONE} without one).
     */
    public KeyEpochs keys()
    {
        return keys;
    }

    /**
     * @return the fields this policy was checked against.
     */
    public FieldCatalogue catalogue()
    {
        return catalogue;
    }

    /**
     * @return the class table: built-in defaults plus the document's {@code classes:}.
     */
    public DataClasses dataClassTable()
    {
        return dataClasses;
    }

    /**
     * @return every data class name: built-in ones and those the document adds.
     */
    public Set<String> dataClasses()
    {
        return dataClasses.names();
    }

    /**
     * @param dataClass a class name.
     * @return its base fields (defaults plus the document's); empty when unknown.
     */
    public List<Field> fieldsOf(final String dataClass)
    {
        return dataClasses.fieldsOf(dataClass);
    }

    /**
     * Print the policy back as a policy document, canonical: aliases in conditions appear
     * expanded, sets sorted and merged, named lists referenced as written ({@code $nets}) with
     * every list printed canonical under {@code lists:}, host names in lower case, actions
     * normalised, durations in their largest exact unit, names quoted where YAML would otherwise
     * read them as null.
     * The {@code flows:} section is printed, every setting spelt out, when a rule aggregates
     * flows or a setting differs from its default. Parsing the output gives an
     * equivalent policy whose {@code describe()} is the same text.
     *
     * @return the document.
     */
    public String describe()
    {
        final StringBuilder out = new StringBuilder(256 + 128 * rules.size());
        out.append("sluice-policy: ").append(formatVersion).append('\n');
        out.append("name: ");
        appendName(out, name);
        out.append('\n');
        out.append("match: ").append(matchMode.keyword()).append('\n');
        out.append("default: ").append(defaultActions.kind().keyword()).append('\n');
        if (!regions.isEmpty())
        {
            out.append("regions: ");
            appendRegions(out, new LinkedHashSet<>(regions));
            out.append('\n');
        }

        out.append("classes:\n");
        for (final Map.Entry<String, List<Field>> entry : dataClasses.asMap().entrySet())
        {
            out.append("  ");
            appendName(out, entry.getKey());
            out.append(": [");
            appendFieldNames(out, entry.getValue());
            out.append("]\n");
        }

        appendLists(out);

        if (!FlowSettings.DEFAULTS.equals(flowSettings) || rules.stream().anyMatch(r -> ActionKind.AGGREGATE == r.actions().kind()))
        {
            out.append("flows:\n");
            out.append("  ").append(FlowsReader.IDLE_TIMEOUT).append(": ")
                .append(FlowSettings.formatDuration(flowSettings.idleTimeoutNs())).append('\n');
            out.append("  ").append(FlowsReader.ACTIVE_TIMEOUT).append(": ")
                .append(FlowSettings.formatDuration(flowSettings.activeTimeoutNs())).append('\n');
            out.append("  ").append(FlowsReader.MAX_FLOWS).append(": ").append(flowSettings.maxFlowsPerWorker()).append('\n');
            out.append("  ").append(FlowsReader.BIDIRECTIONAL).append(": ").append(flowSettings.bidirectional()).append('\n');
        }

        if (!AnonymizationSettings.DEFAULTS.equals(anonymizationSettings))
        {
            final AnonymizationSettings a = anonymizationSettings;
            out.append("anonymization:\n");
            out.append("  ").append(AnonymizationReader.TRUNCATE_IPV4).append(": ").append(a.truncateIpv4Bits()).append('\n');
            out.append("  ").append(AnonymizationReader.TRUNCATE_IPV6).append(": ").append(a.truncateIpv6Bits()).append('\n');
            out.append("  ").append(AnonymizationReader.KEEP_EMAIL_DOMAIN).append(": ").append(a.keepEmailDomain()).append('\n');
            out.append("  ").append(AnonymizationReader.GEOHASH_PRECISION).append(": ").append(a.geohashPrecision()).append('\n');
            out.append("  ").append(AnonymizationReader.GEOHASH_MIN_PRECISION).append(": ").append(a.geohashMinPrecision())
                .append('\n');
            out.append("  ").append(AnonymizationReader.K_ANONYMITY).append(": ").append(a.kAnonymity()).append('\n');
            out.append("  ").append(AnonymizationReader.K_WINDOW).append(": ").append(FlowSettings.formatDuration(a.kWindowNs()))
                .append('\n');
            out.append("  ").append(AnonymizationReader.SPEED_STEP).append(": ").append(a.speedStep()).append('\n');
            out.append("  ").append(AnonymizationReader.HEADING_STEP).append(": ").append(a.headingStep()).append('\n');
            out.append("  ").append(AnonymizationReader.TIME_BUCKET).append(": ")
                .append(FlowSettings.formatDuration(a.timeBucketNs())).append('\n');
        }

        out.append("rules:");
        if (rules.isEmpty())
        {
            out.append(" []");
        }
        out.append('\n');
        for (final Rule rule : rules)
        {
            out.append("  - name: ");
            appendName(out, rule.name());
            out.append('\n');
            out.append("    when: ");
            appendQuoted(out, rule.condition().toString());
            out.append('\n');
            out.append("    then: [");
            final List<String> actionTexts = rule.actions().describe(catalogue);
            for (int i = 0; i < actionTexts.size(); i++)
            {
                if (i > 0)
                {
                    out.append(", ");
                }
                appendQuoted(out, actionTexts.get(i));
            }
            out.append("]\n");
        }

        if (!residency.rules().isEmpty())
        {
            out.append("residency:\n");
            for (final ResidencyRule rule : residency.rules())
            {
                out.append("  - class: ");
                appendName(out, rule.dataClass());
                out.append('\n');
                out.append("    origin: ");
                if (rule.anyOrigin())
                {
                    out.append("any");
                }
                else
                {
                    appendRegions(out, rule.origins());
                }
                out.append('\n');
                out.append("    raw: ");
                appendRegions(out, rule.raw());
                out.append('\n');
                if (!rule.after().isEmpty())
                {
                    out.append("    after:\n");
                    for (final AnonymizationMethod method : AnonymizationMethod.values())
                    {
                        final Set<String> after = rule.after().get(method);
                        if (null != after)
                        {
                            out.append("      ").append(method.keyword()).append(": ");
                            appendRegions(out, after);
                            out.append('\n');
                        }
                    }
                }
            }
        }

        return out.toString();
    }

    /**
     * Lists print canonical (sorted, merged, distinct), a short one on one line, a long one one
     * member a line; texts quoted, since quotes are what make a member text.
     */
    private void appendLists(final StringBuilder out)
    {
        if (lists.isEmpty())
        {
            return;
        }
        out.append("lists:\n");
        for (final NamedList list : lists)
        {
            out.append("  ");
            appendName(out, list.name());
            out.append(':');
            final List<String> members = list.canonicalMembers();
            final boolean oneLine = members.size() <= LIST_MEMBERS_ON_ONE_LINE;
            out.append(oneLine ? " [" : "\n");
            for (int i = 0; i < members.size(); i++)
            {
                if (oneLine && i > 0)
                {
                    out.append(", ");
                }
                else if (!oneLine)
                {
                    out.append("    - ");
                }
                final String member = members.get(i);
                // YAML reads '::1' and '2001:db8::' plain as mappings; quoted, they are still addresses.
                if (FieldType.STRING == list.type() || member.startsWith(":") || member.endsWith(":"))
                {
                    appendQuoted(out, member);
                }
                else
                {
                    out.append(member);
                }
                if (!oneLine)
                {
                    out.append('\n');
                }
            }
            if (oneLine)
            {
                out.append("]\n");
            }
        }
    }

    private void appendRegions(final StringBuilder out, final Set<String> set)
    {
        out.append('[');
        boolean first = true;
        for (final String region : regions)
        {
            if (set.contains(region))
            {
                if (!first)
                {
                    out.append(", ");
                }
                appendName(out, region);
                first = false;
            }
        }
        out.append(']');
    }

    private static void appendFieldNames(final StringBuilder out, final List<Field> fields)
    {
        for (int i = 0; i < fields.size(); i++)
        {
            if (i > 0)
            {
                out.append(", ");
            }
            final String name = fields.get(i).name();
            if (isPlainName(name))
            {
                out.append(name);
            }
            else
            {
                // A dynamic name with a quoted key: json.http["user-agent"].
                appendQuoted(out, name);
            }
        }
    }

    private static boolean isPlainName(final String name)
    {
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || '.' == c || '_' == c || '@' == c))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Names, regions and classes are restricted to letters, digits and {@code . _ -}, so they
     * print plain unless YAML would read them as null.
     */
    private static void appendName(final StringBuilder out, final String text)
    {
        if ("null".equals(text) || "Null".equals(text) || "NULL".equals(text))
        {
            appendQuoted(out, text);
        }
        else
        {
            out.append(text);
        }
    }

    /**
     * A YAML double-quoted scalar. Characters YAML does not allow raw, or reads as line breaks
     * (NEL, LS, PS), are written as escapes, so that text values of any content print back to
     * a document that parses to the same value.
     */
    private static void appendQuoted(final StringBuilder out, final String text)
    {
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if ('"' == c || '\\' == c)
            {
                out.append('\\').append(c);
            }
            else if (isYamlPrintable(text, i))
            {
                out.append(c);
                if (Character.isHighSurrogate(c))
                {
                    out.append(text.charAt(++i));
                }
            }
            else
            {
                out.append(String.format("\\u%04X", (int)c));
            }
        }
        out.append('"');
    }

    private static boolean isYamlPrintable(final String text, final int index)
    {
        final char c = text.charAt(index);
        if (Character.isHighSurrogate(c))
        {
            return index + 1 < text.length() && Character.isLowSurrogate(text.charAt(index + 1));
        }
        return (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0xD7FF && c != 0x2028 && c != 0x2029) ||
            (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF);
    }

    public String toString()
    {
        return "Policy{" + name + ", " + rules.size() + " rules, from " + sourceName + "}";
    }
}
