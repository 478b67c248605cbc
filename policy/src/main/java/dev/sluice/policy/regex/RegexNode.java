package dev.sluice.policy.regex;

import java.util.List;

/**
 * The parsed form of a regular expression, before it is compiled to a {@link Program}. Built
 * and discarded at parse time. Immutable.
 */
sealed interface RegexNode
{
    /** One character of a set. */
    record Chars(CharClass set) implements RegexNode
    {
    }

    /** Each in turn. */
    record Concat(List<RegexNode> items) implements RegexNode
    {
    }

    /** Any one of them. */
    record Alternation(List<RegexNode> branches) implements RegexNode
    {
    }

    /**
     * @param max    -1 for no upper bound.
     * @param offset where the quantifier is written, for errors about size.
     */
    record Repeat(RegexNode item, int min, int max, int offset) implements RegexNode
    {
    }

    /** '^': the start of the text. */
    record Begin() implements RegexNode
    {
    }

    /** '$': the end of the text. */
    record End() implements RegexNode
    {
    }

    /** Nothing: an empty branch or group. */
    record Empty() implements RegexNode
    {
    }
}
