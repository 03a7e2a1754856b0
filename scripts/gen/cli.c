/* cli.c - options of shiplog-gen; every value is checked before work
 * starts, so a misuse never leaves half-written files behind. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

enum {
	OPT_SEED = 256,
	OPT_DEPLOYMENTS,
	OPT_RUNS,
	OPT_AGENTS,
	OPT_START,
	OPT_DAYS,
	OPT_FORMAT,
	OPT_GZIP,
	OPT_KINDS,
	OPT_UPDATES,
	OPT_DIRTY,
	OPT_SHUFFLE,
	OPT_THREADS,
	OPT_VERSION,
};

static const struct option long_opts[] = {
	{"seed", required_argument, NULL, OPT_SEED},
	{"deployments", required_argument, NULL, OPT_DEPLOYMENTS},
	{"pipeline-runs", required_argument, NULL, OPT_RUNS},
	{"agents", required_argument, NULL, OPT_AGENTS},
	{"start", required_argument, NULL, OPT_START},
	{"days", required_argument, NULL, OPT_DAYS},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"gzip", optional_argument, NULL, OPT_GZIP},
	{"kinds", required_argument, NULL, OPT_KINDS},
	{"updates", required_argument, NULL, OPT_UPDATES},
	{"dirty", required_argument, NULL, OPT_DIRTY},
	{"shuffle-columns", no_argument, NULL, OPT_SHUFFLE},
	{"threads", required_argument, NULL, OPT_THREADS},
	{"output", required_argument, NULL, 'o'},
	{"verbose", no_argument, NULL, 'v'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0},
};

static const char usage_text[] =
	"usage: " GEN_PROG " [OPTION]... -o OUTDIR\n"
	"Write seeded, realistic shiplog input logs: one file per record kind,\n"
	"OUTDIR/<kind>.csv (or .jsonl, plus .gz with --gzip).\n"
	"\n"
	"  --seed N             random seed (default 1); same arguments, same bytes\n"
	"  --deployments N      deployments to generate (default 10000)\n"
	"  --pipeline-runs N    pipeline executions (default deployments/2)\n"
	"  --agents N           agents (services) that deploy (default 40)\n"
	"  --start YYYY-MM-DD   first day, UTC (default 2026-01-01)\n"
	"  --days N             length of the time range in days (default 90)\n"
	"  --format csv|jsonl   output format (default csv)\n"
	"  --gzip[=LEVEL]       gzip the files with zlib (default level 1)\n"
	"  --kinds K1,K2,...    write only these kinds (the world is the same);\n"
	"                       deployments checkpoints artifacts validations\n"
	"                       pipeline_runs stage_runs gate_results versions\n"
	"                       incidents metric_samples\n"
	"  --updates F          share of deployments that also get an earlier\n"
	"                       status-update row (default 0.05)\n"
	"  --dirty F            share of rows damaged on purpose (default 0)\n"
	"  --shuffle-columns    seeded random column (key) order per kind\n"
	"  --threads N          compression threads (default: one per CPU); the\n"
	"                       output does not depend on it\n"
	"  -o, --output OUTDIR  output directory (created if missing)\n"
	"  -v, --verbose        rows, bytes and seconds per file on stderr\n"
	"  -h, --help           this help\n"
	"      --version        print the version\n"
	"\n"
	"See docs/GENERATOR.md for the world model and the --dirty damages.\n";

static int misuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints the one-line hint of a misuse; returns the exit status 2. */
static int misuse(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, GEN_PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (try '" GEN_PROG " --help')\n");
	return 2;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_fraction(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0.0 && v <= 1.0))
		return -1;
	*out = v;
	return 0;
}

