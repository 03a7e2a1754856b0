/* analyze/frame: a frame made by hand — its order, codes and recovery
 * times worked out by hand — and analyses run on it: the DORA keys
 * computed by hand, and tables that do not depend on the order the rows
 * were appended in. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "alerts.h"
#include "config.h"
#include "dora.h"
#include "frame.h"
#include "helpers.h"
#include "health.h"
#include "strategy.h"
#include "window.h"

#define MIN_MS 60000LL

/* One hand-written deployment: times in minutes after t0. */
struct in {
	const char *id, *agent, *env, *phase, *strategy;
	int64_t start, end; /* minutes; -1: null */
	int rb;             /* rollback_triggered: 1, 0, -1 null */
	double latency;     /* NaN: null */
};

static const int64_t t0 = 1780000000000LL; /* 2026-05-28 */

/* a (production): d1 fails, d3 completes after it ends, d4 rolls back
 * (the flag), nothing after it; b (production): d5 rolled back (phase),
 * d6 completed but ends before d5 does, d7 ends after it.  a in staging:
 * d8 fails, d9 completes.  d2 is still rolling out. */
static const struct in rows[] = {
	{"d1", "a", "production", "failed", "canary", 0, 10, 0, 0.2},
	{"d2", "a", "production", "rolling_out", "canary", 5, -1, -1, NAN},
	{"d3", "a", "production", "completed", "rolling", 20, 50, 0, 0.1},
	{"d4", "a", "production", "completed", "rolling", 60, 70, 1, NAN},
	{"d5", "b", "production", "rolled_back", "blue_green", 0, 30, -1, 0.5},
	{"d6", "b", "production", "completed", "blue_green", 10, 20, 0, -0.1},
	{"d7", "b", "production", "completed", "canary", 25, 45, 0, 0},
	{"d8", "a", "staging", "failed", "canary", 0, 5, 0, NAN},
	{"d9", "a", "staging", "completed", "canary", 30, 40, 0, 0.3},
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static uint32_t code(struct frame *f, const char *s)
{
	uint32_t c;

	ck_assert_int_eq(sl_dict_intern(f->names, s, strlen(s), &c), 0);
	return c;
}

/* The frame of rows[], appended in the order perm gives. */
static void make(struct frame *f, const size_t *perm)
{
	size_t cap = 0, i;

	ck_assert_int_eq(frame_begin(f), 0);
	for (size_t k = 0; k < NROWS; k++) {
		size_t src = perm ? perm[k] : k;
		const struct in *r = &rows[src];

		ck_assert_int_eq(frame_append(f, &cap, &i), 0);
		ck_assert_int_eq(frame_set_id(f, i, r->id, strlen(r->id)), 0);
		f->agent[i] = code(f, r->agent);
		f->env[i] = code(f, r->env);
		f->strategy[i] = code(f, r->strategy);
		f->phase[i] = (uint8_t)sl_phase_of(r->phase, strlen(r->phase));
		f->rb_flag[i] = (int8_t)r->rb;
		f->start[i] = t0 + r->start * MIN_MS;
		if (r->end >= 0) {
			f->end[i] = t0 + r->end * MIN_MS;
			f->dur[i] = (r->end - r->start) * MIN_MS;
		}
		f->latency[i] = r->latency;
		f->target[i] = 10;
		f->healthy[i] = 10 - (int32_t)(src % 3);
	}
	ck_assert_int_eq(frame_finish(f), 0);
}

static size_t row_of(const struct frame *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++) {
		char buf[FRAME_ID_BUF];
		size_t n;
		const char *s = frame_id(f, i, buf, &n);

		if (n == strlen(id) && !memcmp(s, id, n))
			return i;
	}
	ck_abort_msg("no row %s", id);
	return 0;
}

/* Rows appended in the frame's order stay so; rows whose starts are in
 * order but not the ids of one start (d8 d5 d1 at t0) are put in it. */
START_TEST(test_order_nearly_sorted)
{
	static const size_t orders[][NROWS] = {
		{0, 4, 7, 1, 5, 2, 6, 8, 3},
		{7, 4, 0, 1, 5, 2, 6, 8, 3},
		{0, 4, 7, 1, 5, 2, 6, 3, 8},
	};
	static const char *const want[] = {"d1", "d5", "d8", "d2", "d6", "d3", "d7", "d9", "d4"};
	struct frame f;

	for (size_t k = 0; k < sizeof(orders) / sizeof(orders[0]); k++) {
		make(&f, orders[k]);
		for (size_t i = 0; i < NROWS; i++)
			ck_assert_msg(row_of(&f, want[i]) == i, "order %zu: %s not at %zu", k,
				      want[i], i);
		frame_release(&f);
	}
}
END_TEST

