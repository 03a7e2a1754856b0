/* Unit tests of lib/sl_mapfile.c: the --map file format (docs/ADAPTERS.md),
 * its errors with line numbers, value maps and time formats.  Expected
 * epoch values checked with Python's datetime. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sl_err.h"
#include "sl_mapfile.h"

static struct sl_mapfile *parse(const char *text, int want_rc, long want_line)
{
	struct sl_mapfile *m = NULL;
	struct sl_errctx err;
	int rc;

	sl_err_clear(&err);
	rc = sl_mapfile_parse(text, strlen(text), "t.map", &m, &err);
	ck_assert_msg(rc == want_rc, "rc %d (%s) for:\n%s", rc, err.msg, text);
	if (rc)
		ck_assert_int_eq(err.line, want_line);
	return m;
}

START_TEST(test_parse)
{
	struct sl_mapfile *m = parse("# jobs\n"
				     "kind = stage_runs\n"
				     "\n"
				     "stage_id <- job id\n"
				     "stage_type = \"unit test\"\n"
				     "value status passed -> success\n"
				     "value status \"not run\" -> skipped\n"
				     "time start_time %Y-%m-%d %H:%M:%S UTC\n"
				     "unit duration_ms s\n"
				     "unit timeout_s min\n",
				     0, 0);
	size_t n;

	ck_assert_int_eq(m->kind, SL_KIND_STAGE_RUNS);
	ck_assert_uint_eq(m->ncols, 6);
	ck_assert_str_eq(m->cols[0].canon, "stage_id");
	ck_assert_str_eq(m->cols[0].source, "job id");
	ck_assert_str_eq(m->cols[1].constant, "unit test");
	ck_assert_str_eq(m->cols[2].canon, "status");
	ck_assert_ptr_null(m->cols[2].source); /* read from a column of its own name */
	ck_assert_str_eq(sl_mapfile_value(m, 2, "PASSED", 6, &n), "success");
	ck_assert_uint_eq(n, 7);
	ck_assert_str_eq(sl_mapfile_value(m, 2, "not run", 7, &n), "skipped");
	ck_assert_str_eq(sl_mapfile_value(m, 2, "failed", 6, &n), "failed");
	ck_assert_int_eq(m->cols[3].time, SL_MT_PATTERN);
	ck_assert_str_eq(m->cols[4].canon, "duration_ms");
	ck_assert(m->cols[4].factor == 1000.0);
	ck_assert_str_eq(m->cols[5].canon, "timeout_s");
	ck_assert(m->cols[5].factor == 60.0); /* minutes to the column's seconds */
	sl_mapfile_free(m);
	m = parse("kind = stage_runs\nunit timeout_s min\n", 0, 0);
	ck_assert(m->cols[0].factor == 60.0); /* minutes to the column's seconds */
	sl_mapfile_free(m);
}
END_TEST

START_TEST(test_errors)
{
	parse("stage_id <- a\n", SL_EPARSE, 1);
	parse("kind = nothing\n", SL_EPARSE, 1);
	parse("kind = stage_runs\nkind = stage_runs\n", SL_EPARSE, 2);
	parse("kind = stage_runs\n\nnope <- a\n", SL_EPARSE, 3);
	parse("kind = stage_runs\nstage_id a\n", SL_EPARSE, 2);
	parse("kind = stage_runs\nstage_id <-\n", SL_EPARSE, 2);
	parse("kind = stage_runs\nvalue status passed\n", SL_EPARSE, 2);
	parse("kind = stage_runs\ntime status epoch_s\n", SL_EPARSE, 2);
	parse("kind = stage_runs\ntime start_time sometime\n", SL_EPARSE, 2);
	parse("kind = stage_runs\nunit status s\n", SL_EPARSE, 2);
	parse("kind = stage_runs\nunit duration_ms days\n", SL_EPARSE, 2);
	parse("# only a comment\n", SL_EPARSE, 1);
	parse("kind = stage_runs\nstage_id <- \xff\n", SL_EPARSE, 2);
	{
		char big[SL_MAP_MAX_LINE + 40];

		strcpy(big, "kind = stage_runs\nstage_id <- ");
		memset(big + strlen(big), 'a', SL_MAP_MAX_LINE);
		big[sizeof(big) - 1] = 0;
		parse(big, SL_ELIMIT, 2);
	}
}
END_TEST

