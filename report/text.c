#include "text.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"

/* The text built in o copied to buf, cut at a character boundary. */
static const char *done(char *buf, struct out *o)
{
	size_t n = o->err || !o->b.data ? 0 : o->b.len;

	if (n >= TEXT_MAX) {
		n = TEXT_MAX - 1;
		while (n > 0 && ((unsigned char)o->b.data[n] & 0xc0) == 0x80)
			n--;
	}
	if (n)
		memcpy(buf, o->b.data, n);
	buf[n] = '\0';
	out_release(o);
	return buf;
}

void text_clean(struct out *o, const char *s, size_t max)
{
	size_t n = strlen(s), cut = n;

	if (n > max) {
		cut = max;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	for (size_t i = 0; i < cut; i++)
		out_putn(o, (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? " " : s + i, 1);
	if (cut < n)
		out_puts(o, "\xe2\x80\xa6");
}

static void pct(struct out *o, double v)
{
	if (!isfinite(v)) {
		out_puts(o, "\xe2\x80\x93");
		return;
	}
	out_num(o, 100 * v, 3);
	out_puts(o, "%");
}

const char *text_pct(char *buf, double v)
{
	struct out o = {SL_BUF_INIT, 0};

	pct(&o, v);
	return done(buf, &o);
}

static int digits_at(const char *s, const char *shape)
{
	for (; *shape; s++, shape++)
		if (*shape == '9' ? !(*s >= '0' && *s <= '9') : *s != *shape)
			return 0;
	return 1;
}

const char *text_time(char *buf, const char *iso)
{
	struct out o = {SL_BUF_INIT, 0};

	/* "YYYY-MM-DDTHH:MM:SS.mmmZ" -> "YYYY-MM-DD HH:MM UTC" */
	if (iso && digits_at(iso, "9999-99-99T99:99")) {
		out_putn(&o, iso, 10);
		out_puts(&o, " ");
		out_putn(&o, iso + 11, 5);
		out_puts(&o, " UTC");
	} else if (iso && iso[0]) {
		text_clean(&o, iso, 40);
	} else {
		out_puts(&o, "unknown");
	}
	return done(buf, &o);
}

const char *text_day(char *buf, double day)
{
	char tmp[32];

	if (!isfinite(day))
		return strcpy(buf, "?");
	sl_format_day((int64_t)day, tmp);
	tmp[sizeof(tmp) - 1] = '\0';
	return strcpy(buf, tmp);
}

const char *text_value(char *buf, double v, const char *unit)
{
	struct out o = {SL_BUF_INIT, 0};

	if (!unit)
		unit = "";
	if (!isfinite(v)) {
		out_puts(&o, "\xe2\x80\x93");
	} else if (!strcmp(unit, "ms")) {
		out_duration(&o, v);
	} else if (!strcmp(unit, "count")) {
		out_num(&o, v, 4);
	} else if (!strcmp(unit, "fraction")) {
		pct(&o, v);
	} else if (!strcmp(unit, "deployments_per_week")) {
		out_num(&o, v, 3);
		out_puts(&o, " / week");
	} else if (!strcmp(unit, "days_per_week")) {
		out_num(&o, v, 3);
		out_puts(&o, " days / week");
	} else {
		out_num(&o, v, 4);
		if (unit[0]) {
			out_puts(&o, " ");
			text_clean(&o, unit, 40);
		}
	}
	return done(buf, &o);
}

const char *text_target(char *buf, const char *target, const char *unit)
{
	struct out o = {SL_BUF_INIT, 0};
	size_t k = strspn(target, "<>=! ");
	char *end, val[TEXT_MAX];
	double v;

	if (!target[k] || k > 3 || (v = strtod(target + k, &end), end == target + k || *end)) {
		text_clean(&o, target, 80);
		return done(buf, &o);
	}
	/* "< 1800000" in ms reads as "< 30.0 min", "> 0.95" as "> 95%" */
	out_putn(&o, target, k);
	out_puts(&o, text_value(val, v, unit));
	return done(buf, &o);
}

static const struct {
	double div, max;
	const char *unit;
} units[] = {
	{1, 1000, "ms"}, {1000, 120, "s"}, {60000, 120, "min"}, {3600000, 48, "h"},
	{86400000, INFINITY, "d"},
};

const char *text_dur_unit(double ms)
{
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!isfinite(ms) || fabs(ms) / units[i].div < units[i].max)
			return units[i].unit;
	return "d";
}

const char *text_dur_in(char *buf, double ms, const char *unit)
{
	struct out o = {SL_BUF_INIT, 0};

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(unit, units[i].unit)) {
			if (!isfinite(ms))
				out_puts(&o, "\xe2\x80\x93");
			else if (i == 0)
				out_printf(&o, "%.0f", ms);
			else
				out_printf(&o, "%.1f", ms / units[i].div);
		}
	return done(buf, &o);
}

const char *text_label(char *buf, const char *name, int cap)
{
	struct out o = {SL_BUF_INIT, 0};
	size_t n = strlen(name);

	if (n > 3 && (!strcmp(name + n - 3, "_ms") || !strcmp(name + n - 3, "_id")))
		n -= 3;
	if (n > 4 && !strncmp(name, "avg_", 4)) {
		out_puts(&o, "mean ");
		name += 4;
		n -= 4;
	} else if (n > 5 && !strncmp(name, "prev_", 5)) {
		out_puts(&o, "previous ");
		name += 5;
		n -= 5;
	}
	for (size_t i = 0; i < n && i < 100; i++) {
		char c = name[i];

		out_putn(&o, c == '_' || (unsigned char)c < 0x20 ? " " : &name[i], 1);
	}
	done(buf, &o);
	if (cap && buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
	return buf;
}
