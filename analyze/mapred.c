/* mapred.c - map over ranges of days, reduce into one analysis file
 * (mapred.h, docs/SCALING.md).  What is counted, and how counts become
 * tables, is success.c's and dora.c's: this file moves their counts
 * between processes and finds the medians' ranks; the pipelines' part is
 * mapred_pl.c's, through the hooks and the order statistic of
 * mapred_int.h. */
#include "mapred.h"
#include "mapred_int.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "dora.h"
#include "featureset.h"
#include "frame.h"
#include "mapred_ft.h"
#include "sl_anread.h"
#include "sl_buf.h"
#include "sl_hash.h"
#include "sl_scan.h"
#include "sl_schema.h"
#include "sl_stats.h"
#include "sl_u64map.h"
#include "sl_value.h"
#include "sl_version.h"
#include "window.h"

#define DAY_MS 86400000LL
#define WEEK_MS (7 * DAY_MS)
#define PART_MAGIC "shiplog-analyze partial 1"
#define RANKS_MAGIC "shiplog-analyze ranks 1"

/* ---- which analyses ---- */

const char *const mapred_analyses[] = {"dora", "features", "pipelines", NULL};

int mapred_wants(const struct analyze_params *p, const char *name)
{
	size_t n = strlen(name);

	if (!p->only)
		return 1;
	for (const char *s = p->only; s; s = strchr(s, ',') ? strchr(s, ',') + 1 : NULL)
		if (!strncmp(s, name, n) && (s[n] == ',' || !s[n]))
			return 1;
	return 0;
}

/* The analyses of p, comma-joined in the file's order: what every task
 * and the reduce must agree on. */
static void wanted_text(const struct analyze_params *p, char *out, size_t n)
{
	size_t w = 0;

	*out = '\0';
	for (int k = 0; mapred_analyses[k]; k++)
		if (mapred_wants(p, mapred_analyses[k]))
			w += (size_t)snprintf(out + w, w < n ? n - w : 0, "%s%s", w ? "," : "",
					      mapred_analyses[k]);
}

const char *mapred_list(void)
{
	static char list[64];

	if (!*list)
		for (int k = 0; mapred_analyses[k]; k++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 k ? ", " : "", mapred_analyses[k]);
	return list;
}

/* ---- the run metadata (main.c writes it too) ---- */

static int meta_time(struct sl_analysis *a, const char *key, int64_t t)
{
	char buf[32];

	if (t == SL_TIME_MIN || t == SL_TIME_MAX)
		return sl_analysis_meta_str(a, key, "");
	sl_format_time(t, buf);
	return sl_analysis_meta_str(a, key, buf);
}

/* The agent patterns of p (--agent or the team's), comma-joined; "" for
 * none.  NULL when out of memory; the caller frees it. */
static char *joined_agents(const struct analyze_params *p)
{
	size_t n = 1;
	char *s, *w;

	for (size_t k = 0; k < p->agents.n; k++)
		n += strlen(p->agents.pat[k]) + 1;
	if (!(s = w = malloc(n)))
		return NULL;
	*w = '\0';
	for (size_t k = 0; k < p->agents.n; k++)
		w += sprintf(w, "%s%s", k ? "," : "", p->agents.pat[k]);
	return s;
}

/* Run metadata: what was analysed, how, and with which version.  agent
 * is the filter as before teams (the one pattern, or all of them
 * joined); team and agents say which set of agents the file is about,
 * agents_matched how many of them deployed in the window. */
int analyze_add_meta(struct sl_analysis *a, const struct analyze_params *p,
		     const struct success_counts *sc)
{
	char *agents = joined_agents(p);
	int rc = !agents ||
	       sl_analysis_meta_str(a, "shiplog_version", SHIPLOG_VERSION) ||
	       meta_time(a, "window_from", p->from) || meta_time(a, "window_to", p->to) ||
	       meta_time(a, "now", p->now) ||
	       sl_analysis_meta_str(a, "tz", p->tz ? p->tz : "UTC") ||
	       sl_analysis_meta_str(a, "env", p->env ? p->env : "") ||
	       sl_analysis_meta_str(a, "agent", agents) ||
	       sl_analysis_meta_str(a, "team", p->team ? p->team->name : "") ||
	       sl_analysis_meta_str(a, "agents", agents) ||
	       (p->agents.n && sl_analysis_meta_i64(a, "agents_matched", (int64_t)sc->matched)) ||
	       sl_analysis_meta_i64(a, "seed", (int64_t)p->seed) ||
	       sl_analysis_meta_i64(a, "input_deployments", (int64_t)sc->deployments) ||
	       sl_analysis_meta_i64(a, "input_files", (int64_t)sc->files);

	free(agents);
	return rc;
}

/* ---- the buckets of a median's histogram ----
 * Values are whole milliseconds >= 0.  Below 16 each value is a bucket;
 * above, each power of two is cut into 16 buckets of equal width: a bucket
 * holds values within 1/16 of each other, so the second pass carries a
 * small share of a group's values (about 1/16 of those in the power of two
 * of its median), and a histogram has at most NBUCKETS rows. */
#define SUB_BITS 4
#define SUB (1 << SUB_BITS)
#define NBUCKETS MR_NBUCKETS

int64_t mr_bucket_of(int64_t v)
{
	int e;

	if (v < SUB)
		return v < 0 ? 0 : v;
	e = 63 - __builtin_clzll((uint64_t)v);
	return SUB + (int64_t)(e - SUB_BITS) * SUB +
	       (int64_t)(((uint64_t)v >> (e - SUB_BITS)) & (SUB - 1));
}
#define bucket_of mr_bucket_of

/* ---- an order statistic in two passes (mapred_int.h) ---- */

int mr_stat_hist(struct mr_stat *s, int64_t bucket, uint64_t count)
{
	if (bucket < 0 || bucket >= NBUCKETS)
		return SL_EFORMAT;
	if (!s->hist && !(s->hist = calloc(NBUCKETS, sizeof(uint64_t))))
		return SL_ENOMEM;
	s->hist[bucket] += count;
	s->n += count;
	return SL_OK;
}

int mr_stat_val(struct mr_stat *s, int64_t v)
{
	if (sl_grow(&s->vals, &s->vcap, s->nvals + 1, sizeof(int64_t)))
		return SL_ENOMEM;
	s->vals[s->nvals++] = v;
	s->sorted = 0;
	return SL_OK;
}

