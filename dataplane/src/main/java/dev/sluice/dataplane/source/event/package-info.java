/**
 * Event ingest: syslog, JSON lines, HTTP NDJSON batches, NetFlow/IPFIX and candump lines arrive over
 * Netty and are copied once into an {@link dev.sluice.dataplane.source.event.EventRing} that the
 * gateway's event worker ({@code pipeline.EventWorker}) drains.
 * <p>
 * <b>Transport.</b> {@link dev.sluice.dataplane.source.event.IngestTransport} picks io_uring, else epoll,
 * else NIO, and {@link dev.sluice.dataplane.source.event.EventIngest} logs one line saying which and why;
 * {@code -Dsluice.ingest.transport=io_uring|epoll|nio} (or the {@code ingest.transport} setting) forces one.
 * <p>
 * <b>Ring records.</b> One record per message in an Agrona many-to-one ring over direct memory. The type
 * id is the {@link dev.sluice.dataplane.decode.event.EventFormat#typeId()} of the listener's format
 * (syslog for syslog listeners, CEF and LEEF included; json; netflow), or
 * {@link dev.sluice.dataplane.source.event.EventRing#NDJSON_BATCH_TYPE_ID} (64) for a whole HTTP batch.
 * The payload is a 32-byte {@link dev.sluice.dataplane.source.event.IngestRecord} header (receive time,
 * peer address and port, listener index, flags) and the message bytes. No Netty buffer leaves the
 * event loop. {@link dev.sluice.dataplane.source.event.EventRing#read} hands the worker
 * {@code (format, header, segment, offset, length)} without allocating, a batch as one call per line.
 * <p>
 * <b>Framing.</b> UDP: one datagram, one message. TCP syslog: RFC 6587 octet counting or LF framing,
 * detected per connection from the first byte; JSON lines and candump lines: LF. Oversize messages are skipped and the
 * connection goes on with the next frame; an undelimitable frame closes the connection with a log line.
 * <p>
 * <b>Backpressure.</b> A full ring pauses a TCP connection (auto-read off; the frames it holds wait)
 * until the consumer has drained half the ring; UDP drops and counts {@code ring_full}; HTTP answers
 * 429 with Retry-After (503 while stopping). Per listener,
 * {@code received = accepted + dropped{reason}} (see {@link dev.sluice.dataplane.source.event.IngestCounters}).
 */
package dev.sluice.dataplane.source.event;
