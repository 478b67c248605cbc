package dev.sluice.policy;

import dev.sluice.policy.action.ActionKind;
import dev.sluice.policy.action.AnonymizationMethod;
import dev.sluice.policy.action.AnonymizationSettings;
import dev.sluice.policy.action.FlowSettings;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.compile.Requirements;
import dev.sluice.policy.condition.AndCondition;
import dev.sluice.policy.condition.Condition;
import dev.sluice.policy.condition.ConditionParser;
import dev.sluice.policy.condition.ConstantCondition;
import dev.sluice.policy.condition.NamedList;
import dev.sluice.policy.condition.NamedLists;
import dev.sluice.policy.diagnostic.Diagnostics;
import dev.sluice.policy.diagnostic.SourcePosition;
import dev.sluice.policy.diagnostic.Suggestions;
import dev.sluice.policy.field.DataClasses;
import dev.sluice.policy.field.DynamicName;
import dev.sluice.policy.field.DynamicPrefix;
import dev.sluice.policy.field.EventFields;
import dev.sluice.policy.field.Field;
import dev.sluice.policy.field.FieldCatalogue;
import dev.sluice.policy.field.FieldKind;
import dev.sluice.policy.field.FieldResolver;
import dev.sluice.policy.field.FieldType;
import dev.sluice.policy.keys.KeyEpochs;
import dev.sluice.policy.residency.Residency;
import dev.sluice.policy.residency.ResidencyRule;
import dev.sluice.policy.yaml.YamlChecks;
import dev.sluice.policy.yaml.YamlEntry;
import dev.sluice.policy.yaml.YamlLimits;
import dev.sluice.policy.yaml.YamlMapping;
import dev.sluice.policy.yaml.YamlNode;
import dev.sluice.policy.yaml.YamlReader;
import dev.sluice.policy.yaml.YamlScalar;
import dev.sluice.policy.yaml.YamlSequence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a policy document (YAML), validates all of it, and compiles it into a {@link Policy}.
 * Every problem is reported with its file, line and column; parsing never throws on bad input.
 * <pre>
 * sluice-policy: 1            # format version (required)
 * name: eu-edge-demo          # required
 * match: first                # required; first: the first rule whose condition holds decides;
 *                             #   all: every such rule applies (see MatchMode.ALL)
 * default: keep               # required; keep | drop for items no rule matches
 * regions: [eu-west, us-east] # required when residency is present
 * classes:                    # optional; adds fields to data classes
 *   pii.ip: [ip.src, ip.dst]
 * lists:                      # optional; named lists, referenced as $internal-nets, see ListsReader
 *   internal-nets: [10.0.0.0/8, fd00::/8]
 * flows:                      # optional; settings of 'aggregate flows', see FlowsReader
 * anonymization:              # optional; parameters of the anonymization methods, see AnonymizationReader
 *   idle-timeout: 15s
 * rules:                      # optional; name, when, then
 *   - name: drop-ntp
 *     when: udp.port == 123
 *     then: drop
 * residency: [...]            # optional; see ResidencyReader
 * keys: {...}                 # optional; key epochs per region, see KeysReader
 * </pre>
 * Stateless; any thread.
 */
public final class PolicyParser
{
    /** The document format version this parser reads. */
    public static final int FORMAT_VERSION = 1;

    /** More rules than fit the dataplane's per-item rule index (a {@code short}). */
    public static final int MAX_RULES = Short.MAX_VALUE;

    static final String KEY_VERSION = "sluice-policy";
    private static final List<String> TOP_KEYS = List.of(
        KEY_VERSION, "name", "match", "default", "regions", "classes", "lists", "flows", "anonymization", "rules", "residency", "keys");
    private static final List<String> TOP_REQUIRED = List.of(KEY_VERSION, "name", "match", "default");
    private static final List<String> RULE_KEYS = List.of("name", "when", "then");
    private static final List<String> DEFAULTS = List.of("keep", "drop");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern CLASS = Pattern.compile("[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*");