void mr_stat_find(struct mr_stat *s, const size_t *rank, int nrank)
{
	for (int k = 0; k < MR_RANKS; k++) {
		uint64_t cum = 0;

		s->bucket[k] = -1;
		if (k >= nrank || !s->n)
			continue;
		for (int64_t b = 0; b < NBUCKETS; b++) {
			if (cum + s->hist[b] > rank[k]) {
				s->bucket[k] = b;
				s->below[k] = cum;
				break;
			}
			cum += s->hist[b];
		}
	}
}

int mr_stat_value(struct mr_stat *s, int k, size_t rank, int64_t *out)
{
	size_t lo = 0, hi, n = 0;

	if (!s->sorted) {
		sl_sort_i64(s->vals, s->nvals);
		s->sorted = 1;
	}
	if (s->nvals == s->n && s->n > rank) { /* every value */
		*out = s->vals[rank];
		return 0;
	}
	if (s->bucket[k] < 0)
		return -1;
	hi = s->nvals;
	while (lo < hi) { /* the first value of the bucket: buckets follow values */
		size_t mid = lo + (hi - lo) / 2;

		if (bucket_of(s->vals[mid]) < s->bucket[k])
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + n < s->nvals && bucket_of(s->vals[lo + n]) == s->bucket[k])
		n++;
	if (n != s->hist[s->bucket[k]] || rank < s->below[k] || rank - s->below[k] >= n)
		return -1;
	*out = s->vals[lo + rank - s->below[k]];
	return 0;
}

void mr_stat_release(struct mr_stat *s)
{
	free(s->hist);
	free(s->vals);
	memset(s, 0, sizeof(*s));
}

/* ---- a map task's days ---- */

/* Task k of n takes the local days [d0 + k D / n, d0 + (k + 1) D / n) of
 * the D days from s (the success rates' and DORA's: those the summary
 * compares with too; the pipelines': the window's), clipped to them
 * (mapred_int.h). */
void mr_task_days(const struct analyze_params *p, int64_t s, int k, int n, int64_t *lo,
		  int64_t *hi)
{
	int64_t d0 = window_day(s), d1 = window_day(p->to - 1);
	int64_t nd = d1 - d0 + 1, a = d0 + nd * k / n, b = d0 + nd * (k + 1) / n;

	*lo = k == 0 ? s : window_day_start(a);
	*hi = k == n - 1 ? p->to : window_day_start(b);
	if (*lo < s)
		*lo = s;
	if (*hi > p->to)
		*hi = p->to;
	if (a == b || *hi < *lo)
		*hi = *lo;
}

/* ---- the median groups: overall, per agent, per week ---- */

enum { SC_ALL, SC_AGENT, SC_WEEK };
enum { M_LEAD, M_REC, NM };

struct dgroup {
	int scope;
	char *agent; /* SC_AGENT */
	int64_t week; /* SC_WEEK: its Monday, a UTC day number */
	struct dora_count c;
	uint64_t *hist[NM];      /* NBUCKETS counts, or NULL */
	uint64_t n[NM];          /* values in the histogram */
	int64_t bucket[NM];      /* the bucket holding the rank (-1: none) */
	uint64_t below[NM];      /* values in the buckets before it */
	int64_t *vals[NM];       /* the second pass: the values in it */
	size_t nvals[NM], vcap[NM];
};

struct groups {
	struct sl_u64map map;
	struct dgroup *g;
	size_t n, cap;
};

static uint64_t group_key(int scope, const char *agent, int64_t week)
{
	uint64_t h = sl_hash(agent ? agent : "", agent ? strlen(agent) : 0);
	uint64_t k[3] = {(uint64_t)scope, (uint64_t)week, h};

	return sl_hash(k, sizeof(k));
}

static struct dgroup *group_get(struct groups *G, int scope, const char *agent, int64_t week)
{
	uint32_t *v;
	int added;
	struct dgroup *g;

	if (scope != SC_AGENT)
		agent = NULL;
	if (scope != SC_WEEK)
		week = 0;
	if (sl_u64map_put(&G->map, group_key(scope, agent, week), &v, &added))
		return NULL;
	if (!added) {
		g = &G->g[*v];
		if (g->scope == scope && g->week == week &&
		    (!agent || (g->agent && !strcmp(g->agent, agent))))
			return g;
		return NULL; /* a 64-bit collision: reported as out of memory */
	}
	if (sl_grow(&G->g, &G->cap, G->n + 1, sizeof(*G->g)))
		return NULL;
	g = &G->g[G->n];
	memset(g, 0, sizeof(*g));
	g->scope = scope;
	g->week = week;
	g->bucket[M_LEAD] = g->bucket[M_REC] = -1;
	if (agent && !(g->agent = strdup(agent)))
		return NULL;
	*v = (uint32_t)G->n++;
	return g;
}

static void groups_release(struct groups *G)
{
	for (size_t i = 0; i < G->n; i++) {
		free(G->g[i].agent);
		for (int m = 0; m < NM; m++) {
			free(G->g[i].hist[m]);
			free(G->g[i].vals[m]);
		}
	}
	free(G->g);
	sl_u64map_release(&G->map);
	memset(G, 0, sizeof(*G));
}

static int hist_add(struct dgroup *g, int m, int64_t bucket, uint64_t count)
{
	if (bucket < 0 || bucket >= NBUCKETS)
		return SL_EFORMAT;
	if (!g->hist[m] && !(g->hist[m] = calloc(NBUCKETS, sizeof(uint64_t))))
		return SL_ENOMEM;
	g->hist[m][bucket] += count;
	g->n[m] += count;
	return SL_OK;
}

static int val_add(struct dgroup *g, int m, int64_t v)
{
	if (sl_grow(&g->vals[m], &g->vcap[m], g->nvals[m] + 1, sizeof(int64_t)))
		return SL_ENOMEM;
	g->vals[m][g->nvals[m]++] = v;
	return SL_OK;
}

/* Each median's rank, the lower median's ((n - 1) / 2, common.h), and
 * the bucket holding it. */
static void find_ranks(struct groups *G)
{
	for (size_t i = 0; i < G->n; i++)
		for (int m = 0; m < NM; m++) {
			struct dgroup *g = &G->g[i];
			uint64_t r, cum = 0;

			g->bucket[m] = -1;
			if (!g->n[m])
				continue;
			r = (g->n[m] - 1) / 2;
			for (int64_t b = 0; b < NBUCKETS; b++) {
				if (cum + g->hist[m][b] > r) {
					g->bucket[m] = b;
					g->below[m] = cum;
					break;
				}
				cum += g->hist[m][b];
			}
		}
}

