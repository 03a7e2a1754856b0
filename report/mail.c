#include "mail.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "attention.h"
#include "html.h"
#include "sl_hash.h"
#include "text.h"
#include "sl_value.h"

/* Cells of column col (a constant of sl_tables.h: the reader checked the
 * declared table's shape). */
static double num(const struct sl_table *t, int col, size_t r)
{
	double v;

	return t && !sl_table_get_f64(t, col, r, &v) ? v : NAN;
}

static const char *str(const struct sl_table *t, int col, size_t r)
{
	const char *s = t ? sl_table_get_str(t, col, r) : NULL;

	return s ? s : "";
}

/* The attention list as text: what the page's first screen shows. */
static void mail_attention(struct out *o, const struct attention *at)
{
	if (at->notice[0]) {
		out_puts(o, at->notice);
		out_puts(o, "\n\n");
	}
	out_puts(o, "What needs attention\n\n");
	for (int k = 0; k < ATT_NGROUPS; k++) {
		const struct att_group *g = &at->g[k];

		if (!g->title)
			continue; /* not in this analysis */
		out_puts(o, g->title);
		out_puts(o, "\n");
		if (g->none) {
			out_puts(o, "  ");
			out_puts(o, g->none);
			out_puts(o, "\n");
		}
		for (size_t i = 0; i < g->n; i++) {
			out_puts(o, g->items[i].bad ? "  ! " : "  - ");
			out_puts(o, g->items[i].text);
			out_puts(o, "\n");
		}
		out_puts(o, "\n");
	}
}

void mail_summary(struct out *o, struct sl_anfile *f, const struct report_params *p,
		  const struct attention *at, struct sl_errctx *err)
{
	const struct sl_analysis *a = sl_anfile_meta(f);
	struct sl_table *sum = NULL;
	const char *tz = sl_analysis_get_meta_str(a, "tz");
	long si = sl_anfile_find_id(f, SL_T_SUMMARY);
	char b[TEXT_MAX];
	size_t r = (size_t)-1;
	double ch;
	int rc;

	if (si >= 0 && (rc = sl_anfile_table(f, (size_t)si, &sum, err))) {
		if (!o->err)
			o->err = rc;
		goto out;
	}
	text_clean(o, p->title, REPORT_MAX_TEXT);
	out_puts(o, "\n\nWindow:      ");
	out_puts(o, at->window);
	out_puts(o, " (days in ");
	text_clean(o, tz && tz[0] ? tz : "UTC", 60);
	out_puts(o, ")\nGenerated:   ");
	out_puts(o, text_time(b, sl_analysis_get_meta_str(a, "now")));
	out_puts(o, "\nDeployments: ");
	out_num(o, at->deployments, 10);
	out_puts(o, "\n\n");
	mail_attention(o, at);
	for (size_t i = 0; sum && i < sl_table_rows(sum); i++)
		if (!strcmp(str(sum, SL_SUMMARY_SCOPE, i), "overall"))
			r = i;
	if (r != (size_t)-1 && !at->empty) {
		out_puts(o, "Success rate:         ");
		out_puts(o, text_pct(b, num(sum, SL_SUMMARY_SUCCESS_RATE, r)));
		ch = num(sum, SL_SUMMARY_SUCCESS_RATE_CHANGE, r);
		if (isfinite(ch)) {
			out_puts(o, ch > 0 ? " (up " : ch < 0 ? " (down " : " (unchanged ");
			out_num(o, fabs(100 * ch), 2);
			out_puts(o, " points on the previous window)");
		}
		out_puts(o, "\nMean deployment time: ");
		out_duration(o, num(sum, SL_SUMMARY_AVG_DURATION_MS, r));
		out_puts(o, "\nRollback rate:        ");
		out_puts(o, text_pct(b, num(sum, SL_SUMMARY_ROLLBACK_RATE, r)));
		out_puts(o, "\nActive deployments:   ");
		out_num(o, num(sum, SL_SUMMARY_ACTIVE_DEPLOYMENTS, r), 10);
		out_puts(o, "\n\n");
	} else if (r == (size_t)-1) {
		out_puts(o, "No summary in this analysis.\n\n");
	}
	out_puts(o, "The full report is attached as HTML; open it in any browser.\n");
out:
	sl_table_free(sum);
}

