/* cli.h - shiplog-report's options, parsed and checked before any work. */
#ifndef REPORT_CLI_H
#define REPORT_CLI_H

#define REPORT_MAX_TEXT 200   /* bytes of --title and --subject */
#define REPORT_ROWS_DEFAULT 20
#define REPORT_ROWS_MAX 1000

/* --if-quiet: the mail of an analysis with nothing new (attention.h) */
enum report_quiet { REPORT_QUIET_FULL = 0, REPORT_QUIET_ONELINE, REPORT_QUIET_NONE };

struct report_params {
	const char *input;    /* analysis.msgpack */
	const char *html;     /* --html FILE */
	const char *csv_dir;  /* --csv-dir DIR */
	const char *title;    /* --title T; main.c names the team when not given */
	int title_given;
	const char *mail_to;  /* --mail-to ADDR[,ADDR...] */
	const char *mail_from;
	const char *subject;
	const char *mail_out; /* --mail-out FILE; stdout when NULL */
	int rows;             /* --rows N: rows of a table shown in the HTML */
	enum report_quiet if_quiet;
	int quiet;
};

/* -1 to go on, else the exit status (0 after --help/--version, 2 misuse). */
int cli_parse(int argc, char **argv, struct report_params *p);
/* Whether s is a plain address list: local@domain[,local@domain...], no
 * blanks, controls, quotes or angle brackets (exposed for the tests). */
int cli_address_ok(const char *s);

#endif