/* The ranks in one order (by scope, agent name, week) and their digest,
 * which ties the second pass's partials to the ranks they were cut by. */
static _Thread_local const struct groups *sort_groups;

static int cmp_group(const void *x, const void *y)
{
	const struct dgroup *a = &sort_groups->g[*(const uint32_t *)x];
	const struct dgroup *b = &sort_groups->g[*(const uint32_t *)y];
	int c;

	if (a->scope != b->scope)
		return a->scope - b->scope;
	if (a->agent && b->agent && (c = strcmp(a->agent, b->agent)))
		return c;
	return (a->week > b->week) - (a->week < b->week);
}

static uint32_t *group_order(const struct groups *G)
{
	uint32_t *o = malloc((G->n ? G->n : 1) * sizeof(*o));

	if (!o)
		return NULL;
	for (size_t i = 0; i < G->n; i++)
		o[i] = (uint32_t)i;
	sort_groups = G;
	sl_sort(o, G->n, sizeof(*o), cmp_group);
	return o;
}

static int ranks_digest(const struct groups *G, char out[17])
{
	uint32_t *o = group_order(G);
	uint64_t h = 0;

	if (!o)
		return SL_ENOMEM;
	for (size_t k = 0; k < G->n; k++) {
		const struct dgroup *g = &G->g[o[k]];

		for (int m = 0; m < NM; m++) {
			uint64_t w[8] = {h, (uint64_t)g->scope, (uint64_t)g->week, (uint64_t)m,
					 (uint64_t)g->bucket[m], g->below[m], g->n[m],
					 sl_hash(g->agent ? g->agent : "", g->agent ? strlen(g->agent) : 0)};

			h = sl_hash(w, sizeof(w));
		}
	}
	free(o);
	snprintf(out, 17, "%016llx", (unsigned long long)h);
	return SL_OK;
}

/* ---- the partial's and the ranks' tables ---- */

static const struct sl_rcol dcols[] = {
	{"scope", SL_R_I64}, {"agent", SL_R_STR}, {"week", SL_R_I64},
	{"finished", SL_R_I64}, {"completed", SL_R_I64}, {"days", SL_R_I64},
	{"lead_n", SL_R_I64}, {"cfr_failures", SL_R_I64}, {"failures", SL_R_I64},
	{"recovered", SL_R_I64}};
static const struct sl_rcol hcols[] = {
	{"scope", SL_R_I64}, {"agent", SL_R_STR}, {"week", SL_R_I64}, {"metric", SL_R_I64},
	{"bucket", SL_R_I64}, {"count", SL_R_I64}};
static const struct sl_rcol vcols[] = {
	{"scope", SL_R_I64}, {"agent", SL_R_STR}, {"week", SL_R_I64}, {"metric", SL_R_I64},
	{"value", SL_R_I64}};
static const struct sl_rcol rcols[] = {
	{"scope", SL_R_I64}, {"agent", SL_R_STR}, {"week", SL_R_I64}, {"metric", SL_R_I64},
	{"bucket", SL_R_I64}, {"below", SL_R_I64}, {"n", SL_R_I64}};
#define NCOLS(c) ((int)(sizeof(c) / sizeof(c[0])))

static int key_cells(struct sl_table *t, const struct dgroup *g)
{
	if (sl_table_add_row(t) || (g->agent && sl_table_set_str(t, 1, g->agent, strlen(g->agent))))
		return SL_ENOMEM;
	sl_table_set_i64(t, 0, g->scope);
	sl_table_set_i64(t, 2, g->week);
	return SL_OK;
}

/* The group of row r of t (scope, agent, week in columns 0..2). */
static int row_group(struct groups *G, const struct sl_table *t, size_t r, struct dgroup **g)
{
	int64_t scope, week;
	const char *agent = sl_table_get_str(t, 1, r);

	if (partial_cell(t, 0, r, &scope) || partial_cell(t, 2, r, &week) || scope < SC_ALL || scope > SC_WEEK ||
	    (scope == SC_AGENT && !agent))
		return SL_EFORMAT;
	return (*g = group_get(G, (int)scope, agent, week)) ? SL_OK : SL_ENOMEM;
}

/* ---- what the tasks must agree on ---- */

static void config_text(const struct analyze_params *p, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)config_digest(&p->cfg));
}

/* The metadata every partial and the ranks carry and the reduce checks:
 * analyze_add_meta()'s window, now, zone, filters and seed, the config,
 * the number of tasks and the pass. */
static int agreement_meta(struct sl_analysis *a, const struct analyze_params *p,
			  const char *magic, int pass, const char *ranks)
{
	struct success_counts none = {0};
	char cfg[17], an[128];

	config_text(p, cfg);
	wanted_text(p, an, sizeof(an));
	return sl_analysis_meta_str(a, "partial", magic) || analyze_add_meta(a, p, &none) ||
	       sl_analysis_meta_str(a, "config", cfg) ||
	       sl_analysis_meta_str(a, "analyses", an) ||
	       sl_analysis_meta_i64(a, "map_n", p->map_n) ||
	       sl_analysis_meta_i64(a, "pass", pass) ||
	       sl_analysis_meta_str(a, "ranks", ranks ? ranks : "");
}

static const char *const agreed[] = {"partial", "shiplog_version", "window_from", "window_to",
				     "now", "tz", "env", "agent", "seed", "config", "analyses",
				     "map_n"};

/* 0 when file's metadata agrees with ref's, else SL_EINVAL with err
 * naming the file and the first key that differs. */
