/* window.h - the analysis window and day buckets in UTC or an IANA zone.
 *
 * Local days come from the C library's zone rules (TZ), so daylight-saving
 * days are 23 or 25 hours long.  Every zone offset and transition is a
 * multiple of 15 minutes, so a time's local day is found once per quarter
 * hour and cached. */
#ifndef ANALYZE_WINDOW_H
#define ANALYZE_WINDOW_H

#include <stdint.h>

/* Selects the zone (NULL or "UTC": UTC).  -1 when the zone is unknown. */
int window_set_tz(const char *zone);
/* Local day (days since 1970-01-01 in the zone's calendar) of t (ms). */
int64_t window_day(int64_t t);
/* UTC ms of local midnight starting local day d. */
int64_t window_day_start(int64_t d);
/* Parses a window bound: "YYYY-MM-DD" (local midnight in the zone) or an
 * ISO 8601 time.  0 or -1. */
int window_parse_bound(const char *s, int64_t *ms);
/* "7d", "12h", "30m", "2w" to ms.  0 or -1. */
int window_parse_span(const char *s, int64_t *ms);

#endif
