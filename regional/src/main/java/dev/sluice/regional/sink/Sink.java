package dev.sluice.regional.sink;

import org.agrona.DirectBuffer;

/**
 * Where the records of accepted batches go: Kafka, a test's list. A sink is fed one whole batch
 * at a time, in order per stream, from the caller's durable log (the core's recording, see
 * {@code SinkFeed}), and tells back how far it has delivered each stream durably, so that the
 * caller can advance one cursor per sink and resend from there: one sink falling behind never holds
 * another back.
 * <p>
 * Offering a batch is all or nothing:
 * <pre>
 * if (sink.offerBatch(stream, sequence, recordCount, lengthBound))
 * {
 *     sink.appendRecord(DataKind.PACKETS, origin, line, 0, lineLength); // recordCount times
 *     sink.commitBatch();
 * }
 * // else: the sink cannot take it now (counted); offer the same batch again later.
 * </pre>
 * None of these calls blocks or waits for a downstream system: a slow or failing sink refuses
 * batches once its bounded buffer is full, and the caller's thread goes on with its other sinks.
 * Records are copied before {@link #appendRecord} returns; the caller may reuse its buffer at once.
 * <p>
 * Delivered means "will not be lost by this sink": acknowledged by Kafka with {@code acks=all}, or
 * in the file's page cache. A record the sink can never deliver (larger than Kafka accepts, say)
 * is counted with its reason and then treated as delivered, so that one bad record does not stall
 * its stream for ever.
 * <p>
 * Threads: {@link #offerBatch}, {@link #appendRecord}, {@link #commitBatch} and
 * {@link #pollDelivered} by one caller thread (the core's agent); {@link #deliveredSequence},
 * {@link #counters()} and {@link #name()} from any thread; {@link #close()} once, by the owner.
 */
public interface Sink extends AutoCloseable
{
    /**
     * Name of the sink in counters and messages, e.g. {@code kafka}.
     *
     * @return the name.
     */
    String name();

    /**
     * Starts offering one batch of a stream: reserves room for all its records, or refuses.
     * Sequences of one stream must be offered in increasing order; a refused batch is offered
     * again (not a later one first).
     *
     * @param stream      the batch's stream.
     * @param sequence    the batch's sequence in its stream, at least 1.
     * @param recordCount how many records {@link #appendRecord} will add (0 for an empty batch).
     * @param lengthBound the most bytes those records take together.
     * @return true when the batch is taken (append its records, then commit); false when the sink
     * cannot take it now: nothing was taken, {@link SinkCounter#REFUSED_BACKPRESSURE} counted it.
     * @throws IllegalStateException if a batch is already open.
     */
    boolean offerBatch(SinkStream stream, long sequence, int recordCount, long lengthBound);

    /**
     * Adds one record to the open batch; the bytes are copied before this returns.
     * <p>
     * The origin says where the record lies in the caller's durable log. After a restart the caller
     * offers again what the sink may already have delivered (its cursor is persisted only now and
     * then); a sink that can read back what it holds (Kafka) skips a record whose origin it already
     * holds, so nothing is delivered twice.
     *
     * @param kind   what the record is (Kafka sends it to that kind's topic).
     * @param origin where the record starts in the caller's log (the core: its offset in the NDJSON
     *               recording); rising with each record offered.
     * @param buffer holding the record, e.g. one NDJSON line (the core passes it without its newline).
     * @param offset of the record in the buffer.
     * @param length of the record in bytes.
     * @throws IllegalStateException if no batch is open, or more records or bytes are added than
     *                               were announced.
     */
    void appendRecord(DataKind kind, long origin, DirectBuffer buffer, int offset, int length);

    /**
     * Ends the open batch: from here on the sink delivers it.
     *
     * @throws IllegalStateException if no batch is open or fewer records were added than announced.
     */
    void commitBatch();

    /**
     * Highest sequence of a stream that this sink has delivered durably, with every record of it
     * and of every earlier batch of the stream offered to this sink.
     *
     * @param stream the stream.
     * @return the sequence; 0 while none is delivered or the stream was never offered.
     */
    long deliveredSequence(SinkStream stream);

    /**
     * Reports each stream whose delivered sequence has advanced since the last call.
     *
     * @param handler told once per stream that advanced, with its new delivered sequence.
     * @return how many streams were reported.
     */
    int pollDelivered(DeliveryHandler handler);

    /**
     * Counters of this sink, readable from any thread.
     *
     * @return the counters.
     */
    SinkCounters counters();

    /**
     * Stops the sink, delivering what it can within its close timeout; what is not delivered by
     * then stays undelivered (the caller's log still holds it). Idempotent.
     */
    void close();
}
