package dev.sluice.dataplane.counters;

/**
 * Aeron counter type ids of the gateway's counters. They live in the media driver's counters
 * file next to Aeron's own, so {@code AeronStat} and {@code sluice} verbs in another process
 * can read them. Ids above Aeron's reserved range; never reuse one.
 */
public final class CounterTypes
{
    public static final int SOURCE_COUNTER_TYPE_ID = 77_001;
    public static final int DESTINATION_COUNTER_TYPE_ID = 77_002;
    /** Gateway-wide counters such as agent errors. */
    public static final int GATEWAY_COUNTER_TYPE_ID = 77_003;
    /** Flow aggregation counters of one worker's flow table. */
    public static final int FLOW_COUNTER_TYPE_ID = 77_004;
    /** Event ingest counters of one listener (syslog, JSON lines, HTTP, NetFlow). */
    public static final int INGEST_COUNTER_TYPE_ID = 77_005;
    /** Outcomes of the events an event worker took from the ingest ring. */
    public static final int EVENT_COUNTER_TYPE_ID = 77_006;
    /** Residency decisions and sends of the events one destination was offered. */
    public static final int EVENT_DESTINATION_COUNTER_TYPE_ID = 77_007;
    /** Residency decisions of the items holding one data class, for one destination and outcome. */
    public static final int CLASS_DECISION_COUNTER_TYPE_ID = 77_008;

    private CounterTypes()
    {
    }
}
