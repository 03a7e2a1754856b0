/* out.h - the text the report builds (HTML, SVG, mail) in memory, with a
 * sticky error: callers write freely and check out.err once at the end. */
#ifndef REPORT_OUT_H
#define REPORT_OUT_H

#include <stddef.h>

#include "sl_buf.h"

struct out {
	struct sl_buf b;
	int err; /* SL_ENOMEM once any write failed */
};

void out_puts(struct out *o, const char *s);
void out_putn(struct out *o, const char *s, size_t n);
void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s HTML-escaped (& < > " '), control characters as spaces, cut to at most
 * max bytes at a character boundary with "…" when longer.  s is UTF-8 (the
 * analysis reader checked it). */
void out_esc(struct out *o, const char *s, size_t max);
/* A number for people: integers with thousands separators (1,234), other
 * values with digits significant digits (a value whose whole part has
 * more digits than that, as a grouped whole number: 18,380); "–" for NaN. */
void out_num(struct out *o, double v, int digits);
/* A duration in ms as "850 ms", "42.0 s", "12.5 min", "3.2 h", "4.1 d". */
void out_duration(struct out *o, double ms);
void out_release(struct out *o);

#endif