START_TEST(test_order_codes_recovery)
{
	static const size_t rev[NROWS] = {8, 7, 6, 5, 4, 3, 2, 1, 0};
	struct frame f;
	int64_t ms;

	make(&f, rev);
	ck_assert_uint_eq(f.n, NROWS);
	/* start time, then id: d1 d5 d8 (t0), d2, d6, d3, d7, d9, d4 */
	{
		static const char *const want[] = {"d1", "d5", "d8", "d2", "d6",
						   "d3", "d7", "d9", "d4"};

		for (size_t i = 0; i < NROWS; i++)
			ck_assert_uint_eq(row_of(&f, want[i]), i);
	}
	/* codes of the small columns follow byte order */
	ck_assert_uint_lt(f.agent[row_of(&f, "d1")], f.agent[row_of(&f, "d5")]); /* a < b */
	ck_assert_uint_lt(f.env[row_of(&f, "d1")], f.env[row_of(&f, "d8")]); /* prod < staging */
	ck_assert_uint_lt(f.strategy[row_of(&f, "d5")], f.strategy[row_of(&f, "d1")]);
	/* rules */
	ck_assert(frame_rolled_back(&f, row_of(&f, "d4")));  /* the flag */
	ck_assert(frame_rolled_back(&f, row_of(&f, "d5")));  /* the phase, flag null */
	ck_assert(!frame_rolled_back(&f, row_of(&f, "d1")));
	ck_assert(frame_failure(&f, row_of(&f, "d1")) && frame_failure(&f, row_of(&f, "d4")));
	ck_assert(!frame_finished(&f, row_of(&f, "d2")));
	ck_assert(!frame_duration(&f, row_of(&f, "d2"), &ms));
	/* recovery: d1 ended 10, d3 (completed) ended 50: 40 min */
	ck_assert_int_eq(frame_recovery(&f, row_of(&f, "d1"), &ms), 1);
	ck_assert_int_eq(ms, 40 * MIN_MS);
	/* d4 rolled back by the flag; nothing of a/production after it */
	ck_assert_int_eq(frame_recovery(&f, row_of(&f, "d4"), &ms), 0);
	/* d5 ended 30: d6 ended 20 (not later), d7 ended 45: 15 min */
	ck_assert_int_eq(frame_recovery(&f, row_of(&f, "d5"), &ms), 1);
	ck_assert_int_eq(ms, 15 * MIN_MS);
	/* d8 (staging) ended 5: d9 of a/staging ended 40, not a production one */
	ck_assert_int_eq(frame_recovery(&f, row_of(&f, "d8"), &ms), 1);
	ck_assert_int_eq(ms, 35 * MIN_MS);
	/* not failures */
	ck_assert_int_eq(frame_recovery(&f, row_of(&f, "d3"), &ms), -1);
	ck_assert_int_eq(frame_recovery(&f, row_of(&f, "d2"), &ms), -1);
	frame_release(&f);
}
END_TEST

static double metric(const struct sl_analysis *a, const char *name, int col)
{
	const struct sl_table *t = sl_analysis_table(a, "dora");
	double v;

	ck_assert_ptr_nonnull(t);
	for (size_t r = 0; r < sl_table_rows(t); r++)
		if (!strcmp(sl_table_get_str(t, 0, r), name))
			return sl_table_get_f64(t, col, r, &v) ? NAN : v;
	ck_abort_msg("no metric %s", name);
	return NAN;
}