/* Several sources: fallbacks, a pair, quoted names holding the signs,
 * paths (kept as written: the readers walk them), ordinal and keep. */
START_TEST(test_sources)
{
	struct sl_mapfile *m = parse("kind = pipeline_runs\n"
				     "start_time <- startTime | queueTime|x | \"a | b\"\n"
				     "status <- status + result\n"
				     "pipeline_id <- \"c++ + d\"\n"
				     "triggered_by <- requestedFor.uniqueName\n"
				     "execution_number <- buildNumber\n"
				     "ordinal execution_number\n"
				     "keep sourceBranch  plans.0.planId\n"
				     "keep reason\n"
				     "agent_ids = hosted\n",
				     0, 0);

	ck_assert_uint_eq(m->ncols, 6);
	ck_assert_str_eq(m->cols[0].source, "startTime");
	ck_assert_uint_eq(m->cols[0].nmore, 2);
	ck_assert_str_eq(m->cols[0].more[0], "queueTime|x"); /* no blanks: a name */
	ck_assert_str_eq(m->cols[0].more[1], "a | b");
	ck_assert_int_eq(m->cols[0].pair, 0);
	ck_assert_uint_eq(sl_mapfile_nsources(&m->cols[0]), 3);
	ck_assert_str_eq(sl_mapfile_source(&m->cols[0], 2), "a | b");
	ck_assert_ptr_null(sl_mapfile_source(&m->cols[0], 3));
	ck_assert_int_eq(m->cols[1].pair, 1);
	ck_assert_str_eq(sl_mapfile_source(&m->cols[1], 1), "result");
	ck_assert_str_eq(m->cols[2].source, "c++ + d");
	ck_assert_uint_eq(m->cols[2].nmore, 0);
	ck_assert_str_eq(m->cols[3].source, "requestedFor.uniqueName");
	ck_assert_int_eq(m->cols[4].ordinal, 1);
	ck_assert_int_eq(m->cols[0].ordinal, 0);
	ck_assert_uint_eq(sl_mapfile_nsources(&m->cols[5]), 0); /* a constant */
	ck_assert_uint_eq(m->nkeep, 3);
	ck_assert_str_eq(m->keep[0], "sourceBranch");
	ck_assert_str_eq(m->keep[1], "plans.0.planId");
	ck_assert_str_eq(m->keep[2], "reason");
	sl_mapfile_free(m);
	/* a later line replaces the sources, a constant drops them */
	m = parse("kind = pipeline_runs\nstatus <- a | b\nstatus <- c\n", 0, 0);
	ck_assert_uint_eq(sl_mapfile_nsources(&m->cols[0]), 1);
	ck_assert_str_eq(sl_mapfile_source(&m->cols[0], 0), "c");
	sl_mapfile_free(m);
	m = parse("kind = pipeline_runs\nstatus <- a + b\nstatus = success\n", 0, 0);
	ck_assert_uint_eq(sl_mapfile_nsources(&m->cols[0]), 0);
	ck_assert_int_eq(m->cols[0].pair, 0);
	sl_mapfile_free(m);
	parse("kind = pipeline_runs\nstatus <- a + b + c\n", SL_EPARSE, 2);
	parse("kind = pipeline_runs\nstatus <- a | b + c\n", SL_EPARSE, 2);
	parse("kind = pipeline_runs\nstatus <- a |  | c\n", SL_EPARSE, 2);
	parse("kind = pipeline_runs\nstatus <- a | b | c | d | e | f | g | h | i\n", SL_ELIMIT, 2);
	parse("kind = pipeline_runs\nordinal status\n", SL_EPARSE, 2);
	parse("kind = pipeline_runs\nordinal start_time\n", SL_EPARSE, 2);
	parse("kind = pipeline_runs\nordinal\n", SL_EPARSE, 2);
	parse("kind = pipeline_runs\nordinal execution_number x\n", SL_EPARSE, 2);
	parse("kind = pipeline_runs\nkeep\n", SL_EPARSE, 2);
	parse("kind = pipeline_runs\nstatus <- a |\n", SL_EPARSE, 2);
	parse("kind = pipeline_runs\nstatus <- + b\n", SL_EPARSE, 2);
}
END_TEST

/* An ordinal depends on the text alone; two texts with one ordinal are
 * caught (with few bits, so that collisions come at once). */