    private PolicyParser()
    {
    }

    /**
     * @param sourceName names the document in diagnostics (a file name, a store key).
     * @param yamlText   the document.
     * @return the diagnostics and, when there were no errors, the policy.
     */
    public static PolicyParseResult parse(final String sourceName, final String yamlText)
    {
        return parse(sourceName, yamlText, FieldCatalogue.standard());
    }

    /**
     * @param sourceName names the document in diagnostics.
     * @param yamlText   the document.
     * @param catalogue  the fields rules may name.
     * @return the diagnostics and, when there were no errors, the policy.
     */
    public static PolicyParseResult parse(final String sourceName, final String yamlText, final FieldCatalogue catalogue)
    {
        Objects.requireNonNull(yamlText, "yamlText");
        final Diagnostics diagnostics = new Diagnostics(sourceName);
        final Policy policy = new Reader(diagnostics, new FieldResolver(catalogue)).read(yamlText);
        return new PolicyParseResult(diagnostics.sorted(), policy);
    }

    /** Stands for a class member whose error is reported. */
    private static final Field FAILED = Field.base(0, "failed", FieldType.INTEGER, 0, 0, "", null);

    private static final class Reader
    {
        private final Diagnostics diagnostics;
        private final FieldCatalogue catalogue;
        private FieldResolver fields;

        /**
         * @param fields a first-pass resolver: {@link #read} runs the first pass itself.
         */
        Reader(final Diagnostics diagnostics, final FieldResolver fields)
        {
            this.diagnostics = diagnostics;
            this.catalogue = fields.standard();
            this.fields = fields;
        }

        /**
         * The first pass over the rules: types every dynamic field by its first typed use, so
         * that the real pass can make each field once, whatever order its uses come in.
         * Diagnostics of this pass are thrown away; the real pass reports them.
         */
        private void typeDynamicFields(final YamlMapping root, final NamedLists lists)
        {
            final Reader firstPass = new Reader(new Diagnostics(diagnostics.sourceName()), fields);
            firstPass.readRules(root.get("rules"), firstPass.readClasses(root.get("classes")), null, lists);
            fields = fields.secondPass();
        }

