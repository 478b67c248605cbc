package dev.sluice.dataplane.decode.event;

import dev.sluice.dataplane.decode.event.can.CanDatabase;
import dev.sluice.dataplane.decode.event.can.CandumpParser;
import dev.sluice.dataplane.decode.event.can.DbcFile;
import dev.sluice.dataplane.decode.event.cef.CefParser;
import dev.sluice.dataplane.decode.event.cef.LeefParser;
import dev.sluice.dataplane.decode.event.json.JsonParser;
import dev.sluice.dataplane.decode.event.netflow.NetflowParser;
import dev.sluice.dataplane.decode.event.syslog.SyslogParser;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Makes the parser of a format with its default limits, as the gateway and the parse tool use it.
 * Off the data path: call once per worker or tool run.
 */
public final class EventParsers
{
    private EventParsers()
    {
    }

    /**
     * @param format the format to parse.
     * @param dbc    for {@link EventFormat#CANDUMP}: a DBC file to decode signals with, or null for frames only;
     *               must be null for other formats.
     * @return a new parser.
     * @throws IOException              when the DBC file cannot be read.
     * @throws IllegalArgumentException when the DBC file is not valid (every problem as file:line:column), or a
     *                                  DBC file is given for a format other than candump.
     */
    public static EventParser create(final EventFormat format, final Path dbc) throws IOException
    {
        if (null != dbc && EventFormat.CANDUMP != format)
        {
            throw new IllegalArgumentException("a DBC file decodes candump frames only, not " + format.keyword());
        }
        return switch (format)
        {
            case SYSLOG -> new SyslogParser();
            case CEF -> new CefParser();
            case LEEF -> new LeefParser();
            case JSON -> new JsonParser();
            case NETFLOW -> new NetflowParser();
            case CANDUMP -> null == dbc ? new CandumpParser() : new CandumpParser(CanDatabase.compile(DbcFile.load(dbc)));
        };
    }
}
