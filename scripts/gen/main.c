/* main.c - shiplog-gen: wires options, world, output files and the two
 * passes (deployments, pipelines).  See docs/GENERATOR.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"

/* mkdir -p; 0 or an errno value. */
static int make_dirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			return errno;
		buf[i] = path[i];
	}
	{
		struct stat st;

		if (stat(path, &st))
			return errno;
		if (!S_ISDIR(st.st_mode))
			return ENOTDIR;
	}
	return 0;
}

static int worker_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct gen_params p;
	struct world w;
	struct gen_pool *pool = NULL;
	struct gen_out *outs[SL_KIND_COUNT] = {0};
	double t0 = now_seconds();
	int rc, err;

	rc = gen_cli_parse(argc, argv, &p);
	if (rc)
		return rc == 1 ? 0 : 2;
	err = make_dirs(p.outdir);
	if (err) {
		fprintf(stderr, GEN_PROG ": error: cannot create directory '%s': %s\n", p.outdir,
			strerror(err));
		return 1;
	}
	rc = 1;
	if (world_init(&w, &p)) {
		fprintf(stderr, GEN_PROG ": error: out of memory\n");
		goto out;
	}
	pool = gen_pool_new(p.gzip_level < 0 ? 1 : p.threads ? p.threads : worker_threads(),
			    p.gzip_level);
	if (!pool) {
		fprintf(stderr, GEN_PROG ": error: out of memory\n");
		goto out;
	}
	for (int k = 0; k < SL_KIND_COUNT; k++) {
		if (!(p.kinds & (1u << k)))
			continue;
		outs[k] = gen_out_open(&p, pool, (enum sl_kind)k);
		if (!outs[k])
			goto out;
	}
	rc = gen_deployments(&w, outs, pool);
	if (!rc)
		rc = gen_pipelines(&w, outs, pool);
out:
	for (int k = 0; k < SL_KIND_COUNT; k++)
		if (gen_out_close(outs[k]))
			rc = 1;
	gen_pool_free(pool);
	world_release(&w);
	if (p.verbose)
		fprintf(stderr, GEN_PROG ": %.2f s\n", now_seconds() - t0);
	return rc;
}
