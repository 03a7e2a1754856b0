/* mail.h - the report as a MIME message for sendmail -t: a plain-text
 * summary (the window, what needs attention as on the page's first screen:
 * missed targets, critical alerts in production by agent, the agents whose
 * success rate fell most, the DORA tiers; then the headline numbers) and the HTML
 * report attached in base64.
 *
 * Headers are built only from checked values (cli.c refuses CR, LF and
 * other controls in addresses and the subject; names from the analysis
 * have theirs made spaces); a non-ASCII subject is RFC 2047-encoded.  With
 * --if-quiet oneline and nothing new (attention.h), the message is one
 * line of text, nothing attached, marked "X-Shiplog-Quiet: nothing new".  Date comes from the analysis' "now" and the
 * Message-ID and boundary from a hash of the content, so the same
 * analysis gives the same message.  Lines end in LF, as sendmail expects
 * on its standard input. */
#ifndef REPORT_MAIL_H
#define REPORT_MAIL_H

#include <stddef.h>

#include "cli.h"
#include "out.h"
#include "sl_anread.h"
#include "sl_result.h"

struct attention;

#define MAIL_MAX_SUBJECT 300 /* bytes of a subject (before RFC 2047) */

/* Appends the message to o; html[0..nhtml) is the report, at f's
 * attention list (attention.h).  0, SL_ENOMEM or a read error of f (set
 * in err). */
int mail_message(struct out *o, struct sl_anfile *f, const struct report_params *p,
		 const struct attention *at, const char *html, size_t nhtml,
		 struct sl_errctx *err);
/* The same with the attention list built for it. */
int mail_render(struct out *o, struct sl_anfile *f, const struct report_params *p,
		const char *html, size_t nhtml, struct sl_errctx *err);
/* The subject: --subject, else the default (mail.c says which); controls
 * are made spaces and the length bounded by mail_message. */
void mail_subject(struct out *o, const struct report_params *p, const struct attention *at);
/* The plain-text summary alone (the message's first part). */
void mail_summary(struct out *o, struct sl_anfile *f, const struct report_params *p,
		  const struct attention *at, struct sl_errctx *err);
/* RFC 5322 date of an ISO 8601 UTC time ("Sun, 01 Nov 2026 00:00:00 +0000");
 * -1 when iso is not one. */
int mail_date(const char *iso, char *buf, size_t cap);

#endif
