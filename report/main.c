/* shiplog-report: an analysis file into an HTML report, CSV files and a
 * mail.  main.c wires options (cli.c), the reader (lib/sl_anread.c) and
 * the outputs: the page (page.c, tableview.c, sec_*.c, with svg.c), csvout.c,
 * mail.c; each reads the file
 * a table or a row group at a time (stream.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attention.h"
#include "cli.h"
#include "csvout.h"
#include "files.h"
#include "html.h"
#include "mail.h"
#include "out.h"
#include "sl_anread.h"

static void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void errorf(const char *fmt, ...)
{
	va_list ap;

	fputs("shiplog-report: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void report(const struct sl_errctx *e)
{
	char text[SL_ERR_TEXT];

	sl_err_format(e, NULL, text, sizeof(text));
	errorf("%s", text);
}

int main(int argc, char **argv)
{
	struct report_params p;
	struct sl_anfile *a = NULL;
	struct sl_errctx err;
	struct out html = {SL_BUF_INIT, 0}, mail = {SL_BUF_INIT, 0};
	struct attention at;
	char title[ATT_NAME + 64];
	int rc, status = 1, send, page;

	if ((rc = cli_parse(argc, argv, &p)) >= 0)
		return rc;
	sl_err_clear(&err);
	memset(&at, 0, sizeof(at));
	if (sl_anfile_open(p.input, &a, &err)) {
		report(&err);
		goto out;
	}
	/* an empty or nearly empty window is said, not only rated */
	if ((rc = attention_build(&at, a, &err))) {
		if (rc == SL_ENOMEM && !err.code)
			errorf("out of memory");
		else
			report(&err);
		goto out;
	}
	/* an empty window that --if-quiet answers (a one-line mail or none)
	 * is the case handled, not a surprise to warn of */
	if (at.empty) {
		if (p.if_quiet == REPORT_QUIET_FULL)
			fprintf(stderr, "shiplog-report: warning: no deployments in the window "
					"(%s): nothing is rated; --since counts back from --now, "
					"today unless given\n", at.window);
	} else if (at.notice[0])
		fprintf(stderr, "shiplog-report: warning: only %.0f deployments in the "
				"window (%s): the rates and tiers rest on few of them\n",
			at.deployments, at.window);
	if (!p.title_given && at.team[0]) {
		/* a team's report says whose it is */
		snprintf(title, sizeof(title), "%s: deployment report", at.team);
		p.title = title;
	}
	/* nothing new: the mail of --if-quiet (attention.h says what counts) */
	send = p.mail_to && !(at.quiet && p.if_quiet == REPORT_QUIET_NONE);
	page = p.html || (send && !(at.quiet && p.if_quiet == REPORT_QUIET_ONELINE));
	if (p.mail_to && !send && !p.quiet)
		fprintf(stderr, "shiplog-report: nothing new in the window (%s): no mail "
				"(--if-quiet none)\n", at.span[0] ? at.span : at.window);
	if (p.csv_dir && csvout_write(a, p.csv_dir, &err)) {
		report(&err);
		goto out;
	}
	if (page && (rc = html_page(&html, a, &p, &at, &err))) {
		if (rc == SL_ENOMEM && !err.code)
			errorf("out of memory");
		else
			report(&err);
		goto out;
	}
	if (p.html && afile_write(p.html, html.b.data, html.b.len, &err)) {
		report(&err);
		goto out;
	}
	if (send) {
		if ((rc = mail_message(&mail, a, &p, &at, html.b.data ? html.b.data : "", html.b.len,
				      &err))) {
			if (rc == SL_ENOMEM && !err.code)
				errorf("out of memory");
			else
				report(&err);
			goto out;
		}
		if (p.mail_out) {
			if (afile_write(p.mail_out, mail.b.data, mail.b.len, &err)) {
				report(&err);
				goto out;
			}
		} else if (fwrite(mail.b.data, 1, mail.b.len, stdout) != mail.b.len ||
			   fflush(stdout)) {
			errorf("cannot write standard output: %s", strerror(errno));
			goto out;
		}
	}
	if (!p.quiet)
		fprintf(stderr, "shiplog-report: %zu tables%s%s%s%s%s\n", sl_anfile_ntables(a),
			p.html ? ", HTML in " : "", p.html ? p.html : "",
			p.csv_dir ? ", CSV files in " : "", p.csv_dir ? p.csv_dir : "",
			!send ? (p.mail_to ? ", no mail" : "")
			: at.quiet && p.if_quiet == REPORT_QUIET_ONELINE
				? (p.mail_out ? ", a one-line mail in a file"
					      : ", a one-line mail on standard output")
			: p.mail_out ? ", mail in a file" : ", mail on standard output");
	status = 0;
out:
	attention_free(&at);
	out_release(&html);
	out_release(&mail);
	sl_anfile_close(a);
	return status;
}
