/* mlbench: times the isolation forest and DBSCAN of shiplog-analyze on the
 * feature matrix of a store (make bench; never part of make check).
 *
 *   mlbench STORE ROWS export FILE    the first ROWS rows of the matrix as
 *                                     raw little-endian doubles (n x 9)
 *   mlbench STORE ROWS iforest        fit + score, default settings
 *   mlbench STORE ROWS dbscan [FILE]  eps 0.3, min_samples 5; labels as
 *                                     int32 to FILE
 * Prints "rows seconds result" on stdout: the algorithm's time only
 * (reading the store is not counted). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "config.h"
#include "featureset.h"
#include "frame.h"
#include "sl_dbscan.h"
#include "sl_iforest.h"
#include "sl_scan.h"
#include "sl_store.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct analyze_params p;
	struct sl_store *st = NULL;
	struct feature_set fs;
	struct frame fr;
	struct sl_errctx err;
	size_t n;
	double t0;

	if (argc < 4) {
		fputs("usage: mlbench STORE ROWS export FILE | iforest | dbscan [FILE]\n", stderr);
		return 2;
	}
	memset(&p, 0, sizeof(p));
	p.from = SL_TIME_MIN;
	p.to = SL_TIME_MAX;
	p.seed = 1;
	config_defaults(&p.cfg);
	sl_err_clear(&err);
	if (sl_store_open(&st, argv[1], 0, SL_LOCK_SHARED, 0, &err) ||
	    frame_load(&p, st, &fr, FEATURES_FRAME_COLS, &err) || features_from_frame(&fr, &fs, &err)) {
		fprintf(stderr, "mlbench: error: '%s': %s\n", argv[1],
			err.msg[0] ? err.msg : sl_strerror(err.code));
		return 1;
	}
	n = strtoull(argv[2], NULL, 10);
	if (n > fs.n)
		n = fs.n;
	if (!strcmp(argv[3], "export") && argc > 4) {
		FILE *f = fopen(argv[4], "wb");

		if (!f || fwrite(fs.x, sizeof(double) * F_N, n, f) != n || fclose(f)) {
			fprintf(stderr, "mlbench: error: '%s': cannot write\n", argv[4]);
			return 1;
		}
		printf("%zu\n", n);
	} else if (!strcmp(argv[3], "iforest")) {
		struct sl_iforest_params ip = {100, 256, 1, 2};
		struct sl_iforest *f;
		double *s = malloc(n * sizeof(*s)), thr;
		uint8_t *flag = malloc(n);

		t0 = now();
		if (!s || !flag || sl_iforest_fit(&f, fs.x, n, F_N, &ip) ||
		    sl_iforest_score(f, fs.x, n, s))
			return 1;
		printf("%zu %.3f %zu\n", n, now() - t0, sl_iforest_flag(s, n, 0.1, flag, &thr));
		sl_iforest_free(f);
		free(s);
		free(flag);
	} else if (!strcmp(argv[3], "dbscan")) {
		struct sl_dbscan_params dp = {0.3, 5, 2, 0};
		int32_t *lab = malloc(n * sizeof(*lab)), nc;

		t0 = now();
		if (!lab || sl_dbscan(fs.x, n, F_N, &dp, lab, NULL, &nc))
			return 1;
		printf("%zu %.3f %d\n", n, now() - t0, nc);
		if (argc > 4) {
			FILE *f = fopen(argv[4], "wb");

			if (!f || fwrite(lab, sizeof(*lab), n, f) != n || fclose(f))
				return 1;
		}
		free(lab);
	} else {
		fputs("mlbench: unknown mode\n", stderr);
		return 2;
	}
	features_release(&fs);
	frame_release(&fr);
	sl_store_close(st);
	return 0;
}
