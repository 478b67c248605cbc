package dev.sluice.dataplane.classify.count;

import dev.sluice.dataplane.classify.KeyFields;
import dev.sluice.policy.Policy;
import dev.sluice.policy.action.CountAction;
import dev.sluice.policy.action.RuleActions;
import dev.sluice.policy.field.Field;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A policy version's {@code count} actions as a {@link CountTable} runs them: per rule slot (the
 * default, which never counts, at index {@code ruleCount}) the window length, where the slot's
 * entries start in the table's arena and how many it has, how to read the key fields, and the
 * JSON text of the rule's name and of each key's name for the count records. A rule with keys
 * gets {@code entriesPerRule} entries; a rule without keys gets one. Built off the data path with
 * the policy's event rules; immutable; any thread.
 */
public final class CountPlan
{
    /** Entries per keyed rule unless configured: the distinct keys of a window at an edge site. */
    public static final int ENTRIES_DEFAULT = 1_024;
    public static final int MAX_ENTRIES = 1 << 20;

    private static final byte[] NO_BYTES = new byte[0];
    private static final byte[][] NO_NAMES = new byte[0][];

    private final long[] windowNs;
    private final int[] firstEntry;
    private final int[] entries;
    private final KeyFields[] keys;
    private final byte[][] ruleJson;
    private final byte[][][] keyNameJson;
    private final int[] maxRecordBytes;
    private final int totalEntries;
    private final boolean any;

    private CountPlan(final Policy policy, final int entriesPerRule)
    {
        if (entriesPerRule < 1 || entriesPerRule > MAX_ENTRIES || Integer.bitCount(entriesPerRule) != 1)
        {
            throw new IllegalArgumentException("count entries per rule must be a power of two, 1.." + MAX_ENTRIES + ": " + entriesPerRule);
        }
        final int slots = policy.ruleCount() + 1;
        windowNs = new long[slots];
        firstEntry = new int[slots];
        entries = new int[slots];
        keys = new KeyFields[slots];
        ruleJson = new byte[slots][];
        keyNameJson = new byte[slots][][];
        maxRecordBytes = new int[slots];
        long total = 0;
        for (int slot = 0; slot < slots; slot++)
        {
            final RuleActions actions = slot == policy.ruleCount() ? policy.defaultActions() : policy.actionsFor(slot);
            final CountAction count = actions.count();
            keys[slot] = KeyFields.NONE;
            ruleJson[slot] = NO_BYTES;
            keyNameJson[slot] = NO_NAMES;
            if (null == count)
            {
                continue;
            }
            windowNs[slot] = count.windowNs();
            firstEntry[slot] = (int)total;
            entries[slot] = count.keys().isEmpty() ? 1 : entriesPerRule;
            total += entries[slot];
            if (total > Integer.MAX_VALUE / CountTable.STRIDE / CountAction.MAX_KEYS)
            {
                throw new IllegalArgumentException("too many count entries: " + total);
            }
            ruleJson[slot] = jsonString(policy.rules().get(slot).name());
            final List<Field> keyFields = count.keys();
            keys[slot] = KeyFields.of(keyFields);
            keyNameJson[slot] = new byte[keyFields.size()][];
            int names = 0;
            for (int k = 0; k < keyFields.size(); k++)
            {
                keyNameJson[slot][k] = jsonString(keyFields.get(k).name());
                names += keyNameJson[slot][k].length;
            }
            maxRecordBytes[slot] = CountRecordJson.maxBytes(ruleJson[slot].length, names, keyFields.size());
            if (maxRecordBytes[slot] > CountRecordJson.MAX_RECORD_BYTES)
            {
                throw new IllegalArgumentException("the count records of rule '" + policy.rules().get(slot).name() +
                    "' could be longer than " + CountRecordJson.MAX_RECORD_BYTES + " bytes: shorter key names");
            }
        }
        totalEntries = (int)total;
        any = total > 0;
    }

    /**
     * @param policy         a validated policy.
     * @param entriesPerRule entries per keyed rule, a power of two.
     * @return its counts.
     */
    public static CountPlan of(final Policy policy, final int entriesPerRule)
    {
        return new CountPlan(policy, entriesPerRule);
    }

    /** {@link #of(Policy, int)} with {@link #ENTRIES_DEFAULT} entries per keyed rule. */
    public static CountPlan of(final Policy policy)
    {
        return new CountPlan(policy, ENTRIES_DEFAULT);
    }

    /** A JSON string literal, quotes included, in UTF-8 (names are short and made once per version). */
    private static byte[] jsonString(final String text)
    {
        final byte[] target = new byte[text.length() * 6 + 2];
        final int written = CountRecordJson.writeString(text, target, 0);
        return Arrays.copyOf(target, written);
    }

    /** True when some rule counts. */
    public boolean any()
    {
        return any;
    }

    /** Entries of every rule together: what the table's arena must hold for this version. */
    public int totalEntries()
    {
        return totalEntries;
    }

    /** Rules plus the default. */
    public int slots()
    {
        return entries.length;
    }

    /** True when the slot's rule counts. */
    public boolean counts(final int slot)
    {
        return 0 != entries[slot];
    }

    /** The slot's window in nanoseconds; 0 when it does not count. */
    public long windowNs(final int slot)
    {
        return windowNs[slot];
    }

    int firstEntry(final int slot)
    {
        return firstEntry[slot];
    }

    /** Entries of the slot's rule: 0 when it does not count, 1 without keys. */
    public int entries(final int slot)
    {
        return entries[slot];
    }

    /** How to read the slot's key fields, in the order written. */
    public KeyFields keys(final int slot)
    {
        return keys[slot];
    }

    /** The rule's name as a JSON string literal. */
    byte[] ruleJson(final int slot)
    {
        return ruleJson[slot];
    }

    /** A bound on the length of the slot's count records. */
    public int maxRecordBytes(final int slot)
    {
        return maxRecordBytes[slot];
    }

    /** Key {@code k}'s field name as a JSON string literal. */
    byte[] keyNameJson(final int slot, final int k)
    {
        return keyNameJson[slot][k];
    }
}
