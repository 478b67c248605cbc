package dev.sluice.dataplane.classify.detect;

/**
 * Chooses the identifier detection engine once per process: Hyperscan where {@code libhs.so.5}
 * loads and the CPU runs it, the DFA engine otherwise, or the one {@value #ENGINE_PROP_NAME} names.
 * Logs one line saying which engine is used and why. Any thread; each worker then creates its own
 * detector.
 */
public final class IdentifierDetectors
{
    /** {@code auto} (the default), {@code hyperscan} (fail if unavailable) or {@code dfa}. */
    public static final String ENGINE_PROP_NAME = "sluice.detect.engine";
    public static final String ENGINE_DEFAULT = "auto";

    private static final System.Logger LOG = System.getLogger(IdentifierDetectors.class.getName());
    private static final boolean USE_HYPERSCAN = chooseEngine(System.getProperty(ENGINE_PROP_NAME, ENGINE_DEFAULT));

    private IdentifierDetectors()
    {
    }

    /**
     * @return a detector of the chosen engine, for one thread.
     */
    public static IdentifierDetector create()
    {
        return USE_HYPERSCAN ? new HyperscanIdentifierDetector() : new DfaIdentifierDetector();
    }

    /**
     * @return the chosen engine's name.
     */
    public static String engine()
    {
        return USE_HYPERSCAN ? HyperscanIdentifierDetector.ENGINE : DfaIdentifierDetector.ENGINE;
    }

    private static boolean chooseEngine(final String wanted)
    {
        switch (wanted)
        {
            case "dfa" ->
            {
                LOG.log(System.Logger.Level.INFO, "identifier detection engine: dfa (" + ENGINE_PROP_NAME + "=dfa)");
                return false;
            }
            case "hyperscan" ->
            {
                if (!Hyperscan.isAvailable())
                {
                    throw new IllegalStateException(
                        ENGINE_PROP_NAME + "=hyperscan but Hyperscan is not available: " + Hyperscan.unavailableReason());
                }
                LOG.log(System.Logger.Level.INFO, "identifier detection engine: hyperscan (" + ENGINE_PROP_NAME + "=hyperscan)");
                return true;
            }
            case "auto" ->
            {
                if (Hyperscan.isAvailable())
                {
                    LOG.log(System.Logger.Level.INFO, "identifier detection engine: hyperscan (" + Hyperscan.LIBRARY + " loaded, platform supported)");
                    return true;
                }
                LOG.log(System.Logger.Level.INFO, "identifier detection engine: dfa fallback (" + Hyperscan.unavailableReason() + ")");
                return false;
            }
            default -> throw new IllegalArgumentException(
                ENGINE_PROP_NAME + " must be auto, hyperscan or dfa, not '" + wanted + "'");
        }
    }
}
