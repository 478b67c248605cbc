package dev.sluice.dataplane.classify.count;

import dev.sluice.dataplane.classify.KeyFields;
import dev.sluice.policy.action.CountAction;
import dev.sluice.policy.field.FieldReader;

import java.util.Arrays;

/**
 * Runs {@code count [by <keys>] every <window>} rules event by event: per rule a fixed-size
 * open-addressing table of counts keyed by the key fields' values, all tables in arenas owned by
 * the worker. Nothing is allocated per event, and nothing at a policy switch unless the version
 * needs more entries than any before.
 * <p>
 * <b>Windows.</b> A rule's windows are aligned to the epoch ({@code [k * window, (k + 1) * window)})
 * and measured in event receive time, as rate limits are, so a test or a replay sees the same
 * windows whatever the worker's pace. A rule's window opens with the first event it counts and
 * closes when time reaches its end: {@link #advance} is called with each event's receive time
 * and, by the worker, with its own epoch clock when the input goes quiet. An event received before
 * its rule's open window began (a clock stepped back) is counted in the open window: never lost.
 * <p>
 * <b>Records.</b> Every entry of a closing window becomes one count record, handed to a
 * {@link RecordHandler} while the entry is still readable ({@link #count(int)}, the key accessors,
 * {@link CountRecordReader}); the entry is then empty. A record handed over before its window's
 * end is <i>early</i>: an entry evicted for a new key, or every open window at a policy switch or
 * shutdown ({@link #flushAll}). So the counts of all records add up to the events counted.
 * <p>
 * <b>Table.</b> An entry is {@code [key hash, count, last seen]} in a long arena plus the key
 * values as text (at most {@link #KEY_CHARS} characters for all keys) with each value's kind; a
 * key matches an entry when its hash and its text are equal (so a hash collision does not merge
 * two keys). A key's entry is within {@link #PROBES} slots of its home slot. When a key's probe
 * window is full, the entry seen least recently is emitted early and gives way
 * ({@link #evictions()}): a table too small for a window's keys shows as more, smaller records,
 * never as lost counts. Worker thread only.
 */
public final class CountTable
{
    /** The characters every key value of one entry may take together, as rendered. */
    public static final int KEY_CHARS = 256;
    /** {@link #add} counted the event. */
    public static final int COUNTED = 0;
    /** {@link #add} did not count the event: its key values are longer than {@link #KEY_CHARS}. */
    public static final int KEY_TOO_LONG = 1;

    /** A key value written as a JSON number. */
    public static final byte NUMBER = 0;
    /** A key value written as a JSON string. */
    public static final byte STRING = 1;
    /** A key field the event did not have, written as {@code null}. */
    public static final byte ABSENT = 2;

    static final int STRIDE = 3;
    static final int PROBES = 8;

    private static final int HASH = 0;
    private static final int COUNT = 1;
    private static final int LAST_SEEN = 2;
    private static final int MAX_KEYS = CountAction.MAX_KEYS;
    private static final long NO_WINDOW = Long.MAX_VALUE;

    /** Receives the count records a table emits. */
    @FunctionalInterface
    public interface RecordHandler
    {
        /**
         * @param slot  the rule slot.
         * @param entry the entry, readable until this returns.
         * @param early true when the record leaves before its window's end (evicted, flushed).
         * @param atNs  when it is emitted: the window's end, or the time that made it leave early.
         */
        void onCountRecord(int slot, int entry, boolean early, long atNs);
    }

    private CountPlan plan;
    private long[] arena = new long[0];
    private char[] keyChars = new char[0];
    private int[] keyStart = new int[0];
    private int[] keyLength = new int[0];
    private byte[] keyKind = new byte[0];
    private long[] keyValues = new long[0];
    private long[] windowStartNs = new long[0];
    private long[] windowEndNs = new long[0];
    private long nextWindowEndNs = NO_WINDOW;
    private int openWindows;
    private long evictions;

