package dev.sluice.dataplane.testing;

import dev.sluice.protocol.codec.DataBatchDecoder;
import dev.sluice.protocol.codec.MessageHeaderDecoder;
import io.aeron.FragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Collects the events an event worker published on one subscription, decoded with the generated
 * SBE decoders (fragmented batches reassembled), and checks each stream's sequence runs without a
 * gap. Test thread only.
 */
public final class EventBatches
{
    /**
     * One event as received.
     *
     * @param body the body as UTF-8 text.
     */
    public record Event(
        String destinationRegion, long streamSequence, long policyVersion, int workerIndex, int kind, long timestampNs,
        String body)
    {
    }

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final DataBatchDecoder decoder = new DataBatchDecoder();
    private final List<Event> events = new ArrayList<>();
    private final FragmentHandler assembler = new FragmentAssembler(this::onBatch);
    private long lastSequence;
    private int batches;

    public List<Event> events()
    {
        return events;
    }

    public List<String> bodies()
    {
        final List<String> bodies = new ArrayList<>();
        for (final Event event : events)
        {
            bodies.add(event.body());
        }
        return bodies;
    }

    public int batches()
    {
        return batches;
    }

    /** Polls until nothing more arrives for a few rounds. */
    public EventBatches drain(final Subscription subscription)
    {
        int idleRounds = 0;
        while (idleRounds < 20)
        {
            idleRounds = subscription.poll(assembler, 100) == 0 ? idleRounds + 1 : 0;
            Thread.onSpinWait();
        }
        return this;
    }

    /** Polls once; returns fragments read. */
    public int poll(final Subscription subscription)
    {
        return subscription.poll(assembler, 100);
    }

    private void onBatch(final DirectBuffer buffer, final int offset, final int length, final Header frameHeader)
    {
        header.wrap(buffer, offset);
        if (header.templateId() != DataBatchDecoder.TEMPLATE_ID || header.schemaId() != DataBatchDecoder.SCHEMA_ID)
        {
            fail("not a DataBatch: template " + header.templateId() + " schema " + header.schemaId());
        }
        decoder.wrapAndApplyHeader(buffer, offset, header);
        final String destination = decoder.destinationRegion();
        final long sequence = decoder.streamSequence();
        assertEquals(lastSequence + 1, sequence, "the event stream's sequence has no gap");
        lastSequence = sequence;
        batches++;
        final long policyVersion = decoder.policyVersion();
        final long recordCount = decoder.recordCount();
        final int workerIndex = decoder.workerIndex();
        assertEquals(0, decoder.packets().count(), "an event batch carries events only");
        assertEquals(0, decoder.flows().count(), "an event batch carries events only");
        assertEquals(0, decoder.frames().count(), "an event batch carries events only");
        final DataBatchDecoder.EventsDecoder eventsDecoder = decoder.events();
        assertEquals(recordCount, eventsDecoder.count());
        for (final DataBatchDecoder.EventsDecoder e : eventsDecoder)
        {
            final long timestampNs = e.timestampNs();
            final int kind = e.eventKind();
            final byte[] body = new byte[e.bodyLength()];
            e.getBody(body, 0, body.length);
            events.add(new Event(destination, sequence, policyVersion, workerIndex, kind, timestampNs,
                new String(body, StandardCharsets.UTF_8)));
        }
        assertEquals(length, MessageHeaderDecoder.ENCODED_LENGTH + decoder.encodedLength(),
            "the message is exactly the encoded batch");
    }
}
