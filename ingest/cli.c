#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_cimap.h"
#include "sl_result.h"
#include "sl_version.h"

static const char usage[] =
	"usage: shiplog-ingest --store DIR [options] [FILE...]\n"
	"       shiplog-ingest --store DIR --merge SHARD...\n"
	"       shiplog-ingest --store DIR --merge --part K/M SHARD...   (K = 0 .. M-1)\n"
	"       shiplog-ingest --store DIR --merge --commit SHARD...\n"
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
	"  -f, --format FORMAT    csv or jsonl instead of detecting it, or a CI export\n"
	"                         adapter (docs/ADAPTERS.md): github-runs, github-jobs,\n"
	"                         gitlab-pipelines, gitlab-jobs, gitlab-deployments,\n"
	"                         jenkins-builds, jenkins-stages, github-deployments,\n"
	"                         bitbucket-deployments\n"
	"      --deploy-regex RE  adapters: which runs and jobs are deployments, by\n"
	"                         name or branch (default '(?i)deploy|release|push-image')\n"
	"      --prod-regex RE    adapters: which are production (default '(?i)prod')\n"
	"      --rules FILE       adapters: the two rules from FILE ('deployment = RE',\n"
	"                         'production = RE'); the options above win\n"
	"      --explain          adapters: print on standard output, per record, the\n"
	"                         rule that classified it\n"
	"      --map FILE         read any CSV or JSON Lines export through a column\n"
	"                         mapping file (docs/ADAPTERS.md; examples in data/maps/)\n"
	"      --reprocess        ingest inputs again even if the manifest has them;\n"
	"                         the partitions they touch are rebuilt from them\n"
	"      --wait-lock SECS   wait up to SECS for a concurrent run (default 0:\n"
	"                         refuse at once)\n"
	"      --buffer-rows N    rows held in memory before spilling (default 262144)\n"
"      --dump KIND[:DAY]  print the stored rows of KIND (one day, or all) as\n"
	"                         CSV on standard output, then exit\n"
	"      --csv RULE         text in --dump's CSV: exact (default: every value as\n"
	"                         stored, for other programs) or spreadsheet (a text\n"
	"                         that starts with = + - @ gets a leading apostrophe,\n"
	"                         control characters become U+FFFD)\n"
	"      --verify           check every partition file's checksums, then exit\n"
	"      --merge            the arguments are stores (shards ingested apart, on\n"
	"                         other machines): their rows go into DIR in one run\n"
	"                         under the rules of one ingest (docs/SCALING.md)\n"
	"      --part K/M         with --merge: task K of M, run at once, each over a\n"
	"                         range of days; its partitions wait in DIR/.merge\n"
	"      --commit           with --merge: check that the M parts are all there\n"
	"                         and made from these shards, and make them visible\n"
	"                         in one atomic commit\n"
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
	{"deploy-regex", required_argument, NULL, 'E'},
	{"prod-regex", required_argument, NULL, 'P'},
	{"rules", required_argument, NULL, 'L'},
	{"explain", no_argument, NULL, 'X'},
	{"map", required_argument, NULL, 'M'},
	{"wait-lock", required_argument, NULL, 'W'},
	{"buffer-rows", required_argument, NULL, 'B'},
	{"dump", required_argument, NULL, 'D'},
	{"csv", required_argument, NULL, 'Y'},
	{"verify", no_argument, NULL, 'C'},
	{"merge", no_argument, NULL, 'G'},
	{"part", required_argument, NULL, 'T'},
	{"commit", no_argument, NULL, 'O'},
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

/* The rules file: "deployment = RE" and "production = RE" lines, '#'
 * comments, blank lines.  Errors name the file and line; exit status 1
 * (bad data), as for shiplog-analyze's configuration file. */