    private final char[] scratch = new char[KEY_CHARS];
    private final int[] scratchStart = new int[MAX_KEYS];
    private final int[] scratchLength = new int[MAX_KEYS];
    private final byte[] scratchKind = new byte[MAX_KEYS];
    private final long[] scratchValues = new long[MAX_KEYS * 3];
    private final CountRecordReader reader = new CountRecordReader();

    /**
     * Switches to a version's counts; the table must be empty ({@link #flushAll} first). The
     * arenas are reused, and grow only for a version with more entries than any before.
     */
    public void onNewPolicy(final CountPlan plan)
    {
        if (openWindows != 0)
        {
            throw new IllegalStateException("flush the open count windows before switching: " + openWindows);
        }
        this.plan = plan;
        final int entries = plan.totalEntries();
        if (arena.length < entries * STRIDE)
        {
            arena = new long[entries * STRIDE];
            keyChars = new char[entries * KEY_CHARS];
            keyStart = new int[entries * MAX_KEYS];
            keyLength = new int[entries * MAX_KEYS];
            keyKind = new byte[entries * MAX_KEYS];
            keyValues = new long[entries * MAX_KEYS * 3];
        }
        if (windowEndNs.length < plan.slots())
        {
            windowStartNs = new long[plan.slots()];
            windowEndNs = new long[plan.slots()];
        }
        Arrays.fill(windowEndNs, 0, plan.slots(), 0);
        nextWindowEndNs = NO_WINDOW;
    }

    /**
     * Counts an event of a counting rule, closing the windows that ended by its receive time first.
     *
     * @param slot    the rule slot that decided the event; its rule counts.
     * @param reader  the event's fields.
     * @param nowNs   the event's receive time.
     * @param handler takes the records emitted meanwhile (closed windows, an eviction).
     * @return {@link #COUNTED} or {@link #KEY_TOO_LONG}.
     */
    public int add(final int slot, final FieldReader reader, final long nowNs, final RecordHandler handler)
    {
        advance(nowNs, handler);
        if (0 == windowEndNs[slot])
        {
            final long window = plan.windowNs(slot);
            windowStartNs[slot] = nowNs - Math.floorMod(nowNs, window);
            windowEndNs[slot] = windowStartNs[slot] + window;
            nextWindowEndNs = Math.min(nextWindowEndNs, windowEndNs[slot]);
            openWindows++;
        }
        if (render(slot, reader) < 0)
        {
            return KEY_TOO_LONG;
        }
        final long hash = hash(plan.keys(slot).count());
        final long[] arena = this.arena;
        final int entries = plan.entries(slot);
        final int first = plan.firstEntry(slot);
        final int mask = entries - 1;
        final int probes = Math.min(PROBES, entries);
        final int home = (int)(hash ^ (hash >>> 32)) & mask;
        int stalest = -1;
        long stalestSeen = Long.MAX_VALUE;
        for (int p = 0; p < probes; p++)
        {
            final int entry = first + ((home + p) & mask);
            final int at = entry * STRIDE;
            if (0 == arena[at + COUNT])
            {
                // Entries are emptied only a whole rule at a time, so the key is not further on.
                claim(slot, entry, hash, nowNs);
                return COUNTED;
            }
            if (arena[at + HASH] == hash && sameKey(slot, entry))
            {
                arena[at + COUNT]++;
                arena[at + LAST_SEEN] = Math.max(arena[at + LAST_SEEN], nowNs);
                return COUNTED;
            }
            if (arena[at + LAST_SEEN] < stalestSeen)
            {
                stalestSeen = arena[at + LAST_SEEN];
                stalest = entry;
            }
        }
        evictions++;
        handler.onCountRecord(slot, stalest, true, nowNs);
        claim(slot, stalest, hash, nowNs);
        return COUNTED;
    }

    /**
     * Emits and empties every window that ended by {@code nowNs}. Cheap when none has: one compare.
     *
     * @param nowNs an event's receive time, or the worker's epoch clock.
     */
    public void advance(final long nowNs, final RecordHandler handler)
    {
        if (nowNs < nextWindowEndNs)
        {
            return;
        }
        long next = NO_WINDOW;
        for (int slot = 0; slot < plan.slots(); slot++)
        {
            final long end = windowEndNs[slot];
            if (0 == end)
            {
                continue;
            }
            if (end <= nowNs)
            {
                emit(slot, false, end, handler);
            }
            else
            {
                next = Math.min(next, end);
            }
        }
        nextWindowEndNs = next;
    }

