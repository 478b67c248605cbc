package dev.sluice.dataplane.classify.event;

import dev.sluice.dataplane.decode.event.netflow.NetflowParser;
import dev.sluice.policy.field.FieldReader;

import java.lang.foreign.MemorySegment;

/**
 * Receives the items {@link EventDispatcher} makes of each ingest message: an accepted event
 * with the reader the policy evaluates it through, one call per record of a NetFlow/IPFIX
 * datagram, or a rejection. Everything passed in is valid only during the call.
 */
public interface EventItemHandler
{
    /**
     * An accepted event whose text is its body.
     *
     * @param kind          the {@code eventKind} wire code ({@code EventKind}).
     * @param reader        the event's fields.
     * @param segment       the memory holding the event's text.
     * @param offset        where the text starts.
     * @param length        its length in bytes.
     * @param receiveTimeNs when ingest received it, epoch nanoseconds.
     */
    void onEvent(int kind, FieldReader reader, MemorySegment segment, long offset, int length, long receiveTimeNs);

    /**
     * One record of an accepted NetFlow/IPFIX datagram: it has no text of its own, so it is
     * rendered from {@code parser}, on which the record is selected.
     */
    void onFlowRecord(FieldReader reader, NetflowParser parser, long receiveTimeNs);

    /**
     * A message no parser accepted: one item, dropped.
     *
     * @param key      {@code <format>:<reason>}, the same String instance for the same pair.
     * @param position the byte offset in the message where parsing stopped.
     */
    void onRejected(String key, int position, MemorySegment segment, long offset, int length, long receiveTimeNs);
}