int mail_date(const char *iso, char *buf, size_t cap)
{
	static const char *const wd[7] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
	static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t ms, d, y, sec;
	unsigned m, dd;

	if (!iso || !iso[0] || sl_parse_time(iso, strlen(iso), &ms))
		return -1;
	d = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	sec = (ms - d * 86400000) / 1000;
	sl_civil_from_days(d, &y, &m, &dd);
	snprintf(buf, cap, "%s, %02u %s %04lld %02d:%02d:%02d +0000", wd[((d % 7) + 7) % 7], dd,
		 mon[m - 1], (long long)y, (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
	return 0;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void base64(struct out *o, const unsigned char *s, size_t n, size_t linelen)
{
	char line[80];
	size_t k = 0;

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
			     (i + 2 < n ? s[i + 2] : 0);

		line[k++] = b64[v >> 18 & 63];
		line[k++] = b64[v >> 12 & 63];
		line[k++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		line[k++] = i + 2 < n ? b64[v & 63] : '=';
		if (linelen && k >= linelen) {
			out_putn(o, line, k);
			out_puts(o, "\n");
			k = 0;
		}
	}
	if (k) {
		out_putn(o, line, k);
		if (linelen)
			out_puts(o, "\n");
	}
}

/* Quoted-printable (RFC 2045 §6.7), LF line ends, lines of at most 76. */
static void qp(struct out *o, const char *s, size_t n)
{
	size_t col = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char enc[4];
		int at_eol = i + 1 == n || s[i + 1] == '\n';

		if (c == '\n') {
			out_puts(o, "\n");
			col = 0;
			continue;
		}
		if ((c >= 33 && c <= 126 && c != '=') || (c == ' ' && !at_eol)) {
			enc[0] = (char)c;
			enc[1] = '\0';
		} else {
			snprintf(enc, sizeof(enc), "=%02X", c);
		}
		if (col + strlen(enc) > 75) {
			out_puts(o, "=\n");
			col = 0;
		}
		out_puts(o, enc);
		col += strlen(enc);
	}
	if (col)
		out_puts(o, "\n");
}

/* A header value: as it is when printable ASCII, else RFC 2047 encoded
 * words of whole characters, folded. */
static void header_text(struct out *o, const char *s)
{
	size_t n = strlen(s), i = 0;
	int ascii = 1;

	for (size_t k = 0; k < n; k++)
		if ((unsigned char)s[k] < 0x20 || (unsigned char)s[k] >= 0x7f)
			ascii = 0;
	if (ascii && !strstr(s, "=?")) {
		out_puts(o, s);
		return;
	}
	while (i < n) {
		size_t j = i + 45 < n ? i + 45 : n;

		while (j < n && j > i && ((unsigned char)s[j] & 0xc0) == 0x80)
			j--;
		if (i)
			out_puts(o, "\n ");
		out_puts(o, "=?UTF-8?B?");
		base64(o, (const unsigned char *)s + i, j - i, 0);
		out_puts(o, "?=");
		i = j;
	}
}

static void attachment_name(const char *path, char *buf, size_t cap)
{
	const char *b = path ? strrchr(path, '/') : NULL;
	size_t k = 0;

	b = b ? b + 1 : path;
	if (!b || !*b)
		b = "report.html";
	for (; *b && k + 1 < cap && k < 60; b++)
		buf[k++] = (*b >= 'a' && *b <= 'z') || (*b >= 'A' && *b <= 'Z') ||
				   (*b >= '0' && *b <= '9') || *b == '.' || *b == '-' || *b == '_'
			   ? *b
			   : '_';
	buf[k] = '\0';
}

int mail_render(struct out *o, struct sl_anfile *f, const struct report_params *p,
		const char *html, size_t nhtml, struct sl_errctx *err)
{
	struct attention at;
	int rc = attention_build(&at, f, err);

	if (!rc)
		rc = mail_message(o, f, p, &at, html, nhtml, err);
	else if (!o->err)
		o->err = rc;
	attention_free(&at);
	return rc;
}

/* The headline of an analysis of a teams file, from the attention list's
 * figures: "payments: 2 critical alerts, success 91.2% (▼3.1), 2026-12-06"
 * (the organisation's with the title in place of the team); the alerts
 * part only when there are some, the change only when there is a previous
 * window.  Outside a teams run: the title and the window, as before. */
void mail_subject(struct out *o, const struct report_params *p, const struct attention *at)
{
	const char *who = at->team[0] ? at->team : p->title;
	const char *sep = ": ";

	if (p->subject) {
		out_puts(o, p->subject);
		return;
	}
	if (!at->teams) {
		out_puts(o, p->title);
		out_puts(o, ": ");
		out_puts(o, at->window);
		if (at->empty)
			out_puts(o, " (no deployments)");
		return;
	}
	text_clean(o, who, REPORT_MAX_TEXT);
	if (at->quiet && p->if_quiet == REPORT_QUIET_ONELINE) {
		out_puts(o, ": nothing new");
		sep = ", ";
	} else if (at->empty) {
		out_puts(o, ": no deployments");
		sep = ", ";
	} else {
		if (at->critical > 0) {
			out_puts(o, sep);
			out_num(o, at->critical, 10);
			out_puts(o, at->critical == 1 ? " critical alert" : " critical alerts");
			sep = ", ";
		}
		if (isfinite(at->success)) {
			char b[TEXT_MAX];
			/* one decimal of percentage points; a change that rounds to
			 * nothing has no arrow */
			double pp = round(1000 * at->success_change) / 10;

			out_puts(o, sep);
			out_puts(o, "success ");
			out_puts(o, text_pct(b, at->success));
			if (isfinite(pp))
				out_printf(o, " (%s%.1f)",
					   pp > 0 ? "\xe2\x96\xb2" : pp < 0 ? "\xe2\x96\xbc" : "\xc2\xb1",
					   fabs(pp));
			sep = ", ";
		}
	}
	if (at->last_day[0]) {
		out_puts(o, sep);
		out_puts(o, at->last_day);
	}
}

/* The subject made one bounded header line: nothing from the analysis
 * may start another header. */
static void subject_line(struct out *subj)
{
	size_t n = subj->b.len;

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)subj->b.data[i] < 0x20 || subj->b.data[i] == 0x7f)
			subj->b.data[i] = ' ';
	if (n > MAIL_MAX_SUBJECT) {
		n = MAIL_MAX_SUBJECT;
		while (n > 0 && ((unsigned char)subj->b.data[n] & 0xc0) == 0x80)
			n--;
		subj->b.data[n] = '\0';
		subj->b.len = n;
	}
}