static int agree(const struct sl_analysis *ref, const struct sl_analysis *a, const char *path,
		 struct sl_errctx *err)
{
	for (size_t k = 0; k < sizeof(agreed) / sizeof(agreed[0]); k++) {
		const char *x = sl_analysis_get_meta_str(ref, agreed[k]);
		const char *y = sl_analysis_get_meta_str(a, agreed[k]);
		int64_t i, j;

		if (x ? !y || strcmp(x, y)
		      : sl_analysis_get_meta_i64(ref, agreed[k], &i) ||
				sl_analysis_get_meta_i64(a, agreed[k], &j) || i != j) {
			if (!k && (!y || strcmp(x, y)))
				return sl_err_set(err, SL_EFORMAT, path, 0,
						  "not a partial of shiplog-analyze --map");
			if (!strcmp(agreed[k], "config"))
				return sl_err_set(err, SL_EINVAL, path, 0,
						  "made with other settings (--config) than the "
						  "ones given");
			if (!strcmp(agreed[k], "analyses"))
				return sl_err_set(err, SL_EINVAL, path, 0,
						  "made for the analyses '%s', not '%s' as given "
						  "(--only)", y ? y : "?", x);
			if (!strcmp(agreed[k], "map_n") &&
			    !sl_analysis_get_meta_i64(a, agreed[k], &j))
				return sl_err_set(err, SL_EINVAL, path, 0,
						  "written by a map of %lld tasks, not %d",
						  (long long)j, (int)i);
			if (!x && !sl_analysis_get_meta_i64(a, agreed[k], &j))
				return sl_err_set(err, SL_EINVAL, path, 0,
						  "its %s is %lld, not %lld as given (every task and "
						  "the reduce need the same --seed)", agreed[k],
						  (long long)j, (long long)i);
			return sl_err_set(err, SL_EINVAL, path, 0,
					  "its %s is '%s', not '%s' as given (every task and the "
					  "reduce need the same window, --now, --tz, --env, --agent, "
					  "--seed, --config and N)",
					  agreed[k], y ? y : "?", x ? x : "?");
		}
	}
	return SL_OK;
}

/* ---- the map ---- */

/* A failure of the task whose recovery is not within its days waits for
 * the first completed deployment of its agent and environment after it
 * that ends later (frame_recovery()): the days after the task's are read,
 * a day at a time, until every such failure has found one or the window
 * ends.  Usually that is a day or two, whatever the number of tasks. */
struct cand {
	int64_t start, end;
	uint32_t g;
	size_t id, idn; /* in the text buffer */
};

static _Thread_local const char *cand_text;

static int cmp_cand(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	int c;

	if (a->start != b->start)
		return (a->start > b->start) - (a->start < b->start);
	c = memcmp(cand_text + a->id, cand_text + b->id, a->idn < b->idn ? a->idn : b->idn);
	return c ? c : (a->idn > b->idn) - (a->idn < b->idn);
}

static int pair_key(struct sl_buf *k, const char *a, size_t an, const char *e, size_t en)
{
	sl_buf_reset(k);
	return sl_buf_add(k, a, an) || sl_buf_add(k, "", 1) || sl_buf_add(k, e, en);
}

/* The code in pairs of frame row i's agent and environment. */
static int row_pair(const struct frame *f, size_t i, struct sl_buf *key, struct sl_dict *pairs,
		    uint32_t *code)
{
	size_t an, en;
	const char *a = frame_name(f, f->agent[i], &an), *e = frame_name(f, f->env[i], &en);

	return pair_key(key, a, an, e, en) ||
	       sl_dict_intern(pairs, (const char *)key->data, key->len, code);
}

static int lookahead(const struct analyze_params *p, const struct sl_store *st, struct frame *f,
		     const uint32_t *rows, size_t nrows, int64_t from, struct sl_errctx *err)
{
	static const char *const names[] = {"deployment_id", "agent_id", "environment",
					    "phase", "start_time", "end_time"};
	struct sl_dict *pairs = sl_dict_new();
	struct sl_buf key = SL_BUF_INIT, text = SL_BUF_INIT;
	uint32_t **wait = NULL; /* per pair, the failures waiting */
	size_t *nwait = NULL, npairs, left = 0, nc = 0, ccap = 0;
	struct cand *c = NULL;
	struct sl_scan *sc = NULL;
	int rc = SL_ENOMEM;

	if (!pairs)
		goto out;
	for (size_t k = 0; k < nrows; k++) {
		int64_t ms;
		uint32_t code;

		if (frame_recovery(f, rows[k], &ms) != 0)
			continue;
		if (row_pair(f, rows[k], &key, pairs, &code))
			goto out;
		left++;
	}
	npairs = sl_dict_count(pairs);
	if (!left) {
		rc = SL_OK;
		goto out;
	}
	if (!(wait = calloc(npairs, sizeof(*wait))) || !(nwait = calloc(npairs, sizeof(*nwait))))
		goto out;
	for (size_t k = 0; k < nrows; k++) {
		size_t i = rows[k], cap;
		int64_t ms;
		uint32_t code;

		if (frame_recovery(f, i, &ms) != 0)
			continue;
		if (row_pair(f, i, &key, pairs, &code))
			goto out;
		cap = nwait[code];
		if (sl_grow(&wait[code], &cap, nwait[code] + 1, sizeof(**wait)))
			goto out;
		wait[code][nwait[code]++] = (uint32_t)i;
	}
	for (int64_t t = from; left && t < p->to; t += DAY_MS) {
		int64_t te = t + DAY_MS < p->to ? t + DAY_MS : p->to;
		struct sl_batch *b;
		int col[6];

		if ((rc = scan_deployments_cols(st, t, te, names, 6, col, &sc, err)))
			goto done;
		nc = 0;
		sl_buf_reset(&text);
		while ((rc = sl_scan_next(sc, &b, err)) > 0)
			for (size_t r = 0; r < b->n; r++) {
				size_t n[4];
				const char *s[4];
				uint32_t code;
				int miss = 0;

				if (!sl_scan_in_window(sc, b, r) || sl_batch_is_null(b, col[5], r))
					continue;
				for (int k = 0; k < 4; k++)
					if (!(s[k] = sl_batch_get_str(b, col[k], r, &n[k])))
						miss = 1;
				if (miss || sl_phase_of(s[3], n[3]) != SL_PHASE_COMPLETED)
					continue;
				if (pair_key(&key, s[1], n[1], s[2], n[2]) ||
				    sl_dict_intern(pairs, (const char *)key.data, key.len, &code)) {
					rc = SL_ENOMEM;
					goto nomem;
				}
				if (code >= npairs || !nwait[code])
					continue;
				if (sl_grow(&c, &ccap, nc + 1, sizeof(*c))) {
					rc = SL_ENOMEM;
					goto nomem;
				}
				c[nc++] = (struct cand){b->cols[col[4]].v.i64[r],
							b->cols[col[5]].v.i64[r], code, text.len,
							n[0]};
				if (sl_buf_add(&text, s[0], n[0])) {
					rc = SL_ENOMEM;
					goto nomem;
				}
			}
		sl_scan_close(sc);
		sc = NULL;
		if (rc < 0)
			goto done;
		/* in the frame's order, as frame.c's recoveries() goes */
		cand_text = (const char *)text.data;
		sl_sort(c, nc, sizeof(*c), cmp_cand);
		for (size_t k = 0; k < nc; k++) {
			uint32_t *w = wait[c[k].g];
			size_t keep = 0;

			for (size_t j = 0; j < nwait[c[k].g]; j++) {
				uint32_t q = w[j];

				if (c[k].end > f->end[q]) {
					f->recovery[q] = c[k].end - f->end[q];
					left--;
				} else {
					w[keep++] = q;
				}
			}
			nwait[c[k].g] = keep;
		}
	}
	rc = SL_OK;
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	goto done;
out:
	if (rc == SL_ENOMEM)
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
done:
	sl_scan_close(sc);
	if (wait)
		for (size_t k = 0; k < npairs; k++)
			free(wait[k]);
	free(wait);
	free(nwait);
	free(c);
	sl_buf_release(&key);
	sl_buf_release(&text);
	sl_dict_free(pairs);
	return rc;
}

