#include "common.h"

#include "sl_fsum.h"
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_stats.h"
#include "sl_err.h"
#include "sl_hash.h"
#include "sl_teams.h"
#include "sl_u64map.h"

int names_cmp(const struct sl_dict *d, uint32_t a, uint32_t b)
{
	size_t na, nb;
	const char *sa = sl_dict_get(d, a, &na), *sb = sl_dict_get(d, b, &nb);
	int c = memcmp(sa, sb, na < nb ? na : nb);

	return c ? c : (na > nb) - (na < nb);
}

static _Thread_local const struct sl_dict *order_d;

static int cmp_order(const void *x, const void *y)
{
	return names_cmp(order_d, *(const uint32_t *)x, *(const uint32_t *)y);
}

int names_in_order(const struct sl_dict *d, uint32_t *codes, size_t n, uint32_t *to,
		   struct sl_dict **out)
{
	struct sl_dict *nd = sl_dict_new();

	*out = NULL;
	if (!nd)
		return SL_ENOMEM;
	order_d = d;
	sl_sort(codes, n, sizeof(*codes), cmp_order);
	for (size_t k = 0; k < n; k++) {
		size_t len;
		const char *s = sl_dict_get(d, codes[k], &len);

		if (sl_dict_intern(nd, s, len, &to[codes[k]])) {
			sl_dict_free(nd);
			return SL_ENOMEM;
		}
	}
	*out = nd;
	return SL_OK;
}

int is_str(const char *s, size_t n, const char *want)
{
	return s && n == strlen(want) && !memcmp(s, want, n);
}

int agent_set_match(const struct agent_set *s, const char *agent, size_t n)
{
	char buf[512], *name = buf;
	int yes = 0;

	if (!s || !s->n)
		return 1;
	if (!agent)
		return 0;
	if (n >= sizeof(buf) && !(name = malloc(n + 1)))
		return 0; /* out of memory: no agent of so long a name */
	memcpy(name, agent, n);
	name[n] = '\0';
	/* a NUL inside the name: fnmatch sees a shorter one, which a glob
	 * could match; the store's names hold none (cells are text) */
	for (size_t k = 0; k < s->n && !yes; k++)
		yes = sl_pattern_matches(s->pat[k], name);
	if (name != buf)
		free(name);
	return yes;
}

int agent_set_codes(const struct agent_set *s, const struct sl_dict *d, uint8_t **out)
{
	uint32_t count = sl_dict_count(d);

	if (!(*out = malloc(count ? count : 1)))
		return SL_ENOMEM;
	for (uint32_t c = 0; c < count; c++) {
		size_t n;
		const char *str = sl_dict_get(d, c, &n);

		(*out)[c] = (uint8_t)agent_set_match(s, str, n);
	}
	return SL_OK;
}

int env_wanted(const struct analyze_params *p, const char *env, size_t en)
{
	return !p->env || is_str(env, en, p->env);
}

int agent_env_wanted(const struct analyze_params *p, const char *agent, size_t an,
		     const char *env, size_t en)
{
	return env_wanted(p, env, en) && agent_set_match(&p->agents, agent, an);
}

