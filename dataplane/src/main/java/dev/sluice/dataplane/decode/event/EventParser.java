package dev.sluice.dataplane.decode.event;

import java.lang.foreign.MemorySegment;

/**
 * A flyweight parser of one event format over bytes where they lie (off-heap: a ring record,
 * a mapped file). {@link #parse} indexes the message once; fields are then read on demand
 * through the implementation's own allocation-free accessors, or all at once through
 * {@link #visitFields} for tools.
 * <p>
 * A bad message is an outcome, never an exception: {@code parse} returns false and
 * {@link #rejectReason()} and {@link #rejectOffset()} say why and where. Reasons are constant
 * snake_case labels (they name counters), never built per message. No allocation per message
 * once warmed up. Confined to one thread; reusable for the next message after each call.
 */
public interface EventParser
{
    /**
     * Parses one message. The bytes must stay unchanged until the next call to {@code parse}.
     *
     * @param segment the memory holding the message.
     * @param offset  where the message starts in {@code segment}.
     * @param length  the message's length in bytes.
     * @return true when accepted; false when rejected.
     */
    boolean parse(MemorySegment segment, long offset, int length);

    /**
     * @return why the last message was rejected, e.g. {@code "invalid_pri"}; null after an accepted one.
     */
    String rejectReason();

    /**
     * @return the byte offset, from the message's start, where the last message was found bad;
     * -1 after an accepted one.
     */
    int rejectOffset();

    /**
     * Reports every field of the last accepted message under its policy name.
     *
     * @param visitor receives the fields.
     */
    void visitFields(EventFieldVisitor visitor);
}
