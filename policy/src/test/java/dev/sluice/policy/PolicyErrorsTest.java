package dev.sluice.policy;

import dev.sluice.policy.diagnostic.Diagnostic;
import dev.sluice.policy.diagnostic.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Invalid documents: each must report an error at an exact line and column.
 */
class PolicyErrorsTest
{
    static final String HEADER = "sluice-policy: 1\nname: t\nmatch: first\ndefault: keep\n";

    /** A document whose only rule (lines 6-8) has the given condition and action; 'when' values start at 7:11. */
    static String withRule(final String when, final String then)
    {
        return HEADER + "rules:\n  - name: r\n    when: " + when + "\n    then: " + then + "\n";
    }

    static String lines(final String... lines)
    {
        return String.join("\n", lines) + "\n";
    }

    static Stream<Arguments> invalidDocuments()
    {
        return Stream.of(
            // document structure
            arguments("unknown top-level key", HEADER + "rulez: []\n", "5:1", "unknown key 'rulez' in the policy", "did you mean 'rules'?"),
            arguments("missing required key", "sluice-policy: 1\nname: t\nmatch: first\n", "1:1", "missing required key 'default'", null),
            arguments("wrong type", HEADER + "rules: {a: 1}\n", "5:8", "'rules' must be a list, found a mapping", null),
            arguments("root is a list", "- a\n- b\n", "1:1", "a policy document must be a mapping", null),
            arguments("empty document", "# nothing here\n", "1:1", "empty policy document", null),
            arguments("format version", "sluice-policy: 2\nname: t\nmatch: first\ndefault: keep\n", "1:16", "unsupported policy format version 2", null),
            arguments("quoted version", "sluice-policy: '1'\nname: t\nmatch: first\ndefault: keep\n", "1:16", "must be a whole number", null),
            arguments("match any", "sluice-policy: 1\nname: t\nmatch: any\ndefault: keep\n", "3:8", "unknown match mode 'any'", null),
            arguments("bad default", "sluice-policy: 1\nname: t\nmatch: first\ndefault: sample 1/10\n", "4:10", "must be 'keep' or 'drop'", null),
            arguments("bad policy name", "sluice-policy: 1\nname: my policy\nmatch: first\ndefault: keep\n", "2:7", "invalid policy name", null),
            arguments("duplicate YAML key", HEADER + "name: u\n", "5:1", "duplicate key 'name' (first at 2:1)", null),
            arguments("YAML syntax error", HEADER + "rules: [a\nresidency: x\n", "6:10", "invalid YAML", null),
            arguments("YAML tag", HEADER + "rules: !!seq []\n", "5:8", "YAML tags (tag:yaml.org,2002:seq) are not supported", null),
            arguments("nesting too deep", HEADER + "rules: " + "[".repeat(100) + "]".repeat(100) + "\n", "5:71", "nesting is deeper than 64", null),

            // rule structure
            arguments("rule without then", HEADER + "rules:\n  - name: r\n    when: true\n", "6:5", "missing required key 'then' in a rule", null),
            arguments("misspelt rule key", withRule("true", "keep") + "    than: drop\n", "9:5", "unknown key 'than' in a rule", "did you mean 'then'?"),
            arguments("duplicate rule name", withRule("true", "keep") + "  - name: r\n    when: false\n    then: drop\n", "9:11", "duplicate rule name 'r' (first at 6:11)", null),
            arguments("when is a list", withRule("[tcp.port == 1]", "keep"), "7:11", "'when' must be a condition written as text", null),
            arguments("when is empty", withRule("", "keep"), "7:10", "'when' needs a condition", null),

            // expressions, plain scalars: the value starts at column 11
            arguments("unknown field", withRule("tcp.dsport == 80", "keep"), "7:11", "unknown field 'tcp.dsport'", "did you mean 'tcp.dstport'?"),
            arguments("unknown field mid-expression", withRule("tcp.dstport == 80 and ip.srcc == 10.0.0.1", "keep"), "7:33", "unknown field 'ip.srcc'", "did you mean 'ip.src'?"),
            arguments("Wireshark IPv6 name", withRule("ipv6.src == ::1", "keep"), "7:11", "unknown field 'ipv6.src'", "write 'ip.src': Sluice uses one name for IPv4 and IPv6"),
            arguments("address for integer field", withRule("tcp.dstport == 10.0.0.1", "keep"), "7:26", "'tcp.dstport' is an integer field but 10.0.0.1 is an address", null),
            arguments("integer for address field", withRule("ip.src == 80", "keep"), "7:21", "'ip.src' is an address field but 80 is an integer", null),
            arguments("ordering on addresses", withRule("ip.dst > 10.0.0.1", "keep"), "7:18", "operator '>' does not apply to address fields", null),
            arguments("port out of range in set", withRule("udp.dstport in {53, 65536}", "keep"), "7:31", "65536 is out of range for 'udp.dstport' (0..65535)", null),
            arguments("vlan out of range, hex", withRule("vlan.id == 0x1000", "keep"), "7:22", "4096 is out of range for 'vlan.id' (0..4095)", null),
            arguments("flag out of range", withRule("tcp.flags.syn == 2", "keep"), "7:28", "2 is out of range for 'tcp.flags.syn' (0..1)", null),
            arguments("bare address field", withRule("ip.src", "keep"), "7:11", "'ip.src' is an address field and cannot be a condition on its own", null),
            arguments("missing value", withRule("tcp.dstport ==", "keep"), "7:25", "expected a value after '=='", null),
            arguments("unclosed parenthesis", withRule("(vlan.id == 1", "keep"), "7:24", "expected ')' to close the '(' at column 11", null),
            arguments("single equals", withRule("vlan.id = 1", "keep"), "7:19", "'=' is not an operator", "compare with '=='"),
            arguments("missing operator", withRule("tcp.port 80", "keep"), "7:20", "expected an operator", null),
            arguments("missing and/or", withRule("tcp.port == 80 udp.port == 53", "keep"), "7:26", "expected 'and', 'or' or the end of the condition", null),
            arguments("empty set", withRule("tcp.port in {}", "keep"), "7:23", "empty set", null),
            arguments("trailing comma in set", withRule("tcp.port in {80,}", "keep"), "7:27", "expected a value after ','", null),
            arguments("reversed range", withRule("tcp.port in {90..80}", "keep"), "7:24", "range 90..80 is empty", null),
            arguments("range without in", withRule("tcp.port == 1..2", "keep"), "7:23", "a range can only be used with 'in'", null),
            arguments("leading zero", withRule("tcp.port == 080", "keep"), "7:23", "leading zero", null),
            arguments("bad IPv4", withRule("ip.src in {10.0.0.0/8, 300.1.1.1}", "keep"), "7:34", "300 is more than 255", null),
            arguments("bad prefix length", withRule("ip.src == 10.0.0.0/33", "keep"), "7:21", "prefix length /33 is too long", null),
            arguments("bad IPv6", withRule("ip.src == 2001:db8::1::2", "keep"), "7:21", "'::' may appear only once", null),
            arguments("upper-case keyword", withRule("vlan.id == 1 AND vlan.id == 2", "keep"), "7:24", "expected 'and', 'or'", null),
            arguments("field compared with field", withRule("tcp.srcport == tcp.dstport", "keep"), "7:26", "expected a value, found the field 'tcp.dstport'", "comparing two fields is not supported"),
            arguments("unexpected character", withRule("tcp.port == 80 ; drop", "keep"), "7:26", "unexpected character ';'", null),
            arguments("too deeply nested", withRule("(".repeat(70) + "true" + ")".repeat(70), "keep"), "7:75", "nested more than 64 levels", null),

            // text, repeated and inner fields
            arguments("integer for text field", withRule("dns.qry.name == 80", "keep"), "7:27", "'dns.qry.name' is a text field but 80 is an integer", "write text in double quotes, e.g. \"80\""),
            arguments("text for integer field", withRule("tcp.dstport == \"80\"", "keep"), "7:26", "'tcp.dstport' is an integer field but \"80\" is text", "write numbers without quotes, e.g. 80"),
            arguments("text for address field", withRule("inner.ip.src == \"10.0.0.1\"", "keep"), "7:27", "'inner.ip.src' is an address field but \"10.0.0.1\" is text", "write addresses without quotes, e.g. 192.0.2.1 or 10.0.0.0/8"),
            arguments("address for text field", withRule("tls.sni == 10.0.0.1", "keep"), "7:22", "'tls.sni' is a text field but 10.0.0.1 is an address", "write text in double quotes, e.g. \"10.0.0.1\""),
            arguments("unquoted text", withRule("dns.qry.name == example.com", "keep"), "7:27", "text values are written in double quotes", "write \"example.com\""),
            arguments("unquoted text in a set", withRule("tunnel.type in {\"gre\", vxlan}", "keep"), "7:34", "text values are written in double quotes", "write \"vxlan\""),
            arguments("single-quoted text", withRule("tls.sni == 'a.example'", "keep"), "7:22", "unexpected character '''", "text values are written in double quotes: \"example.com\""),
            arguments("ordering on text", withRule("dns.qry.name < \"m\"", "keep"), "7:24", "operator '<' does not apply to text fields", "use ==, != or 'in' with text in double quotes"),
            arguments("unclosed text", withRule("tls.sni == \"a.example and vlan.id == 1", "keep"), "7:22", "text value is never closed", "end it with '\"'"),
            arguments("unknown escape", withRule("tls.sni == \"a\\nb\"", "keep"), "7:24", "unknown escape '\\n' in a text value", null),
            arguments("regex: unclosed group", withRule("syslog.msg matches \"a(b\"", "keep"), "7:32", "'(' is never closed",
                "add ')', or write \\( for a parenthesis"),
            arguments("regex: count in a double-quoted YAML scalar", HEADER + "rules:\n  - name: r\n    when: \"syslog.msg matches \\\"\\\\d{2000}\\\"\"\n    then: keep\n",
                "7:37", "repetition count 2000 is above 1000", "use at most {1000}, or + or {m,} where any number will do"),
            arguments("regex: lookahead", withRule("'lower(syslog.msg) matches \"root(?=@)\"'", "keep"), "7:43", "lookaround is not supported",
                "matching runs in linear time without backtracking; combine conditions with 'and' / 'not' instead"),
            arguments("control character in text", HEADER + "rules:\n  - name: r\n    when: \"tls.sni == \\\"a\\tb\\\"\"\n    then: keep\n", "7:26", "control character U+0009 in a text value", null),
            arguments("unknown tunnel type", withRule("tunnel.type == \"vxaln\"", "keep"), "7:26", "'tunnel.type' is never \"vxaln\"", "did you mean 'vxlan'?"),
            arguments("tunnel type in upper case", withRule("tunnel.type in {\"gre\", \"GTP\"}", "keep"), "7:34", "'tunnel.type' is never \"GTP\"", "did you mean 'gtp'?"),
            arguments("host name with trailing dot", withRule("dns.qry.name == \"example.com.\"", "keep"), "7:27", "'dns.qry.name' is written without the trailing dot", "write \"example.com\""),
            arguments("host name too long", withRule("dns.qry.name == \"" + "a".repeat(254) + "\"", "keep"), "7:27", "text of 254 characters is longer than any 'dns.qry.name' (at most 253)", null),
            arguments("range for text field", withRule("dns.qry.name in {1..5}", "keep"), "7:28", "'dns.qry.name' is a text field but 1..5 is a range of integers", null),
            arguments("text among integers", withRule("tcp.port in {80, \"443\"}", "keep"), "7:28", "'tcp.port' is an integer field but \"443\" is text", null),
            arguments("quoted field name", withRule("vlan.id == 1 or \"tls.sni\"", "keep"), "7:27", "expected a field name, 'not' or '(', found the text \"tls.sni\"", "field names are written without quotes"),
            arguments("bare inner address", withRule("inner.ip.src", "keep"), "7:11", "'inner.ip.src' is an address field and cannot be a condition on its own", null),
            arguments("mpls label out of range", withRule("mpls.label in {16, 0x100000}", "keep"), "7:30", "1048576 is out of range for 'mpls.label' (0..1048575)", null),
            arguments("ip.flags out of range", withRule("ip.flags == 8", "keep"), "7:23", "8 is out of range for 'ip.flags' (0..7)", null),
            arguments("Wireshark traffic class", withRule("ipv6.tclass == 0", "keep"), "7:11", "unknown field 'ipv6.tclass'", "write 'ip.tos': Sluice uses one name for IPv4 and IPv6"),
            arguments("Wireshark SNI name", withRule("tls.handshake.extensions_server_name == \"a\"", "keep"), "7:11", "unknown field", "write 'tls.sni': Sluice uses one name for IPv4 and IPv6"),

            // expressions in quoted and multi-line scalars
            arguments("double-quoted", withRule("\"udp.port == 53 or ip.dst == 1.2.3\"", "keep"), "7:40", "invalid IPv4 address '1.2.3'", null),
            arguments("single-quoted", withRule("'vlan.id == 4096'", "keep"), "7:23", "4096 is out of range", null),
            arguments("multi-line plain", HEADER + "rules:\n  - name: r\n    when: tcp.dstport == 80 and\n      ip.src == 80\n    then: keep\n", "8:17", "is an integer", null),
            arguments("folded block", HEADER + "rules:\n  - name: r\n    when: >\n      tcp.dstport == 80 and\n      ip.src == 80\n    then: keep\n", "9:17", "is an integer", null),

            // actions: 'then' values start at 8:11
            arguments("unknown action", withRule("true", "keeep"), "8:11", "unknown action 'keeep'", "did you mean 'keep'?"),
            arguments("misspelt count", withRule("true", "counts every 1m"), "8:11", "unknown action 'counts'", "did you mean 'count'?"),
            arguments("no such action", withRule("true", "escalate"), "8:11", "unknown action 'escalate'", "actions: drop, keep, sample, rate-limit, aggregate, count, truncate, strip, anonymize, tag, route"),
            arguments("sample 1/0", withRule("true", "sample 1/0"), "8:20", "'sample 1/0' is not a ratio", null),
            arguments("sample 2/10", withRule("true", "sample 2/10"), "8:18", "only 1/N sampling is supported", null),
            arguments("sample without ratio", withRule("true", "sample"), "8:11", "expected '1/N' after 'sample'", null),
            arguments("sample then a word", withRule("true", "sample 1/10 ip.src"), "8:23", "unexpected 'ip.src' after the sampling ratio", "'sample 1/N by <fields>' keeps every item of one key in N, the same keys on every gateway"),
            arguments("sample by nothing", withRule("true", "sample 1/10 by"), "8:23", "expected a field after 'by'", null),
            arguments("sample by unknown", withRule("true", "sample 1/10 by ip.sorce"), "8:26", "unknown field 'ip.sorce'", null),
            arguments("sample by, no comma", withRule("true", "sample 1/10 by ip.src ip.dst"), "8:33", "expected ',' after a key field, found 'ip.dst'", null),
            arguments("drop with keep", withRule("true", "[drop, keep]"), "8:18", "'drop' cannot be combined with other actions", null),
            arguments("anonymize then drop", withRule("true", "[anonymize ip.src with cryptopan, drop]"), "8:45", "'drop' cannot be combined", null),
            arguments("keep and sample", withRule("true", "[keep, sample 1/5]"), "8:18", "only one of 'keep' and 'sample'", null),
            arguments("empty action list", withRule("true", "[]"), "8:11", "a rule needs at least one action", null),
            arguments("unknown method", withRule("true", "anonymize ip.src with cryptopam"), "8:33", "unknown anonymization method 'cryptopam'", "did you mean 'cryptopan'?"),
            arguments("anonymize integer", withRule("true", "anonymize tcp.dstport with cryptopan"), "8:21", "'tcp.dstport' is an integer field; cryptopan anonymizes address fields", null),
            arguments("anonymize unknown", withRule("true", "anonymize pii.usr with cryptopan"), "8:21", "unknown field or data class 'pii.usr'", null),
            arguments("anonymize without with", withRule("true", "anonymize ip.src ip.dst"), "8:28", "expected 'with <method>'", null),
            arguments("anonymize missing comma", withRule("true", "anonymize ip.src ip.dst with cryptopan"), "8:28", "expected ',' or 'with'", null),

            // payload actions and flow aggregation: 'then' values start at 8:11
            arguments("truncate without payload", withRule("true", "truncate"), "8:11", "expected 'payload' after 'truncate'", "write 'truncate payload N' to keep the first N bytes of each payload, e.g. 'truncate payload 64'"),
            arguments("truncate the header", withRule("true", "truncate header 5"), "8:20", "expected 'payload' after 'truncate', found 'header'", "only payloads can be cut; headers are always kept whole"),
            arguments("truncate without N", withRule("true", "truncate payload"), "8:20", "expected the number of payload bytes to keep after 'truncate payload'", null),
            arguments("truncate negative", withRule("true", "truncate payload -1"), "8:28", "expected a whole number of bytes after 'truncate payload', found '-1'", null),
            arguments("truncate too much", withRule("true", "truncate payload 65536"), "8:28", "65536 is out of range for 'truncate payload' (0..65535 bytes)", "no payload is longer than 65535 bytes; leave the action out to keep payloads whole"),
            arguments("truncate huge", withRule("true", "truncate payload 99999999999999999999"), "8:28", "is out of range for 'truncate payload'", null),
            arguments("truncate with a unit", withRule("true", "truncate payload 64 bytes"), "8:31", "unexpected 'bytes' after the number of bytes", null),
            arguments("strip with extra", withRule("true", "strip payload now"), "8:25", "unexpected 'now' after 'strip payload'", null),
            arguments("strip alone", withRule("true", "strip"), "8:11", "expected 'payload' after 'strip'", "write 'strip payload' to forward headers only"),
            arguments("drop and strip", withRule("true", "[drop, strip payload]"), "8:18", "'drop' cannot be combined with other actions", null),
            arguments("two payload actions", withRule("true", "[strip payload, truncate payload 5]"), "8:27", "a rule can have only one payload action, and it already has 'strip payload'", null),
            arguments("aggregate alone", withRule("true", "aggregate"), "8:11", "expected 'flows' after 'aggregate'", "write 'aggregate flows'"),
            arguments("aggregate counts", withRule("true", "aggregate counts"), "8:21", "unknown aggregation 'counts'", "only 'aggregate flows' is supported"),
            arguments("aggregate misspelt", withRule("true", "aggregate flow"), "8:21", "unknown aggregation 'flow'", "did you mean 'flows'?"),
            arguments("aggregate and sample", withRule("true", "[aggregate flows, sample 1/10]"), "8:29", "'sample 1/10' cannot be combined with 'aggregate flows'", "'aggregate flows' forwards flow records instead of packets; 'keep' and 'sample' forward packets"),
            arguments("keep and aggregate", withRule("true", "[keep, aggregate flows]"), "8:18", "'aggregate flows' cannot be combined with 'keep'", null),
            arguments("aggregate and truncate", withRule("true", "[aggregate flows, truncate payload 10]"), "8:29", "'truncate payload 10' cannot be combined with 'aggregate flows'", "flow records carry no payload; cut payloads in a rule that keeps or samples packets"),
            arguments("strip then aggregate", withRule("true", "[strip payload, aggregate flows]"), "8:27", "'aggregate flows' cannot be combined with 'strip payload'", null),
            arguments("aggregate twice", withRule("true", "[aggregate flows, aggregate flows]"), "8:29", "'aggregate flows' is listed twice", null),
            arguments("aggregate and drop", withRule("true", "[aggregate flows, drop]"), "8:29", "'drop' cannot be combined with other actions", null),
            arguments("anonymize inner port", withRule("true", "anonymize inner.tcp.port with cryptopan"), "8:21", "'inner.tcp.port' is an integer field; cryptopan anonymizes address fields", null),
            arguments("anonymize text", withRule("true", "anonymize dns.qry.name with cryptopan"), "8:21", "'dns.qry.name' is a text field; cryptopan anonymizes address fields", null),
            arguments("anonymize inner misspelt", withRule("true", "anonymize inner.ip.sr with cryptopan"), "8:21", "unknown field or data class 'inner.ip.sr'", "did you mean 'inner.ip.src'?"),

            // rate limits: 'then' values start at 8:11
            arguments("rate-limit alone", withRule("true", "rate-limit"), "8:11", "expected a rate such as '100/s' after 'rate-limit'", "write 'rate-limit N/s [by <fields>] [burst B]' (or N/m per minute), e.g. 'rate-limit 100/s by ip.src'"),
            arguments("rate without unit", withRule("true", "rate-limit 10"), "8:22", "expected a rate such as '100/s' after 'rate-limit'", null),
            arguments("rate of zero", withRule("true", "rate-limit 0/s"), "8:22", "0 is not a rate: the number of items per second or minute must be at least 1", "use 'drop' to forward nothing from the rule"),
            arguments("rate not a number", withRule("true", "rate-limit ten/s"), "8:22", "expected a whole number for a rate, found 'ten'", null),
            arguments("rate too large", withRule("true", "rate-limit 2000000000/s"), "8:22", "2000000000 is too large for a rate (at most 1000000000)", null),
            arguments("rate unit", withRule("true", "rate-limit 10/h"), "8:25", "unknown rate unit 'h'", "write N/s for a rate per second, N/m for one per minute"),
            arguments("rate by nothing", withRule("true", "rate-limit 10/s by"), "8:27", "expected a field after 'by'", null),
            arguments("rate by trailing comma", withRule("true", "rate-limit 10/s by ip.src,"), "8:36", "expected a field after ','", null),
            arguments("rate by missing comma", withRule("true", "rate-limit 10/s by ip.src ip.dst"), "8:37", "expected ',' or 'burst' after a key field, found 'ip.dst'", "separate fields with commas"),
            arguments("rate by alias", withRule("true", "rate-limit 10/s by ip.addr"), "8:30", "'ip.addr' stands for either of ip.src and ip.dst, so it is not one value to count by", "count by 'ip.src', by 'ip.dst', or by both: 'by ip.src, ip.dst'"),
            arguments("rate by unknown", withRule("true", "rate-limit 10/s by ip.sorc"), "8:30", "unknown field 'ip.sorc'", "did you mean 'ip.src'?"),
            arguments("rate by class", withRule("true", "rate-limit 10/s by pii.ip"), "8:30", "'pii.ip' is a data class; a rate limit counts by fields", "name the fields, e.g. 'by ip.src'"),
            arguments("rate burst zero", withRule("true", "rate-limit 10/s burst 0"), "8:33", "0 is not a burst", null),
            arguments("rate burst missing", withRule("true", "rate-limit 10/s burst"), "8:27", "expected the number of items after 'burst'", null),
            arguments("rate burst before by", withRule("true", "rate-limit 10/s burst 5 by ip.src"), "8:35", "unexpected 'by' in 'rate-limit'", "continue the rate with 'by <fields>', then 'burst B', in that order"),
            arguments("keep and rate-limit", withRule("true", "[keep, rate-limit 10/s]"), "8:18", "a rule can have only one of 'keep', 'sample' and 'rate-limit'", "a rate-limited rule forwards what is within the limit, and only that"),
            arguments("rate-limit and sample", withRule("true", "[rate-limit 10/s, sample 1/2]"), "8:29", "a rule can have only one of 'keep', 'sample' and 'rate-limit'", null),
            arguments("rate-limit and aggregate", withRule("true", "[rate-limit 10/s, aggregate flows]"), "8:29", "'aggregate flows' cannot be combined with 'rate-limit 10/s'", null),
            arguments("rate-limit and drop", withRule("true", "[rate-limit 10/m, drop]"), "8:29", "'drop' cannot be combined with other actions", null),

            // counts: 'then' values start at 8:11
            arguments("count alone", withRule("true", "count"), "8:11", "expected 'every <window>' at the end of 'count'", "write 'count [by <fields>] every N' with N in s, m or h, e.g. 'count by syslog.hostname every 1m'"),
            arguments("count without every", withRule("true", "count by syslog.hostname"), "8:20", "expected 'every <window>' at the end of 'count'", null),
            arguments("count with a stray word", withRule("true", "count per syslog.hostname every 1m"), "8:17", "expected 'by' or 'every' in 'count', found 'per'", null),
            arguments("count every nothing", withRule("true", "count every"), "8:17", "expected a window such as '1m' after 'every'", null),
            arguments("count window not a number", withRule("true", "count every minute"), "8:23", "expected a whole number and a unit after 'every', found 'minute'", null),
            arguments("count window without unit", withRule("true", "count every 5"), "8:23", "expected a unit after '5'", "write s for seconds, m for minutes, h for hours, e.g. 'every 1m'"),
            arguments("count window unit", withRule("true", "count every 5d"), "8:24", "unknown window unit 'd'", "write s for seconds, m for minutes, h for hours, e.g. 'every 1m'"),
            arguments("count window unit apart", withRule("true", "count every 5 weeks"), "8:25", "unknown window unit 'weeks'", null),
            arguments("count window zero", withRule("true", "count every 0s"), "8:23", "a window of 0s is empty: it must be at least 1s", null),
            arguments("count window too long", withRule("true", "count every 25h"), "8:23", "a window of 25h is too long (at most 24h, one day)", "count over a shorter window; the core can add windows up"),
            arguments("count window overflow", withRule("true", "count every 99999999999999999999m"), "8:23", "is too long (at most 1440m, one day)", null),
            arguments("count after the window", withRule("true", "count every 1m by syslog.hostname"), "8:26", "unexpected 'by' after the window", null),
            arguments("count by unknown", withRule("true", "count by syslog.hostnam every 1m"), "8:20", "unknown field 'syslog.hostnam'", "did you mean 'syslog.hostname'?"),
            arguments("count by class", withRule("true", "count by pii.ip every 1m"), "8:20", "'pii.ip' is a data class; a count counts by fields", "name the fields, e.g. 'by ip.src'"),
            arguments("count by nothing", withRule("true", "count by every 1m"), "8:20", "expected a field after 'by', found 'every'", null),
            arguments("count by missing comma", withRule("true", "count by syslog.hostname syslog.appname every 1m"), "8:36", "expected ',' or 'every' after a key field, found 'syslog.appname'", "separate fields with commas"),
            arguments("count and keep", withRule("true", "[count every 1m, keep]"), "8:28", "'keep' cannot be combined with 'count every 1m'", "'count' forwards count records instead of the events it counts; put the other action in a rule of its own"),
            arguments("sample and count", withRule("true", "[sample 1/2, count every 1m]"), "8:24", "'count every 1m' cannot be combined with 'sample 1/2'", null),
            arguments("count and rate-limit", withRule("true", "[count every 1m, rate-limit 5/s]"), "8:28", "'rate-limit 5/s' cannot be combined with 'count every 1m'", null),
            arguments("count and aggregate", withRule("true", "[aggregate flows, count every 1m]"), "8:29", "'count every 1m' cannot be combined with 'aggregate flows'", null),
            arguments("count twice", withRule("true", "[count every 1m, count every 5m]"), "8:28", "a rule can have only one 'count'", null),
            arguments("count and drop", withRule("true", "[count every 1m, drop]"), "8:28", "'drop' cannot be combined with other actions", null),
            arguments("count and truncate", withRule("true", "[count every 1m, truncate payload 8]"), "8:28", "'truncate payload 8' cannot be combined with 'count every 1m'", "count records carry no payload; cut payloads in a rule that keeps or samples"),
            arguments("too many count keys", withRule("true", "count by json.a, json.b, json.c, json.d, json.e, json.f, json.g, json.h, json.i every 1m"), "8:17", "a count has at most 8 key fields, found 9", null),

            // the flows section (line 6): keys at column 3, values after 'key: '
            arguments("flows is not a mapping", HEADER + "flows: 15s\n", "5:8", "'flows' must be a mapping", null),
            arguments("flows key misspelt", HEADER + "flows:\n  idle-timout: 5s\n", "6:3", "unknown key 'idle-timout' in 'flows'", "did you mean 'idle-timeout'?"),
            arguments("duration without unit", HEADER + "flows:\n  idle-timeout: 15\n", "6:17", "'idle-timeout' needs a unit: 15 what?", "write e.g. 15s; units: ms, s, m, h"),
            arguments("unknown unit", HEADER + "flows:\n  idle-timeout: 15x\n", "6:19", "unknown unit 'x' in 'idle-timeout'", "units: ms, s, m, h"),
            arguments("unit spelt out", HEADER + "flows:\n  active-timeout: 2 minutes\n", "6:21", "unknown unit 'minutes' in 'active-timeout'", "write 2m"),
            arguments("unit in upper case", HEADER + "flows:\n  active-timeout: 30S\n", "6:21", "unknown unit 'S'", "units are lower case: write 30s"),
            arguments("fractional duration", HEADER + "flows:\n  idle-timeout: 1.5s\n", "6:18", "unknown unit '.5s' in 'idle-timeout'", "durations are whole numbers; use a smaller unit, e.g. 1500ms"),
            arguments("duration is not a number", HEADER + "flows:\n  idle-timeout: soon\n", "6:17", "'idle-timeout' must be a duration, found 'soon'", "write a whole number and a unit (ms, s, m or h), e.g. 500ms, 15s or 2m"),
            arguments("zero timeout", HEADER + "flows:\n  active-timeout: 0s\n", "6:19", "'active-timeout' must be at least 1ms, found 0s", null),
            arguments("timeout over a day", HEADER + "flows:\n  active-timeout: 25h\n", "6:19", "'active-timeout' must be at most 24h, found 25h", null),
            arguments("timeout overflow", HEADER + "flows:\n  active-timeout: 99999999999999999m\n", "6:19", "'active-timeout' must be at most 24h", null),
            arguments("no flows", HEADER + "flows:\n  max-flows: 0\n", "6:14", "'max-flows' must be between 1 and 16777216, found 0", null),
            arguments("too many flows", HEADER + "flows:\n  max-flows: 16777217\n", "6:14", "'max-flows' must be between 1 and 16777216", null),
            arguments("flows as text", HEADER + "flows:\n  max-flows: 64k\n", "6:14", "'max-flows' must be a whole number, found '64k'", null),
            arguments("bidirectional yes", HEADER + "flows:\n  bidirectional: yes\n", "6:18", "'bidirectional' must be true or false, found 'yes'", null),
            arguments("bidirectional quoted", HEADER + "flows:\n  bidirectional: 'true'\n", "6:18", "'bidirectional' must be true or false, found 'true'", "write it without quotes"),

            // classes and residency
            arguments("class with unknown field", HEADER + "classes:\n  pii.user: [ip.src, user.nam]\n", "6:22", "unknown field 'user.nam'", null),
            arguments("class named like a field", HEADER + "classes:\n  ip.src: [ip.dst]\n", "6:3", "has the name of a field", null),
            arguments("class with derived field", HEADER + "classes:\n  secret: [tcp.flags.syn]\n", "6:12", "'tcp.flags.syn' is part of 'tcp.flags'", null),
            arguments("residency without regions", HEADER + "residency:\n  - class: pii.ip\n    origin: any\n", "5:1", "'residency' needs a 'regions' list", null),
            arguments("unknown residency class", HEADER + lines("regions: [eu]", "residency:", "  - class: pii.ipp", "    origin: eu"), "7:12", "unknown data class 'pii.ipp'", "did you mean 'pii.ip'?"),
            arguments("undeclared region", HEADER + lines("regions: [eu-west, us-east]", "residency:", "  - class: pii.ip", "    origin: eu-west", "    raw: [eu-wst]"), "9:11", "region 'eu-wst' is not declared", "did you mean 'eu-west'?"),
            arguments("undeclared after region", HEADER + lines("regions: [eu]", "residency:", "  - class: pii.ip", "    origin: eu", "    after:", "      cryptopan: [us]"), "10:19", "region 'us' is not declared", null),
            arguments("unknown transform", HEADER + lines("regions: [eu]", "residency:", "  - class: pii.ip", "    origin: eu", "    after:", "      cryptopn: [eu]"), "10:7", "unknown transform 'cryptopn'", "did you mean 'cryptopan'?"),
            arguments("transform cannot apply", HEADER + lines("regions: [eu]", "classes:", "  pii.vlan: [vlan.id]", "residency:", "  - class: pii.vlan", "    origin: eu", "    after:", "      cryptopan: [eu]"), "12:7", "cryptopan cannot transform data class 'pii.vlan'", null),
            arguments("transform cannot apply to text", HEADER + lines("regions: [eu]", "classes:", "  pii.host: [dns.qry.name, tls.sni]", "residency:", "  - class: pii.host", "    origin: eu", "    after:", "      cryptopan: [eu]"), "12:7", "cryptopan cannot transform data class 'pii.host': its field 'dns.qry.name' is a text field", null),
            arguments("any in an origin list", HEADER + lines("regions: [eu]", "residency:", "  - class: pii.ip", "    origin: [eu, any]"), "8:18", "'any' must stand alone", null),
            arguments("conflicting residency", HEADER + lines("regions: [eu, us]", "residency:", "  - class: pii.ip", "    origin: [eu, us]", "  - class: pii.ip", "    origin: us"), "9:5", "conflicting residency rules: pii.ip from us is already decided by the entry at 7:5", null),
            arguments("region declared twice", HEADER + "regions: [eu, us, eu]\n", "5:19", "region 'eu' is declared twice", null),
            arguments("region named any", HEADER + "regions: [any]\n", "5:11", "'any' is reserved", null),
            arguments("residency entry key", HEADER + lines("regions: [eu]", "residency:", "  - class: pii.ip", "    origin: eu", "    raww: [eu]"), "9:5", "unknown key 'raww' in a residency entry", "did you mean 'raw'?"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidDocuments")
    void reportsErrorAtExactPosition(
        final String title, final String document, final String position, final String fragment, final String hint)
    {
        final PolicyParseResult result = PolicyParser.parse("p.yaml", document);
        assertTrue(result.hasErrors(), title);
        assertTrue(result.policy().isEmpty());

        final List<Diagnostic> matching = result.diagnostics().stream()
            .filter(d -> Severity.ERROR == d.severity())
            .filter(d -> (d.line() + ":" + d.column()).equals(position) && d.message().contains(fragment))
            .toList();
        assertEquals(1, matching.size(), () -> title + ": expected " + position + ": " + fragment + " in\n" + result);
        if (null != hint)
        {
            assertEquals(hint, matching.getFirst().hint(), title);
        }
        for (final Diagnostic diagnostic : result.diagnostics())
        {
            assertTrue(diagnostic.line() >= 1 && diagnostic.column() >= 1);
            assertEquals("p.yaml", diagnostic.sourceName());
        }
    }

    @Test
    void reportsEveryErrorOfADocumentInDocumentOrder()
    {
        final String document = lines(
            "sluice-policy: 1",
            "name: many-errors",
            "match: every",
            "default: keep",
            "regions: [eu-west]",
            "colour: blue",
            "rules:",
            "  - name: one",
            "    when: tcp.dsport == 80 or ip.src == 80",
            "    then: [drop, keep]",
            "  - name: one",
            "    when: vlan.id in {1, 5000}",
            "    then: sample 1/0",
            "residency:",
            "  - class: pii.ip",
            "    origin: eu-west",
            "    raw: [us-east]");
        final PolicyParseResult result = PolicyParser.parse("many.yaml", document);

        final List<String> expected = List.of(
            "many.yaml:3:8: error: unknown match mode 'every'",
            "many.yaml:6:1: error: unknown key 'colour' in the policy",
            "many.yaml:9:11: error: unknown field 'tcp.dsport'",
            "many.yaml:9:41: error: 'ip.src' is an address field but 80 is an integer",
            "many.yaml:10:18: error: 'drop' cannot be combined with other actions",
            "many.yaml:11:11: error: duplicate rule name 'one' (first at 8:11)",
            "many.yaml:12:26: error: 5000 is out of range for 'vlan.id' (0..4095)",
            "many.yaml:13:20: error: 'sample 1/0' is not a ratio: N must be at least 1",
            "many.yaml:17:11: error: region 'us-east' is not declared in 'regions'");
        final List<String> actual = result.diagnostics().stream()
            .map(d -> d.toString().lines().findFirst().orElseThrow())
            .toList();
        assertEquals(expected, actual, result::toString);
    }

    @Test
    void diagnosticFormat()
    {
        final PolicyParseResult result = PolicyParser.parse("f.yaml", withRule("tcp.dsport == 80", "keep"));
        assertEquals(
            "f.yaml:7:11: error: unknown field 'tcp.dsport'\n  hint: did you mean 'tcp.dstport'?",
            result.diagnostics().getFirst().toString());
    }
}