struct emit {
	const struct frame *f;
	struct groups *G;          /* the ranks of the second pass, or NULL */
	struct sl_table *d, *h, *v;
	int64_t *lead, *rec;
};

/* One group's counts, histograms and (second pass) values. */
static int emit_group(struct emit *E, int scope, const char *agent, int64_t week,
		      const uint32_t *rows, size_t n)
{
	struct dgroup key = {.scope = scope, .agent = (char *)agent, .week = week};
	struct dgroup *rk = NULL;
	struct dora_count c;
	int64_t *x[NM] = {E->lead, E->rec};
	if (!n)
		return SL_OK;
	dora_count_rows(E->f, rows, n, &c, E->lead, E->rec);
	if (key_cells(E->d, &key))
		return SL_ENOMEM;
	{
		const uint64_t v[7] = {c.finished,	c.completed, c.days,     c.lead_n,
				       c.cfr_failures, c.failures,  c.recovered};

		for (int k = 0; k < 7; k++)
			sl_table_set_i64(E->d, 3 + k, (int64_t)v[k]);
	}
	if (E->G) {
		uint32_t *slot = sl_u64map_get(&E->G->map, group_key(scope, agent, week));

		rk = slot ? &E->G->g[*slot] : NULL;
	}
	for (int m = 0; m < NM; m++) {
		size_t nv = m == M_LEAD ? c.lead_n : c.recovered;
		int64_t *v = x[m];

		sl_sort_i64(v, nv);
		for (size_t k = 0, e; k < nv; k = e) {
			int64_t b = bucket_of(v[k]);

			for (e = k + 1; e < nv && bucket_of(v[e]) == b; e++)
				;
			if (key_cells(E->h, &key))
				return SL_ENOMEM;
			sl_table_set_i64(E->h, 3, m);
			sl_table_set_i64(E->h, 4, b);
			sl_table_set_i64(E->h, 5, (int64_t)(e - k));
			if (rk && rk->bucket[m] == b)
				for (size_t j = k; j < e; j++) {
					if (key_cells(E->v, &key))
						return SL_ENOMEM;
					sl_table_set_i64(E->v, 3, m);
					sl_table_set_i64(E->v, 4, v[j]);
				}
		}
	}
	return SL_OK;
}

static _Thread_local const struct frame *sort_frame;

static int cmp_agent_row(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	uint32_t ca = sort_frame->agent[a], cb = sort_frame->agent[b];

	/* codes are in the byte order of the names (frame.h) */
	if (ca != cb)
		return (ca > cb) - (ca < cb);
	return (a > b) - (a < b);
}

static int emit_dora(const struct analyze_params *p, const struct frame *f, struct emit *E)
{
	uint32_t *rows = malloc((f->n ? f->n : 1) * sizeof(*rows));
	uint32_t *by = malloc((f->n ? f->n : 1) * sizeof(*by));
	size_t n;
	int rc = SL_ENOMEM;

	E->lead = malloc((f->n ? f->n : 1) * sizeof(int64_t));
	E->rec = malloc((f->n ? f->n : 1) * sizeof(int64_t));
	if (!rows || !by || !E->lead || !E->rec)
		goto out;
	n = dora_counted_rows(p, f, rows);
	if ((rc = emit_group(E, SC_ALL, NULL, 0, rows, n)))
		goto out;
	memcpy(by, rows, n * sizeof(*rows));
	sort_frame = f;
	sl_sort(by, n, sizeof(*by), cmp_agent_row);
	for (size_t k = 0, e; k < n; k = e) {
		char *agent;
		size_t an;
		const char *s = frame_name(f, f->agent[by[k]], &an);

		for (e = k + 1; e < n && f->agent[by[e]] == f->agent[by[k]]; e++)
			;
		if (!(agent = strndup(s, an))) {
			rc = SL_ENOMEM;
			goto out;
		}
		rc = emit_group(E, SC_AGENT, agent, 0, by + k, e - k);
		free(agent);
		if (rc)
			goto out;
	}
	for (size_t k = 0, e; k < n; k = e) {
		int64_t w = dora_monday_of(dora_floor_day(f->start[rows[k]]));

		for (e = k + 1; e < n && f->start[rows[e]] < (w + 7) * DAY_MS; e++)
			;
		if ((rc = emit_group(E, SC_WEEK, NULL, w, rows + k, e - k)))
			goto out;
	}
	rc = SL_OK;
out:
	free(rows);
	free(by);
	free(E->lead);
	free(E->rec);
	E->lead = E->rec = NULL;
	return rc;
}

/* Loads the ranks file into G (bucket, below, n of each group) and checks
 * it agrees with p. */
static int load_ranks(const struct analyze_params *p, struct groups *G, char digest[17],
		      struct sl_errctx *err)
{
	struct sl_analysis *ra = NULL, *ref = sl_analysis_new();
	const struct sl_table *t;
	const char *d;
	int rc;

