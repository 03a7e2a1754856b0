#include "page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sl_value.h"
#include "stream.h"
#include "svg.h"

void sec_alerts(struct ctx *cx, const struct section *s)
{
	struct out *o = cx->o;
	static const char *const sev[3] = {"critical", "warning", "info"};
	static const struct pickq q = {-1, -1, SL_ALERTS_SEVERITY, "critical"};
	char *types[16];
	double cnt[3][16];
	size_t nt = 0, crit = 0, *idx = NULL, n = 0;
	size_t nr = (size_t)pg_all_rows(cx, SL_T_ALERTS);
	const struct sl_table *t;
	struct giter it;
	struct pick pk;

	static const int want[] = {SL_ALERTS_TYPE, SL_ALERTS_SEVERITY, -1};

	pg_mark(cx, SL_T_ALERTS);
	memset(cnt, 0, sizeof(cnt));
	giter_init(&it, cx->f, sl_anfile_find_id(cx->f, SL_T_ALERTS), cx->err);
	giter_only(&it, want);
	while ((t = giter_next(&it))) {
		int tc = SL_ALERTS_TYPE, vc = SL_ALERTS_SEVERITY;

		for (size_t r = 0; r < sl_table_rows(t); r++) {
			const char *ty = sl_table_get_str(t, tc, r), *sv = sl_table_get_str(t, vc, r);
			size_t k;
			int si = 2;

			if (!ty)
				ty = "(none)";
			for (k = 0; k < nt && strcmp(types[k], ty); k++)
				;
			if (k == nt && nt < 16) {
				/* the group goes: the name is kept */
				if (!(types[nt] = strdup(ty))) {
					pg_failed(cx, SL_ENOMEM);
					break;
				}
				nt++;
			}
			if (k == 16)
				continue;
			for (int i = 0; i < 2; i++)
				if (sv && !strcmp(sv, sev[i]))
					si = i;
			cnt[si][k]++;
			crit += si == 0;
		}
	}
	giter_done(&it);
	pg_failed(cx, it.rc);
	if (!nr) {
		out_puts(o, "<p class=\"nodata\">No alerts in this window.</p>\n");
	} else if (!o->err) {
		struct svg_series all[3] = {{"critical", cnt[0], "#cc3311"},
					    {"warning", cnt[1], "#ddaa33"},
					    {"other", cnt[2], "#bbbbbb"}};
		struct svg_series sr[3];
		int nsr = 0;

		for (int i = 0; i < 3; i++) {
			double tot = 0;

			for (size_t k = 0; k < nt; k++)
				tot += cnt[i][k];
			if (tot > 0)
				sr[nsr++] = all[i];
		}
		struct svg_chart c = {"Alerts by type and severity", "alert type", "alerts", 0, 260,
				      0, 0};

		out_puts(o, "<p>");
		out_num(o, (double)nr, 10);
		out_puts(o, " alerts, ");
		out_num(o, (double)crit, 10);
		out_puts(o, " of them critical.</p>\n");
		svg_bars(o, &c, (const char *const *)types, nt, sr, nsr, 1);
		/* the latest critical alerts first */
		if (!pg_pick_rows(cx, SL_T_ALERTS, &q, &pk, &idx, &n) && pk.t)
			pg_table_view(cx, pk.t, idx, n, "Latest critical alerts");
		free(idx);
		pick_free(&pk);
	}
	for (size_t k = 0; k < nt; k++)
		free(types[k]);
	pg_rest(cx, s);
}
