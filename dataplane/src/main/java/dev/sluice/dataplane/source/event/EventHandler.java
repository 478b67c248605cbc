package dev.sluice.dataplane.source.event;

import dev.sluice.dataplane.decode.event.EventFormat;

import java.lang.foreign.MemorySegment;

/**
 * Receives the messages of the ingest ring, one call per message, on the thread that calls
 * {@link EventRing#read}. Everything passed in is valid only during the call: the ring reuses the
 * memory once the call returns.
 */
@FunctionalInterface
public interface EventHandler
{
    /**
     * @param format  how to parse the message (CEF and LEEF arrive as {@link EventFormat#SYSLOG}).
     * @param header  the record's header: receive time, peer, listener, flags (a reused view).
     * @param segment the memory holding the message (the whole ring).
     * @param offset  where the message starts in {@code segment}.
     * @param length  the message's length in bytes.
     */
    void onEvent(EventFormat format, IngestRecord header, MemorySegment segment, long offset, int length);
}