	if (!ref || agreement_meta(ref, p, RANKS_MAGIC, 0, NULL)) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	if ((rc = sl_anread_file(p->ranks, &ra, err)))
		goto out;
	{
		const char *magic = sl_analysis_get_meta_str(ra, "partial");

		if (!magic || strcmp(magic, RANKS_MAGIC)) {
			rc = sl_err_set(err, SL_EFORMAT, p->ranks, 0,
					"not a ranks file of shiplog-analyze --reduce --ranks");
			goto out;
		}
	}
	if ((rc = agree(ref, ra, p->ranks, err)))
		goto out;
	if (!(t = partial_table(ra, "ranks", rcols, NCOLS(rcols), p->ranks, err))) {
		rc = err->code;
		goto out;
	}
	for (size_t r = 0; r < sl_table_rows(t); r++) {
		struct dgroup *g;
		int64_t m, b, below, n;

		if ((rc = row_group(G, t, r, &g)) || partial_cell(t, 3, r, &m) || m < 0 || m >= NM ||
		    partial_cell(t, 4, r, &b) || partial_cell(t, 5, r, &below) || partial_cell(t, 6, r, &n)) {
			rc = rc == SL_ENOMEM ? sl_err_set(err, SL_ENOMEM, NULL, 0, NULL)
					     : sl_err_set(err, SL_EFORMAT, p->ranks, 0,
							  "row %zu is damaged", r + 1);
			goto out;
		}
		g->bucket[m] = b;
		g->below[m] = (uint64_t)below;
		g->n[m] = (uint64_t)n;
	}
	d = sl_analysis_get_meta_str(ra, "ranks");
	if (!d || strlen(d) != 16) {
		rc = sl_err_set(err, SL_EFORMAT, p->ranks, 0, "no digest of its ranks");
		goto out;
	}
	memcpy(digest, d, 17);
	rc = SL_OK;
out:
	sl_analysis_free(ra);
	sl_analysis_free(ref);
	return rc;
}

int mapred_map(const struct analyze_params *p0, const struct sl_store *st,
	       struct sl_errctx *err)
{
	struct analyze_params p = *p0;
	struct success_agg *acc = NULL;
	struct sl_analysis *part = sl_analysis_new();
	struct frame f = {0};
	struct groups G = {SL_U64MAP_INIT, NULL, 0, 0};
	struct emit E = {0};
	char digest[17] = "";
	int64_t lo, hi, shared = 0;
	int dora = mapred_wants(p0, "dora");
	/* the features' rows go in the second pass only: nothing of theirs
	 * needs ranks */
	int ft = mapred_wants(p0, "features") && p0->ranks;
	unsigned cols = (dora ? DORA_FRAME_COLS : 0) | (ft ? FEATURES_FRAME_COLS : 0);
	int rc = SL_ENOMEM;

	if (!part)
		goto nomem;
	if ((rc = success_new(&p, &acc, err)))
		goto out;
	if (p.ranks && (rc = load_ranks(&p, &G, digest, err)))
		goto out;
	mr_task_days(&p, success_scan_from(&p), p.map_k, p.map_n, &lo, &hi);
	if (hi > lo) {
		if ((rc = success_scan_range(&p, st, lo, hi, acc, err)))
			goto out;
		/* a task that starts inside a UTC day opens that day's
		 * partition as the task before it did: counted once */
		if (lo > success_scan_from(&p) && lo % DAY_MS) {
			char path[PATH_MAX];

			sl_store_partition_path(st, SL_KIND_DEPLOYMENTS, dora_floor_day(lo), path,
						sizeof(path));
			shared = access(path, F_OK) == 0;
		}
	}
	success_done(acc);
	/* the window's part of the task's days: the DORA rows */
	p.part_from = lo > p.from ? lo : p.from;
	p.part_to = hi < p.to ? hi : p.to;
	if (p.part_to > p.part_from && cols) {
		if ((rc = frame_load(&p, st, &f, cols, err)))
			goto out;
		if (dora) {
			uint32_t *r = malloc((f.n ? f.n : 1) * sizeof(*r));
			size_t n;

			if (!r)
				goto nomem;
			n = dora_counted_rows(&p, &f, r);
			rc = lookahead(&p, st, &f, r, n, p.part_to, err);
			free(r);
			if (rc)
				goto out;
		}
	}
	if (!(E.d = sl_table_new("partial_dora", dcols, NCOLS(dcols))) ||
	    !(E.h = sl_table_new("partial_dora_hist", hcols, NCOLS(hcols))) ||
	    !(E.v = sl_table_new("partial_dora_values", vcols, NCOLS(vcols))))
		goto nomem;
	E.f = &f;
	E.G = p.ranks ? &G : NULL;
	if (dora && f.n && emit_dora(&p, &f, &E))
		goto nomem;
	/* the pipelines' days are the window's only: cut among all tasks */
	if (mapred_wants(&p, "pipelines")) {
		int64_t plo, phi;

		mr_task_days(&p, p.from, p.map_k, p.map_n, &plo, &phi);
		if ((rc = mrpl_map(&p, st, plo, phi, part, err)))
			goto out;
	}
	if (agreement_meta(part, &p, PART_MAGIC, p.ranks ? 2 : 1, digest) ||
	    sl_analysis_meta_i64(part, "map_k", p.map_k) ||
	    sl_analysis_meta_i64(part, "input_files_part", (int64_t)success_files(acc)) ||
	    sl_analysis_meta_i64(part, "input_files_shared", shared))
		goto nomem;
	/* the features' rows stream to the file, a row group at a time */
	if (ft && ((rc = sl_analysis_open(part, p.out, err)) || (rc = mapred_ft_map(&f, part, err))))
		goto out;
	if (success_save(acc, part))
		goto nomem;
	{
		struct sl_table *t[3] = {E.d, E.h, E.v};

		E.d = E.h = E.v = NULL;
		for (int k = 0; k < 3; k++)
			if (sl_analysis_add(part, t[k])) {
				for (int j = k + 1; j < 3; j++)
					sl_table_free(t[j]);
				goto nomem;
			}
	}
	rc = sl_analysis_write(part, p.out, err);
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_table_free(E.d);
	sl_table_free(E.h);
	sl_table_free(E.v);
	frame_release(&f);
	groups_release(&G);
	success_free(acc);
	sl_analysis_free(part);
	return rc;
}

/* ---- the reduce ---- */

/* A partial's metadata and tables but the features' rows, which
 * mapred_ft.c reads a row group at a time (they are most of the file). */
static int read_partial(const char *path, struct sl_analysis **out, struct sl_errctx *err)
{
	struct sl_anfile *f = NULL;
	int rc;

	*out = NULL;
	if ((rc = sl_anfile_open(path, &f, err)))
		return rc;
	rc = sl_anfile_analysis(f, MAPRED_FT_ROWS, out, err);
	sl_anfile_close(f);
	return rc;
}

