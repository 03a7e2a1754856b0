#include "helpers.h"

#include <check.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../analyze/cli.h" /* ingest/ has a cli.h too */
#include "config.h"
#include "window.h"

/* A temporary file holding a; path gets its name. */
static void write_temp(struct sl_analysis *a, char *path)
{
	int fd = mkstemp(path);
	struct sl_errctx err;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(sl_analysis_write(a, path, &err), 0);
}

struct sl_anfile *as_file(struct sl_analysis *a)
{
	char path[] = "/tmp/shiplog-unit-XXXXXX";
	struct sl_errctx err;
	struct sl_anfile *f;

	write_temp(a, path);
	ck_assert_int_eq(sl_anfile_open(path, &f, &err), 0);
	unlink(path); /* open: read through the descriptor */
	return f;
}

char *analysis_bytes(struct sl_analysis *a, size_t *n)
{
	char path[] = "/tmp/shiplog-unit-XXXXXX";
	FILE *f;
	char *buf;
	long len;

	write_temp(a, path);
	ck_assert_ptr_nonnull(f = fopen(path, "rb"));
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	ck_assert_ptr_nonnull(buf = malloc((size_t)len + 1));
	ck_assert_uint_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	unlink(path);
	*n = (size_t)len;
	return buf;
}

void default_params(struct analyze_params *p)
{
	memset(p, 0, sizeof(*p));
	p->from = INT64_MIN;
	p->to = INT64_MAX;
	config_defaults(&p->cfg);
	ck_assert_int_eq(window_set_tz(NULL), 0);
}