static void headers(struct out *o, struct sl_anfile *f, const struct report_params *p,
		    const char *subject, uint64_t h)
{
	const struct sl_analysis *a = sl_anfile_meta(f);
	const char *domain = strchr(p->mail_from, '@') + 1;
	char date[64];

	out_puts(o, "From: ");
	out_puts(o, p->mail_from);
	out_puts(o, "\nTo: ");
	out_puts(o, p->mail_to);
	out_puts(o, "\nSubject: ");
	header_text(o, subject);
	if (!mail_date(sl_analysis_get_meta_str(a, "now"), date, sizeof(date)) ||
	    !mail_date(sl_analysis_get_meta_str(a, "window_to"), date, sizeof(date)))
		out_printf(o, "\nDate: %s", date);
	out_printf(o, "\nMessage-ID: <%016llx.report@%s>\n", (unsigned long long)h, domain);
}

int mail_message(struct out *o, struct sl_anfile *f, const struct report_params *p,
		 const struct attention *at, const char *html, size_t nhtml,
		 struct sl_errctx *err)
{
	struct out body = {SL_BUF_INIT, 0}, subj = {SL_BUF_INIT, 0};
	char name[64], boundary[48];
	int oneline = at->quiet && p->if_quiet == REPORT_QUIET_ONELINE;
	uint64_t h;

	if (oneline) {
		/* nothing new: one line, nothing attached */
		text_clean(&body, at->team[0] ? at->team : p->title, REPORT_MAX_TEXT);
		out_puts(&body, ": nothing new in ");
		out_puts(&body, at->span[0] ? at->span : at->window);
		out_puts(&body, "\n");
	} else {
		mail_summary(&body, f, p, at, err);
	}
	if (body.err)
		goto out;
	mail_subject(&subj, p, at);
	if (subj.err) {
		body.err = subj.err;
		goto out;
	}
	subject_line(&subj);
	h = sl_hash(body.b.data, body.b.len) * 0x9e3779b97f4a7c15ULL;
	if (!oneline)
		h ^= sl_hash(html, nhtml);
	headers(o, f, p, subj.b.data ? subj.b.data : "", h);
	if (oneline) {
		out_puts(o, "X-Shiplog-Quiet: nothing new\nMIME-Version: 1.0\n"
			    "Content-Type: text/plain; charset=utf-8\n"
			    "Content-Transfer-Encoding: quoted-printable\n\n");
		qp(o, body.b.data, body.b.len);
		goto out;
	}
	snprintf(boundary, sizeof(boundary), "shiplog-%016llx", (unsigned long long)h);
	out_printf(o, "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"%s\"\n\n"
		      "This is a MIME message: a summary and the HTML report attached.\n\n",
		   boundary);
	out_printf(o, "--%s\nContent-Type: text/plain; charset=utf-8\n"
		      "Content-Transfer-Encoding: quoted-printable\n\n", boundary);
	qp(o, body.b.data, body.b.len);
	attachment_name(p->html, name, sizeof(name));
	out_printf(o, "\n--%s\nContent-Type: text/html; charset=utf-8; name=\"%s\"\n"
		      "Content-Disposition: attachment; filename=\"%s\"\n"
		      "Content-Transfer-Encoding: base64\n\n", boundary, name, name);
	base64(o, (const unsigned char *)html, nhtml, 76);
	out_printf(o, "\n--%s--\n", boundary);
out:
	if (body.err)
		o->err = body.err;
	out_release(&body);
	out_release(&subj);
	return o->err;
}