static int load_dora(struct groups *G, const struct sl_analysis *a, const char *path, int pass,
		     struct sl_errctx *err)
{
	const struct sl_table *d, *h, *v;

	if (!(d = partial_table(a, "partial_dora", dcols, NCOLS(dcols), path, err)) ||
	    !(h = partial_table(a, "partial_dora_hist", hcols, NCOLS(hcols), path, err)) ||
	    !(v = partial_table(a, "partial_dora_values", vcols, NCOLS(vcols), path, err)))
		return err->code;
	for (size_t r = 0; r < sl_table_rows(d); r++) {
		struct dgroup *g;
		int64_t x[7];
		int rc = row_group(G, d, r, &g);

		for (int k = 0; !rc && k < 7; k++)
			if (partial_cell(d, 3 + k, r, &x[k]) || x[k] < 0)
				rc = SL_EFORMAT;
		if (rc)
			goto bad;
		g->c.finished += (uint64_t)x[0];
		g->c.completed += (uint64_t)x[1];
		g->c.days += (uint64_t)x[2];
		g->c.lead_n += (uint64_t)x[3];
		g->c.cfr_failures += (uint64_t)x[4];
		g->c.failures += (uint64_t)x[5];
		g->c.recovered += (uint64_t)x[6];
	}
	for (size_t r = 0; r < sl_table_rows(h); r++) {
		struct dgroup *g;
		int64_t m, b, n;
		int rc = row_group(G, h, r, &g);

		if (!rc && (partial_cell(h, 3, r, &m) || m < 0 || m >= NM || partial_cell(h, 4, r, &b) ||
			    partial_cell(h, 5, r, &n) || n < 0))
			rc = SL_EFORMAT;
		if (!rc)
			rc = hist_add(g, (int)m, b, (uint64_t)n);
		if (rc)
			goto bad;
	}
	if (pass == 2)
		for (size_t r = 0; r < sl_table_rows(v); r++) {
			struct dgroup *g;
			int64_t m, x;
			int rc = row_group(G, v, r, &g);

			if (!rc && (partial_cell(v, 3, r, &m) || m < 0 || m >= NM || partial_cell(v, 4, r, &x)))
				rc = SL_EFORMAT;
			if (!rc)
				rc = val_add(g, (int)m, x);
			if (rc)
				goto bad;
		}
	return SL_OK;
bad:
	return sl_err_set(err, SL_EFORMAT, path, 0, "its dora counts are damaged (or out of memory)");
}

static int write_ranks(const struct analyze_params *p, struct groups *G, struct mrpl *pl,
		       struct sl_errctx *err)
{
	struct sl_analysis *a = sl_analysis_new();
	struct sl_table *t = sl_table_new("ranks", rcols, NCOLS(rcols));
	uint32_t *o = group_order(G);
	char digest[17];
	int rc = SL_ENOMEM;

	if (!a || !t || !o || ranks_digest(G, digest) ||
	    agreement_meta(a, p, RANKS_MAGIC, 0, digest))
		goto nomem;
	for (size_t k = 0; k < G->n; k++) {
		const struct dgroup *g = &G->g[o[k]];

		for (int m = 0; m < NM; m++) {
			if (g->bucket[m] < 0)
				continue;
			if (key_cells(t, g))
				goto nomem;
			sl_table_set_i64(t, 3, m);
			sl_table_set_i64(t, 4, g->bucket[m]);
			sl_table_set_i64(t, 5, (int64_t)g->below[m]);
			sl_table_set_i64(t, 6, (int64_t)g->n[m]);
		}
	}
	rc = sl_analysis_add(a, t);
	t = NULL;
	if (rc)
		goto nomem;
	if (pl && (rc = mrpl_ranks(pl, p, a, err)))
		goto out;
	rc = sl_analysis_write(a, p->ranks, err);
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_table_free(t);
	sl_analysis_free(a);
	free(o);
	return rc;
}

/* A group's keys: its counts and its two medians, found in the values
 * of the bucket that holds each rank. */
static int group_row(const struct analyze_params *p, struct dgroup *g, double weeks,
		     struct dora_row *out, struct sl_errctx *err)
{
	int64_t med[NM] = {0, 0};

	if (g->n[M_LEAD] != g->c.lead_n || g->n[M_REC] != g->c.recovered)
		return sl_err_set(err, SL_EFORMAT, NULL, 0,
				  "the partials' histograms do not add up to their counts");
	for (int m = 0; m < NM; m++) {
		if (!g->n[m])
			continue;
		if (g->bucket[m] < 0 || g->nvals[m] != g->hist[m][g->bucket[m]])
			return sl_err_set(err, SL_EFORMAT, NULL, 0,
					  "the partials of the second pass lack values of a "
					  "median's bucket (were they cut by these ranks?)");
		sl_sort_i64(g->vals[m], g->nvals[m]);
		med[m] = g->vals[m][(g->n[m] - 1) / 2 - g->below[m]];
	}
	dora_finish(&g->c, weeks, med[M_LEAD], med[M_REC], &p->cfg, out);
	return SL_OK;
}

static int dora_tables(const struct analyze_params *p, struct groups *G, struct sl_analysis *a,
		       struct sl_errctx *err)
{
	struct sl_table *t[3] = {NULL, NULL, NULL};
	struct dgroup *g, zero;
	struct dora_row d;
	double weeks = (double)(p->to - p->from) / WEEK_MS;
	uint32_t *o = NULL;
	int rc;

