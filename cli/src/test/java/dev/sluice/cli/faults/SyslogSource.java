package dev.sluice.cli.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A syslog client for the fault tests, run in the gateway's namespace: sends {@code count}
 * numbered RFC 5424 messages ({@code ... event N}) over TCP, LF-framed, at a set rate, to a
 * gateway's listener, and connects again when the gateway restarts (a message the dead gateway
 * had not read is lost with it: it was never accepted). Numbers only rise, so a recording shows
 * any duplicate or reordering. Prints {@code done sent=N} at the end.
 * <pre>
 *   host port count messages-per-second
 * </pre>
 */
public final class SyslogSource
{
    private static final long CONNECT_PATIENCE_NS = TimeUnit.SECONDS.toNanos(120);

    private SyslogSource()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final InetSocketAddress gateway = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        final int count = Integer.parseInt(args[2]);
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / Long.parseLong(args[3]);
        final long startNs = System.nanoTime();
        Socket socket = null;
        OutputStream out = null;
        int reconnects = 0;
        for (int i = 0; i < count; i++)
        {
            final long dueNs = startNs + i * intervalNs;
            final long aheadNs = dueNs - System.nanoTime();
            if (aheadNs > TimeUnit.MILLISECONDS.toNanos(2) && out != null)
            {
                flush(out);
                TimeUnit.NANOSECONDS.sleep(aheadNs);
            }
            if (out == null)
            {
                socket = connect(gateway);
                out = socket.getOutputStream();
                if (i > 0)
                {
                    reconnects++;
                }
            }
            try
            {
                out.write(("<13>1 2026-11-27T10:00:00Z fault-host app - - - event " + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            catch (final IOException ex)
            {
                socket.close();
                out = null;
            }
        }
        if (out != null)
        {
            flush(out);
            socket.close();
        }
        System.out.println("done sent=" + count + " reconnects=" + reconnects);
    }

    private static void flush(final OutputStream out)
    {
        try
        {
            out.flush();
        }
        catch (final IOException ignored)
        {
            // the next write finds the connection gone and connects again
        }
    }

    private static Socket connect(final InetSocketAddress gateway) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + CONNECT_PATIENCE_NS;
        while (true)
        {
            final Socket socket = new Socket();
            try
            {
                socket.connect(gateway, 1_000);
                return socket;
            }
            catch (final IOException ex)
            {
                socket.close();
                if (System.nanoTime() > deadline)
                {
                    throw ex;
                }
                Thread.sleep(100);
            }
        }
    }
}