START_TEST(test_dora_by_hand)
{
	struct analyze_params p;
	struct frame f;
	struct sl_analysis *a = sl_analysis_new();
	struct sl_errctx err;

	default_params(&p);
	make(&f, NULL);
	ck_assert_int_eq(dora_run(&p, NULL, &f, a, &err), 0);
	/* finished production: d1 d3 d4 d5 d6 d7 (d2 is rolling out); failures
	 * d1 (failed), d4 (flag), d5 (phase): 3 of 6 */
	ck_assert_double_eq_tol(metric(a, "change_failure_rate", 1), 0.5, 1e-15);
	ck_assert_double_eq(metric(a, "change_failure_rate", 4), 6);
	/* recoveries of production failures: d1 40 min, d5 15 min; d4 none.
	 * Lower median of {15, 40}: 15 min */
	ck_assert_double_eq(metric(a, "failed_deployment_recovery_time", 1), 15 * MIN_MS);
	ck_assert_double_eq(metric(a, "failed_deployment_recovery_time", 4), 2);
	ck_assert_double_eq(metric(a, "unrecovered_failures", 1), 1);
	/* completed: d3 d4 d6 d7, one day of the window's data: 4 per 1/7 week */
	ck_assert_double_eq_tol(metric(a, "deployment_frequency", 1), 28, 1e-12);
	sl_analysis_free(a);
	frame_release(&f);
}
END_TEST

/* Number column col of row r of table name (NaN when null). */
static double cell(const struct sl_analysis *a, const char *name, int col, size_t r)
{
	const struct sl_table *t = sl_analysis_table(a, name);
	double v;

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_lt(r, sl_table_rows(t));
	return sl_table_get_f64(t, col, r, &v) ? NAN : v;
}

/* The activity tables by hand.  t0 is Thursday 2026-05-28 20:26:40 UTC:
 * every row starts at 20:xx but d4 (21:26).  Heatmap: Thursday (3) 20h
 * has 8 deployments, 2 of them failed (d1, d8), 21h has d4; the other 166
 * cells are 0.  Timeline: one day, 9 deployments, 5 completed (d3 d4 d6
 * d7 d9), 2 failed, 2 rolled back (d4 by the flag, d5 by its phase), mean
 * duration of the 8 with one (10 30 10 30 10 20 5 10 min) 15.625 min.
 * Active: d2 alone (rolling out), target 10, no deployed count, so no
 * progress. */
START_TEST(test_activity_by_hand)
{
	struct analyze_params p;
	struct frame f;
	struct sl_analysis *a = sl_analysis_new();
	struct sl_errctx err;
	const struct sl_table *t;
	double total = 0;

	default_params(&p);
	make(&f, NULL);
	ck_assert_int_eq(activity_run(&p, NULL, &f, a, &err), 0);
	ck_assert_ptr_nonnull(t = sl_analysis_table(a, "heatmap"));
	ck_assert_uint_eq(sl_table_rows(t), 7 * 24);
	for (size_t r = 0; r < 7 * 24; r++) {
		double wd = cell(a, "heatmap", SL_HEATMAP_WEEKDAY, r);
		double h = cell(a, "heatmap", SL_HEATMAP_HOUR, r);
		double n = cell(a, "heatmap", SL_HEATMAP_DEPLOYMENTS, r);
		double bad = cell(a, "heatmap", SL_HEATMAP_FAILURES, r);

		ck_assert(wd == (double)(r / 24) && h == (double)(r % 24));
		ck_assert_msg(n == (wd == 3 && h == 20 ? 8 : wd == 3 && h == 21 ? 1 : 0),
			      "weekday %g hour %g: %g deployments", wd, h, n);
		ck_assert(bad == (wd == 3 && h == 20 ? 2 : 0));
		total += n;
	}
	ck_assert(total == NROWS);
	ck_assert_str_eq(sl_table_get_str(t, SL_HEATMAP_WEEKDAY_NAME, 3 * 24), "Thu");
	ck_assert_ptr_nonnull(t = sl_analysis_table(a, "timeline"));
	ck_assert_uint_eq(sl_table_rows(t), 1);
	ck_assert(cell(a, "timeline", SL_TIMELINE_DEPLOYMENTS, 0) == 9);
	ck_assert(cell(a, "timeline", SL_TIMELINE_COMPLETED, 0) == 5);
	ck_assert(cell(a, "timeline", SL_TIMELINE_FAILED, 0) == 2);
	ck_assert(cell(a, "timeline", SL_TIMELINE_ROLLED_BACK, 0) == 2);
	ck_assert(cell(a, "timeline", SL_TIMELINE_AVG_DURATION_MS, 0) == 15.625 * MIN_MS);
	ck_assert_ptr_nonnull(t = sl_analysis_table(a, "active_deployments"));
	ck_assert_uint_eq(sl_table_rows(t), 1);
	ck_assert_str_eq(sl_table_get_str(t, SL_ACTIVE_DEPLOYMENTS_DEPLOYMENT_ID, 0), "d2");
	ck_assert_str_eq(sl_table_get_str(t, SL_ACTIVE_DEPLOYMENTS_PHASE, 0), "rolling_out");
	ck_assert(cell(a, "active_deployments", SL_ACTIVE_DEPLOYMENTS_TARGET_INSTANCES, 0) == 10);
	ck_assert(isnan(cell(a, "active_deployments", SL_ACTIVE_DEPLOYMENTS_DEPLOYED_INSTANCES, 0)));
	ck_assert(isnan(cell(a, "active_deployments", SL_ACTIVE_DEPLOYMENTS_PROGRESS, 0)));
	sl_analysis_free(a);
	frame_release(&f);
}
END_TEST

