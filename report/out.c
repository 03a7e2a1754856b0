#include "out.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "sl_err.h"

void out_putn(struct out *o, const char *s, size_t n)
{
	if (!o->err && n && sl_buf_add(&o->b, s, n))
		o->err = SL_ENOMEM;
}

void out_puts(struct out *o, const char *s)
{
	out_putn(o, s, strlen(s));
}

void out_printf(struct out *o, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		o->err = SL_ENOMEM;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		out_putn(o, small, (size_t)n);
		return;
	}
	if (o->err || sl_buf_grow(&o->b, (size_t)n)) {
		o->err = SL_ENOMEM;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(o->b.data + o->b.len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->b.len += (size_t)n;
}

void out_esc(struct out *o, const char *s, size_t max)
{
	size_t n = strlen(s), cut = n, start = 0;

	if (n > max) {
		cut = max;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--; /* not inside a multi-byte character */
	}
	for (size_t i = 0; i < cut; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;

		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if (c < 0x20 || c == 0x7f)
				rep = " ";
		}
		if (rep) {
			out_putn(o, s + start, i - start);
			out_puts(o, rep);
			start = i + 1;
		}
	}
	out_putn(o, s + start, cut - start);
	if (cut < n)
		out_puts(o, "\xe2\x80\xa6");
}

void out_num(struct out *o, double v, int digits)
{
	char buf[64], *p;
	int neg;

	if (!isfinite(v)) {
		out_puts(o, "\xe2\x80\x93");
		return;
	}
	/* a value of more digits than asked for reads as a whole number,
	 * grouped: 18,380 rather than 18380 */
	if (fabs(v) >= 1e-3 && fabs(v) < 1e15 && digits - 1 - (int)floor(log10(fabs(v))) <= 0)
		v = nearbyint(v);
	if (v == nearbyint(v) && fabs(v) < 1e15) {
		/* integer: group the digits in threes */
		long long i = (long long)v;
		int len, lead;

		neg = i < 0;
		len = snprintf(buf, sizeof(buf), "%lld", neg ? -i : i);
		if (neg)
			out_puts(o, "\xe2\x88\x92"); /* minus sign */
		lead = len % 3 ? len % 3 : 3;
		out_putn(o, buf, (size_t)lead);
		for (p = buf + lead; *p; p += 3) {
			out_puts(o, ",");
			out_putn(o, p, 3);
		}
		return;
	}
	if (fabs(v) >= 1e-3 && fabs(v) < 1e15) {
		/* fixed notation with `digits` significant digits */
		int mag = (int)floor(log10(fabs(v))), dec = digits - 1 - mag;

		snprintf(buf, sizeof(buf), "%.*f", dec < 0 ? 0 : dec > 12 ? 12 : dec, v);
	} else {
		snprintf(buf, sizeof(buf), "%.*g", digits, v);
	}
	if (buf[0] == '-') {
		out_puts(o, "\xe2\x88\x92");
		out_puts(o, buf + 1);
	} else {
		out_puts(o, buf);
	}
}

void out_duration(struct out *o, double ms)
{
	static const struct {
		double div, max;
		const char *unit;
	} u[] = {
		{1, 1000, "ms"}, {1000, 120, "s"}, {60000, 120, "min"}, {3600000, 48, "h"},
		{86400000, INFINITY, "d"},
	};

	if (!isfinite(ms)) {
		out_puts(o, "\xe2\x80\x93");
		return;
	}
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (fabs(ms) / u[i].div < u[i].max) {
			if (i == 0)
				out_printf(o, "%.0f ms", ms);
			else
				out_printf(o, "%.1f %s", ms / u[i].div, u[i].unit);
			return;
		}
}

void out_release(struct out *o)
{
	sl_buf_release(&o->b);
	o->err = 0;
}
