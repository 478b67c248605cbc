package dev.sluice.dataplane.decode.event.netflow;

import dev.sluice.dataplane.anonymize.CryptoPan;
import org.agrona.MutableDirectBuffer;

/** TEMPORARY STUB (helper wip/evbody brings the real one). */
public final class FlowRecordJson
{
    public int render(final NetflowParser parser, final MutableDirectBuffer buffer, final int offset, final int limit,
        final CryptoPan cryptoPan)
    {
        buffer.putByte(offset, (byte)'{');
        buffer.putByte(offset + 1, (byte)'}');
        return 2;
    }
}