/* Every table of the analyses as CSV text. */
static char *tables_text(const struct frame *f)
{
	struct analyze_params p;
	struct sl_analysis *a = sl_analysis_new();
	struct sl_errctx err;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	default_params(&p);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(dora_run(&p, NULL, f, a, &err), 0);
	ck_assert_int_eq(health_run(&p, NULL, f, a, &err), 0);
	ck_assert_int_eq(strategy_run(&p, NULL, f, a, &err), 0);
	ck_assert_int_eq(alerts_run(&p, NULL, f, a, &err), 0);
	ck_assert_int_eq(activity_run(&p, NULL, f, a, &err), 0);
	for (size_t i = 0; i < sl_analysis_ntables(a); i++)
		ck_assert_int_eq(sl_table_write_csv(sl_analysis_table_at(a, i), out), 0);
	fclose(out);
	sl_analysis_free(a);
	return buf;
}

/* The same rows appended in any order give the same tables, byte for
 * byte (sums in frame order, codes from byte order): among the orders the
 * frame's own (nothing to sort) and its starts in order but not the ids
 * of one start (d8 d5 d1). */
START_TEST(test_any_append_order)
{
	static const size_t orders[][NROWS] = {
		{8, 7, 6, 5, 4, 3, 2, 1, 0},
		{4, 0, 8, 2, 6, 1, 5, 3, 7},
		{1, 3, 5, 7, 0, 2, 4, 6, 8},
		{0, 4, 7, 1, 5, 2, 6, 8, 3},
		{7, 4, 0, 1, 5, 2, 6, 8, 3},
	};
	struct frame f;
	char *want, *got;

	make(&f, NULL);
	want = tables_text(&f);
	frame_release(&f);
	ck_assert_ptr_nonnull(strstr(want, "health_score"));
	for (size_t k = 0; k < sizeof(orders) / sizeof(orders[0]); k++) {
		make(&f, orders[k]);
		got = tables_text(&f);
		frame_release(&f);
		if (strcmp(want, got))
			ck_abort_msg("append order %zu changes the tables:\n%s\n---\n%s", k, want,
				     got);
		free(got);
	}
	free(want);
}
END_TEST

/* An agent set: names and fnmatch globs, any of them; none is every
 * agent. */
START_TEST(test_agent_set)
{
	static const char *const pats[] = {"pay*", "b", "x?z"};
	struct agent_set set = {pats, 3}, none = {NULL, 0};
	struct frame f;
	uint8_t *in;

	ck_assert(agent_set_match(&set, "payments", 8));
	ck_assert(agent_set_match(&set, "pay", 3));
	ck_assert(agent_set_match(&set, "bx", 1)); /* the first byte: "b" */
	ck_assert(!agent_set_match(&set, "bx", 2));
	ck_assert(agent_set_match(&set, "xyz", 3));
	ck_assert(!agent_set_match(&set, "xz", 2));
	ck_assert(!agent_set_match(&set, "apay", 4));
	ck_assert(!agent_set_match(&set, NULL, 0));
	ck_assert(agent_set_match(&none, "anything", 8));
	ck_assert(agent_set_match(NULL, NULL, 0));
	{
		/* a name longer than the stack buffer */
		char big[2000];

		memset(big, 'y', sizeof(big));
		memcpy(big, "pay", 3);
		ck_assert(agent_set_match(&set, big, sizeof(big)));
		big[0] = 'q';
		ck_assert(!agent_set_match(&set, big, sizeof(big)));
	}
	make(&f, NULL);
	ck_assert_int_eq(agent_set_codes(&set, f.names, &in), 0);
	for (uint32_t c = 0; c < sl_dict_count(f.names); c++) {
		size_t n;
		const char *s = sl_dict_get(f.names, c, &n);

		ck_assert_int_eq(in[c], n == 1 && *s == 'b');
	}
	free(in);
	frame_release(&f);
}
END_TEST

