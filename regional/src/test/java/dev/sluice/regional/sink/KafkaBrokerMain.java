package dev.sluice.regional.sink;

import java.io.IOException;

/**
 * Main class of the child JVM that {@link KafkaTestBroker} runs: a Kafka broker ({@code kafka.Kafka})
 * that halts as soon as its standard input closes, so a test JVM that dies (even by kill -9) takes
 * its broker with it instead of leaving it bound to a port.
 */
public final class KafkaBrokerMain
{
    private KafkaBrokerMain()
    {
    }

    /**
     * @param args the server.properties path, as {@code kafka.Kafka} takes it.
     */
    public static void main(final String[] args)
    {
        final Thread watchdog = new Thread(
            () ->
            {
                try
                {
                    while (System.in.read() >= 0)
                    {
                        // The parent never writes; only end of file matters.
                    }
                }
                catch (final IOException ignore)
                {
                    // A broken pipe means the same as end of file.
                }
                Runtime.getRuntime().halt(0);
            },
            "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        kafka.Kafka.main(args);
    }
}