        Policy read(final String yamlText)
        {
            final YamlNode rootNode = YamlReader.read(yamlText, YamlLimits.DEFAULT, diagnostics);
            if (null == rootNode)
            {
                if (!diagnostics.hasErrors())
                {
                    diagnostics.error(SourcePosition.START, "empty policy document", "a policy starts with 'sluice-policy: 1'");
                }
                return null;
            }

            final YamlMapping root = YamlChecks.mapping(rootNode, "a policy document", diagnostics);
            if (null == root)
            {
                return null;
            }
            YamlChecks.checkKeys(root, "the policy", TOP_KEYS, TOP_REQUIRED, diagnostics);
            final YamlNode listsNode = root.get("lists");
            final NamedLists lists = null == listsNode ? NamedLists.none() : new ListsReader(diagnostics).read(listsNode);
            typeDynamicFields(root, lists);

            final YamlNode versionNode = root.get(KEY_VERSION);
            if (null != versionNode)
            {
                final Long version = YamlChecks.integer(versionNode, "'" + KEY_VERSION + "'", 0, Integer.MAX_VALUE, diagnostics);
                if (null != version && FORMAT_VERSION != version)
                {
                    diagnostics.error(
                        versionNode.position(),
                        "unsupported policy format version " + version,
                        "this Sluice reads 'sluice-policy: " + FORMAT_VERSION + "'");
                    return null;
                }
            }

            final String name = readName(root.get("name"), "policy name");
            final MatchMode matchMode = readMatchMode(root.get("match"));
            final RuleActions defaultActions = readDefault(root.get("default"));
            final Set<String> regions = readRegions(root.get("regions"));
            final DataClasses dataClasses = readClasses(root.get("classes"));
            final YamlEntry flowsEntry = root.entry("flows");
            final FlowSettings flowSettings = null == flowsEntry ?
                FlowSettings.DEFAULTS : new FlowsReader(diagnostics).read(flowsEntry.value());
            final YamlEntry anonymizationEntry = root.entry("anonymization");
            final AnonymizationSettings anonymizationSettings = null == anonymizationEntry ?
                AnonymizationSettings.DEFAULTS : new AnonymizationReader(diagnostics).read(anonymizationEntry.value());
            final int errorsBeforeRules = diagnostics.errorCount();
            final List<Rule> rules = readRules(root.get("rules"), dataClasses, regions, lists);
            warnUnusedLists(lists);
            // A rule with errors is left out, so whether it aggregates is unknown: no warning then.
            if (null != flowsEntry && errorsBeforeRules == diagnostics.errorCount() && rules.stream().noneMatch(rule -> ActionKind.AGGREGATE == rule.actions().kind()))
            {
                diagnostics.warning(
                    flowsEntry.key().position(),
                    "the 'flows' settings are unused: no rule says 'aggregate flows'",
                    null);
            }

            List<ResidencyRule> residencyRules = List.of();
            final YamlEntry residencyEntry = root.entry("residency");
            if (null != residencyEntry)
            {
                if (null == regions)
                {
                    diagnostics.error(
                        residencyEntry.key().position(),
                        "'residency' needs a 'regions' list that declares every region it names",
                        "add e.g. 'regions: [eu-west, us-east]'");
                }
                residencyRules = new ResidencyReader(regions, dataClasses, diagnostics).read(residencyEntry.value());
            }

            final YamlEntry keysEntry = root.entry("keys");
            if (null != keysEntry && null == regions)
            {
                diagnostics.error(keysEntry.key().position(), "'keys' needs a 'regions' list that declares every region it names",
                    "add e.g. 'regions: [eu-west, us-east]'");
            }
            final KeyEpochs keys = null == keysEntry ? KeyEpochs.NONE : new KeysReader(regions, diagnostics).read(keysEntry.value());

            warnUnreachable(rules, matchMode);
            checkModifierRules(rules, matchMode);
            checkOneAddressMethod(rules, residencyRules);
            warnTagsWithoutResidency(rules, residencyRules, dataClasses);

            if (diagnostics.hasErrors())
            {
                return null;
            }

            final List<String> regionList = null == regions ? List.of() : List.copyOf(regions);
            return new Policy(
                diagnostics.sourceName(), name, FORMAT_VERSION, matchMode, defaultActions, regionList, dataClasses, flowSettings,
                anonymizationSettings, lists.lists(), rules, new Residency(regionList, residencyRules), fields.catalogue(), keys);
        }

        private void warnUnusedLists(final NamedLists lists)
        {
            for (final NamedList list : lists.lists())
            {
                if (!lists.isReferenced(list.name()))
                {
                    diagnostics.warning(
                        list.position(),
                        "list '" + list.name() + "' is never used",
                        "reference it in a condition, e.g. '" + switch (list.type())
                        {
                            case ADDRESS -> "ip.src";
                            case INTEGER -> "tcp.dstport";
                            case STRING -> "syslog.appname";
                        } + " in " + list + "', or remove it");
                }
            }
        }

        private String readName(final YamlNode node, final String what)
        {
            if (null == node)
            {
                return null;
            }
            final YamlScalar scalar = YamlChecks.scalar(node, "the " + what, diagnostics);
            if (null == scalar)
            {
                return null;
            }
            if (!NAME.matcher(scalar.value()).matches())
            {
                diagnostics.error(
                    scalar.position(),
                    "invalid " + what + " '" + abbreviate(scalar.value()) + "'",
                    "use up to 128 letters, digits, '.', '_' and '-', starting with a letter or digit");
                return null;
            }
            return scalar.value();
        }