START_TEST(test_ordinal)
{
	struct sl_mapfile *m = parse("kind = pipeline_runs\nordinal execution_number\n", 0, 0);
	struct sl_mapfile *m2 = parse("kind = pipeline_runs\nordinal execution_number\n", 0, 0);
	int64_t a, b, c;
	const char *other;
	char id[32];
	int i, rc = 0;

	ck_assert_int_eq(sl_mapfile_ordinal(m, "20240301.3", 10, &a, &other), 0);
	ck_assert_int_eq(sl_mapfile_ordinal(m, "123-4", 5, &b, &other), 0);
	ck_assert_int_eq(sl_mapfile_ordinal(m, "20240301.3", 10, &c, &other), 0);
	ck_assert_int_eq(a, c);
	ck_assert_int_ne(a, b);
	ck_assert(a >= 0 && a < (INT64_C(1) << SL_MAP_ORDINAL_BITS));
	/* another map (another run), the other order: the same numbers */
	ck_assert_int_eq(sl_mapfile_ordinal(m2, "123-4", 5, &c, &other), 0);
	ck_assert_int_eq(c, b);
	ck_assert_int_eq(sl_mapfile_ordinal(m2, "20240301.3", 10, &c, &other), 0);
	ck_assert_int_eq(c, a);
	sl_mapfile_free(m2);
	sl_mapfile_free(m);
	m = parse("kind = pipeline_runs\nordinal execution_number\n", 0, 0);
	m->ordinal_bits = 3; /* 8 ordinals: the 9th id must collide */
	for (i = 0; i < 9 && !rc; i++) {
		snprintf(id, sizeof(id), "run-%d", i);
		rc = sl_mapfile_ordinal(m, id, strlen(id), &a, &other);
	}
	ck_assert_int_eq(rc, SL_EFORMAT);
	ck_assert_ptr_nonnull(other);
	ck_assert_str_ne(other, id);
	ck_assert(!strncmp(other, "run-", 4));
	/* the same text again is no collision */
	ck_assert_int_eq(sl_mapfile_ordinal(m, other, strlen(other), &a, &other), 0);
	sl_mapfile_free(m);
}
END_TEST

START_TEST(test_time)
{
	struct sl_map_col c;
	int64_t ms;

	memset(&c, 0, sizeof(c));
	c.time = SL_MT_EPOCH_S;
	ck_assert_int_eq(sl_mapfile_time(&c, "1709287200", 10, &ms), 0);
	ck_assert_int_eq(ms, INT64_C(1709287200000));
	ck_assert_int_eq(sl_mapfile_time(&c, "1.5", 3, &ms), 0);
	ck_assert_int_eq(ms, 1500);
	ck_assert_int_eq(sl_mapfile_time(&c, "12abc", 5, &ms), SL_EPARSE);
	c.time = SL_MT_EPOCH_MS;
	ck_assert_int_eq(sl_mapfile_time(&c, "1709287200123", 13, &ms), 0);
	ck_assert_int_eq(ms, INT64_C(1709287200123));
	c.time = SL_MT_PATTERN;
	c.pattern = "%Y-%m-%d %H:%M:%S UTC";
	ck_assert_int_eq(sl_mapfile_time(&c, "2013-02-12 16:27:30 UTC", 23, &ms), 0);
	ck_assert_int_eq(ms, INT64_C(1360686450000));
	ck_assert_int_eq(sl_mapfile_time(&c, "2013-02-12", 10, &ms), SL_EPARSE);
	c.pattern = "%d/%m/%Y %H:%M %z";
	ck_assert_int_eq(sl_mapfile_time(&c, "12/02/2013 18:27 +0200", 22, &ms), 0);
	ck_assert_int_eq(ms, INT64_C(1360686420000));
	c.time = SL_MT_AUTO;
	ck_assert_int_eq(sl_mapfile_time(&c, "2013-02-12T16:27:30Z", 20, &ms), 0);
	ck_assert_int_eq(ms, INT64_C(1360686450000));
}
END_TEST

Suite *suite_mapfile(void);

Suite *suite_mapfile(void)
{
	Suite *s = suite_create("mapfile");
	TCase *tc = tcase_create("mapfile");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_time);
	tcase_add_test(tc, test_sources);
	tcase_add_test(tc, test_ordinal);
	suite_add_tcase(s, tc);
	return s;
}
