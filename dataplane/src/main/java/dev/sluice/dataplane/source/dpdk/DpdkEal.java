package dev.sluice.dataplane.source.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * DPDK's environment abstraction layer, initialised once per process: DPDK cannot initialise
 * twice or shut down and start again, so the first {@link #init(List)} decides the arguments
 * for the life of the JVM. A later call with the same arguments returns the same instance; with
 * different ones, or after a failed init, it fails with a message saying so.
 * <p>
 * Failures name the fix: hugepages (add {@code --no-huge -m <MB>} or reserve hugepages),
 * permissions (root or capabilities), missing DPDK (install libdpdk-dev), bad arguments.
 * Thread safe.
 */
public final class DpdkEal
{
    /** argv[0] handed to rte_eal_init. */
    public static final String PROGRAM_NAME = "sluice";
    /** What to do when the EAL finds no hugepages. */
    public static final String HUGEPAGES_HINT =
        "no usable hugepages: add --no-huge and -m <MB> (e.g. -m 256) to the source's eal-args, or reserve hugepages " +
        "(sysctl vm.nr_hugepages=1024, with hugetlbfs mounted at /dev/hugepages)";
    /** What to do when the EAL lacks privileges. */
    public static final String PERMISSION_HINT =
        "permission denied: run the gateway as root, or grant it CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW and " +
        "CAP_IPC_LOCK (systemd AmbientCapabilities= or setcap), with --no-huge or a hugetlbfs it may write";

    private static final int EINVAL = 22;
    private static final int EACCES = 13;
    private static final int EPERM = 1;
    private static final int EALREADY = 114;

    private static DpdkEal instance;
    private static List<String> failedArguments;
    private static String failure;

    private final List<String> arguments;

    private DpdkEal(final List<String> arguments)
    {
        this.arguments = arguments;
    }

    /**
     * Initialises the EAL with {@code arguments} (argv without the program name), or returns the
     * process's EAL when it was initialised with the same arguments.
     *
     * @throws DpdkException when the shim is missing, the arguments differ from the first init,
     *                       an earlier init failed, or rte_eal_init fails; the message names the fix.
     */
    public static synchronized DpdkEal init(final List<String> arguments) throws DpdkException
    {
        final List<String> args = List.copyOf(arguments);
        if (instance != null)
        {
            if (!instance.arguments.equals(args))
            {
                throw new DpdkException("DPDK's EAL is already initialised in this process with " + instance.arguments +
                    " and cannot be initialised again with " + args + ": DPDK initialises once per process, so " +
                    "every DPDK source in one gateway must use the same eal-args");
            }
            return instance;
        }
        if (failure != null)
        {
            throw new DpdkException("DPDK's EAL failed to initialise earlier in this process with " + failedArguments +
                " and cannot be retried (" + failure + "); fix the cause and restart the process");
        }
        DpdkLibrary.ensureAvailable();

        final int result = initOnOwnThread(args);
        if (result < 0)
        {
            final int error = -result;
            final String log = DpdkLibrary.ealLog();
            final String message = explain(args, error, DpdkLibrary.strerror(error), log);
            if (error != EINVAL)
            {
                // Argument parse errors leave the EAL retryable; anything later does not.
                failedArguments = args;
                failure = message;
            }
            throw new DpdkException(message);
        }
        instance = new DpdkEal(args);
        return instance;
    }

    /**
     * Runs rte_eal_init on a short-lived thread of its own: the EAL pins the calling thread to its
     * main lcore's CPU, which must not happen to the gateway's assembling thread (or a test's).
     * The sources never rely on being an EAL lcore: workers register themselves (see
     * {@link #registerThread()}) and an unregistered thread bypasses mempool caches.
     */
    private static int initOnOwnThread(final List<String> args) throws DpdkException
    {
        final int[] result = new int[1];
        final Thread thread = Thread.ofPlatform().name("dpdk-eal-init").unstarted(() -> result[0] = initHere(args));
        thread.start();
        try
        {
            thread.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new DpdkException("interrupted while DPDK's EAL initialised", ex);
        }
        return result[0];
    }

    private static int initHere(final List<String> args)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final List<String> argv = new ArrayList<>(args.size() + 1);
            argv.add(PROGRAM_NAME);
            argv.addAll(args);
            final MemorySegment pointers = arena.allocate(ADDRESS, argv.size() + 1L);
            for (int i = 0; i < argv.size(); i++)
            {
                // The EAL copies what it keeps (device arguments, file prefixes), so the strings may die with this arena.
                pointers.setAtIndex(ADDRESS, i, arena.allocateFrom(argv.get(i)));
            }
            pointers.setAtIndex(ADDRESS, argv.size(), MemorySegment.NULL);
            return DpdkLibrary.ealInit(argv.size(), pointers);
        }
    }

    /** The process's EAL, or null before a successful {@link #init(List)}. */
    public static synchronized DpdkEal current()
    {
        return instance;
    }

    /**
     * Makes the calling thread an EAL thread with an lcore id of its own, so mempools with a
     * per-lcore cache (see {@link DpdkMempool#create(int, int, int)}) serve it from that cache
     * rather than the shared ring, as they serve DPDK's own lcores. Keeps the thread's CPU
     * affinity. Call {@link #unregisterThread()} on the same thread before it ends.
     *
     * @return the lcore id DPDK gave the thread.
     * @throws DpdkException when every lcore id is taken or the shim is too old.
     */
    public int registerThread() throws DpdkException
    {
        final int lcore = DpdkLibrary.threadRegister();
        if (lcore < 0)
        {
            throw new DpdkException("cannot register thread " + Thread.currentThread().getName() + " with DPDK: " +
                DpdkLibrary.strerror(lcore) + " (every lcore id is taken: fewer threads, or a larger RTE_MAX_LCORE)");
        }
        return lcore;
    }

    /** Gives the calling thread's lcore id back (after {@link #registerThread()}). */
    public void unregisterThread()
    {
        DpdkLibrary.threadUnregister();
    }

    /** The arguments the EAL was initialised with (without the program name). */
    public List<String> arguments()
    {
        return arguments;
    }

    /**
     * Names the fix for an rte_eal_init failure from rte_errno and what the EAL logged.
     * Package-private for tests.
     */
    static String explain(final List<String> args, final int error, final String errorText, final String log)
    {
        final String lower = log.toLowerCase(Locale.ROOT);
        final String hint;
        if (lower.contains("permission denied") || lower.contains("operation not permitted") || error == EPERM)
        {
            hint = PERMISSION_HINT;
        }
        else if (lower.contains("hugepage") || lower.contains("cannot init memory") || lower.contains("hugetlbfs"))
        {
            hint = HUGEPAGES_HINT;
        }
        else if (error == EACCES)
        {
            hint = PERMISSION_HINT + "; or " + HUGEPAGES_HINT;
        }
        else if (error == EINVAL)
        {
            hint = "invalid EAL arguments " + args + ": see DPDK's EAL parameters (e.g. --no-huge, -m 256, " +
                "--vdev net_pcap0,rx_pcap=/path.pcap, --no-pci, -l 0)";
        }
        else if (error == EALREADY)
        {
            hint = "DPDK's EAL was already initialised in this process by someone else";
        }
        else
        {
            hint = "see the EAL log above";
        }
        return "DPDK EAL init failed with " + args + ": " + errorText + " (rte_errno " + error + "): " + hint +
            lastLines(log);
    }

    private static String lastLines(final String log)
    {
        final String trimmed = log.strip();
        if (trimmed.isEmpty())
        {
            return "";
        }
        final String[] lines = trimmed.split("\n");
        final StringBuilder text = new StringBuilder("\nEAL log:");
        for (int i = Math.max(0, lines.length - 8); i < lines.length; i++)
        {
            text.append("\n  ").append(lines[i]);
        }
        return text.toString();
    }
}