static int parse_seed(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (*s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

static int parse_date(const char *s, int64_t *out_ms)
{
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, m, d;
	char tail;

	if (strlen(s) != 10 || sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
		return -1;
	if (y < 1971 || y > 9000 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	*out_ms = days_from_civil(y, m, d) * MS_DAY;
	return 0;
}

static int parse_kinds(const char *s, unsigned *out)
{
	char buf[512];
	unsigned mask = 0;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		enum sl_kind k = sl_kind_from_name(tok);

		if (k == SL_KIND_NONE)
			return -1;
		mask |= 1u << k;
	}
	if (!mask)
		return -1;
	*out = mask;
	return 0;
}

static void set_defaults(struct gen_params *p)
{
	memset(p, 0, sizeof(*p));
	p->seed = 1;
	p->deployments = 10000;
	p->pipeline_runs = -1;
	p->agents = 40;
	p->start_ms = days_from_civil(2026, 1, 1) * MS_DAY;
	p->days = 90;
	p->format = GEN_CSV;
	p->gzip_level = -1;
	p->kinds = (1u << SL_KIND_COUNT) - 1;
	p->updates = 0.05;
	p->dirty = 0.0;
}

/* One option; 0 when fine, 2 after a misuse message. */
static int apply_opt(struct gen_params *p, int c, const char *arg)
{
	long v;

	switch (c) {
	case OPT_SEED:
		return parse_seed(arg, &p->seed) ? misuse("invalid --seed '%s'", arg) : 0;
	case OPT_DEPLOYMENTS:
		if (parse_long(arg, 0, 1000000000L, &p->deployments))
			return misuse("invalid --deployments '%s' (0..1000000000)", arg);
		return 0;
	case OPT_RUNS:
		if (parse_long(arg, 0, 1000000000L, &p->pipeline_runs))
			return misuse("invalid --pipeline-runs '%s' (0..1000000000)", arg);
		return 0;
	case OPT_AGENTS:
		if (parse_long(arg, 1, 5000, &v))
			return misuse("invalid --agents '%s' (1..5000)", arg);
		p->agents = (int)v;
		return 0;
	case OPT_START:
		if (parse_date(arg, &p->start_ms))
			return misuse("invalid --start '%s' (expected YYYY-MM-DD)", arg);
		return 0;
	case OPT_DAYS:
		if (parse_long(arg, 1, 3660, &v))
			return misuse("invalid --days '%s' (1..3660)", arg);
		p->days = (int)v;
		return 0;
	case OPT_FORMAT:
		if (!strcmp(arg, "csv"))
			p->format = GEN_CSV;
		else if (!strcmp(arg, "jsonl"))
			p->format = GEN_JSONL;
		else
			return misuse("invalid --format '%s' (csv or jsonl)", arg);
		return 0;
	case OPT_GZIP:
		p->gzip_level = 1;
		if (arg && parse_long(arg, 0, 9, &v))
			return misuse("invalid --gzip level '%s' (0..9)", arg);
		if (arg)
			p->gzip_level = (int)v;
		return 0;
	case OPT_KINDS:
		if (parse_kinds(arg, &p->kinds))
			return misuse("invalid --kinds '%s' (comma-separated kind names)", arg);
		return 0;
	case OPT_UPDATES:
		if (parse_fraction(arg, &p->updates))
			return misuse("invalid --updates '%s' (a fraction 0..1)", arg);
		return 0;
	case OPT_DIRTY:
		if (parse_fraction(arg, &p->dirty))
			return misuse("invalid --dirty '%s' (a fraction 0..1)", arg);
		return 0;
	case OPT_SHUFFLE:
		p->shuffle = 1;
		return 0;
	case OPT_THREADS:
		if (parse_long(arg, 1, 64, &v))
			return misuse("invalid --threads '%s' (1..64)", arg);
		p->threads = (int)v;
		return 0;
	case 'o':
		p->outdir = arg;
		return 0;
	case 'v':
		p->verbose = 1;
		return 0;
	default:
		return 2; /* unreachable: '?' is handled by the caller */
	}
}

/* getopt's '?' (unknown option) or ':' (missing argument).  optopt is
 * the short option character, or 0 / a long option's value, in which case
 * the offending word is the previous argv element. */
static int bad_option(int c, char **argv)
{
	const char *what = c == '?' ? "unknown option" : "missing argument for option";

	if (optopt > 0 && optopt < 128)
		return misuse("%s '-%c'", what, optopt);
	return misuse("%s '%s'", what, argv[optind - 1]);
}

int gen_cli_parse(int argc, char **argv, struct gen_params *p)
{
	int c;

	set_defaults(p);
	opterr = 0; /* our own one-line message instead of getopt's */
	while ((c = getopt_long(argc, argv, ":o:vh", long_opts, NULL)) != -1) {
		int rc;

		if (c == '?' || c == ':')
			return bad_option(c, argv);
		if (c == 'h') {
			fputs(usage_text, stdout);
			return 1;
		}
		if (c == OPT_VERSION) {
			puts(GEN_PROG " " GEN_VERSION);
			return 1;
		}
		rc = apply_opt(p, c, optarg);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return misuse("unexpected argument '%s'", argv[optind]);
	if (!p->outdir || !*p->outdir)
		return misuse("missing -o OUTDIR");
	if (p->pipeline_runs < 0)
		p->pipeline_runs = p->deployments / 2;
	return 0;
}
