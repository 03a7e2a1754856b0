/* sl_value.h - parsing of field values (times, numbers, booleans, nulls; docs/INGEST.md).
 *
 * Every parser takes a byte span (s, n) that need not be NUL-terminated,
 * never reads outside it, and returns SL_OK or SL_EPARSE (the output is
 * untouched on error).  Leading/trailing ASCII blanks are ignored. */
#ifndef SL_VALUE_H
#define SL_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sl_buf.h"

/* True for the spellings of "no value": empty (after trimming), null,
 * NULL, Null, None, \N (PostgreSQL COPY), NaN is NOT null. */
bool sl_value_is_null(const char *s, size_t n);

/* Times, to int64 epoch milliseconds UTC:
 *  - ISO 8601 / RFC 3339: YYYY-MM-DD, YYYY-MM-DDTHH:MM, YYYY-MM-DDTHH:MM:SS,
 *    with 'T', 't' or one space between date and time, optional fraction
 *    (.1 to .999999999, truncated to ms), optional zone Z / z / ±hh:mm /
 *    ±hhmm / ±hh; no zone = UTC.  Basic format 20241120T101500Z too (it
 *    needs its time part: a string of digits alone is an epoch number).
 *  - epoch numbers: an integer (optionally with a fraction) whose magnitude
 *    is below 1e11 is seconds, otherwise milliseconds (so seconds up to the
 *    year 5138 and milliseconds from 1973 on are both read right).
 *  Ranges are checked (month 1-12, day valid for the month incl. leap
 *  years, hour 0-23 (24:00:00 allowed as end of day), minute 0-59, second
 *  0-60 (a leap second is read as :59.999)). Years 0001-9999. */
int sl_parse_time(const char *s, size_t n, int64_t *out_ms);

/* true/false, 1/0, yes/no, t/f, y/n, on/off, any case. */
int sl_parse_bool(const char *s, size_t n, bool *out);

/* Decimal integer with optional sign; also accepts a number with a zero
 * fraction ("12.0", "1e3") when the value is integral and within int64.
 * Overflow is SL_EPARSE. */
int sl_parse_i64(const char *s, size_t n, int64_t *out);

/* Decimal or scientific floating point (strtod grammar, C locale), also
 * "nan", "inf", "infinity", "-inf" (any case).  Hex floats, "nan(...)",
 * a trailing '%' and overflow to infinity ("1e999") are SL_EPARSE. */
int sl_parse_f64(const char *s, size_t n, double *out);

/* Appends s[0..n) to out with every invalid UTF-8 sequence (bad lead
 * byte, bad continuation, overlong form, surrogate, > U+10FFFF, truncated
 * sequence) replaced by U+FFFD, using the "maximal subpart" rule of
 * Unicode §3.9 (as Python's bytes.decode('utf-8', 'replace')).  NUL bytes
 * are kept (they are valid UTF-8).  Returns the number of replacements
 * made, or SL_ENOMEM (negative).  Fast path: valid ASCII is copied with
 * no per-byte branching beyond the check. */
long sl_utf8_sanitize(const char *s, size_t n, struct sl_buf *out);
/* True when s[0..n) is valid UTF-8 (same rules). */
bool sl_utf8_valid(const char *s, size_t n);

/* Civil date <-> days since 1970-01-01 (proleptic Gregorian); month 1-12,
 * day 1-31, years within about ±10^16 (beyond, the arithmetic overflows). */
int64_t sl_days_from_civil(int64_t y, unsigned m, unsigned d);
void sl_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* Day number (days since epoch, floor) of an epoch-ms time. */
int64_t sl_day_of_ms(int64_t ms);

/* Formats ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" (25 bytes incl. NUL for years
 * 0000-9999, others are written as -0001 / +10000), and a day
 * number as "YYYY-MM-DD" (11 bytes incl. NUL).  buf must have >= 32 bytes. */
void sl_format_time(int64_t ms, char *buf);
void sl_format_day(int64_t day, char *buf);
/* Parses "YYYY-MM-DD" into a day number. */
int sl_parse_day(const char *s, size_t n, int64_t *day);

#endif