        private MatchMode readMatchMode(final YamlNode node)
        {
            if (null == node)
            {
                return null;
            }
            final String value = YamlChecks.string(node, "'match'", diagnostics);
            if (null == value)
            {
                return null;
            }
            for (final MatchMode mode : MatchMode.values())
            {
                if (mode.keyword().equals(value))
                {
                    return mode;
                }
            }
            diagnostics.error(
                node.position(),
                "unknown match mode '" + abbreviate(value) + "'",
                Suggestions.didYouMean(value, List.of("first", "all"),
                    "'match: first' (the first rule whose condition holds decides) or 'match: all' (every such rule applies)"));
            return null;
        }

        private RuleActions readDefault(final YamlNode node)
        {
            if (null == node)
            {
                return null;
            }
            final String value = YamlChecks.string(node, "'default'", diagnostics);
            if (null == value)
            {
                return null;
            }
            switch (value)
            {
                case "keep" ->
                {
                    return RuleActions.KEEP;
                }
                case "drop" ->
                {
                    return RuleActions.DROP;
                }
                default ->
                {
                    diagnostics.error(
                        node.position(),
                        "the default must be 'keep' or 'drop', found '" + abbreviate(value) + "'",
                        Suggestions.didYouMean(value, DEFAULTS, "sampling and anonymization belong in rules"));
                    return null;
                }
            }
        }

        /**
         * @return the declared regions, or null when the key is absent.
         */
        private Set<String> readRegions(final YamlNode node)
        {
            if (null == node)
            {
                return null;
            }
            final Set<String> regions = new LinkedHashSet<>();
            final List<YamlScalar> scalars = YamlChecks.scalarList(node, "'regions'", diagnostics);
            if (null == scalars)
            {
                return regions;
            }
            for (final YamlScalar scalar : scalars)
            {
                final String region = scalar.value();
                if (ResidencyReader.ANY.equals(region))
                {
                    diagnostics.error(scalar.position(), "'any' is reserved and cannot name a region", null);
                }
                else if (!REGION.matcher(region).matches())
                {
                    diagnostics.error(
                        scalar.position(),
                        "invalid region name '" + abbreviate(region) + "'",
                        "use up to 63 lower-case letters, digits, '.', '_' and '-', e.g. eu-west");
                }
                else if (!regions.add(region))
                {
                    diagnostics.error(scalar.position(), "region '" + region + "' is declared twice", null);
                }
            }
            return regions;
        }

        private DataClasses readClasses(final YamlNode node)
        {
            final DataClasses defaults = DataClasses.defaults(catalogue);
            if (null == node)
            {
                return defaults;
            }
            final YamlMapping mapping = YamlChecks.mapping(node, "'classes'", diagnostics);
            if (null == mapping)
            {
                return defaults;
            }

            final LinkedHashMap<String, List<Field>> additions = new LinkedHashMap<>();
            for (final YamlEntry entry : mapping.entries())
            {
                final YamlScalar key = entry.key();
                final String className = key.value();
                if (!CLASS.matcher(className).matches() || className.length() > 64)
                {
                    diagnostics.error(
                        key.position(),
                        "invalid data class name '" + abbreviate(className) + "'",
                        "use dotted lower-case words, e.g. pii.user");
                    continue;
                }
                if (null != catalogue.byName(className) || null != DynamicPrefix.of(className))
                {
                    diagnostics.error(
                        key.position(),
                        "data class '" + className + "' has the name of a field",
                        "actions accept fields and classes by name, so they must differ");
                    continue;
                }

                final ArrayList<Field> fields = new ArrayList<>();
                final List<YamlScalar> members = YamlChecks.scalarOrList(entry.value(), "the fields of '" + className + "'", diagnostics);
                if (null != members)
                {
                    for (final YamlScalar member : members)
                    {
                        final Field field = classMember(member);
                        if (FAILED == field)
                        {
                            continue;
                        }
                        if (null == field)
                        {
                            diagnostics.error(
                                member.position(),
                                "unknown field '" + abbreviate(member.value()) + "'",
                                Suggestions.didYouMean(member.value(), catalogue.names()));
                        }
                        else if (FieldKind.DERIVED == field.kind())
                        {
                            diagnostics.error(
                                member.position(),
                                "'" + field.name() + "' is part of '" + field.baseFields().getFirst().name() + "'",
                                "a data class names whole fields; use '" + field.baseFields().getFirst().name() + "'");
                        }
                        else
                        {
                            fields.addAll(field.baseFields());
                        }
                    }
                }
                additions.put(className, fields);
            }

            return defaults.plus(additions);
        }

