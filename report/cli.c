#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"
#include "sl_version.h"

static const char usage[] =
	"usage: shiplog-report ANALYSIS [--html FILE] [--csv-dir DIR] [--title T] [--rows N]\n"
	"                      [--mail-to ADDR [--mail-from ADDR] [--subject S] [--mail-out FILE]\n"
	"                       [--if-quiet oneline|none|full]]\n"
	"\n"
	"Reads an analysis file written by shiplog-analyze and writes:\n"
	"  --html FILE       one self-contained HTML report (inline CSS and SVG)\n"
	"  --csv-dir DIR     one CSV file per result table, TABLE.csv\n"
	"  --mail-to ADDR    a MIME message (text summary, report attached) on standard\n"
	"                    output, for sendmail -t; ADDR may be a comma-separated list\n"
	"  --mail-from ADDR  its sender (default shiplog@localhost)\n"
	"  --subject S       its subject (default: the title and the window; for an\n"
	"                    analysis of a teams file, the team or the title, the critical\n"
	"                    alerts (in the environments the analysis held critical), the\n"
	"                    success rate and its change, the window's last day)\n"
	"  --mail-out FILE   write the message to FILE instead of standard output\n"
	"  --if-quiet Q      when nothing is new (no deployment and no pipeline run in\n"
	"                    the window; a team's analysis: no deployment of its agents):\n"
	"                    oneline, a mail of one line and no attachment; none, no\n"
	"                    mail at all (exit 0); full (default), the whole mail\n"
	"  --title T         the report's title (default \"Deployment report\"; for a\n"
	"                    team's analysis \"TEAM: deployment report\")\n"
	"  --rows N          rows of each table shown in the HTML (default 20, at most 1000);\n"
	"                    the CSV files hold every row\n"
	"  -q, --quiet       no summary on standard error\n"
	"  --help, --version\n";

static const struct option opts[] = {
	{"html", required_argument, NULL, 'H'},   {"csv-dir", required_argument, NULL, 'C'},
	{"title", required_argument, NULL, 'T'},  {"rows", required_argument, NULL, 'R'},
	{"mail-to", required_argument, NULL, 't'}, {"mail-from", required_argument, NULL, 'f'},
	{"subject", required_argument, NULL, 's'}, {"mail-out", required_argument, NULL, 'o'},
	{"if-quiet", required_argument, NULL, 'Q'},
	{"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},      {NULL, 0, NULL, 0},
};

static int misuse(const char *msg, const char *arg)
{
	fprintf(stderr, "shiplog-report: %s", msg);
	if (arg)
		fprintf(stderr, " '%s'", arg);
	fputs("\nTry 'shiplog-report --help'.\n", stderr);
	return 2;
}

static int special(unsigned char c)
{
	return c <= 0x20 || c >= 0x7f || strchr("()<>[]:;\\\",", c) != NULL;
}

int cli_address_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 998)
		return 0;
	while (*s) {
		const char *at = NULL, *p = s;

		for (; *p && *p != ','; p++) {
			if (special((unsigned char)*p) && *p != '@')
				return 0;
			if (*p == '@') {
				if (at)
					return 0;
				at = p;
			}
		}
		/* something before and after the @, a dot-free domain is fine
		 * (localhost) */
		if (!at || at == s || at + 1 == p)
			return 0;
		if (!*p)
			break;
		s = p + 1;
		if (!*s)
			return 0;
	}
	return 1;
}

/* A one-line text: valid UTF-8, no control characters (CR and LF above all:
 * a subject must not start a new header), bounded. */
static int text_ok(const char *s)
{
	size_t n = strlen(s);

	if (n > REPORT_MAX_TEXT || !sl_utf8_valid(s, n))
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int cli_parse(int argc, char **argv, struct report_params *p)
{
	int c, quiet_given = 0;
	char *end;
	long v;

	memset(p, 0, sizeof(*p));
	p->title = "Deployment report";
	p->mail_from = "shiplog@localhost";
	p->rows = REPORT_ROWS_DEFAULT;
	opterr = 0; /* our own message, without the program's path */
	while ((c = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
		switch (c) {
		case 'H': p->html = optarg; break;
		case 'C': p->csv_dir = optarg; break;
		case 'T': p->title = optarg; p->title_given = 1; break;
		case 't': p->mail_to = optarg; break;
		case 'f': p->mail_from = optarg; break;
		case 's': p->subject = optarg; break;
		case 'o': p->mail_out = optarg; break;
		case 'q': p->quiet = 1; break;
		case 'Q':
			if (!strcmp(optarg, "full"))
				p->if_quiet = REPORT_QUIET_FULL;
			else if (!strcmp(optarg, "oneline"))
				p->if_quiet = REPORT_QUIET_ONELINE;
			else if (!strcmp(optarg, "none"))
				p->if_quiet = REPORT_QUIET_NONE;
			else
				return misuse("--if-quiet wants oneline, none or full, not", optarg);
			quiet_given = 1;
			break;
		case 'R':
			v = strtol(optarg, &end, 10);
			if (end == optarg || *end || v < 1 || v > REPORT_ROWS_MAX)
				return misuse("--rows wants a number from 1 to 1000, not", optarg);
			p->rows = (int)v;
			break;
		case 'h': fputs(usage, stdout); return 0;
		case 'V': printf("shiplog-report %s\n", SHIPLOG_VERSION); return 0;
		default: return misuse("unknown option or missing value:", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return misuse(optind < argc ? "one analysis file, not several" : "no analysis file",
			      NULL);
	p->input = argv[optind];
	if (!p->html && !p->csv_dir && !p->mail_to)
		return misuse("nothing to do: give --html, --csv-dir or --mail-to", NULL);
	if (!text_ok(p->title))
		return misuse("--title must be one line of at most 200 bytes of UTF-8", NULL);
	if (p->mail_to && !cli_address_ok(p->mail_to))
		return misuse("--mail-to is not a plain address list:", p->mail_to);
	if (!cli_address_ok(p->mail_from) || strchr(p->mail_from, ','))
		return misuse("--mail-from is not one plain address:", p->mail_from);
	if (p->subject && !text_ok(p->subject))
		return misuse("--subject must be one line of at most 200 bytes of UTF-8", NULL);
	if ((p->subject || p->mail_out || quiet_given || strcmp(p->mail_from, "shiplog@localhost")) &&
	    !p->mail_to)
		return misuse("--mail-from, --subject, --mail-out and --if-quiet need --mail-to", NULL);
	return -1;
}
