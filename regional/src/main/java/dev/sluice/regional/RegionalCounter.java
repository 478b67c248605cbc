package dev.sluice.regional;

/**
 * Totals a regional core keeps, declared once with the label and unit reported for each.
 * <p>
 * Immutable; any thread.
 */
public enum RegionalCounter
{
    /**
     * Batches accepted in sequence and written.
     */
    BATCHES("batches", "batches"),

    /**
     * Records of every kind written.
     */
    RECORDS("records", "records"),

    /**
     * Packet summaries written.
     */
    PACKET_RECORDS("packet_records", "records"),

    /**
     * Flow records written.
     */
    FLOW_RECORDS("flow_records", "records"),

    /**
     * Frames written, to the NDJSON file and the pcapng file alike.
     */
    FRAME_RECORDS("frame_records", "records"),

    /**
     * Events written.
     */
    EVENT_RECORDS("event_records", "records"),

    /**
     * Bytes of every consumed frame: accepted, duplicate, misrouted or rejected.
     */
    BYTES_RECEIVED("bytes_received", "bytes"),

    /**
     * Batches whose sequence was not above the last one seen on their stream, dropped unwritten.
     */
    DUPLICATES("duplicates", "batches"),

    /**
     * Batches that arrived ahead of a gap in their stream and were dropped unwritten while the
     * gateway had {@link RegionalCoreContext#gapTimeoutNs()} to replay the missing ones (it sends them
     * again, in order, since the acknowledgement does not pass the gap).
     */
    HELD_FOR_GAP("held_for_gap", "batches"),

    /**
     * Sequences skipped between consecutive accepted batches of a stream.
     */
    GAPS("gaps", "sequences"),

    /**
     * Frames that are not valid {@code DataBatch} messages, by any {@link RejectReason}.
     */
    REJECTED_FRAMES("rejected_frames", "frames"),

    /**
     * Valid batches addressed to another region, dropped unwritten.
     */
    MISROUTED("misrouted", "batches"),

    /**
     * NDJSON bytes handed to the output file.
     */
    OUTPUT_BYTES("output_bytes", "bytes"),

    /**
     * pcapng bytes handed to the frame file, section headers included.
     */
    PCAPNG_BYTES("pcapng_bytes", "bytes"),

    /**
     * Failed attempts to write buffered output to the NDJSON or the pcapng file; intake pauses
     * while they fail.
     */
    OUTPUT_ERRORS("output_errors", "attempts"),

    /**
     * Times both output files and the state file were forced to the device, each making every batch
     * accepted before it durable and acknowledgeable.
     */
    DURABLE_FORCES("durable_forces", "forces"),

    /**
     * Failed writes or forces of the durable state file; nothing is acknowledged until one succeeds.
     */
    STATE_ERRORS("state_errors", "attempts"),

    /**
     * {@code StreamAck} messages published to gateways, first sends and repeats alike.
     */
    ACKS_SENT("acks_sent", "messages"),

    /**
     * Bytes of the durable recording the sink feed could not read as records (a damaged file) and
     * skipped: the sink (Kafka) never got them, the file still holds them.
     */
    SINK_FEED_UNREADABLE("sink_feed_unreadable", "bytes");

    private final String label;
    private final String unit;

    RegionalCounter(final String label, final String unit)
    {
        this.label = label;
        this.unit = unit;
    }

    /**
     * Name used in metrics and reports.
     *
     * @return snake_case label.
     */
    public String label()
    {
        return label;
    }

    /**
     * What one unit of the counter is.
     *
     * @return unit name.
     */
    public String unit()
    {
        return unit;
    }
}