    /**
     * Emits and empties every open window, before its end: at a policy switch and at shutdown, so
     * nothing counted is lost.
     *
     * @param nowNs when (the records' emission time).
     */
    public void flushAll(final long nowNs, final RecordHandler handler)
    {
        if (null == plan)
        {
            return;
        }
        for (int slot = 0; slot < plan.slots(); slot++)
        {
            if (0 != windowEndNs[slot])
            {
                emit(slot, true, nowNs, handler);
            }
        }
        nextWindowEndNs = NO_WINDOW;
    }

    private void emit(final int slot, final boolean early, final long atNs, final RecordHandler handler)
    {
        final int first = plan.firstEntry(slot);
        final int end = first + plan.entries(slot);
        for (int entry = first; entry < end; entry++)
        {
            if (0 != arena[entry * STRIDE + COUNT])
            {
                handler.onCountRecord(slot, entry, early, atNs);
                arena[entry * STRIDE + COUNT] = 0;
            }
        }
        windowEndNs[slot] = 0;
        openWindows--;
    }

    /** True when some window is open (something may be counted and not yet emitted). */
    public boolean hasOpenWindows()
    {
        return openWindows > 0;
    }

    /** The earliest end of an open window; {@link Long#MAX_VALUE} when none is open. */
    public long nextWindowEndNs()
    {
        return nextWindowEndNs;
    }

    /** Entries emitted early because a new key needed their place, since this table was made. */
    public long evictions()
    {
        return evictions;
    }

    /** The plan of the current version. */
    public CountPlan plan()
    {
        return plan;
    }

    /** Events counted in an entry. */
    public long count(final int entry)
    {
        return arena[entry * STRIDE + COUNT];
    }

    /** Start of the slot's open window, epoch nanoseconds. */
    public long windowStartNs(final int slot)
    {
        return windowStartNs[slot];
    }

    /** End of the slot's open window, epoch nanoseconds. */
    public long windowEndNs(final int slot)
    {
        return windowStartNs[slot] + plan.windowNs(slot);
    }

    /** {@link #NUMBER}, {@link #STRING} or {@link #ABSENT} of key {@code k} of an entry. */
    public byte keyKind(final int entry, final int k)
    {
        return keyKind[entry * MAX_KEYS + k];
    }

    /** The characters holding every entry's key values; see {@link #keyStart} and {@link #keyLength}. */
    public char[] keyChars()
    {
        return keyChars;
    }

    /** Where key {@code k}'s value of an entry starts in {@link #keyChars()}. */
    public int keyStart(final int entry, final int k)
    {
        return keyStart[entry * MAX_KEYS + k];
    }

    /** The length of key {@code k}'s value of an entry; -1 when the events had no such field. */
    public int keyLength(final int entry, final int k)
    {
        return keyLength[entry * MAX_KEYS + k];
    }

    /** Key {@code k}'s value as read: [address version or 0, address high bits, low bits or integer]. */
    long keyValue(final int entry, final int k, final int part)
    {
        return keyValues[(entry * MAX_KEYS + k) * 3 + part];
    }

    /** A reader of an entry's key fields, for residency and anonymization of its record; valid until the next call. */
    public CountRecordReader reader(final int slot, final int entry)
    {
        return reader.wrap(this, slot, entry);
    }