static int cmp_str_at(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

void names_free(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

int store_agents(const struct sl_store *st, char ***names, size_t *n, struct sl_errctx *err)
{
	struct sl_dict *d = sl_dict_new();
	char **v = NULL;
	uint32_t count;
	int rc = SL_OK;

	*names = NULL;
	*n = 0;
	if (!d)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	for (int kind = 0; kind < SL_KIND_COUNT && !rc; kind++) {
		static const char *const col = "agent_id";
		int c = sl_kind_col((enum sl_kind)kind, col);
		struct sl_scan *sc = NULL;
		struct sl_batch *b;

		if (c < 0 || sl_kind_def((enum sl_kind)kind)->cols[c].type != SL_STR)
			continue;
		if ((rc = scan_kind_cols(st, (enum sl_kind)kind, SL_TIME_MIN, SL_TIME_MAX, &col, 1,
					 &c, &sc, err)))
			break;
		/* a row group's strings are its dictionary: each is seen once */
		while (!rc && (rc = sl_scan_next(sc, &b, err)) > 0) {
			rc = 0;
			for (uint32_t i = 0; i < sl_dict_count(b->cols[c].dict); i++) {
				size_t len;
				const char *s = sl_dict_get(b->cols[c].dict, i, &len);
				uint32_t code;

				if (sl_dict_intern(d, s, len, &code)) {
					rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
					break;
				}
			}
		}
		sl_scan_close(sc);
		rc = rc < 0 ? rc : SL_OK;
	}
	if (rc)
		goto out;
	count = sl_dict_count(d);
	if (!(v = calloc(count + 1, sizeof(*v)))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	for (uint32_t i = 0; i < count; i++) {
		size_t len;
		const char *s = sl_dict_get(d, i, &len);

		if (!(v[i] = malloc(len + 1))) {
			names_free(v, count);
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
		memcpy(v[i], s, len);
		v[i][len] = '\0';
	}
	sl_sort(v, count, sizeof(*v), cmp_str_at);
	*names = v;
	*n = count;
out:
	sl_dict_free(d);
	return rc;
}

int scan_kind_cols(const struct sl_store *st, enum sl_kind kind, int64_t from, int64_t to,
		   const char *const *names, int n, int *col, struct sl_scan **sc,
		   struct sl_errctx *err)
{
	uint8_t want[64] = {0};

	for (int i = 0; i < n; i++) {
		col[i] = sl_kind_col(kind, names[i]);
		want[col[i]] = 1;
	}
	return sl_scan_open(sc, st, kind, from, to, want, err);
}

int scan_deployments_cols(const struct sl_store *st, int64_t from, int64_t to,
			  const char *const *names, int n, int *col, struct sl_scan **sc,
			  struct sl_errctx *err)
{
	return scan_kind_cols(st, SL_KIND_DEPLOYMENTS, from, to, names, n, col, sc, err);
}

int scan_follow_cols(const struct sl_store *st, enum sl_kind kind, int64_t from, int64_t to,
		     const char *const *names, int n, int *col, struct sl_scan **sc,
		     struct sl_errctx *err)
{
	from = from == SL_TIME_MIN ? SL_TIME_MIN : from - FOLLOW_BEFORE_MS;
	to = to == SL_TIME_MAX ? SL_TIME_MAX : to + FOLLOW_AFTER_MS;
	return scan_kind_cols(st, kind, from, to, names, n, col, sc, err);
}

int code_map_ready(struct code_map *m, const struct sl_batch *b, int c)
{
	size_t need = sl_dict_count(b->cols[c].dict);

	if (m->map && m->gen == b->gen)
		return SL_OK;
	if (need > m->cap) {
		uint32_t *p = realloc(m->map, need * sizeof(*p));

		if (!p)
			return SL_ENOMEM;
		m->map = p;
		m->cap = need;
	}
	for (size_t k = 0; k < need; k++)
		m->map[k] = CODE_MAP_UNSET;
	m->gen = b->gen;
	return SL_OK;
}

int code_map_intern(struct code_map *m, struct sl_dict *names, const struct sl_batch *b, int c,
		    size_t r, uint32_t none, uint32_t *code)
{
	uint32_t bc, *slot;

	*code = none;
	if (sl_batch_is_null(b, c, r))
		return SL_OK;
	if (code_map_ready(m, b, c))
		return SL_ENOMEM;
	bc = b->cols[c].v.code[r];
	slot = &m->map[bc];
	if (*slot == CODE_MAP_UNSET) {
		size_t n;
		const char *s = sl_dict_get(b->cols[c].dict, bc, &n);

		/* the row group's dictionary keeps each string's hash */
		if (sl_dict_intern_hashed(names, s, n, sl_dict_hash(b->cols[c].dict, bc), slot))
			return SL_ENOMEM;
	}
	*code = *slot;
	return SL_OK;
}

void code_map_release(struct code_map *m)
{
	free(m->map);
	memset(m, 0, sizeof(*m));
}

int scan_row_of(struct code_map *m, const struct sl_scan *sc, const struct sl_batch *b,
		size_t r, int c_id, const struct sl_u64map *byid, uint32_t *row)
{
	uint32_t bc, *v;

	*row = UINT32_MAX;
	if (sl_batch_is_null(b, c_id, r) || !sl_scan_in_window(sc, b, r))
		return SL_OK;
	if (!m->map || m->gen != b->gen) {
		/* a new row group: every id of its dictionary looked up at once,
		 * each slot loaded a few look-ups ahead (the map is far larger
		 * than the cache, and most of the ids are there) */
		const struct sl_dict *d = b->cols[c_id].dict;
		size_t nd = sl_dict_count(d);

		if (code_map_ready(m, b, c_id))
			return SL_ENOMEM;
		for (size_t k = 0; k < nd; k++) {
			if (k + 8 < nd)
				sl_u64map_prefetch(byid, sl_dict_hash(d, (uint32_t)(k + 8)));
			v = sl_u64map_get(byid, sl_dict_hash(d, (uint32_t)k));
			m->map[k] = v ? *v : UINT32_MAX;
		}
	}
	bc = b->cols[c_id].v.code[r];
	if (m->map[bc] == CODE_MAP_UNSET) {
		/* the batch's dictionary keeps each string's hash */
		v = sl_u64map_get(byid, sl_dict_hash(b->cols[c_id].dict, bc));
		m->map[bc] = v ? *v : UINT32_MAX;
	}
	*row = m->map[bc];
	return SL_OK;
}

int analysis_add_tables(struct sl_analysis *a, struct sl_table **t, size_t n,
			struct sl_errctx *err)
{
	int rc = SL_OK;

	for (size_t i = 0; i < n; i++) {
		if (!rc && sl_analysis_add(a, t[i]))
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		else if (rc)
			sl_table_free(t[i]);
		t[i] = NULL;
	}
	return rc;
}

struct sl_table *metric_table_new(enum sl_tid id)
{
	return sl_table_new_def(id);
}

/* The backtests share one shape (SL_BACKTEST_COLS_ in sl_tables.h), so the
 * columns of one name those of all. */
int metric_add(struct sl_table *t, const char *name, double v)
{
	if (sl_table_add_row(t) ||
	    sl_table_set_str(t, SL_DURATION_BACKTEST_METRIC, name, strlen(name)))
		return SL_ENOMEM;
	sl_table_set_f64(t, SL_DURATION_BACKTEST_VALUE, v);
	return SL_OK;
}

int64_t lower_median(int64_t *v, size_t n)
{
	sl_sort_i64(v, n);
	return v[(n - 1) / 2];
}

double median_sorted(const double *v, size_t n)
{
	return !n ? NAN : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int group_rank(size_t n, const uint64_t *key, const int64_t *val, const uint8_t *has,
	       enum rank_rule rule, uint32_t *group, int64_t **stat, uint8_t **has_stat)
{
	struct sl_u64map gm = SL_U64MAP_INIT;
	size_t ng = 0, cap = 0, *cnt = NULL, *pos = NULL;
	int64_t *vals = NULL;
	int rc = SL_ENOMEM;

	*stat = NULL;
	*has_stat = NULL;
	for (size_t i = 0; i < n; i++) {
		uint32_t *v;
		int added;

		if (sl_u64map_put(&gm, key[i], &v, &added))
			goto out;
		if (added) {
			if (sl_grow(&cnt, &cap, ng + 1, sizeof(*cnt)))
				goto out;
			cnt[ng] = 0;
			*v = (uint32_t)ng++;
		}
		group[i] = *v;
		cnt[*v] += has[i] != 0;
	}
	/* counting sort of the values into one array, group by group */
	pos = calloc(ng + 1, sizeof(*pos));
	vals = malloc((n ? n : 1) * sizeof(*vals));
	*stat = calloc(ng ? ng : 1, sizeof(**stat));
	*has_stat = calloc(ng ? ng : 1, 1);
	if (!pos || !vals || !*stat || !*has_stat)
		goto out;
	for (size_t g = 0; g < ng; g++)
		pos[g + 1] = pos[g] + cnt[g];
	if (ng)
		memset(cnt, 0, ng * sizeof(*cnt));
	for (size_t i = 0; i < n; i++)
		if (has[i])
			vals[pos[group[i]] + cnt[group[i]]++] = val[i];
	for (size_t g = 0; g < ng; g++) {
		size_t k = pos[g + 1] - pos[g];

		if (!k)
			continue;
		sl_sort_i64(vals + pos[g], k);
		(*stat)[g] = vals[pos[g] + (rule == RANK_LOWER_MEDIAN
						    ? (k - 1) / 2
						    : (size_t)ceil(0.95 * (double)k) - 1)];
		(*has_stat)[g] = 1;
	}
	rc = SL_OK;
out:
	if (rc) {
		free(*stat);
		free(*has_stat);
		*stat = NULL;
		*has_stat = NULL;
	}
	sl_u64map_release(&gm);
	free(cnt);
	free(pos);
	free(vals);
	return rc;
}

/* Names longer than this are not compared (a damaged row's text). */
#define NEAR_MAX 256
#define NEAR_N 3

struct near {
	int score;
	size_t n;
	char s[NEAR_MAX];
};

/* How far the name a[0..na) is from b[0..nb), both at most NEAR_MAX: the
 * Levenshtein distance, or one more than the distance to the nearest
 * start of b when that is less ('prod' is 1 from 'production', 'paymnts'
 * 2 from 'payments-service'). */
static int near_score(const char *a, size_t na, const char *b, size_t nb)
{
	int row[NEAR_MAX + 1], best;

	for (size_t j = 0; j <= nb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= na; i++) {
		int diag = row[0];

		row[0] = (int)i;
		for (size_t j = 1; j <= nb; j++) {
			int up = row[j], d = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < d)
				d = up + 1;
			if (row[j - 1] + 1 < d)
				d = row[j - 1] + 1;
			diag = up;
			row[j] = d;
		}
	}
	best = row[nb];
	for (size_t j = 0; j < nb; j++)
		if (row[j] + 1 < best)
			best = row[j] + 1;
	return best;
}

static int near_cmp(const struct near *x, const struct near *y)
{
	int c;

	if (x->score != y->score)
		return x->score - y->score;
	c = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);
	return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* Offers s to the sorted best[0..*nb): kept when among the NEAR_N nearest.
 * A name has one rank, so a name once pushed out never comes back and
 * the result does not depend on the order names are met in. */
static void near_offer(struct near *best, int *nb, const char *want, const char *s, size_t n)
{
	size_t wn = strlen(want);
	struct near c;
	int i;

	if (n >= NEAR_MAX || wn >= NEAR_MAX)
		return;
	for (i = 0; i < *nb; i++)
		if (best[i].n == n && !memcmp(best[i].s, s, n))
			return;
	c.n = n;
	memcpy(c.s, s, n);
	c.score = near_score(want, wn, s, n);
	if (*nb == NEAR_N && near_cmp(&c, &best[NEAR_N - 1]) >= 0)
		return;
	i = *nb < NEAR_N ? (*nb)++ : NEAR_N - 1;
	for (; i > 0 && near_cmp(&c, &best[i - 1]) < 0; i--)
		best[i] = best[i - 1];
	best[i] = c;
}

int name_unknown(const struct sl_store *st, const enum sl_kind *kinds, size_t nk,
		 const char *col, const char *what, const char *name, int warn,
		 struct sl_errctx *err)
{
	struct near best[NEAR_N];
	int nb = 0, found = 0, rc = SL_OK;

	for (size_t k = 0; !found && k < (nk ? nk : (size_t)SL_KIND_COUNT); k++) {
		enum sl_kind kind = nk ? kinds[k] : (enum sl_kind)k;
		int c = sl_kind_col(kind, col);
		struct sl_scan *sc = NULL;
		struct sl_batch *b;

		if (c < 0 || sl_kind_def(kind)->cols[c].type != SL_STR)
			continue;
		if ((rc = scan_kind_cols(st, kind, SL_TIME_MIN, SL_TIME_MAX, &col, 1, &c, &sc,
					 err)))
			return rc;
		/* a row group's strings are its dictionary: each is seen once */
		while (!found && (rc = sl_scan_next(sc, &b, err)) > 0)
			for (uint32_t i = 0; !found && i < sl_dict_count(b->cols[c].dict); i++) {
				size_t n;
				const char *s = sl_dict_get(b->cols[c].dict, i, &n);

				if (is_str(s, n, name))
					found = 1;
				else
					near_offer(best, &nb, name, s, n);
			}
		sl_scan_close(sc);
		if (rc < 0)
			return rc;
		rc = SL_OK;
	}
	if (found)
		return 0;
	fprintf(stderr, "shiplog-analyze: %sno %s '%s' in the store", warn ? "warning: " : "",
		what, name);
	for (int i = 0; i < nb; i++)
		fprintf(stderr, "%s%.*s", i ? ", " : " (nearest: ", (int)best[i].n, best[i].s);
	fprintf(stderr, "%s\n", nb ? ")" : " (it holds none)");
	return 1;
}

int agent_env_unknown(const struct analyze_params *p, const struct sl_store *st,
		      const enum sl_kind *kinds, size_t nk, int warn, struct sl_errctx *err)
{
	int ra = 0, re = 0;

	/* a glob matches names; only a name can be unknown */
	if (p->agent && !strpbrk(p->agent, "*?[\\") &&
	    (ra = name_unknown(st, kinds, nk, "agent_id", "agent", p->agent, warn, err)) < 0)
		return ra;
	if (p->env &&
	    (re = name_unknown(st, kinds, nk, "environment", "environment", p->env, warn,
				 err)) < 0)
		return re;
	return ra || re;
}

const struct sl_table *partial_table(const struct sl_analysis *a, const char *name,
				     const struct sl_rcol *cols, int ncols, const char *path,
				     struct sl_errctx *err)
{
	const struct sl_table *t = sl_analysis_table(a, name);

	if (!t || sl_table_ncols(t) != ncols) {
		sl_err_set(err, SL_EFORMAT, path, 0, "not a partial of this version: no table '%s'",
			   name);
		return NULL;
	}
	for (int c = 0; c < ncols; c++)
		if (strcmp(sl_table_col_name(t, c), cols[c].name)) {
			sl_err_set(err, SL_EFORMAT, path, 0, "table '%s': no column '%s'", name,
				   cols[c].name);
			return NULL;
		}
	return t;
}

int partial_cell(const struct sl_table *t, int c, size_t r, int64_t *v)
{
	double d;

	if (sl_table_get_f64(t, c, r, &d) || fabs(d) >= 9007199254740992.0 || d != floor(d))
		return -1;
	*v = (int64_t)d;
	return 0;
}

/* The fixed-point words of an exact sum as hex (34 x 16 digits and the
 * flags): exact, and as long whatever the sum. */
int partial_fsum_put(struct sl_table *t, int c, const struct sl_fsum *s)
{
	char buf[SL_FSUM_WORDS * 16 + 4];
	int n = 0;

	for (int k = 0; k < SL_FSUM_WORDS; k++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%016llx",
			      (unsigned long long)s->w[k]);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%x", s->special & 7);
	return sl_table_set_str(t, c, buf, (size_t)n);
}

int partial_fsum_get(const char *hex, struct sl_fsum *s)
{
	char w[17];

	if (!hex || strlen(hex) != SL_FSUM_WORDS * 16 + 1)
		return -1;
	for (int k = 0; k < SL_FSUM_WORDS; k++) {
		char *end;

		memcpy(w, hex + 16 * k, 16);
		w[16] = 0;
		s->w[k] = strtoull(w, &end, 16);
		if (*end)
			return -1;
	}
	s->special = (unsigned)(hex[SL_FSUM_WORDS * 16] - '0');
	return s->special > 7 ? -1 : 0;
}
