package dev.sluice.cli.faults;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The fault tests' network: a gateway namespace and a core namespace, each joined to this
 * process's namespace by a veth pair of its own (a /30 each), so every datagram between a gateway
 * and a core crosses this process, where a {@link LossyUdpRelay} loses it on purpose, and either
 * link can be taken down and up ({@link #link(Side, boolean)}) for partitions and flapping. Child
 * processes run inside a namespace through {@link #javaIn(Side, Class, String...)}.
 * <pre>
 *   [gateway ns] 10.N.M.2 ==veth== 10.N.M.1 [this process: relay] 10.N.M.5 ==veth== 10.N.M.6 [core ns]
 * </pre>
 * Needs root and iproute2; without them the tests are skipped, unless {@code sluice.netns.required}
 * is true ({@code ./sluice test} sets it on CI), where they fail instead.
 */
public final class FaultNetwork implements AutoCloseable
{
    /** The two ends. */
    public enum Side
    {
        GATEWAY, CORE
    }

    static final String REQUIRED_PROP_NAME = "sluice.netns.required";

    private final String suffix;
    private final String prefix;
    private final List<Process> children = new ArrayList<>();

    private FaultNetwork(final String suffix, final String prefix)
    {
        this.suffix = suffix;
        this.prefix = prefix;
    }

    /** Creates both namespaces and links, or skips (fails on CI) without root and iproute2. */
    public static FaultNetwork create() throws IOException, InterruptedException
    {
        final String missing = missingPrerequisite();
        if (null != missing)
        {
            if (Boolean.getBoolean(REQUIRED_PROP_NAME))
            {
                throw new IllegalStateException("fault tests need " + missing + " (" + REQUIRED_PROP_NAME +
                    "=true: ./sluice test runs them as root and installs iproute2)");
            }
            Assumptions.abort("fault tests skipped: they need " + missing);
        }
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        final String suffix = Integer.toHexString(random.nextInt(0x100000, 0xFFFFFF));
        final FaultNetwork network = new FaultNetwork(suffix, "10." + random.nextInt(200, 250) + "." + random.nextInt(256) + ".");
        try
        {
            network.setUp();
        }
        catch (final IOException | RuntimeException ex)
        {
            network.close();
            throw ex;
        }
        return network;
    }

    /** The namespace of a side, for {@code ip netns exec}. */
    public String namespace(final Side side)
    {
        return (side == Side.GATEWAY ? "slfg-" : "slfc-") + suffix;
    }

    /** The address of a side's end inside its namespace. */
    public String address(final Side side)
    {
        return prefix + (side == Side.GATEWAY ? 2 : 6);
    }

    /** The address of this process's end of a side's link: where a relay listens for that side. */
    public String hostAddress(final Side side)
    {
        return prefix + (side == Side.GATEWAY ? 1 : 5);
    }

    /** Brings this process's end of a side's link up or down: down, nothing crosses it (a partition). */
    public void link(final Side side, final boolean up) throws IOException, InterruptedException
    {
        run("ip", "link", "set", hostInterface(side), up ? "up" : "down");
    }

    /**
     * Starts {@code main} of the test classpath in a JVM inside a side's namespace, with this JVM's
     * flags (add-opens, native access); its output goes to {@code log}. The process is killed
     * (SIGKILL) at {@link #close()} if still running.
     */
    public Process javaIn(final Side side, final Class<?> main, final Path log, final String... args) throws IOException
    {
        return javaIn(side, main, log, List.of(), args);
    }

    /** As {@link #javaIn(Side, Class, Path, String...)}, with JVM options ({@code -Dname=value}) of its own. */
    public Process javaIn(
        final Side side, final Class<?> main, final Path log, final List<String> jvmOptions, final String... args)
        throws IOException
    {
        final List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace(side),
            ProcessHandle.current().info().command().orElseThrow()));
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-opens") || argument.startsWith("--enable-native-access") ||
                argument.startsWith("--sun-misc-unsafe-memory-access"))
            {
                command.add(argument);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
            "-Xmx256m", "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.add(main.getName());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        children.add(process);
        return process;
    }

    @Override
    public void close() throws IOException, InterruptedException
    {
        for (final Process child : children)
        {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        for (final Side side : Side.values())
        {
            quietly("ip", "link", "del", hostInterface(side));
            quietly("ip", "netns", "del", namespace(side));
        }
    }

    private String hostInterface(final Side side)
    {
        return (side == Side.GATEWAY ? "slfg" : "slfc") + suffix;
    }

    private String innerInterface(final Side side)
    {
        return (side == Side.GATEWAY ? "slig" : "slic") + suffix;
    }

    private void setUp() throws IOException, InterruptedException
    {
        for (final Side side : Side.values())
        {
            final String namespace = namespace(side);
            run("ip", "netns", "add", namespace);
            run("ip", "link", "add", hostInterface(side), "type", "veth", "peer", "name", innerInterface(side));
            run("ip", "link", "set", innerInterface(side), "netns", namespace);
            run("ip", "addr", "add", hostAddress(side) + "/30", "dev", hostInterface(side));
            run("ip", "link", "set", hostInterface(side), "up");
            run("ip", "netns", "exec", namespace, "ip", "addr", "add", address(side) + "/30", "dev", innerInterface(side));
            run("ip", "netns", "exec", namespace, "ip", "link", "set", innerInterface(side), "up");
            run("ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up");
        }
    }

    private static String missingPrerequisite()
    {
        if (!"root".equals(System.getProperty("user.name")))
        {
            return "root (network namespaces)";
        }
        for (final String ip : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"))
        {
            if (Files.isExecutable(Path.of(ip)))
            {
                return null;
            }
        }
        return "iproute2 (the `ip` command)";
    }

    private static void quietly(final String... command) throws InterruptedException
    {
        try
        {
            run(command);
        }
        catch (final IOException ignored)
        {
            // already gone
        }
    }

    static void run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": timed out");
        }
        if (process.exitValue() != 0)
        {
            throw new IOException(String.join(" ", command) + ": exit " + process.exitValue() + ": " + output.strip());
        }
    }
}
