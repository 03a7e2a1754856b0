#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_version.h"

static const char usage[] =
	"usage: shiplog-ingest --store DIR [options] [FILE...]\n"
	"\n"
	"Reads CI and deployment logs (CSV with a header row, or JSON Lines; plain\n"
	"or gzip-compressed) into the columnar store DIR.  No FILE, or '-', reads\n"
	"standard input.\n"
	"\n"
	"  -s, --store DIR        the store directory (created if missing)\n"
	"  -k, --kind KIND        record kind of every input instead of detecting it\n"
	"                         from the header: deployments, checkpoints, artifacts,\n"
	"                         validations, pipeline_runs, stage_runs, gate_results,\n"
	"                         versions, incidents, metric_samples\n"
	"  -f, --format FORMAT    csv or jsonl instead of detecting it\n"
	"      --reprocess        ingest inputs again even if the manifest has them;\n"
	"                         the partitions they touch are rebuilt from them\n"
	"      --wait-lock SECS   wait up to SECS for a concurrent run (default 0:\n"
	"                         refuse at once)\n"
	"      --buffer-rows N    rows held in memory before spilling (default 262144)\n"
"      --dump KIND[:DAY]  print the stored rows of KIND (one day, or all) as\n"
	"                         CSV on standard output, then exit\n"
	"      --verify           check every partition file's checksums, then exit\n"
	"  -q, --quiet            no progress line and no summary\n"
	"  -h, --help             this help\n"
	"  -V, --version          the version\n"
	"\n"
	"Exit status: 0 success (rejected rows are kept in DIR/rejects), 1 error\n"
	"(the store is unchanged), 2 misuse.\n";

static const struct option opts[] = {
	{"store", required_argument, NULL, 's'},
	{"kind", required_argument, NULL, 'k'},
	{"format", required_argument, NULL, 'f'},
	{"reprocess", no_argument, NULL, 'R'},
	{"wait-lock", required_argument, NULL, 'W'},
	{"buffer-rows", required_argument, NULL, 'B'},
	{"dump", required_argument, NULL, 'D'},
	{"verify", no_argument, NULL, 'C'},
	{"quiet", no_argument, NULL, 'q'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

static int misuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int misuse(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "shiplog-ingest: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'shiplog-ingest --help' for more information.\n");
	return 2;
}

static int parse_count(const char *s, long min, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int cli_parse(int argc, char **argv, struct ingest_params *p)
{
	static char *stdin_only[] = {"-"};
	int c;
	long v;

	memset(p, 0, sizeof(*p));
	opterr = 0; /* our own messages, without the program's path */
	p->kind = SL_KIND_NONE;
	p->max_buffered_rows = 262144;
	while ((c = getopt_long(argc, argv, "s:k:f:qhV", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			p->store = optarg;
			break;
		case 'k':
			p->kind = sl_kind_from_name(optarg);
			if (p->kind == SL_KIND_NONE)
				return misuse("unknown record kind '%s'", optarg);
			break;
		case 'f':
			if (!strcmp(optarg, "csv"))
				p->format = FMT_CSV;
			else if (!strcmp(optarg, "jsonl") || !strcmp(optarg, "json"))
				p->format = FMT_JSONL;
			else
				return misuse("unknown format '%s' (known: csv, jsonl)", optarg);
			break;
		case 'R':
			p->reprocess = 1;
			break;
		case 'W':
			if (parse_count(optarg, 0, 86400, &v))
				return misuse("--wait-lock wants seconds from 0 to 86400, not '%s'",
					      optarg);
			p->wait_lock = (int)v;
			break;
		case 'B':
			if (parse_count(optarg, 1024, 1L << 30, &v))
				return misuse("--buffer-rows wants a number from 1024, not '%s'",
					      optarg);
			p->max_buffered_rows = (size_t)v;
			break;
		case 'D':
			p->dump = optarg;
			break;
		case 'C':
			p->verify = 1;
			break;
		case 'q':
			p->quiet = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'V':
			printf("shiplog-ingest %s\n", SHIPLOG_VERSION);
			return 0;
		default:
			if (optopt && strchr("skfDW", optopt))
				return misuse("option '-%c' needs a value", optopt);
			if (optopt)
				return misuse("unknown option '-%c'", optopt);
			return misuse("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (!p->store)
		return misuse("%s", "no store given (--store DIR)");
	if ((p->dump || p->verify) && optind < argc)
		return misuse("%s", "--dump and --verify take no input files");
	p->files = argv + optind;
	p->nfiles = argc - optind;
	if (!p->nfiles) {
		p->files = stdin_only;
		p->nfiles = 1;
	}
	return -1;
}
