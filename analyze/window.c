#include "window.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sl_value.h"

#define QUARTER_MS (15 * 60 * 1000LL)
#define DAY_MS 86400000LL
#define CACHE 4096

static int utc = 1; /* set once, before any thread starts */
/* each thread's own cache: analyses run on two threads */
static _Thread_local int64_t cache_key[CACHE];
static _Thread_local int64_t cache_day[CACHE];
static _Thread_local unsigned char cache_ok[CACHE];

int window_set_tz(const char *zone)
{
	char path[512];

	memset(cache_ok, 0, sizeof(cache_ok));
	if (!zone || !strcmp(zone, "UTC") || !strcmp(zone, "Etc/UTC")) {
		utc = 1;
		return 0;
	}
	/* glibc quietly takes an unknown zone for UTC: refuse it instead */
	if (zone[0] == '/' || strstr(zone, ".."))
		return -1;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	if (access(path, R_OK))
		return -1;
	setenv("TZ", zone, 1);
	tzset();
	utc = 0;
	return 0;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t window_day(int64_t t)
{
	int64_t q, slot;
	time_t s;
	struct tm tm;

	if (utc)
		return floor_div(t, DAY_MS);
	q = floor_div(t, QUARTER_MS);
	slot = q & (CACHE - 1);
	if (cache_ok[slot] && cache_key[slot] == q)
		return cache_day[slot];
	s = (time_t)(q * (QUARTER_MS / 1000));
	localtime_r(&s, &tm);
	cache_key[slot] = q;
	cache_day[slot] = sl_days_from_civil((int64_t)tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
					     (unsigned)tm.tm_mday);
	cache_ok[slot] = 1;
	return cache_day[slot];
}

int64_t window_day_start(int64_t d)
{
	int64_t y;
	unsigned m, dd;
	struct tm tm;

	if (utc)
		return d * DAY_MS;
	sl_civil_from_days(d, &y, &m, &dd);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = (int)m - 1;
	tm.tm_mday = (int)dd;
	tm.tm_isdst = -1;
	/* a zone whose clocks skip midnight starts the day at the first
	 * existing minute; mktime normalises forward */
	return (int64_t)mktime(&tm) * 1000;
}

int window_parse_bound(const char *s, int64_t *ms)
{
	int64_t d;
	size_t n = strlen(s);

	if (n == 10 && !sl_parse_day(s, n, &d)) {
		*ms = window_day_start(d);
		return 0;
	}
	return sl_parse_time(s, n, ms) ? -1 : 0;
}

int window_parse_span(const char *s, int64_t *ms)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	int64_t unit;

	if (end == s || v <= 0 || v > 100000 || end[1] != '\0')
		return -1;
	switch (*end) {
	case 'm': unit = 60000LL; break;
	case 'h': unit = 3600000LL; break;
	case 'd': unit = DAY_MS; break;
	case 'w': unit = 7 * DAY_MS; break;
	default: return -1;
	}
	*ms = v * unit;
	return 0;
}
