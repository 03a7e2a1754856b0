/* analyze/predict and analyze/rollback: Beta credible intervals against
 * scipy (scripts/ref-ols.py wrote data/beta_ref.csv), and reason texts
 * normalised to templates (hand-written expectations). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "predict.h"
#include "rollback.h"
#include "sl_buf.h"

START_TEST(test_beta_scipy)
{
	FILE *f = fopen("data/beta_ref.csv", "r");
	char line[512];
	int rows = 0;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	while (fgets(line, sizeof(line), f)) {
		unsigned long long k, n;
		double a, b, mean, lo, hi, m, l, h;

		ck_assert_int_eq(sscanf(line, "%llu,%llu,%lf,%lf,%lf,%lf,%lf", &k, &n, &a, &b, &mean,
					&lo, &hi),
				 7);
		predict_beta(k, n, a, b, &m, &l, &h);
		ck_assert_msg(fabs(m - mean) <= 1e-12 * mean, "mean %llu/%llu", k, n);
		ck_assert_msg(fabs(l - lo) <= 1e-9 * lo, "lower %llu/%llu: %.17g vs %.17g", k, n, l, lo);
		ck_assert_msg(fabs(h - hi) <= 1e-9 * hi, "upper %llu/%llu: %.17g vs %.17g", k, n, h, hi);
		rows++;
	}
	fclose(f);
	ck_assert_int_eq(rows, 8);
}
END_TEST

static void tmpl_is(const char *in, const char *want)
{
	struct sl_buf b = SL_BUF_INIT;

	ck_assert_int_eq(rollback_template(in, strlen(in), &b), 0);
	ck_assert_msg(!strcmp(sl_buf_cstr(&b), want), "'%s' -> '%s', want '%s'", in,
		      sl_buf_cstr(&b), want);
	sl_buf_release(&b);
}

START_TEST(test_templates)
{
	/* texts as the generator and real tools write them */
	tmpl_is("Error rate 7.3% exceeded threshold 5% on pod payments-api-7f9c4d-x2k1",
		"Error rate <num>% exceeded threshold <num>% on pod <id>");
	tmpl_is("Error rate 12.9% exceeded threshold 5% on pod search-indexer-0a1b2c-k27x",
		"Error rate <num>% exceeded threshold <num>% on pod <id>");
	tmpl_is("Health check failed for 3 of 40 instances",
		"Health check failed for <num> of <num> instances");
	tmpl_is("Latency p95 2300ms > 1500ms after deploying a1b2c3d4",
		"Latency p95 <duration> > <duration> after deploying <hash>");
	tmpl_is("OOMKilled in container \"worker\" (limit 512Mi)",
		"OOMKilled in container \"<value>\" (limit <size>)");
	tmpl_is("CrashLoopBackOff: back-off 2m0s restarting failed container \"app\" in pod edge-proxy-eu-1f2e3d-b4c5",
		"CrashLoopBackOff: back-off <duration> restarting failed container \"<value>\" in pod <id>");
	tmpl_is("Database migration 20250312_1030_add_index failed: lock timeout after 30s",
		"Database migration <num>_<num>_add_index failed: lock timeout after <duration>");
	tmpl_is("Canary analysis failed: score 43 < 75 (metrics: error_rate, p99_latency)",
		"Canary analysis failed: score <num> < <num> (metrics: error_rate, p99_latency)");
	tmpl_is("ImagePullBackOff: manifest for ghcr.io/acme/api:2.14.3 not found",
		"ImagePullBackOff: manifest for ghcr.io/acme/api:<version> not found");
	tmpl_is("Progress deadline exceeded (600s), 3/10 replicas updated",
		"Progress deadline exceeded (<duration>), <num>/<num> replicas updated");
	tmpl_is("Config validation error: key \"db.pool.max_size\" expected bool, got \"1, 2\"",
		"Config validation error: key \"<value>\" expected bool, got \"<value>\"");
	tmpl_is("5xx ratio 4.21% over 10m window, SLO burn rate 12.3x",
		"5xx ratio <num>% over <duration> window, SLO burn rate <num>x");
	tmpl_is("Connection refused to dependency kafka-broker-2:6432 (17 failures in 60s)",
		"Connection refused to dependency kafka-broker-<num>:<num> (<num> failures in <duration>)");
	tmpl_is("Manual rollback requested by José Müller (INC-45123)",
		"Manual rollback requested by <user> (INC-<num>)");
	tmpl_is("Manual rollback requested by fatima.el-amin (INC-5001)",
		"Manual rollback requested by <user> (INC-<num>)");
	tmpl_is("rolled back by ops-bot", "rolled back by <user>");
	tmpl_is("caused by dependency 3", "caused by dependency <num>");
	/* uuids, addresses, hashes, versions, single quotes, apostrophes, spaces */
	tmpl_is("request 3f2b8c1e-9a4d-4e7b-8c2a-1b2c3d4e5f60 to 10.0.12.7:8080 timed out",
		"request <uuid> to <ip>:<num> timed out");
	tmpl_is("image sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 rejected",
		"image sha256:<hash> rejected");
	tmpl_is("rolled back v1.4.2 -> v1.4.1 after  'smoke'   failed.",
		"rolled back <version> -> <version> after '<value>' failed.");
	tmpl_is("can't reach upstream in 1h30m", "can't reach upstream in <duration>");
	tmpl_is("p99 up 3x on e2e and utf8 paths", "p99 up <num>x on e2e and utf8 paths");
	tmpl_is("", "");
}
END_TEST

START_TEST(test_categories)
{
	ck_assert_str_eq(rollback_category("Error rate <num>% exceeded threshold <num>%"), "error_rate");
	ck_assert_str_eq(rollback_category("Latency p95 <duration> > <duration>"), "latency");
	ck_assert_str_eq(rollback_category("OOMKilled in container \"<value>\""), "resources");
	ck_assert_str_eq(rollback_category("Database migration <num> failed: lock timeout"),
			 "database_migration");
	ck_assert_str_eq(rollback_category("Canary analysis failed: score <num> (error_rate)"),
			 "canary_analysis");
	ck_assert_str_eq(rollback_category("Progress deadline exceeded"), "timeout");
	ck_assert_str_eq(rollback_category("Manual rollback requested by x"), "manual");
	ck_assert_str_eq(rollback_category("something else"), "other");
}
END_TEST

Suite *suite_predict(void);

Suite *suite_predict(void)
{
	Suite *s = suite_create("predict");
	TCase *tc = tcase_create("predict");

	tcase_add_test(tc, test_beta_scipy);
	tcase_add_test(tc, test_templates);
	tcase_add_test(tc, test_categories);
	suite_add_tcase(s, tc);
	return s;
}
