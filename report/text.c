#include "html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAXCELL 80

void html_pct(struct out *o, double v)
{
	if (!isfinite(v)) {
		out_puts(o, "\xe2\x80\x93");
		return;
	}
	out_num(o, 100 * v, 3);
	out_puts(o, "%");
}

static int digits_at(const char *s, const char *shape)
{
	for (; *shape; s++, shape++)
		if (*shape == '9' ? !(*s >= '0' && *s <= '9') : *s != *shape)
			return 0;
	return 1;
}

void html_time(struct out *o, const char *iso)
{
	/* "YYYY-MM-DDTHH:MM:SS.mmmZ" -> "YYYY-MM-DD HH:MM UTC" */
	if (iso && digits_at(iso, "9999-99-99T99:99")) {
		out_putn(o, iso, 10);
		out_puts(o, " ");
		out_putn(o, iso + 11, 5);
		out_puts(o, " UTC");
	} else if (iso && iso[0]) {
		out_esc(o, iso, 40);
	} else {
		out_puts(o, "unknown");
	}
}

void html_window(struct out *o, const struct sl_analysis *a)
{
	const char *from = sl_analysis_get_meta_str(a, "window_from");
	const char *to = sl_analysis_get_meta_str(a, "window_to");

	if ((!from || !from[0]) && (!to || !to[0])) {
		out_puts(o, "all data");
		return;
	}
	if (from && from[0])
		html_time(o, from);
	else
		out_puts(o, "the beginning");
	out_puts(o, " \xe2\x80\x93 ");
	if (to && to[0])
		html_time(o, to);
	else
		out_puts(o, "the end");
}

/* A value with its unit as people read it. */
void html_value(struct out *o, double v, const char *unit)
{
	if (!isfinite(v)) {
		out_puts(o, "\xe2\x80\x93");
		return;
	}
	if (!unit)
		unit = "";
	if (!strcmp(unit, "ms")) {
		out_duration(o, v);
	} else if (!strcmp(unit, "count")) {
		out_num(o, v, 4);
	} else if (!strcmp(unit, "fraction")) {
		html_pct(o, v);
	} else if (!strcmp(unit, "deployments_per_week")) {
		out_num(o, v, 3);
		out_puts(o, " / week");
	} else if (!strcmp(unit, "days_per_week")) {
		out_num(o, v, 3);
		out_puts(o, " days / week");
	} else {
		out_num(o, v, 4);
		if (unit[0]) {
			out_puts(o, " ");
			out_esc(o, unit, 40);
		}
	}
}

void html_target(struct out *o, const char *target, const char *unit)
{
	size_t k = strspn(target, "<>=! ");
	char *end;
	double v;

	if (!target[k] || k > 3) {
		out_esc(o, target, MAXCELL);
		return;
	}
	v = strtod(target + k, &end);
	if (end == target + k || *end) {
		out_esc(o, target, MAXCELL);
		return;
	}
	/* "< 1800000" in ms reads as "< 30.0 min", "> 0.95" as "> 95%" */
	{
		char op[4];

		memcpy(op, target, k);
		op[k] = '\0';
		out_esc(o, op, sizeof(op));
	}
	html_value(o, v, unit);
}