	memset(&zero, 0, sizeof(zero));
	/* the overall group first: it may be new, and the order holds it */
	if (!group_get(G, SC_ALL, NULL, 0) || !(o = group_order(G)) || dora_tables_new(t)) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	g = group_get(G, SC_ALL, NULL, 0);
	if ((rc = group_row(p, g, weeks, &d, err)))
		goto out;
	if (dora_add_window(t[0], &d))
		goto nomem;
	/* agents by name (group_order), as dora_run() writes them */
	for (size_t k = 0; k < G->n; k++) {
		g = &G->g[o[k]];
		if (g->scope != SC_AGENT || !g->c.finished)
			continue;
		if ((rc = group_row(p, g, weeks, &d, err)))
			goto out;
		if (dora_add_agent(t[1], g->agent, strlen(g->agent), &d))
			goto nomem;
	}
	/* every week of the window, those without deployments too */
	for (int64_t w = dora_monday_of(dora_floor_day(p->from)); w * DAY_MS < p->to; w += 7) {
		uint32_t *slot = sl_u64map_get(&G->map, group_key(SC_WEEK, NULL, w));

		g = slot ? &G->g[*slot] : &zero;
		if ((rc = group_row(p, g, dora_week_weeks(w, p->from, p->to), &d, err)))
			goto out;
		if (dora_add_week(t[2], w, p->from, p->to, &d))
			goto nomem;
	}
	rc = analysis_add_tables(a, t, 3, err);
	memset(t, 0, sizeof(t));
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	for (int k = 0; k < 3; k++)
		sl_table_free(t[k]);
	free(o);
	return rc;
}

int mapred_reduce(const struct analyze_params *p0, struct sl_errctx *err)
{
	struct analyze_params p = *p0;
	int pass = p.ranks ? 1 : 2, n = -1, rc = SL_ENOMEM;
	struct sl_analysis *ref = NULL, *out = NULL;
	struct success_agg *acc = NULL;
	struct success_counts sc = {0};
	uint64_t files = 0;
	struct groups G = {SL_U64MAP_INIT, NULL, 0, 0};
	unsigned char *seen = NULL;
	const char **by_task = NULL; /* the partials in task order */
	char ranks[17] = "";
	const char *first = NULL;
	struct mrpl *pl = mrpl_new();

	if (!pl)
		goto nomem;
	if ((rc = success_new(&p, &acc, err)))
		goto out;
	for (int i = 0; i < p.nparts; i++) {
		const char *path = p.parts[i], *r;
		struct sl_analysis *a = NULL;
		int64_t k, kn, ps, x;

		if ((rc = read_partial(path, &a, err)))
			goto out;
		if (sl_analysis_get_meta_i64(a, "map_n", &kn) || kn < 1 || kn > 100000 ||
		    sl_analysis_get_meta_i64(a, "map_k", &k) || k < 0 || k >= kn ||
		    sl_analysis_get_meta_i64(a, "pass", &ps) ||
		    !(r = sl_analysis_get_meta_str(a, "ranks"))) {
			sl_analysis_free(a);
			rc = sl_err_set(err, SL_EFORMAT, path, 0,
					"not a partial of shiplog-analyze --map");
			goto out;
		}
		if (n < 0) {
			/* the first partial says N; every other must agree with it */
			n = (int)kn;
			p.map_n = n;
			first = path;
			if (!(ref = sl_analysis_new()) ||
			    agreement_meta(ref, &p, PART_MAGIC, pass, NULL) ||
			    !(seen = calloc((size_t)n, 1)) ||
			    !(by_task = calloc((size_t)n, sizeof(*by_task)))) {
				sl_analysis_free(a);
				goto nomem;
			}
			memcpy(ranks, r, strlen(r) < 16 ? strlen(r) : 16);
		}
		if ((rc = agree(ref, a, path, err))) {
			sl_analysis_free(a);
			goto out;
		}
		if (ps != pass || strcmp(r, ranks)) {
			sl_analysis_free(a);
			rc = sl_err_set(err, SL_EINVAL, path, 0,
					ps != pass ? (pass == 1 ? "a partial of the second pass "
								  "(--map --ranks): its ranks are done"
								: "a partial of the first pass: reduce "
								  "those with --ranks FILE, then run the "
								  "maps again with --ranks FILE")
						   : "cut by other ranks than '%s'",
					first);
			goto out;
		}
		if (seen[k]) {
			sl_analysis_free(a);
			rc = sl_err_set(err, SL_EINVAL, path, 0, "task %lld of %d a second time",
					(long long)k, n);
			goto out;
		}
		seen[k] = 1;
		by_task[k] = path;
		rc = success_load(acc, a, path, err);
		if (!rc && mapred_wants(&p, "dora"))
			rc = load_dora(&G, a, path, pass, err);
		if (!rc && mapred_wants(&p, "pipelines"))
			rc = mrpl_load(pl, a, path, pass, err);
		if (!rc && !sl_analysis_get_meta_i64(a, "input_files_part", &x))
			files += (uint64_t)x;
		if (!rc && !sl_analysis_get_meta_i64(a, "input_files_shared", &x))
			files -= (uint64_t)x;
		sl_analysis_free(a);
		if (rc)
			goto out;
	}
	for (int k = 0; k < n; k++)
		if (!seen[k]) {
			rc = sl_err_set(err, SL_EINVAL, NULL, 0,
					"no partial of task %d of %d among the %d given", k, n,
					p.nparts);
			goto out;
		}
	find_ranks(&G);
	if (pass == 1) {
		rc = write_ranks(&p, &G, mapred_wants(&p, "pipelines") ? pl : NULL, err);
		goto out;
	}
	{
		char digest[17];

		if (ranks_digest(&G, digest))
			goto nomem;
		if (strcmp(digest, ranks)) {
			rc = sl_err_set(err, SL_EINVAL, first, 0,
					"the partials were cut by ranks of other partials: run "
					"the reduce with --ranks over the first pass again");
			goto out;
		}
	}
	/* finished as one run is: the tables, then the metadata */
	success_done(acc);
	if (!(out = sl_analysis_new()))
		goto nomem;
	if ((rc = success_tables(acc, &p.agents, 0, out, &sc, err)))
		goto out;
	sc.files = files; /* the maps' scans', each file once */
	if (analyze_add_meta(out, &p, &sc))
		goto nomem;
	/* started as one run starts it: the per-deployment tables stream */
	if ((rc = sl_analysis_open(out, p.out, err)))
		goto out;
	if (mapred_wants(&p, "dora") && (rc = dora_tables(&p, &G, out, err)))
		goto out;
	if (mapred_wants(&p, "features") &&
	    (rc = mapred_ft_reduce(&p, by_task, n, out, err)))
		goto out;
	if (mapred_wants(&p, "pipelines") && (rc = mrpl_tables(pl, &p, out, err)))
		goto out;
	rc = sl_analysis_write(out, p.out, err);
	goto out;
nomem:
	rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
out:
	sl_analysis_free(ref);
	sl_analysis_free(out);
	success_free(acc);
	groups_release(&G);
	mrpl_free(pl);
	free(seen);
	free(by_task);
	return rc;
}
