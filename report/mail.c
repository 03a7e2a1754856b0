#include "mail.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "html.h"
#include "sl_hash.h"
#include "stream.h"
#include "sl_value.h"

#define LATEST_ALERTS 10

/* Text from the logs in the plain-text body: controls become spaces, cut
 * at a character boundary. */
static void text(struct out *o, const char *s, size_t max)
{
	size_t n = strlen(s), cut = n;

	if (n > max) {
		cut = max;
		while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
			cut--;
	}
	for (size_t i = 0; i < cut; i++)
		out_putn(o, (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? " " : s + i, 1);
	if (cut < n)
		out_puts(o, "...");
}

/* html_* helpers write HTML; in text only &amp; &lt; &gt; &quot; &#39; can
 * appear, and only from the analysis' own strings: undo them. */
static void unhtml(struct out *dst, const struct out *src)
{
	static const char *const ent[][2] = {
		{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"},
		{"&middot;", "-"},
	};
	const char *s = src->b.data ? src->b.data : "";

	while (*s) {
		size_t k;

		for (k = 0; k < sizeof(ent) / sizeof(ent[0]); k++)
			if (!strncmp(s, ent[k][0], strlen(ent[k][0]))) {
				out_puts(dst, ent[k][1]);
				s += strlen(ent[k][0]);
				break;
			}
		if (k == sizeof(ent) / sizeof(ent[0]))
			out_putn(dst, s++, 1);
	}
	if (src->err)
		dst->err = src->err;
}

#define VIA_HTML(o, call)                                                                   \
	do {                                                                                \
		struct out tmp_ = {SL_BUF_INIT, 0};                                         \
		struct out *h_ = &tmp_;                                                     \
		call;                                                                       \
		unhtml(o, &tmp_);                                                           \
		out_release(&tmp_);                                                         \
	} while (0)

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

/* A small table whole (NULL when absent or on an error, then in o->err). */
static struct sl_table *whole(struct out *o, struct sl_anfile *f, enum sl_tid id,
			      struct sl_errctx *err)
{
	long i = sl_anfile_find_id(f, id);
	struct sl_table *t = NULL;
	int rc;

	if (i >= 0 && !o->err && (rc = sl_anfile_table(f, (size_t)i, &t, err)))
		o->err = rc;
	return t;
}

void mail_summary(struct out *o, struct sl_anfile *f, const struct report_params *p,
		  struct sl_errctx *err)
{
	const struct sl_analysis *a = sl_anfile_meta(f);
	struct sl_table *sum = whole(o, f, SL_T_SUMMARY, err);
	struct sl_table *dora = whole(o, f, SL_T_DORA, err);
	struct sl_table *sc = whole(o, f, SL_T_SCORECARD, err);
	long ai = sl_anfile_find_id(f, SL_T_ALERTS);
	const char *tz = sl_analysis_get_meta_str(a, "tz");
	size_t r = (size_t)-1;
	double deps = NAN, ch;

	text(o, p->title, REPORT_MAX_TEXT);
	out_puts(o, "\n\nWindow:     ");
	VIA_HTML(o, html_window(h_, a));
	out_puts(o, " (days in ");
	text(o, tz && tz[0] ? tz : "UTC", 60);
	out_puts(o, ")\nGenerated:  ");
	VIA_HTML(o, html_time(h_, sl_analysis_get_meta_str(a, "now")));
	sl_analysis_get_meta_f64(a, "input_deployments", &deps);
	out_puts(o, "\nDeployments: ");
	out_num(o, deps, 10);
	out_puts(o, "\n\n");
	for (size_t i = 0; sum && i < sl_table_rows(sum); i++)
		if (!strcmp(str(sum, SL_SUMMARY_SCOPE, i), "overall"))
			r = i;
	if (r != (size_t)-1) {
		out_puts(o, "Success rate:         ");
		VIA_HTML(o, html_pct(h_, num(sum, SL_SUMMARY_SUCCESS_RATE, r)));
		ch = num(sum, SL_SUMMARY_SUCCESS_RATE_CHANGE, r);
		if (isfinite(ch)) {
			out_puts(o, ch > 0 ? " (up " : ch < 0 ? " (down " : " (unchanged ");
			out_num(o, fabs(100 * ch), 2);
			out_puts(o, " points on the previous window)");
		}
		out_puts(o, "\nMean deployment time: ");
		out_duration(o, num(sum, SL_SUMMARY_AVG_DURATION_MS, r));
		out_puts(o, "\nRollback rate:        ");
		VIA_HTML(o, html_pct(h_, num(sum, SL_SUMMARY_ROLLBACK_RATE, r)));
		out_puts(o, "\nActive deployments:   ");
		out_num(o, num(sum, SL_SUMMARY_ACTIVE_DEPLOYMENTS, r), 10);
		out_puts(o, "\n\n");
	} else {
		out_puts(o, "No summary in this analysis.\n\n");
	}
	if (dora && sl_table_rows(dora)) {
		out_puts(o, "DORA (production):\n");
		for (size_t i = 0; i < sl_table_rows(dora) && i < 16; i++) {
			out_puts(o, "  ");
			text(o, str(dora, SL_DORA_METRIC, i), 60);
			out_puts(o, ": ");
			VIA_HTML(o, html_value(h_, num(dora, SL_DORA_VALUE, i), str(dora, SL_DORA_UNIT, i)));
			if (str(dora, SL_DORA_TIER, i)[0]) {
				out_puts(o, " (");
				text(o, str(dora, SL_DORA_TIER, i), 20);
				out_puts(o, ")");
			}
			out_puts(o, "\n");
		}
		out_puts(o, "\n");
	}
	if (sc && sl_table_rows(sc)) {
		size_t met = 0, missed = 0;

		for (size_t i = 0; i < sl_table_rows(sc); i++) {
			met += num(sc, SL_SCORECARD_MET, i) == 1;
			missed += num(sc, SL_SCORECARD_MET, i) == 0;
		}
		out_printf(o, "Scorecard: %zu of %zu targets met", met, sl_table_rows(sc));
		out_puts(o, missed ? "; missed:\n" : ".\n");
		for (size_t i = 0; i < sl_table_rows(sc) && i < 32; i++)
			if (num(sc, SL_SCORECARD_MET, i) == 0) {
				out_puts(o, "  - ");
				text(o, str(sc, SL_SCORECARD_METRIC, i), 60);
				out_puts(o, ": ");
				VIA_HTML(o, html_value(h_, num(sc, SL_SCORECARD_VALUE, i), str(sc, SL_SCORECARD_UNIT, i)));
				out_puts(o, " (target ");
				VIA_HTML(o, html_target(h_, str(sc, SL_SCORECARD_TARGET, i), str(sc, SL_SCORECARD_UNIT, i)));
				out_puts(o, ")\n");
			}
		out_puts(o, "\n");
	}
	if (ai >= 0) {
		/* read group by group: the critical ones counted, the latest kept */
		size_t crit = 0, shown = 0, n = 0, *idx = NULL;
		const struct sl_table *g, *al;
		struct giter it;
		struct pick pk;
		char buf[32];
		int rc = SL_OK;

		static const int sev[] = {SL_ALERTS_SEVERITY, -1};

		if ((rc = pick_init(&pk, LATEST_ALERTS, 1)))
			goto alerts_out;
		giter_init(&it, f, ai, err);
		giter_only(&it, sev);
		while (!rc && (g = giter_next(&it))) {
			int svc = SL_ALERTS_SEVERITY;

			for (size_t i = 0; !rc && i < sl_table_rows(g); i++) {
				const char *sv = sl_table_get_str(g, svc, i);

				if (sv && !strcmp(sv, "critical")) {
					crit++;
					rc = pick_offer(&pk, it.base + i, 0);
				}
			}
		}
		giter_done(&it);
		if (!rc)
			rc = it.rc;
		if (!rc)
			rc = pick_fill(&pk, f, ai, err);
		if (!rc && pk.t)
			rc = pick_order(&pk, &idx, &n);
alerts_out:
		if (rc && !o->err)
			o->err = rc;
		al = pk.t;
		out_puts(o, "Critical alerts: ");
		out_num(o, (double)crit, 10);
		out_puts(o, crit > LATEST_ALERTS ? " (the latest 10)\n" : crit ? "\n" : "\n\n");
		for (size_t k = 0; k < n && shown < LATEST_ALERTS; k++) {
			size_t i = idx[k];
			double st = num(al, SL_ALERTS_START_TIME, i);

			shown++;
			out_puts(o, "  ");
			if (isfinite(st)) {
				sl_format_time((int64_t)st, buf);
				buf[16] = '\0';
				buf[10] = ' ';
				out_puts(o, buf);
				out_puts(o, "  ");
			}
			text(o, str(al, SL_ALERTS_AGENT_ID, i), 60);
			out_puts(o, " (");
			text(o, str(al, SL_ALERTS_ENVIRONMENT, i), 30);
			out_puts(o, ") ");
			text(o, str(al, SL_ALERTS_TYPE, i), 40);
			out_puts(o, ": ");
			text(o, str(al, SL_ALERTS_MESSAGE, i), 120);
			out_puts(o, "\n");
		}
		if (shown)
			out_puts(o, "\n");
		free(idx);
		pick_free(&pk);
	}
	out_puts(o, "The full report is attached as HTML; open it in any browser.\n");
	sl_table_free(sum);
	sl_table_free(dora);
	sl_table_free(sc);
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
	const struct sl_analysis *a = sl_anfile_meta(f);
	struct out body = {SL_BUF_INIT, 0}, subj = {SL_BUF_INIT, 0};
	const char *domain = strchr(p->mail_from, '@') + 1;
	char date[64], name[64], boundary[48];
	uint64_t h;

	mail_summary(&body, f, p, err);
	if (body.err)
		goto out;
	h = sl_hash(html, nhtml) ^ (sl_hash(body.b.data, body.b.len) * 0x9e3779b97f4a7c15ULL);
	snprintf(boundary, sizeof(boundary), "shiplog-%016llx", (unsigned long long)h);
	if (p->subject) {
		out_puts(&subj, p->subject);
	} else {
		out_puts(&subj, p->title);
		out_puts(&subj, ": ");
		VIA_HTML(&subj, html_window(h_, a));
	}
	if (subj.err) {
		body.err = subj.err;
		goto out;
	}
	/* nothing from the analysis may break a header line */
	for (size_t i = 0; i < subj.b.len; i++)
		if ((unsigned char)subj.b.data[i] < 0x20)
			subj.b.data[i] = ' ';
	out_puts(o, "From: ");
	out_puts(o, p->mail_from);
	out_puts(o, "\nTo: ");
	out_puts(o, p->mail_to);
	out_puts(o, "\nSubject: ");
	header_text(o, subj.b.data);
	if (!mail_date(sl_analysis_get_meta_str(a, "now"), date, sizeof(date)) ||
	    !mail_date(sl_analysis_get_meta_str(a, "window_to"), date, sizeof(date)))
		out_printf(o, "\nDate: %s", date);
	out_printf(o, "\nMessage-ID: <%016llx.report@%s>\n", (unsigned long long)h, domain);
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
