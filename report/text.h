/* text.h - numbers, durations, shares, times and targets as people read
 * them, in plain UTF-8 text (controls from the analysis become spaces).
 * The mail prints them as they are and the page escapes them (out_esc):
 * one wording for both, and nothing to undo.
 *
 * Each function writes into buf, of TEXT_MAX bytes (a longer text is cut
 * at a character boundary), and returns buf. */
#ifndef REPORT_TEXT_H
#define REPORT_TEXT_H

#include <stddef.h>

#include "out.h"

#define TEXT_MAX 256

/* A share as a percentage ("92.7%"), "–" for NaN. */
const char *text_pct(char *buf, double v);
/* "YYYY-MM-DDTHH:MM:SS.mmmZ" as "YYYY-MM-DD HH:MM UTC"; another text as
 * it is; "unknown" for NULL or "". */
const char *text_time(char *buf, const char *iso);
/* A day number (days since 1970-01-01) as "2026-10-30"; "?" for NaN. */
const char *text_day(char *buf, double day);
/* A value with the unit of a dora or scorecard row: "12.5 min", "92.7%",
 * "150 / week", "6.77 days / week". */
const char *text_value(char *buf, double v, const char *unit);
/* A scorecard target ("< 1800000") in the unit of its value ("< 30.0
 * min"); as it is when it is not an operator and a number. */
const char *text_target(char *buf, const char *target, const char *unit);
/* A duration in a fixed unit (for a column of one unit): the unit that
 * suits ms, and ms in it ("12.5" of "min"). */
const char *text_dur_unit(double ms);
const char *text_dur_in(char *buf, double ms, const char *unit);

/* A column or metric name in words: "avg_duration_ms" -> "Mean duration",
 * "agent_id" -> "Agent", "false_positive_rate" -> "False positive rate"
 * (capital first letter with cap, else all lowercase). */
const char *text_label(char *buf, const char *name, int cap);

/* s with controls as spaces, cut to max bytes with "…". */
void text_clean(struct out *o, const char *s, size_t max);

#endif
