package dev.sluice.dataplane.decode.event.netflow;

/**
 * The templates NetFlow v9 and IPFIX exporters announced, keyed by (exporter address,
 * observation domain / source id, template id), in a table allocated once: a fixed number of
 * slots, each holding up to {@link #maxFields()} field specifiers.
 * <p>
 * Open addressing over a bounded window: a key lives in one of {@link #PROBE_WINDOW} slots
 * after its hash and a lookup scans the whole window (no tombstones needed). Learning a new
 * template when its window is full evicts the template learned longest ago there, counted in
 * {@link #evictions()}. A template expires {@code timeoutNs} after it was last announced; time
 * is the receive time the parser is given with each datagram, so tests and replays choose it.
 * <p>
 * Besides templates, a slot with template id {@link #DOMAIN_STATE} keeps what an exporter's
 * observation domain said in options records that later records need
 * (systemInitTimeMilliseconds, which IPFIX's flowStart/EndSysUpTime are relative to).
 * <p>
 * Each slot carries a generation, bumped whenever the slot is overwritten or cleared, so a
 * record indexed against a template that a later set of the same datagram replaced is noticed
 * instead of read with the wrong layout.
 * <p>
 * One per worker; confined to that worker's thread.
 */
public final class NetflowTemplates
{
    /** Default number of template slots. */
    public static final int DEFAULT_CAPACITY = 1024;
    /** Default largest number of fields a template may have to be kept. */
    public static final int DEFAULT_MAX_FIELDS = 256;
    /** Default template lifetime since its last announcement: 30 minutes (RFC 7011 leaves it to configuration). */
    public static final long DEFAULT_TIMEOUT_NS = 30L * 60 * 1_000_000_000L;

    /** Slots scanned per key. */
    static final int PROBE_WINDOW = 8;
    /** Template id of a domain's state slot (ids below 256 never name templates). */
    static final int DOMAIN_STATE = 0;
    /** Length of a variable-length field (RFC 7011 section 7). */
    static final int VARIABLE_LENGTH = 0xFFFF;
    static final int EMPTY = -1;

    private final int capacity;
    private final int mask;
    private final int maxFields;
    private final long timeoutNs;

    private final int[] exporterVersion;
    private final long[] exporterHigh;
    private final long[] exporterLow;
    private final long[] domain;
    private final int[] templateId;
    private final long[] learnedNs;
    private final int[] generation;
    private final int[] fieldCount;
    private final int[] scopeFieldCount;
    private final boolean[] options;
    private final int[] minRecordLength;
    private final boolean[] variableLength;
    private final boolean[] hasSystemInit;
    private final long[] systemInitMs;

    private final int[] fieldId;
    private final int[] fieldEnterprise;
    private final int[] fieldLength;
    private final byte[] fieldRole;

    private long learned;
    private long withdrawn;
    private long evictions;
    private long expired;

    /** A table of {@link #DEFAULT_CAPACITY} templates of up to {@link #DEFAULT_MAX_FIELDS} fields, expiring after 30 minutes. */
    public NetflowTemplates()
    {
        this(DEFAULT_CAPACITY, DEFAULT_MAX_FIELDS, DEFAULT_TIMEOUT_NS);
    }

    /**
     * @param capacity  template slots (rounded up to a power of two, at least {@link #PROBE_WINDOW}).
     * @param maxFields the most fields a template may have; longer ones are not kept.
     * @param timeoutNs how long a template lives after its last announcement.
     */
    public NetflowTemplates(final int capacity, final int maxFields, final long timeoutNs)
    {
        if (capacity < 1 || capacity > 1 << 20)
        {
            throw new IllegalArgumentException("template capacity must be 1.." + (1 << 20) + ", got " + capacity);
        }
        if (maxFields < 1 || maxFields > 0xFFFF)
        {
            throw new IllegalArgumentException("max fields per template must be 1..65535, got " + maxFields);
        }
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("template timeout must be positive, got " + timeoutNs + " ns");
        }
        final int powerOfTwo = Integer.bitCount(capacity) == 1 ? capacity : Integer.highestOneBit(capacity) << 1;
        this.capacity = Math.max(PROBE_WINDOW, powerOfTwo);
        this.mask = this.capacity - 1;
        this.maxFields = maxFields;
        this.timeoutNs = timeoutNs;

        exporterVersion = new int[this.capacity];
        exporterHigh = new long[this.capacity];
        exporterLow = new long[this.capacity];
        domain = new long[this.capacity];
        templateId = new int[this.capacity];
        learnedNs = new long[this.capacity];
        generation = new int[this.capacity];
        fieldCount = new int[this.capacity];
        scopeFieldCount = new int[this.capacity];
        options = new boolean[this.capacity];
        minRecordLength = new int[this.capacity];
        variableLength = new boolean[this.capacity];
        hasSystemInit = new boolean[this.capacity];
        systemInitMs = new long[this.capacity];
        java.util.Arrays.fill(templateId, EMPTY);