/* frame_select: the rows of some agents as a frame of their own, in
 * order, with their ids, recoveries and codes; an analysis of it is the
 * analysis of the whole frame narrowed to those agents (frame_want_agents),
 * byte for byte. */
START_TEST(test_select)
{
	static const char *const b_only[] = {"b"}, *const a_glob[] = {"?"};
	const struct agent_set sets[] = {{b_only, 1}, {a_glob, 1}};
	struct frame f, sub, narrowed;

	for (size_t k = 0; k < 2; k++) {
		uint8_t *in;
		char *want, *got;

		make(&f, NULL);
		ck_assert_int_eq(agent_set_codes(&sets[k], f.names, &in), 0);
		ck_assert_int_eq(frame_select(&f, in, &sub), 0);
		free(in);
		if (k == 0) {
			static const char *const ids[] = {"d5", "d6", "d7"};

			ck_assert_uint_eq(sub.n, 3);
			for (size_t i = 0; i < 3; i++) {
				size_t r = row_of(&f, ids[i]), n;
				char buf[FRAME_ID_BUF];
				const char *id = frame_id(&sub, i, buf, &n);

				ck_assert_uint_eq(n, 2);
				ck_assert(!memcmp(id, ids[i], 2));
				ck_assert_uint_eq(sub.agent[i], f.agent[r]);
				ck_assert_uint_eq(sub.strategy[i], f.strategy[r]);
				ck_assert_int_eq(sub.start[i], f.start[r]);
				ck_assert_int_eq(sub.recovery[i], f.recovery[r]);
			}
			/* d5 recovered by d7, 15 minutes */
			ck_assert_int_eq(sub.recovery[0], 15 * MIN_MS);
			ck_assert_uint_eq(sl_dict_count(sub.names), sl_dict_count(f.names));
		} else {
			ck_assert_uint_eq(sub.n, NROWS); /* every agent's name is one letter */
		}
		got = tables_text(&sub);
		make(&narrowed, NULL);
		ck_assert_int_eq(frame_want_agents(&narrowed, &sets[k]), 0);
		want = tables_text(&narrowed);
		if (strcmp(want, got))
			ck_abort_msg("set %zu: the selection's tables differ:\n%s\n---\n%s", k, want,
				     got);
		free(want);
		free(got);
		frame_release(&narrowed);
		frame_release(&sub);
		frame_release(&f);
	}
	/* no row selected: an empty frame */
	{
		uint8_t none[16] = {0};

		make(&f, NULL);
		ck_assert_int_eq(frame_select(&f, none, &sub), 0);
		ck_assert_uint_eq(sub.n, 0);
		frame_release(&sub);
		frame_release(&f);
	}
}
END_TEST

/* A frame of three deployments with these ids, started at one time (so
 * in the order of their ids). */
static void ids_frame(struct frame *f, const char *const *ids)
{
	size_t cap = 0, i;

	ck_assert_int_eq(frame_begin(f), 0);
	for (int j = 0; j < 3; j++) {
		ck_assert_int_eq(frame_append(f, &cap, &i), 0);
		ck_assert_int_eq(frame_set_id(f, i, ids[j], strlen(ids[j])), 0);
		f->start[i] = t0;
		f->agent[i] = code(f, "a");
		f->env[i] = code(f, "production");
	}
	ck_assert_int_eq(frame_finish(f), 0);
}

/* Ids of one length are laid out in frame order without a reference a
 * row; ids of several lengths keep theirs; both read back the same. */