        /**
         * @return the fixed or dynamic field a class member names; null when unknown (not yet
         * reported); {@link #FAILED} when reported.
         */
        private Field classMember(final YamlScalar member)
        {
            final Field fixed = catalogue.byName(member.value());
            if (null != fixed)
            {
                return fixed;
            }
            try
            {
                final DynamicName dynamic = DynamicName.parse(member.value());
                if (null == dynamic)
                {
                    return null;
                }
                final Field field = fields.use(dynamic, null, null, member.position(), diagnostics);
                return null == field ? FAILED : field;
            }
            catch (final DynamicName.Invalid invalid)
            {
                diagnostics.error(member.positionOf(invalid.offset()), invalid.getMessage(), invalid.hint());
                return FAILED;
            }
        }

        private List<Rule> readRules(
            final YamlNode node, final DataClasses dataClasses, final Set<String> regions, final NamedLists lists)
        {
            if (null == node)
            {
                return List.of();
            }
            final YamlSequence sequence = YamlChecks.sequence(node, "'rules'", diagnostics);
            if (null == sequence)
            {
                return List.of();
            }
            if (sequence.size() > MAX_RULES)
            {
                diagnostics.error(sequence.position(), "a policy can have at most " + MAX_RULES + " rules, found " + sequence.size(), null);
                return List.of();
            }

            final ActionParser actionParser = new ActionParser(fields, dataClasses, regions, diagnostics);
            final Map<String, SourcePosition> names = new HashMap<>();
            final ArrayList<Rule> rules = new ArrayList<>(sequence.size());
            for (final YamlNode item : sequence.items())
            {
                final YamlMapping rule = YamlChecks.mapping(item, "a rule", diagnostics);
                if (null == rule)
                {
                    continue;
                }
                YamlChecks.checkKeys(rule, "a rule", RULE_KEYS, RULE_KEYS, diagnostics);

                final String name = readName(rule.get("name"), "rule name");
                if (null != name)
                {
                    final SourcePosition first = names.putIfAbsent(name, rule.get("name").position());
                    if (null != first)
                    {
                        diagnostics.error(
                            rule.get("name").position(),
                            "duplicate rule name '" + name + "' (first at " + first + ")",
                            "rule names must be unique: counters and explain output use them");
                    }
                }

                Condition condition = null;
                String when = null;
                final YamlNode whenNode = rule.get("when");
                if (null != whenNode)
                {
                    final YamlScalar scalar = whenScalar(whenNode);
                    if (null != scalar)
                    {
                        when = scalar.value();
                        condition = ConditionParser.parse(when, fields, lists, scalar::positionOf, diagnostics);
                    }
                }

                final YamlNode thenNode = rule.get("then");
                final RuleActions actions = null == thenNode ? null : actionParser.parse(thenNode);

                if (null != name && null != condition && null != actions)
                {
                    if (ActionKind.COUNT == actions.kind() && !requiresEventField(condition))
                    {
                        diagnostics.warning(
                            thenNode.position(),
                            "'count' counts events; a packet rule '" + name + "' matches is dropped, counted dropped{count_rule_on_packet}",
                            "test an event field in 'when' (e.g. 'syslog.appname == \"sshd\"') so that only events reach it");
                    }
                    rules.add(new Rule(rules.size(), name, rule.position(), when, condition, actions));
                }
            }
            return rules;
        }