static int rules_load(const char *path, char *deploy, char *prod)
{
	FILE *f = fopen(path, "r");
	char line[SL_REGEX_MAX + 64];
	long ln = 0;
	int rc = 0;

	deploy[0] = prod[0] = 0;
	if (!f) {
		fprintf(stderr, "shiplog-ingest: error: '%s': %s\n", path, strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *eq, *key, *val, *e;
		size_t n = strlen(line);

		ln++;
		if (n == sizeof(line) - 1 && line[n - 1] != '\n') {
			fprintf(stderr, "shiplog-ingest: error: '%s':%ld: line longer than %zu bytes\n",
				path, ln, sizeof(line) - 2);
			rc = 1;
			break;
		}
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#' || *s == '\n' || *s == '\r')
			continue;
		if (!(eq = strchr(s, '='))) {
			fprintf(stderr, "shiplog-ingest: error: '%s':%ld: expected 'NAME = REGEX'\n",
				path, ln);
			rc = 1;
			break;
		}
		key = s;
		for (e = eq; e > key && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = 0;
		val = eq + 1;
		while (*val == ' ' || *val == '\t')
			val++;
		for (e = val + strlen(val); e > val && strchr(" \t\r\n", e[-1]); e--)
			;
		*e = 0;
		if (!*val) {
			fprintf(stderr, "shiplog-ingest: error: '%s':%ld: empty regular expression\n",
				path, ln);
			rc = 1;
			break;
		}
		if (!strcmp(key, "deployment")) {
			snprintf(deploy, SL_REGEX_MAX + 1, "%s", val);
		} else if (!strcmp(key, "production")) {
			snprintf(prod, SL_REGEX_MAX + 1, "%s", val);
		} else {
			fprintf(stderr,
				"shiplog-ingest: error: '%s':%ld: unknown rule '%s' (known: deployment, "
				"production)\n", path, ln, key);
			rc = 1;
			break;
		}
	}
	if (!rc && ferror(f)) {
		fprintf(stderr, "shiplog-ingest: error: '%s': %s\n", path, strerror(errno));
		rc = 1;
	}
	fclose(f);
	return rc;
}

void cli_release(struct ingest_params *p)
{
	if (p) {
		sl_mapfile_free(p->map);
		p->map = NULL;
	}
	if (p && p->rules.compiled) {
		regfree(&p->rules.deploy);
		regfree(&p->rules.prod);
		p->rules.compiled = 0;
	}
}

int cli_parse(int argc, char **argv, struct ingest_params *p)
{
	static char *stdin_only[] = {"-"};
	static char file_deploy[SL_REGEX_MAX + 1], file_prod[SL_REGEX_MAX + 1];
	const char *deploy_re = NULL, *prod_re = NULL;
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
			else if ((p->adapter = adapter_from_name(optarg)) != AD_NONE)
				p->format = FMT_ADAPTER;
			else
				return misuse("unknown format '%s' (known: csv, jsonl, %s)", optarg,
					      adapter_names());
			break;
		case 'R':
			p->reprocess = 1;
			break;
		case 'G':
			p->merge = 1;
			break;
		case 'T': {
			char *end;
			long k = strtol(optarg, &end, 10), m = 0;

			if (end != optarg && *end == '/')
				m = strtol(end + 1, &end, 10);
			if (*end || k < 0 || m < 1 || k >= m || m > 100000)
				return misuse("--part wants K/M with 0 <= K < M (e.g. 0/2), not '%s'",
					      optarg);
			p->part_k = (int)k;
			p->part_m = (int)m;
			break;
		}
		case 'O':
			p->commit = 1;
			break;
		case 'E':
			deploy_re = optarg;
			break;
		case 'P':
			prod_re = optarg;
			break;
		case 'L':
			p->rules_path = optarg;
			break;
		case 'X':
			p->explain = 1;
			break;
		case 'M':
			p->map_path = optarg;
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
		case 'Y':
			if (!strcmp(optarg, "exact"))
				p->csv_flags = 0;
			else if (!strcmp(optarg, "spreadsheet"))
				p->csv_flags = SL_CSV_NEUTRALISE;
			else
				return misuse("--csv wants exact or spreadsheet, not '%s'", optarg);
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
			if (optopt && strchr("skfDWEPLBM", optopt))
				return misuse("option '-%c' needs a value", optopt);
			if (optopt)
				return misuse("unknown option '-%c'", optopt);
			return misuse("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (!p->store)
		return misuse("%s", "no store given (--store DIR)");
	if (p->map_path) {
		struct sl_errctx err;

		if (p->format == FMT_ADAPTER)
			return misuse("%s", "--map reads CSV or JSON Lines, not an adapter's format");
		sl_err_clear(&err);
		if (sl_mapfile_load(p->map_path, &p->map, &err)) {
			if (err.line)
				fprintf(stderr, "shiplog-ingest: error: '%s':%ld: %s\n", p->map_path,
					err.line, err.msg[0] ? err.msg : sl_strerror(err.code));
			else
				fprintf(stderr, "shiplog-ingest: error: '%s': %s\n", p->map_path,
					err.msg[0] ? err.msg : sl_strerror(err.code));
			return 1;
		}
		if (p->kind != SL_KIND_NONE && p->kind != p->map->kind) {
			enum sl_kind mk = p->map->kind;

			sl_mapfile_free(p->map);
			p->map = NULL;
			return misuse("the map reads %s, not --kind %s", sl_kind_name(mk),
				      sl_kind_name(p->kind));
		}
		p->kind = p->map->kind;
	}
	if (p->format == FMT_ADAPTER) {
		enum sl_kind k = adapter_kind(p->adapter);

		if (p->kind != SL_KIND_NONE && p->kind != k)
			return misuse("--format %s reads %s, not --kind %s", adapter_name(p->adapter),
				      sl_kind_name(k), sl_kind_name(p->kind));
		p->kind = k;
	} else if (deploy_re || prod_re || p->rules_path || p->explain) {
		return misuse("%s", "--deploy-regex, --prod-regex, --rules and --explain need "
			      "an adapter (--format NAME)");
	}
	if (p->format == FMT_ADAPTER) {
		char msg[256];

		p->rules.deploy_src = ADAPT_DEFAULT_DEPLOY;
		p->rules.prod_src = ADAPT_DEFAULT_PROD;
		if (p->rules_path) {
			int rc = rules_load(p->rules_path, file_deploy, file_prod);

			if (rc)
				return rc;
			if (file_deploy[0])
				p->rules.deploy_src = file_deploy;
			if (file_prod[0])
				p->rules.prod_src = file_prod;
		}
		if (deploy_re)
			p->rules.deploy_src = deploy_re;
		if (prod_re)
			p->rules.prod_src = prod_re;
		if (sl_regex_compile(&p->rules.deploy, p->rules.deploy_src, msg, sizeof(msg)))
			return misuse("bad deployment rule '%s': %s", p->rules.deploy_src, msg);
		if (sl_regex_compile(&p->rules.prod, p->rules.prod_src, msg, sizeof(msg))) {
			regfree(&p->rules.deploy);
			return misuse("bad production rule '%s': %s", p->rules.prod_src, msg);
		}
		p->rules.compiled = 1;
	}
	if (p->merge && (p->dump || p->verify || p->map_path || p->format != FMT_AUTO ||
			 p->kind != SL_KIND_NONE))
		return misuse("%s", "--merge reads stores: no --kind, --format, --map, --dump "
			      "or --verify");
	if ((p->part_m || p->commit) && !p->merge)
		return misuse("%s", "--part and --commit belong to --merge");
	if (p->part_m && p->commit)
		return misuse("%s", "--part and --commit are two steps: the parts first, then "
			      "the commit");
	if ((p->part_m || p->commit) && p->reprocess)
		return misuse("%s", "--reprocess is for the one-task merge (no --part, --commit)");
	if (p->merge && optind == argc)
		return misuse("%s", "--merge wants the shard stores to merge");
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
