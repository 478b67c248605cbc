package dev.sluice.controlplane;

/**
 * Checks a policy document before the control plane versions and pushes it. Called only on the
 * control plane's agent thread; implementations must report every error, not just the first.
 */
@FunctionalInterface
public interface PolicyValidator
{
    /**
     * Validate a policy document.
     *
     * @param sourceName name to use in error locations, such as the file the document came from.
     * @param text       the YAML document.
     * @return {@link Validation#ok()} or every error found, each with its location.
     */
    Validation validate(String sourceName, String text);
}
