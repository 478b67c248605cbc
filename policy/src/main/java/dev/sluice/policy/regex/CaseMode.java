package dev.sluice.policy.regex;

/**
 * How a regular expression treats ASCII letters. Immutable; any thread.
 */
public enum CaseMode
{
    /** Letters match only themselves. */
    EXACT,

    /**
     * Host names: {@code A-Z} in the text and in the expression's literals read as {@code a-z}, so
     * the expression may be written in either case.
     */
    IGNORE_ASCII_CASE,

    /**
     * {@code lower(field)}: the text is read in lower case, so an upper-case letter in the
     * expression could never match and is an error, as it is for the other operators on
     * {@code lower(...)}.
     */
    LOWERED
}
