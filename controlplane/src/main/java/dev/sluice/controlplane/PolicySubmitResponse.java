package dev.sluice.controlplane;

/**
 * The control plane's answer to a submit, or why there was none. Immutable, so any thread may use it.
 *
 * @param outcome       how the submit ended.
 * @param policyVersion the version assigned when accepted, else the current one; 0 without an answer.
 * @param message       every error one per line when invalid, otherwise a summary.
 */
public record PolicySubmitResponse(SubmitOutcome outcome, long policyVersion, String message)
{
}