        /**
         * True when the condition holds only for items with an event field ({@code item.kind}, which
         * packets have too, aside): then no packet reaches the rule.
         */
        private static boolean requiresEventField(final Condition condition)
        {
            for (final int id : Requirements.requiredFields(condition))
            {
                if (id >= EventFields.FIRST_ID && id != EventFields.ITEM_KIND)
                {
                    return true;
                }
            }
            return false;
        }

        private YamlScalar whenScalar(final YamlNode node)
        {
            if (node instanceof YamlScalar scalar && scalar.isPlain() && ("true".equals(scalar.value()) || "false".equals(scalar.value())))
            {
                return scalar;
            }
            if (node instanceof YamlScalar scalar && scalar.isNull())
            {
                diagnostics.error(node.position(), "'when' needs a condition", "e.g. 'when: tcp.dstport == 443', or 'when: true' to match everything");
                return null;
            }
            if (!(node instanceof YamlScalar))
            {
                diagnostics.error(
                    node.position(),
                    "'when' must be a condition written as text, found " + node.describe(),
                    "a condition that starts with '{' or '[' must be quoted");
                return null;
            }
            return YamlChecks.scalar(node, "'when'", diagnostics);
        }

        /**
         * Addresses have one transformed form per policy, so that a subnet groups the same way in
         * every record and every destination: Crypto-PAn or truncation, not both.
         */
        private void checkOneAddressMethod(final List<Rule> rules, final List<ResidencyRule> residencyRules)
        {
            SourcePosition cryptoPan = null;
            SourcePosition truncate = null;
            for (final Rule rule : rules)
            {
                if (!rule.actions().anonymizeFields(AnonymizationMethod.CRYPTOPAN).isEmpty())
                {
                    cryptoPan = null == cryptoPan ? rule.position() : cryptoPan;
                }
                if (!rule.actions().anonymizeFields(AnonymizationMethod.TRUNCATE).isEmpty())
                {
                    truncate = null == truncate ? rule.position() : truncate;
                }
            }
            for (final ResidencyRule rule : residencyRules)
            {
                if (rule.after().containsKey(AnonymizationMethod.CRYPTOPAN))
                {
                    cryptoPan = null == cryptoPan ? rule.position() : cryptoPan;
                }
                if (rule.after().containsKey(AnonymizationMethod.TRUNCATE))
                {
                    truncate = null == truncate ? rule.position() : truncate;
                }
            }
            if (null != cryptoPan && null != truncate)
            {
                diagnostics.error(
                    truncate,
                    "this policy transforms addresses with both cryptopan (line " + cryptoPan.line() + ") and truncate",
                    "addresses have one transformed form per policy, so subnets group alike everywhere: use one of the two");
            }
        }

        /**
         * A tagged item is decided by its tag's residency: a class no residency rule names is
         * blocked at every destination (fail closed), and one with no fields has nothing a
         * transform could change, so it is blocked wherever it may go only transformed. Both are
         * what the document says, but rarely what its author meant.
         */
        private void warnTagsWithoutResidency(
            final List<Rule> rules, final List<ResidencyRule> residencyRules, final DataClasses dataClasses)
        {
            for (final Rule rule : rules)
            {
                for (final String tag : rule.actions().tags())
                {
                    final List<ResidencyRule> about = residencyRules.stream().filter(r -> r.dataClass().equals(tag)).toList();
                    if (about.isEmpty())
                    {
                        diagnostics.warning(rule.position(),
                            "rule '" + rule.name() + "' tags its items " + tag + ", which no residency rule names: they are blocked at every destination",
                            "add a residency rule for " + tag + " that says where it may go");
                    }
                    else if (dataClasses.fieldsOf(tag).isEmpty() &&
                        about.stream().anyMatch(r -> !r.after().isEmpty()))
                    {
                        diagnostics.warning(rule.position(),
                            "data class " + tag + " has no fields to transform: items tagged by rule '" + rule.name() +
                                "' are blocked where residency allows " + tag + " only transformed",
                            "give " + tag + " fields under 'classes:', or allow it raw or not at all");
                    }
                }
            }
        }