START_TEST(test_id_layouts)
{
	static const char *const ids[2][3] = {{"c3", "a1", "b2"}, {"c3", "a111", "b2"}};
	/* lowercase UUIDs: kept as 16 bytes, laid out in frame order; one in
	 * capitals (or any other text) keeps its text, and every row its
	 * reference */
	static const char *const uuids[2][3] = {
		{"f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f", "00000000-0000-4000-8000-000000000000",
		 "9abcdef0-1234-4567-89ab-cdef01234567"},
		{"f0e1d2c3-b4a5-4697-8879-6a5b4c3d2e1f", "00000000-0000-4000-8000-000000000000",
		 "9ABCDEF0-1234-4567-89ab-cdef01234567"},
	};
	char buf[FRAME_ID_BUF];

	for (int k = 0; k < 2; k++) {
		struct frame f;
		size_t n;
		const char *s;

		ids_frame(&f, uuids[k]);
		ck_assert(k ? f.id != NULL : f.id == NULL);
		ck_assert_int_eq(f.id_uuid, !k);
		ck_assert_uint_eq(f.id_len, k ? 16 + 16 + 36 : 3 * 16);
		/* in id order: 0000..., 9abc... (9ABC...), f0e1... */
		for (int j = 0; j < 3; j++) {
			static const int want[3] = {1, 2, 0};

			s = frame_id(&f, (size_t)j, buf, &n);
			ck_assert_uint_eq(n, 36);
			ck_assert_int_eq(memcmp(s, uuids[k][want[j]], 36), 0);
		}
		/* a selection keeps the ids and their layout */
		{
			struct frame sub;
			uint8_t all[4] = {1, 1, 1, 1};
			char buf2[FRAME_ID_BUF];

			ck_assert_int_eq(frame_select(&f, all, &sub), 0);
			ck_assert_uint_eq(sub.n, 3);
			ck_assert_int_eq(sub.id_uuid, f.id_uuid);
			ck_assert(k ? sub.id != NULL : sub.id == NULL);
			for (size_t j = 0; j < 3; j++) {
				size_t n2;
				const char *s2 = frame_id(&sub, j, buf2, &n2);

				s = frame_id(&f, j, buf, &n);
				ck_assert_uint_eq(n, n2);
				ck_assert_int_eq(memcmp(s, s2, n), 0);
			}
			frame_release(&sub);
		}
		frame_release(&f);
	}
	/* 36 bytes that are not a lowercase UUID keep their text exactly */
	static const char *const near[] = {
		"9abcdef0-1234-4567-89ab-cdef0123456g", "9abcdef0-1234-4567-89ab-cdef0123456/",
		"9abcdef0-1234-4567-89abc-def01234567", "9abcdef0-1234-4567-89ab-cdef0123456:",
		"9abcdef0-1234-4567-89ab-cdef0123456F", "9abcdef0x1234-4567-89ab-cdef01234567",
	};

	for (size_t k = 0; k < sizeof(near) / sizeof(near[0]); k++) {
		const char *three[3] = {uuids[0][0], near[k], uuids[0][1]};
		struct frame f;
		size_t n;
		const char *s;

		ids_frame(&f, three);
		ck_assert_ptr_nonnull(f.id);
		s = frame_id(&f, 1, buf, &n); /* in id order: 0000, 9abc, f0e1 */
		ck_assert_uint_eq(n, 36);
		ck_assert_int_eq(memcmp(s, near[k], 36), 0);
		s = frame_id(&f, 0, buf, &n);
		ck_assert_int_eq(memcmp(s, uuids[0][1], 36), 0);
		frame_release(&f);
	}
	for (int k = 0; k < 2; k++) {
		struct frame f;
		size_t n;
		const char *s;

		ids_frame(&f, ids[k]);
		ck_assert(k ? f.id != NULL : f.id == NULL && f.id_fixed == 2);
		s = frame_id(&f, 0, buf, &n);
		ck_assert_int_eq(n, k ? 4 : 2);
		ck_assert_int_eq(memcmp(s, k ? "a111" : "a1", n), 0);
		s = frame_id(&f, 2, buf, &n);
		ck_assert_int_eq(n, 2);
		ck_assert_int_eq(memcmp(s, "c3", 2), 0);
		frame_release(&f);
	}
}
END_TEST

Suite *suite_frame(void);

Suite *suite_frame(void)
{
	Suite *s = suite_create("frame");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_order_codes_recovery);
	tcase_add_test(tc, test_order_nearly_sorted);
	tcase_add_test(tc, test_dora_by_hand);
	tcase_add_test(tc, test_activity_by_hand);
	tcase_add_test(tc, test_any_append_order);
	tcase_add_test(tc, test_id_layouts);
	tcase_add_test(tc, test_agent_set);
	tcase_add_test(tc, test_select);
	suite_add_tcase(s, tc);
	return s;
}
