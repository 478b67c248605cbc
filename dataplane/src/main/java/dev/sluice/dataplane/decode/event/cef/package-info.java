/**
 * CEF ({@link dev.sluice.dataplane.decode.event.cef.CefParser}) and LEEF
 * ({@link dev.sluice.dataplane.decode.event.cef.LeefParser}) parsers: flyweights that index a message
 * where it lies and read fields on demand.
 * <p>
 * Decisions shared by both:
 * <ul>
 *   <li><b>Syslog prefix.</b> A record may follow a syslog header; a small scan
 *       ({@code SyslogPrefix}) finds the {@code CEF:} / {@code LEEF:} marker within the first 1,024
 *       bytes and reports the prefix's length ({@code cef.syslog_prefix_length},
 *       {@code leef.syslog_prefix_length}) so that the pipeline can hand bytes {@code [0, length)} to
 *       the syslog parser. The header's grammar is the syslog parser's business, not this package's.</li>
 *   <li><b>Index.</b> Key and value ranges go into preallocated int arrays once per parse; lookups
 *       by key compare bytes in place and decode into a caller's {@code EventText}. The index holds a
 *       fixed number of pairs (256 by default); an event with more is rejected as
 *       {@code too_many_extensions}, counted like any other rejection, rather than cut short: a policy
 *       testing a field beyond the cut would otherwise silently see it absent.</li>
 *   <li><b>Addresses.</b> For tools ({@code visitFields}) a value that is, as a whole, an IPv4 or IPv6
 *       address is reported through {@code address(...)}, whatever its key; other values are text. The
 *       data path reads addresses by key ({@code extensionAddress}, {@code attributeAddress}) into a
 *       reusable {@link dev.sluice.dataplane.decode.event.cef.AddressText}.</li>
 *   <li><b>Leniency.</b> Real producers break the specifications in known ways (Windows paths with
 *       single backslashes, severities such as {@code None}, LEEF 2.0 without its delimiter field,
 *       PAN-OS LEEF 1.0 with pipes for tabs); these are accepted and documented on each parser.</li>
 * </ul>
 */
package dev.sluice.dataplane.decode.event.cef;