    private void claim(final int slot, final int entry, final long hash, final long nowNs)
    {
        final int at = entry * STRIDE;
        arena[at + HASH] = hash;
        arena[at + COUNT] = 1;
        arena[at + LAST_SEEN] = nowNs;
        final int keys = plan.keys(slot).count();
        final int base = entry * KEY_CHARS;
        int used = 0;
        for (int k = 0; k < keys; k++)
        {
            final int i = entry * MAX_KEYS + k;
            keyKind[i] = scratchKind[k];
            keyLength[i] = scratchLength[k];
            keyStart[i] = base + scratchStart[k];
            keyValues[i * 3] = scratchValues[k * 3];
            keyValues[i * 3 + 1] = scratchValues[k * 3 + 1];
            keyValues[i * 3 + 2] = scratchValues[k * 3 + 2];
            used = Math.max(used, scratchStart[k] + Math.max(0, scratchLength[k]));
        }
        System.arraycopy(scratch, 0, keyChars, base, used);
    }

    private boolean sameKey(final int slot, final int entry)
    {
        final int keys = plan.keys(slot).count();
        for (int k = 0; k < keys; k++)
        {
            final int i = entry * MAX_KEYS + k;
            final int length = scratchLength[k];
            if (keyLength[i] != length || keyKind[i] != scratchKind[k])
            {
                return false;
            }
            final int start = keyStart[i];
            final int from = scratchStart[k];
            for (int c = 0; c < length; c++)
            {
                if (keyChars[start + c] != scratch[from + c])
                {
                    return false;
                }
            }
        }
        return true;
    }

    /** Writes the event's key values into the scratch; -1 when they do not fit. */
    private int render(final int slot, final FieldReader reader)
    {
        final KeyFields keys = plan.keys(slot);
        int at = 0;
        for (int k = 0; k < keys.count(); k++)
        {
            final int id = keys.id(k);
            final int occurrences = reader.occurrences(id);
            scratchStart[k] = at;
            scratchValues[k * 3] = 0;
            scratchValues[k * 3 + 1] = 0;
            scratchValues[k * 3 + 2] = 0;
            if (0 == occurrences)
            {
                scratchLength[k] = -1;
                scratchKind[k] = ABSENT;
                continue;
            }
            switch (keys.type(k))
            {
                case KeyFields.ADDRESS ->
                {
                    final int version = reader.addressVersion(id);
                    final long high = reader.addressHigh(id);
                    final long low = reader.addressLow(id);
                    scratchValues[k * 3] = version;
                    scratchValues[k * 3 + 1] = high;
                    scratchValues[k * 3 + 2] = low;
                    at = KeyText.address(version, high, low, scratch, at);
                    scratchKind[k] = STRING;
                }
                case KeyFields.TEXT ->
                {
                    final CharSequence text = reader.text(id);
                    final int length = text.length();
                    if (length > KEY_CHARS - at)
                    {
                        return -1;
                    }
                    for (int c = 0; c < length; c++)
                    {
                        scratch[at + c] = text.charAt(c);
                    }
                    at += length;
                    scratchKind[k] = STRING;
                }
                default ->
                {
                    for (int o = 0; o < occurrences && at >= 0; o++)
                    {
                        final long value = keys.integer(reader, k, o);
                        if (0 == o)
                        {
                            scratchValues[k * 3 + 2] = value;
                        }
                        else if (at < KEY_CHARS)
                        {
                            scratch[at++] = ',';
                        }
                        else
                        {
                            at = -1;
                            break;
                        }
                        at = KeyText.decimal(value, scratch, at);
                    }
                    // A repeated field's values are one string, "100,200"; a single value is a number.
                    scratchKind[k] = 1 == occurrences ? NUMBER : STRING;
                }
            }
            if (at < 0)
            {
                return -1;
            }
            scratchLength[k] = at - scratchStart[k];
        }
        return at;
    }

    private long hash(final int keys)
    {
        long h = 0x6A09_E667_F3BC_C909L;
        for (int k = 0; k < keys; k++)
        {
            h = KeyFields.mix(h, scratchKind[k]);
            final int length = scratchLength[k];
            h = KeyFields.mix(h, length);
            long t = 0xCBF2_9CE4_8422_2325L;
            final int from = scratchStart[k];
            for (int c = 0; c < length; c++)
            {
                t = (t ^ scratch[from + c]) * 0x0000_0100_0000_01B3L;
            }
            h = KeyFields.mix(h, t);
        }
        return KeyFields.finish(h);
    }
}