        /**
         * First match: a rule after a catch-all, or after a rule whose condition is the same as its
         * own or one of the terms its own 'and' requires (compared in canonical printed form, so
         * order of set elements, spacing and synonyms do not hide it), can never decide.
         */
        private void warnUnreachable(final List<Rule> rules, final MatchMode matchMode)
        {
            Rule catchAll = null;
            final Map<String, Rule> earlier = new HashMap<>();
            for (final Rule rule : rules)
            {
                if (MatchMode.ALL == matchMode && !rule.actions().statesVerdict())
                {
                    // Under match: all a rule of modifiers only applies wherever it matches, after a catch-all too.
                    if (ConstantCondition.FALSE == rule.condition())
                    {
                        diagnostics.warning(rule.position(), "rule '" + rule.name() + "' never matches: its condition is always false", null);
                    }
                    continue;
                }
                if (null != catchAll)
                {
                    diagnostics.warning(
                        rule.position(),
                        "rule '" + rule.name() + "' is unreachable: rule '" + catchAll.name() + "' at " +
                            catchAll.position() + " matches every item",
                        null);
                    continue;
                }
                final Rule covering = null == rule.condition() ? null : coveringRule(rule.condition(), earlier);
                if (null != covering)
                {
                    diagnostics.warning(
                        rule.position(),
                        "rule '" + rule.name() + "' is unreachable: rule '" + covering.name() + "' at " +
                            covering.position() + " matches every item it matches, and comes first",
                        "move it above rule '" + covering.name() + "', or remove it");
                    continue;
                }
                if (null != rule.condition())
                {
                    earlier.putIfAbsent(rule.condition().toString(), rule);
                }
                if (ConstantCondition.TRUE == rule.condition())
                {
                    catchAll = rule;
                }
                else if (ConstantCondition.FALSE == rule.condition())
                {
                    diagnostics.warning(rule.position(), "rule '" + rule.name() + "' never matches: its condition is always false", null);
                }
            }
        }

        /**
         * Under {@code match: all} every matching rule's modifiers are added per item, over a set of
         * at most {@link Policy#MAX_MODIFIER_RULES} rules that have them.
         */
        private void checkModifierRules(final List<Rule> rules, final MatchMode matchMode)
        {
            if (MatchMode.ALL != matchMode)
            {
                return;
            }
            int count = 0;
            for (final Rule rule : rules)
            {
                if (rule.actions().hasModifiers() && ++count > Policy.MAX_MODIFIER_RULES)
                {
                    diagnostics.error(rule.position(),
                        "under 'match: all' at most " + Policy.MAX_MODIFIER_RULES +
                            " rules may anonymize, cut payloads, tag or route; rule '" + rule.name() + "' is one more",
                        "merge rules that do the same to different items into one with 'or', or use 'match: first'");
                    return;
                }
            }
        }

        /** The earlier rule whose condition is this one's, or one of the terms of this one's 'and'. */
        private static Rule coveringRule(final Condition condition, final Map<String, Rule> earlier)
        {
            final Rule same = earlier.get(condition.toString());
            if (null != same || !(condition instanceof AndCondition and))
            {
                return same;
            }
            for (final Condition term : and.operands())
            {
                final Rule covering = earlier.get(term.toString());
                if (null != covering)
                {
                    return covering;
                }
            }
            return null;
        }

        private static String abbreviate(final String text)
        {
            return text.length() <= 60 ? text : text.substring(0, 57) + "...";
        }
    }
}