        fieldId = new int[this.capacity * maxFields];
        fieldEnterprise = new int[this.capacity * maxFields];
        fieldLength = new int[this.capacity * maxFields];
        fieldRole = new byte[this.capacity * maxFields];
    }

    /** @return slots in the table. */
    public int capacity()
    {
        return capacity;
    }

    /** @return the most fields a kept template may have. */
    public int maxFields()
    {
        return maxFields;
    }

    /** @return how long a template lives after its last announcement. */
    public long timeoutNs()
    {
        return timeoutNs;
    }

    /** @return templates learned (announced again counts again). */
    public long learned()
    {
        return learned;
    }

    /** @return templates withdrawn by IPFIX template withdrawals. */
    public long withdrawn()
    {
        return withdrawn;
    }

    /** @return templates evicted to make room for another. */
    public long evictions()
    {
        return evictions;
    }

    /** @return templates found expired when looked up. */
    public long expired()
    {
        return expired;
    }

    /** @return templates (and domain states) currently held, expired or not: for tools and tests, scans the table. */
    public int size()
    {
        int size = 0;
        for (int slot = 0; slot < capacity; slot++)
        {
            size += templateId[slot] != EMPTY ? 1 : 0;
        }
        return size;
    }

    /** Forgets every template (an operator's reset; tests). */
    public void clear()
    {
        for (int slot = 0; slot < capacity; slot++)
        {
            clearSlot(slot);
        }
    }

    /**
     * @return the slot holding the live template, or {@link #EMPTY}; an expired one is removed and counted.
     */
    int find(
        final int version, final long high, final long low, final long domainId, final int template, final long nowNs)
    {
        final int start = hash(version, high, low, domainId, template);
        for (int i = 0; i < PROBE_WINDOW; i++)
        {
            final int slot = (start + i) & mask;
            if (templateId[slot] == template && domain[slot] == domainId && exporterLow[slot] == low &&
                exporterHigh[slot] == high && exporterVersion[slot] == version)
            {
                if (nowNs - learnedNs[slot] > timeoutNs)
                {
                    clearSlot(slot);
                    expired++;
                    return EMPTY;
                }
                return slot;
            }
        }
        return EMPTY;
    }

    /**
     * Claims the slot for a template about to be (re)announced: the one holding the same key, else a
     * free or expired one in the window, else the window's oldest (evicted). The caller then adds
     * fields and {@link #commit}s, or {@link #clearSlot}s when the template turns out bad.
     */
    int claim(
        final int version, final long high, final long low, final long domainId, final int template, final long nowNs)
    {
        final int start = hash(version, high, low, domainId, template);
        int free = EMPTY;
        int oldest = EMPTY;
        for (int i = 0; i < PROBE_WINDOW; i++)
        {
            final int slot = (start + i) & mask;
            final int id = templateId[slot];
            if (id == template && domain[slot] == domainId && exporterLow[slot] == low &&
                exporterHigh[slot] == high && exporterVersion[slot] == version)
            {
                free = slot;
                break;
            }
            if (id == EMPTY || nowNs - learnedNs[slot] > timeoutNs)
            {
                if (free == EMPTY)
                {
                    free = slot;
                }
            }
            else if (oldest == EMPTY || learnedNs[slot] < learnedNs[oldest])
            {
                oldest = slot;
            }
        }
        int slot = free;
        if (slot == EMPTY)
        {
            slot = oldest;
            evictions++;
        }
        final long keptSystemInit = templateId[slot] == template && domain[slot] == domainId &&
            exporterLow[slot] == low && exporterHigh[slot] == high && exporterVersion[slot] == version ?
            systemInitMs[slot] : -1;
        clearSlot(slot);
        exporterVersion[slot] = version;
        exporterHigh[slot] = high;
        exporterLow[slot] = low;
        domain[slot] = domainId;
        learnedNs[slot] = nowNs;
        systemInitMs[slot] = keptSystemInit;
        return slot;
    }

    /**
     * Adds field {@code index} to a claimed slot.
     *
     * @param length   the field's length, or {@link #VARIABLE_LENGTH}.
     * @param roleless true for a NetFlow v9 scope field, whose type numbers are not information elements.
     */
    void field(
        final int slot, final int index, final int id, final long enterprise, final int length, final boolean roleless)
    {
        final int at = slot * maxFields + index;
        fieldId[at] = id;
        fieldEnterprise[at] = (int)enterprise;
        fieldLength[at] = length;
        final byte role = roleless ? InformationElements.NONE : InformationElements.role(enterprise, id);
        fieldRole[at] = role;
        if (length == VARIABLE_LENGTH)
        {
            variableLength[slot] = true;
            minRecordLength[slot] += 1;
        }
        else
        {
            minRecordLength[slot] += length;
        }
        if (role == InformationElements.SYSTEM_INIT_MS)
        {
            hasSystemInit[slot] = true;
        }
    }

    /** Makes a claimed slot's template live. */
    void commit(final int slot, final int template, final int fields, final int scopeFields, final boolean isOptions)
    {
        templateId[slot] = template;
        fieldCount[slot] = fields;
        scopeFieldCount[slot] = scopeFields;
        options[slot] = isOptions;
        learned++;
    }

    /** Removes one template by IPFIX withdrawal; true when it was there. */
    boolean withdraw(final int version, final long high, final long low, final long domainId, final int template)
    {
        final int start = hash(version, high, low, domainId, template);
        for (int i = 0; i < PROBE_WINDOW; i++)
        {
            final int slot = (start + i) & mask;
            if (templateId[slot] == template && domain[slot] == domainId && exporterLow[slot] == low &&
                exporterHigh[slot] == high && exporterVersion[slot] == version)
            {
                clearSlot(slot);
                withdrawn++;
                return true;
            }
        }
        return false;
    }

    /**
     * Removes every template of one exporter's observation domain (IPFIX "withdraw all"), of the
     * given kind (options or not): scans the table, as withdrawals are rare.
     */
    void withdrawAll(final int version, final long high, final long low, final long domainId, final boolean isOptions)
    {
        for (int slot = 0; slot < capacity; slot++)
        {
            if (templateId[slot] >= 256 && domain[slot] == domainId && exporterLow[slot] == low &&
                exporterHigh[slot] == high && exporterVersion[slot] == version &&
                options[slot] == isOptions)
            {
                clearSlot(slot);
                withdrawn++;
            }
        }
    }

    /**
     * @return the systemInitTimeMilliseconds an exporter's domain last reported, or -1.
     */
    long systemInitMs(final int version, final long high, final long low, final long domainId, final long nowNs)
    {
        final int slot = find(version, high, low, domainId, DOMAIN_STATE, nowNs);
        return slot == EMPTY ? -1 : systemInitMs[slot];
    }

    /** Remembers a domain's systemInitTimeMilliseconds. */
    void systemInitMs(
        final int version, final long high, final long low, final long domainId, final long nowNs, final long value)
    {
        final int slot = claim(version, high, low, domainId, DOMAIN_STATE, nowNs);
        templateId[slot] = DOMAIN_STATE;
        systemInitMs[slot] = value;
    }

    void clearSlot(final int slot)
    {
        templateId[slot] = EMPTY;
        generation[slot]++;
        fieldCount[slot] = 0;
        scopeFieldCount[slot] = 0;
        options[slot] = false;
        minRecordLength[slot] = 0;
        variableLength[slot] = false;
        hasSystemInit[slot] = false;
        systemInitMs[slot] = -1;
    }

    int generation(final int slot)
    {
        return generation[slot];
    }

    int templateId(final int slot)
    {
        return templateId[slot];
    }

    int fieldCount(final int slot)
    {
        return fieldCount[slot];
    }

    int scopeFieldCount(final int slot)
    {
        return scopeFieldCount[slot];
    }

    boolean options(final int slot)
    {
        return options[slot];
    }

    int minRecordLength(final int slot)
    {
        return minRecordLength[slot];
    }

    boolean variableLength(final int slot)
    {
        return variableLength[slot];
    }

    boolean hasSystemInit(final int slot)
    {
        return hasSystemInit[slot];
    }

    /** Index of a slot's first field in the field arrays. */
    int fieldBase(final int slot)
    {
        return slot * maxFields;
    }

    int fieldId(final int at)
    {
        return fieldId[at];
    }

    /** @return the enterprise number as an unsigned 32-bit value. */
    long fieldEnterprise(final int at)
    {
        return fieldEnterprise[at] & 0xFFFF_FFFFL;
    }

    int fieldLength(final int at)
    {
        return fieldLength[at];
    }

    byte fieldRole(final int at)
    {
        return fieldRole[at];
    }

    private static int hash(final int version, final long high, final long low, final long domainId, final int template)
    {
        long h = low * 0x9E3779B97F4A7C15L;
        h ^= high * 0xC2B2AE3D27D4EB4FL;
        h ^= (domainId + ((long)version << 40)) * 0x165667B19E3779F9L;
        h ^= template * 0xD6E8FEB86659FD93L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int)(h ^ (h >>> 32));
    }
}
