#include "rollback.h"
#include "common.h"
#include "frame.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sl_hash.h"
#include "sl_stats.h"
#include "sl_u64map.h"
#include "sl_value.h"

#define DAY_MS 86400000LL
#define HOUR_MS 3600000LL
#define PRIOR_M 10.0 /* strength of each smoothing step, in deployments */

/* ---- templates ---- */

static int is_tok(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-' || c >= 0x80;
}

static int all_of(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr(set, s[i]))
			return 0;
	return n > 0;
}

static int is_uuid(const char *s, size_t n)
{
	if (n != 36)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((i == 8 || i == 13 || i == 18 || i == 23) ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int is_ipv4(const char *s, size_t n)
{
	int parts = 0, digits = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (!digits || digits > 3)
				return 0;
			parts++;
			digits = 0;
		} else if (isdigit((unsigned char)s[i])) {
			digits++;
		} else {
			return 0;
		}
	}
	return parts == 4;
}

/* Go-style durations after the number: 30s, 1500ms, 2m0s, 1h30m. */
static int is_duration_suffix(const char *s, size_t n)
{
	static const char *const units[] = {"ms", "us", "ns", "min", "s", "m", "h", "d"};
	size_t i = 0;

	if (!n)
		return 0;
	while (i < n) {
		size_t k, len = 0;

		for (k = 0; k < sizeof(units) / sizeof(units[0]); k++) {
			len = strlen(units[k]);
			if (i + len <= n && !memcmp(s + i, units[k], len) &&
			    (i + len == n || isdigit((unsigned char)s[i + len])))
				break;
		}
		if (k == sizeof(units) / sizeof(units[0]))
			return 0;
		i += len;
		while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.'))
			i++;
	}
	return 1;
}

static int is_size_suffix(const char *s, size_t n)
{
	static const char *const units[] = {"B",  "KB", "MB", "GB",  "TB",  "Ki",  "Mi", "Gi",
					    "Ti", "KiB", "MiB", "GiB", "TiB", "k",  "K",  "M", "G"};

	for (size_t k = 0; k < sizeof(units) / sizeof(units[0]); k++)
		if (n == strlen(units[k]) && !memcmp(s, units[k], n))
			return 1;
	return 0;
}

/* A piece of a word that looks generated: hex of 5+ with digits and
 * letters (7f9c4d), or 4+ letters and digits alternating at least twice
 * (x2k1, a12b); p95, v2, e2e and utf8 are words. */
static int is_id_piece(const char *s, size_t n)
{
	int digits = 0, alpha = 0, turns = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c))
			return 0;
		digits += isdigit(c) != 0;
		alpha += isalpha(c) != 0;
		if (i && (isdigit(c) != 0) != (isdigit((unsigned char)s[i - 1]) != 0))
			turns++;
	}
	if (n >= 5 && digits && alpha && all_of(s, n, "0123456789abcdefABCDEF"))
		return 1;
	return n >= 4 && turns >= 2;
}

/* One word of the text (a run of letters, digits, _ . -). */
static int word(const char *s, size_t n, struct sl_buf *out)
{
	size_t i = 0, dots = 0;

	if (is_uuid(s, n))
		return sl_buf_adds(out, "<uuid>");
	if (is_ipv4(s, n))
		return sl_buf_adds(out, "<ip>");
	if (isdigit((unsigned char)s[0]) || (s[0] == 'v' && n > 1 && isdigit((unsigned char)s[1]))) {
		i = s[0] == 'v';
		while (i < n && (isdigit((unsigned char)s[i]) || s[i] == '.'))
			dots += s[i++] == '.';
		if (i == n)
			return sl_buf_adds(out, dots >= 2 || s[0] == 'v' ? "<version>" : "<num>");
		if (s[0] != 'v' && dots <= 1) {
			if (is_duration_suffix(s + i, n - i))
				return sl_buf_adds(out, "<duration>");
			if (is_size_suffix(s + i, n - i))
				return sl_buf_adds(out, "<size>");
			if (n - i == 1 && s[i] == 'x')
				return sl_buf_adds(out, "<num>x");
		}
	}
	if (n >= 7 && all_of(s, n, "0123456789abcdef") && strpbrk(s, "0123456789") &&
	    !all_of(s, n, "0123456789"))
		return sl_buf_adds(out, "<hash>");
	/* pieces between - and _: a generated-looking piece makes the whole
	 * word an id (pod names); numbers among words are masked alone
	 * (kafka-broker-2, INC-40012, 20250312_1030_add_index) */
	for (size_t a = 0; a < n;) {
		size_t b = a;

		while (b < n && s[b] != '-' && s[b] != '_')
			b++;
		if (is_id_piece(s + a, b - a))
			return sl_buf_adds(out, "<id>");
		a = b + 1;
	}
	for (size_t a = 0; a < n;) {
		size_t b = a;
		int rc;

		while (b < n && s[b] != '-' && s[b] != '_')
			b++;
		rc = all_of(s + a, b - a, "0123456789") ? sl_buf_adds(out, "<num>")
							: sl_buf_add(out, s + a, b - a);
		if (rc || (b < n && sl_buf_addc(out, s[b])))
			return SL_ENOMEM;
		a = b + 1;
	}
	return SL_OK;
}

/* Whether the template so far ends in "requested by" (or triggered,
 * initiated, approved, rolled back by). */
static int by_person(const struct sl_buf *out)
{
	static const char *const ends[] = {"requested by", "triggered by", "initiated by",
					   "approved by", "back by"};

	for (size_t k = 0; k < sizeof(ends) / sizeof(ends[0]); k++) {
		size_t m = strlen(ends[k]);

		if (out->len >= m && !strncasecmp(out->data + out->len - m, ends[k], m) &&
		    (out->len == m || out->data[out->len - m - 1] == ' '))
			return 1;
	}
	return 0;
}

int rollback_template(const char *s, size_t n, struct sl_buf *out)
{
	size_t i = 0;
	int space = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (isspace(c)) {
			space = 1;
			i++;
			continue;
		}
		if (space && out->len && sl_buf_addc(out, ' '))
			return SL_ENOMEM;
		space = 0;
		if ((c == '"' || c == '\'') && (i == 0 || !isalnum((unsigned char)s[i - 1]))) {
			const char *e = memchr(s + i + 1, c, n - i - 1);

			if (e) {
				if (sl_buf_addc(out, (char)c) || sl_buf_adds(out, "<value>") ||
				    sl_buf_addc(out, (char)c))
					return SL_ENOMEM;
				i = (size_t)(e - s) + 1;
				continue;
			}
		}
		if (is_tok(c)) {
			size_t j = i, end;

			while (j < n && is_tok((unsigned char)s[j]))
				j++;
			end = j;
			/* a sentence's full stop or a dangling dash is not part of the word */
			while (end > i + 1 && (s[end - 1] == '.' || s[end - 1] == '-'))
				end--;
			if (word(s + i, end - i, out) || sl_buf_add(out, s + end, j - end))
				return SL_ENOMEM;
			i = j;
			/* "requested by José Müller (INC-1)": who asked is not the cause */
			if (by_person(out)) {
				size_t k = i;

				while (k < n && !strchr("(,;[", s[k]))
					k++;
				while (k > i && isspace((unsigned char)s[k - 1]))
					k--;
				if (k > i + 1 && (sl_buf_adds(out, " <user>")))
					return SL_ENOMEM;
				if (k > i + 1)
					i = k;
			}
			continue;
		}
		if (sl_buf_addc(out, (char)c))
			return SL_ENOMEM;
		i++;
	}
	return SL_OK;
}

static int has_ci(const char *s, const char *word_)
{
	size_t n = strlen(word_);

	for (; *s; s++)
		if (!strncasecmp(s, word_, n))
			return 1;
	return 0;
}

const char *rollback_category(const char *t)
{
	static const struct {
		const char *key, *category;
	} rules[] = {
		{"canary", "canary_analysis"},   {"migration", "database_migration"},
		{"error rate", "error_rate"},    {"5xx", "error_rate"},
		{"slo", "error_rate"},           {"latency", "latency"},
		{"oom", "resources"},            {"memory", "resources"},
		{"cpu", "resources"},            {"crashloop", "crash"},
		{"crash", "crash"},              {"health check", "health_check"},
		{"readiness", "health_check"},   {"liveness", "health_check"},
		{"imagepull", "artifact"},       {"manifest", "artifact"},
		{"image", "artifact"},           {"deadline", "timeout"},
		{"timeout", "timeout"},          {"timed out", "timeout"},
		{"config", "configuration"},     {"connection refused", "dependency"},
		{"dependency", "dependency"},    {"unreachable", "dependency"},
		{"manual", "manual"},            {"requested by", "manual"},
	};

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (has_ci(t, rules[i].key))
			return rules[i].category;
	return "other";
}

static const char *prevention(const char *category)
{
	static const struct {
		const char *category, *text;
	} p[] = {
		{"error_rate", "canary with automated error-rate analysis; contract and integration tests before rollout"},
		{"latency", "load and performance tests in staging; latency gates on the canary"},
		{"resources", "set memory and CPU limits from load tests; watch resource usage in staging"},
		{"crash", "start-up smoke tests; readiness probes that gate traffic"},
		{"health_check", "readiness probes and pre-traffic health checks; smaller rollout batches"},
		{"canary_analysis", "tighter pre-production validation so the canary is not the first test"},
		{"database_migration", "dry-run migrations on a production-sized copy; online schema changes"},
		{"artifact", "verify the image exists and is signed before the rollout starts"},
		{"timeout", "right-size progress deadlines; smaller batches; check capacity first"},
		{"configuration", "validate configuration against its schema in CI"},
		{"dependency", "check dependencies' health before deploying; retries with backoff"},
		{"manual", "record the reason; turn recurring manual rollbacks into automated checks"},
	};

	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (!strcmp(p[i].category, category))
			return p[i].text;
	return "review the rollback and add a validation that would have caught it";
}

/* ---- causes ---- */



struct cause_stat {
	uint32_t cause;
	uint64_t count, agents, envs, instances_n, unrecovered, example_row;
	double instances;
	int64_t ttr_med, rec_med; /* -1: none */
	int has_ttr, has_rec;
};

static _Thread_local const struct sl_dict *sort_tmpl;

static int cmp_stat(const void *x, const void *y)
{
	const struct cause_stat *a = x, *b = y;

	if (a->count != b->count)
		return a->count < b->count ? 1 : -1;
	return names_cmp(sort_tmpl, a->cause, b->cause);
}

struct cause_value {
	uint32_t cause;
	int64_t v;
};

static int cmp_pair(const void *x, const void *y)
{
	const struct cause_value *a = x, *b = y;

	if (a->cause != b->cause)
		return (a->cause > b->cause) - (a->cause < b->cause);
	return (a->v > b->v) - (a->v < b->v);
}

/* The rollback_causes table of h in *out (NULL on failure).  0 or
 * SL_ENOMEM. */
static int causes_table(const struct history *h, struct sl_table **out)
{
	struct sl_dict *tmpl = sl_dict_new();
	struct sl_buf b = SL_BUF_INIT;
	struct sl_u64map pairs = SL_U64MAP_INIT, by_reason = SL_U64MAP_INIT;
	struct sl_table *t = NULL;
	/* the rolled-back deployments (few): their rows, causes and recovery
	 * times (the frame's: from the end to the end of the next completed
	 * deployment of the same agent and environment that ends later; -1
	 * when none) */
	struct rolled {
		size_t row;
		uint32_t cause;
		int64_t rec;
	} *rb = NULL;
	struct cause_value *pairs_v = NULL;
	struct cause_stat *cs = NULL;
	uint64_t total = 0;
	size_t nc = 0, nv = 0, cap = 0;
	int rc = SL_ENOMEM;

	*out = NULL;
	if (!tmpl)
		goto out;
	for (size_t i = 0; i < h->n; i++) {
		const struct hist_row wv = hist_get(h, i), *w = &wv;
		uint32_t *tc;
		int added;

		if (!w->rolled_back)
			continue;
		if (sl_grow(&rb, &cap, total + 1, sizeof(*rb)))
			goto out;
		rb[total].row = i;
		rb[total].rec = w->has_end ? w->recovery : -1;
		/* a reason's template once, however often it was given */
		if (sl_u64map_put(&by_reason, w->reason, &tc, &added))
			goto out;
		if (added) {
			size_t n;
			const char *s = history_name(h, w->reason, &n);

			sl_buf_reset(&b);
			if (s ? rollback_template(s, n, &b) : sl_buf_adds(&b, "(no reason given)"))
				goto out;
			if (sl_dict_intern(tmpl, b.data ? b.data : "", b.len, tc))
				goto out;
		}
		rb[total++].cause = *tc;
	}
	nc = sl_dict_count(tmpl);
	if (!(cs = calloc(nc ? nc : 1, sizeof(*cs))) ||
	    !(pairs_v = malloc((total ? total : 1) * sizeof(*pairs_v))))
		goto out;
	for (size_t c = 0; c < nc; c++) {
		cs[c].cause = (uint32_t)c;
		cs[c].example_row = UINT64_MAX;
	}
	for (size_t k = 0; k < total; k++) {
		const struct hist_row wv = hist_get(h, rb[k].row), *w = &wv;
		struct cause_stat *c;
		uint32_t *v;
		int added;
		uint32_t key[3];

		c = &cs[rb[k].cause];
		c->count++;
		if (c->example_row == UINT64_MAX && w->reason != HIST_NONE)
			c->example_row = rb[k].row;
		key[0] = rb[k].cause;
		key[1] = 0;
		key[2] = w->agent;
		if (sl_u64map_put(&pairs, sl_hash(key, sizeof(key)), &v, &added))
			goto out;
		c->agents += added;
		key[1] = 1;
		key[2] = w->env;
		if (sl_u64map_put(&pairs, sl_hash(key, sizeof(key)), &v, &added))
			goto out;
		c->envs += added;
		if (w->deployed >= 0) {
			c->instances += (double)w->deployed;
			c->instances_n++;
		}
		c->unrecovered += rb[k].rec < 0;
	}
	/* lower medians per cause: (cause, value) pairs sorted, one run per cause */
	for (int which = 0; which < 2; which++) {
		nv = 0;
		for (size_t k = 0; k < total; k++) {
			const struct hist_row w = hist_get(h, rb[k].row);
			int64_t v = which ? rb[k].rec : w.end - w.start;

			if (which ? rb[k].rec >= 0 : w.has_end) {
				pairs_v[nv].cause = rb[k].cause;
				pairs_v[nv++].v = v;
			}
		}
		sl_sort(pairs_v, nv, sizeof(*pairs_v), cmp_pair);
		for (size_t c = 0; c < nc; c++)
			*(which ? &cs[c].rec_med : &cs[c].ttr_med) = -1;
		for (size_t a0 = 0; a0 < nv;) {
			size_t b0 = a0;

			while (b0 < nv && pairs_v[b0].cause == pairs_v[a0].cause)
				b0++;
			*(which ? &cs[pairs_v[a0].cause].rec_med : &cs[pairs_v[a0].cause].ttr_med) =
				pairs_v[a0 + (b0 - a0 - 1) / 2].v;
			a0 = b0;
		}
	}
	sort_tmpl = tmpl;
	sl_sort(cs, nc, sizeof(*cs), cmp_stat);
	if (!(t = sl_table_new_def(SL_T_ROLLBACK_CAUSES)))
		goto out;
	for (size_t c = 0; c < nc; c++) {
		size_t n;
		const char *s = sl_dict_get(tmpl, cs[c].cause, &n), *cat, *prev;

		/* the dictionary's strings are not NUL-terminated */
		sl_buf_reset(&b);
		if (sl_buf_add(&b, s, n))
			goto out;
		cat = rollback_category(sl_buf_cstr(&b));
		prev = prevention(cat);
		if (sl_table_add_row(t) || sl_table_set_str(t, SL_ROLLBACK_CAUSES_CAUSE, s, n) ||
		    sl_table_set_str(t, SL_ROLLBACK_CAUSES_CATEGORY, cat, strlen(cat)) ||
		    sl_table_set_str(t, SL_ROLLBACK_CAUSES_PREVENTION, prev, strlen(prev)))
			goto out;
		if (cs[c].example_row != UINT64_MAX) {
			const char *ex = history_name(h, hist_get(h, cs[c].example_row).reason, &n);

			if (sl_table_set_str(t, SL_ROLLBACK_CAUSES_EXAMPLE, ex, n))
				goto out;
		}
		sl_table_set_i64(t, SL_ROLLBACK_CAUSES_ROLLBACKS, (int64_t)cs[c].count);
		sl_table_set_f64(t, SL_ROLLBACK_CAUSES_SHARE, (double)cs[c].count / (double)total);
		sl_table_set_i64(t, SL_ROLLBACK_CAUSES_AGENTS, (int64_t)cs[c].agents);
		sl_table_set_i64(t, SL_ROLLBACK_CAUSES_ENVIRONMENTS, (int64_t)cs[c].envs);
		if (cs[c].ttr_med >= 0)
			sl_table_set_i64(t, SL_ROLLBACK_CAUSES_MEDIAN_TIME_TO_ROLLBACK_MS,
					 cs[c].ttr_med);
		if (cs[c].instances_n)
			sl_table_set_f64(t, SL_ROLLBACK_CAUSES_AVG_INSTANCES_AFFECTED,
					 cs[c].instances / (double)cs[c].instances_n);
		if (cs[c].rec_med >= 0)
			sl_table_set_i64(t, SL_ROLLBACK_CAUSES_MEDIAN_RECOVERY_MS, cs[c].rec_med);
		sl_table_set_i64(t, SL_ROLLBACK_CAUSES_UNRECOVERED, (int64_t)cs[c].unrecovered);
	}
	*out = t;
	t = NULL;
	rc = SL_OK;
out:
	sl_table_free(t);
	sl_dict_free(tmpl);
	sl_buf_release(&b);
	sl_u64map_release(&pairs);
	sl_u64map_release(&by_reason);
	free(rb);
	free(cs);
	free(pairs_v);
	return rc;
}

/* ---- risk ---- */

/* Conditions of a deployment that may raise its risk. */
enum { F_OFF_HOURS, F_LARGE_FLEET, F_NO_VALIDATIONS, F_RECENT_ROLLBACK, F_N };
static const char *const cond_names[F_N] = {"off_hours", "large_fleet", "no_validations",
					    "recent_rollback"};
static const char *const cond_mitigations[F_N] = {
	"deploy during staffed hours (08-18 UTC, weekdays)",
	"roll out in batches of at most 10% of the instances",
	"add pre-deployment validations (tests, migration dry-run)",
	"confirm the cause of the last rollback is fixed before deploying",
};

struct counts {
	double n, r;
};

/* The groups the counts are kept by: agent x environment x strategy,
 * environment x strategy, agent x environment; each group of the history
 * numbered once, so that a row's counts are found by its numbers, not by
 * nine look-ups of hashed keys. */
enum { K_AES, K_ES, K_AE };
#define RISK_NONE UINT32_MAX /* a group the history does not have */

struct risk_ids {
	uint32_t aes, es, ae;
};

struct risk_keys {
	struct sl_u64map map[3]; /* rkey() -> number, by K_* */
	size_t n[3];
	struct risk_ids *of;     /* the numbers of each aes number */
	size_t cap;
	uint32_t *row;           /* the aes number of each row of the history */
};

static uint64_t rkey(int kind, uint32_t agent, uint32_t env, uint32_t strat)
{
	uint32_t k[4] = {(uint32_t)kind, kind == K_ES ? 0 : agent, env, kind == K_AE ? 0 : strat};

	return sl_hash(k, sizeof(k));
}

static void risk_keys_release(struct risk_keys *k)
{
	for (int i = 0; i < 3; i++)
		sl_u64map_release(&k->map[i]);
	free(k->of);
	free(k->row);
	memset(k, 0, sizeof(*k));
}

/* The groups of h's rows, numbered.  0 or SL_ENOMEM. */
static int risk_keys_build(const struct history *h, struct risk_keys *k)
{
	memset(k, 0, sizeof(*k));
	if (!(k->row = malloc((h->n ? h->n : 1) * sizeof(*k->row))))
		return SL_ENOMEM;
	for (size_t i = 0; i < h->n; i++) {
		const struct frame *f = h->f;
		size_t fi = h->fr ? h->fr[i] : i;
		uint32_t agent = f->agent[fi], env = f->env[fi], strat = f->strategy[fi], *v;
		int added;

		if (sl_u64map_put(&k->map[K_AES], rkey(K_AES, agent, env, strat), &v, &added))
			goto nomem;
		if (added) {
			struct risk_ids ids;
			uint32_t *e, *a;
			int ea, aa;

			if (sl_grow(&k->of, &k->cap, k->n[K_AES] + 1, sizeof(*k->of)))
				goto nomem;
			*v = (uint32_t)k->n[K_AES]++;
			ids.aes = *v;
			if (sl_u64map_put(&k->map[K_ES], rkey(K_ES, agent, env, strat), &e, &ea))
				goto nomem;
			if (ea)
				*e = (uint32_t)k->n[K_ES]++;
			ids.es = *e;
			if (sl_u64map_put(&k->map[K_AE], rkey(K_AE, agent, env, strat), &a, &aa))
				goto nomem;
			if (aa)
				*a = (uint32_t)k->n[K_AE]++;
			ids.ae = *a;
			k->of[ids.aes] = ids;
		}
		k->row[i] = *v;
	}
	return SL_OK;
nomem:
	risk_keys_release(k);
	return SL_ENOMEM;
}

/* The numbers of a deployment's groups, RISK_NONE for those the history
 * does not have. */
static struct risk_ids risk_ids_of(const struct risk_keys *k, uint32_t agent, uint32_t env,
				   uint32_t strat)
{
	uint32_t *v[3];

	for (int i = 0; i < 3; i++)
		v[i] = sl_u64map_get(&k->map[i], rkey(i, agent, env, strat));
	return (struct risk_ids){v[K_AES] ? *v[K_AES] : RISK_NONE, v[K_ES] ? *v[K_ES] : RISK_NONE,
				 v[K_AE] ? *v[K_AE] : RISK_NONE};
}

/* Counts of the finished deployments that have ended so far, by group
 * number (n == 0: none of the group has). */
struct risk_state {
	struct counts *c[3]; /* by K_* */
	uint8_t *last;       /* by ae number: the latest one that ended rolled back */
	struct counts global, cond[F_N];
};

static int risk_init(struct risk_state *s, const struct risk_keys *k)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < 3; i++)
		if (!(s->c[i] = calloc(k->n[i] ? k->n[i] : 1, sizeof(*s->c[i]))))
			return SL_ENOMEM;
	return (s->last = calloc(k->n[K_AE] ? k->n[K_AE] : 1, 1)) ? SL_OK : SL_ENOMEM;
}

/* The counts of group number id of kind, NULL when none has ended. */
static const struct counts *rget(const struct risk_state *s, int kind, uint32_t id)
{
	return id != RISK_NONE && s->c[kind][id].n > 0 ? &s->c[kind][id] : NULL;
}

struct risk_in {
	uint32_t agent, env, strategy;
	double target, validations;
	int64_t start;
};

static void conditions(const struct risk_state *s, const struct risk_in *in,
		       const struct risk_ids *ids, int *f)
{
	int64_t day = sl_day_of_ms(in->start), ms = in->start - day * DAY_MS;
	int64_t wd = ((day % 7) + 7 + 3) % 7; /* 0 = Monday */

	f[F_OFF_HOURS] = wd >= 5 || ms < 8 * HOUR_MS || ms >= 18 * HOUR_MS;
	f[F_LARGE_FLEET] = in->target >= 50;
	f[F_NO_VALIDATIONS] = in->validations == 0;
	f[F_RECENT_ROLLBACK] = ids->ae != RISK_NONE && s->last[ids->ae];
}

static void risk_ingest(struct risk_state *s, const struct hist_row *w, const struct risk_ids *ids)
{
	struct risk_in in = {w->agent, w->env, w->strategy, w->target > 0 ? (double)w->target : 0,
			     w->validations, w->start};
	uint32_t id[3] = {ids->aes, ids->es, ids->ae};
	int f[F_N];

	conditions(s, &in, ids, f);
	for (int k = 0; k < 3; k++) {
		s->c[k][id[k]].n++;
		s->c[k][id[k]].r += w->rolled_back;
	}
	for (int k = 0; k < F_N; k++)
		if (f[k]) {
			s->cond[k].n++;
			s->cond[k].r += w->rolled_back;
		}
	s->global.n++;
	s->global.r += w->rolled_back;
	/* the latest outcome of the agent x environment */
	s->last[ids->ae] = w->rolled_back;
}

static double smooth(const struct counts *c, double prior)
{
	return c ? (c->r + PRIOR_M * prior) / (c->n + PRIOR_M) : prior;
}

struct risk_out {
	double p, base; /* probability and the base rate at the time */
	int factors[F_N + 2];
};

/* The scoring model: the Beta-smoothed rollback rate of the agent x
 * environment x strategy (shrunk towards environment x strategy, that
 * towards the overall rate), times the smoothed rate ratio of each
 * condition present (a naive-Bayes-style product), at most 0.99. */
static void risk_score(const struct risk_state *s, const struct risk_in *in,
		       const struct risk_ids *ids, struct risk_out *o)
{
	double pg = (s->global.r + 0.5) / (s->global.n + 1);
	double pes = smooth(rget(s, K_ES, ids->es), pg);
	double paes = smooth(rget(s, K_AES, ids->aes), pes);
	double pae = smooth(rget(s, K_AE, ids->ae), pg);
	double p = paes;
	int f[F_N];

	conditions(s, in, ids, f);
	memset(o->factors, 0, sizeof(o->factors));
	for (int k = 0; k < F_N; k++)
		if (f[k]) {
			double ratio = smooth(&s->cond[k], pg) / pg;

			p *= ratio;
			o->factors[k] = ratio > 1.2;
		}
	o->factors[F_N] = pae > 2 * pg;      /* agent_rollback_history */
	o->factors[F_N + 1] = pes > 1.5 * pg; /* strategy_rollback_rate */
	o->p = p > 0.99 ? 0.99 : p;
	o->base = pg;
}

static const char *const level_names[4] = {"low", "medium", "high", "critical"};

/* The levels fitted on the training part (fit_levels()): orig[] cuts the
 * scores at the training scores' 50th, 80th and 95th percentiles into
 * four levels (a score at a cut is in the level above it); where two
 * adjacent levels' training rollback rates are out of order they are
 * pooled (pool-adjacent-violators), so the rate never falls as the level
 * rises.  A pooled level takes the name of its lowest member. */
struct levels {
	double cut[3];
	int nb;          /* pooled levels */
	int first[4], last[4]; /* original levels first..last in each */
	int of[4];       /* pooled level of each original level */
	double n[4], r[4]; /* training deployments and rollbacks, pooled */
	char why[4][200]; /* what was pooled into it, and why */
};

static int orig_level(const struct levels *lv, double score)
{
	return score < lv->cut[0] ? 0 : score < lv->cut[1] ? 1 : score < lv->cut[2] ? 2 : 3;
}

static int level_index(const struct levels *lv, double score)
{
	return lv->of[orig_level(lv, score)];
}

static const char *risk_level(const struct levels *lv, double score)
{
	return level_names[lv->first[level_index(lv, score)]];
}

/* The validation advised at a pooled level (by the name it has). */
static const char *validation_for(int level)
{
	static const char *const v[4] = {
		"standard health checks",
		"smoke tests after the rollout",
		"canary analysis with automatic rollback",
		"manual approval, then a staged canary with soak time and automatic rollback",
	};
	return v[level];
}

static void risk_release(struct risk_state *s)
{
	for (int i = 0; i < 3; i++)
		free(s->c[i]);
	free(s->last);
	memset(s, 0, sizeof(*s));
}

static int add_sep(struct sl_buf *b)
{
	return b->len ? sl_buf_addc(b, ';') : SL_OK;
}

/* The finished deployments that have an end, by end time (then row):
 * the order they become history for a later one.  *ends is malloc'ed;
 * returns how many, and in *nf the finished ones.  SL_ENOMEM: -1. */
static long by_end(const struct history *h, struct sl_key_row **ends, size_t *nf)
{
	struct sl_key_row *tmp, *sorted;
	size_t ne = 0;

	*nf = 0;
	if (!(*ends = malloc((h->n ? h->n : 1) * sizeof(**ends))))
		return -1;
	for (size_t i = 0; i < h->n; i++) {
		const struct hist_row w = hist_get(h, i);

		if (w.finished && w.has_end)
			(*ends)[ne++] = (struct sl_key_row){w.end, i};
		*nf += w.finished;
	}
	/* rows go in increasing: a stable sort by end is by end, then row */
	if (!(tmp = malloc((ne ? ne : 1) * sizeof(*tmp)))) {
		free(*ends);
		*ends = NULL;
		return -1;
	}
	sorted = sl_sort_key_rows(*ends, tmp, ne);
	free(sorted == tmp ? *ends : tmp);
	*ends = sorted;
	return (long)ne;
}

/* Every deployment's score, from what had ended before it started. */
struct scored {
	size_t n;
	double *p, *base; /* probability, base rate at the time; p NaN: no history */
	uint8_t *factors; /* bit k: factor k of risk_out */
	uint8_t *train;   /* 1: finished, in the training part; 2: held out; 0 neither */
};

static void scored_release(struct scored *sc)
{
	free(sc->p);
	free(sc->base);
	free(sc->factors);
	free(sc->train);
	memset(sc, 0, sizeof(*sc));
}

/* Scores the deployments of h (their groups k) in order; the last 20% of
 * the finished ones (by start) are held out.  0 or SL_ENOMEM. */
static int score_all(const struct history *h, const struct risk_keys *keys, struct scored *sc)
{
	struct risk_state s;
	struct sl_key_row *ends = NULL;
	size_t ne, next = 0, nf = 0, seen = 0, hold_from;
	long got;
	int rc = SL_ENOMEM;

	memset(sc, 0, sizeof(*sc));
	sc->n = h->n;
	if (risk_init(&s, keys) || (got = by_end(h, &ends, &nf)) < 0 ||
	    !(sc->p = malloc((h->n ? h->n : 1) * sizeof(*sc->p))) ||
	    !(sc->base = malloc((h->n ? h->n : 1) * sizeof(*sc->base))) ||
	    !(sc->factors = malloc(h->n ? h->n : 1)) || !(sc->train = malloc(h->n ? h->n : 1)))
		goto out;
	ne = (size_t)got;
	hold_from = nf - nf / 5; /* the last 20% of the finished deployments */
	for (size_t i = 0; i < h->n; i++) {
		const struct hist_row wv = hist_get(h, i), *w = &wv;
		struct risk_in in = {w->agent, w->env, w->strategy,
				     w->target > 0 ? (double)w->target : 0, w->validations, w->start};
		struct risk_out o;

		/* what had ended before this deployment started */
		while (next < ne && ends[next].key <= w->start) {
			size_t r = ends[next++].row;
			const struct hist_row e = hist_get(h, r);

			risk_ingest(&s, &e, &keys->of[keys->row[r]]);
		}
		risk_score(&s, &in, &keys->of[keys->row[i]], &o);
		sc->factors[i] = 0;
		for (int k = 0; k < F_N + 2; k++)
			sc->factors[i] |= (uint8_t)(o.factors[k] ? 1u << k : 0);
		/* nothing had ended yet: no score, only the prior */
		sc->p[i] = s.global.n ? o.p : NAN;
		sc->base[i] = o.base;
		sc->train[i] = 0;
		if (w->finished && !isnan(sc->p[i]))
			sc->train[i] = seen >= hold_from ? 2 : 1;
		seen += w->finished;
	}
	rc = SL_OK;
out:
	free(ends);
	risk_release(&s);
	return rc;
}

int rollback_pool_levels(const double n[4], const double r[4], int first[4], int last[4])
{
	double pn[4], pr[4];
	int nb = 0;

	/* an empty level joins the one below it (the first, the one above) */
	for (int l = 0; l < 4; l++) {
		if (!n[l]) {
			if (nb)
				last[nb - 1] = l;
			continue;
		}
		first[nb] = nb ? l : 0;
		last[nb] = l;
		pn[nb] = n[l];
		pr[nb] = r[l];
		nb++;
		/* pool adjacent violators: the block below rolled back more often */
		while (nb > 1 && pr[nb - 2] / pn[nb - 2] > pr[nb - 1] / pn[nb - 1]) {
			pn[nb - 2] += pn[nb - 1];
			pr[nb - 2] += pr[nb - 1];
			last[nb - 2] = last[nb - 1];
			nb--;
		}
	}
	if (!nb) /* nothing to fit on: one level */
		first[nb++] = 0;
	last[nb - 1] = 3;
	return nb;
}

int rollback_verdict(const double *p, const double *b, const double *y, size_t n,
		     double *mean, double *upper)
{
	double sd = 0, sdd = 0, se;

	for (size_t i = 0; i < n; i++) {
		double d = (p[i] - y[i]) * (p[i] - y[i]) - (b[i] - y[i]) * (b[i] - y[i]);

		sd += d;
		sdd += d * d;
	}
	*mean = n ? sd / (double)n : NAN;
	se = n > 1 ? sqrt(fmax(0, (sdd - (double)n * *mean * *mean) / (double)(n - 1)) / (double)n)
		   : NAN;
	*upper = *mean + 1.96 * se;
	return *upper < 0;
}

/* The levels of struct levels from the training part of sc. */
static int fit_levels(const struct history *h, const struct scored *sc, struct levels *lv)
{
	static const double q[3] = {0.50, 0.80, 0.95};
	double *v = malloc((sc->n ? sc->n : 1) * sizeof(*v));
	size_t m = 0;
	double bn[4] = {0}, br[4] = {0};
	int lo[4], hi[4], nb = 0;

	if (!v)
		return SL_ENOMEM;
	memset(lv, 0, sizeof(*lv));
	for (size_t i = 0; i < sc->n; i++)
		if (sc->train[i] == 1)
			v[m++] = 100 * sc->p[i];
	for (int k = 0; k < 3; k++)
		/* the nearest rank: an observed score */
		lv->cut[k] = m ? sl_select_kth(v, m, (size_t)ceil(q[k] * (double)m) - 1) : 0;
	free(v);
	for (size_t i = 0; i < sc->n; i++)
		if (sc->train[i] == 1) {
			int l = orig_level(lv, 100 * sc->p[i]);

			bn[l]++;
			br[l] += hist_get(h, i).rolled_back;
		}
	nb = rollback_pool_levels(bn, br, lo, hi);
	lv->nb = nb;
	for (int b = 0; b < nb; b++) {
		size_t len = 0;

		lv->n[b] = lv->r[b] = 0;
		for (int l = lo[b]; l <= hi[b]; l++) {
			lv->n[b] += bn[l];
			lv->r[b] += br[l];
		}
		lv->first[b] = lo[b];
		lv->last[b] = hi[b];
		lv->why[b][0] = '\0';
		for (int l = lo[b]; l <= hi[b]; l++) {
			lv->of[l] = b;
			/* what was pooled: each level's training rollbacks */
			if (lo[b] < hi[b] && len < sizeof(lv->why[b]))
				len += (size_t)snprintf(lv->why[b] + len, sizeof(lv->why[b]) - len,
							"%s%s %.0f/%.0f", l > lo[b] ? ", " : "",
							level_names[l], br[l], bn[l]);
		}
		if (lo[b] < hi[b] && len < sizeof(lv->why[b]))
			snprintf(lv->why[b] + len, sizeof(lv->why[b]) - len,
				 " rolled back in training: pooled, the rates were out of order "
				 "(or a level was empty)");
	}
	return SL_OK;
}

static int levels_table(const struct history *h, const struct scored *sc,
			const struct levels *lv, struct sl_analysis *a)
{
	struct sl_table *t = sl_table_new_def(SL_T_ROLLBACK_RISK_LEVELS);
	double hn[4] = {0}, hr[4] = {0};

	if (!t)
		return SL_ENOMEM;
	for (size_t i = 0; i < sc->n; i++)
		if (sc->train[i] == 2) {
			int b = level_index(lv, 100 * sc->p[i]);

			hn[b]++;
			hr[b] += hist_get(h, i).rolled_back;
		}
	for (int b = 0; b < lv->nb; b++) {
		const char *name = level_names[lv->first[b]];

		if (sl_table_add_row(t) ||
		    sl_table_set_str(t, SL_ROLLBACK_RISK_LEVELS_RISK_LEVEL, name, strlen(name)) ||
		    sl_table_set_str(t, SL_ROLLBACK_RISK_LEVELS_POOLED, lv->why[b],
				     strlen(lv->why[b]))) {
			sl_table_free(t);
			return SL_ENOMEM;
		}
		if (lv->first[b] > 0)
			sl_table_set_f64(t, SL_ROLLBACK_RISK_LEVELS_MIN_SCORE,
					 lv->cut[lv->first[b] - 1]);
		if (lv->last[b] < 3)
			sl_table_set_f64(t, SL_ROLLBACK_RISK_LEVELS_MAX_SCORE, lv->cut[lv->last[b]]);
		sl_table_set_i64(t, SL_ROLLBACK_RISK_LEVELS_TRAINING_DEPLOYMENTS, (int64_t)lv->n[b]);
		sl_table_set_f64(t, SL_ROLLBACK_RISK_LEVELS_TRAINING_ROLLBACK_RATE,
				 lv->n[b] ? lv->r[b] / lv->n[b] : NAN);
		sl_table_set_i64(t, SL_ROLLBACK_RISK_LEVELS_HOLDOUT_DEPLOYMENTS, (int64_t)hn[b]);
		sl_table_set_f64(t, SL_ROLLBACK_RISK_LEVELS_HOLDOUT_ROLLBACK_RATE,
				 hn[b] ? hr[b] / hn[b] : NAN);
	}
	return sl_analysis_add(a, t);
}

/* The backtest over the held-out part: Brier scores of the model and of
 * the base rate, the skill score, and the verdict: better only when the
 * mean per-row difference d = (p - y)^2 - (b - y)^2 is below 0 by more
 * than 1.96 standard errors. */
static int backtest_table(const struct history *h, const struct scored *sc,
			  struct sl_analysis *a)
{
	struct sl_table *mt = metric_table_new(SL_T_ROLLBACK_RISK_BACKTEST);
	double *p = malloc((sc->n ? sc->n : 1) * sizeof(*p));
	double *b = malloc((sc->n ? sc->n : 1) * sizeof(*b));
	double *y = malloc((sc->n ? sc->n : 1) * sizeof(*y));
	double bs = 0, bb = 0, mean, upper;
	size_t n = 0;
	int better, rc = SL_ENOMEM;
	const char *note;

	if (!mt || !p || !b || !y)
		goto out;
	for (size_t i = 0; i < sc->n; i++)
		if (sc->train[i] == 2) {
			p[n] = sc->p[i];
			b[n] = sc->base[i];
			y[n] = hist_get(h, i).rolled_back;
			bs += (p[n] - y[n]) * (p[n] - y[n]);
			bb += (b[n] - y[n]) * (b[n] - y[n]);
			n++;
		}
	better = rollback_verdict(p, b, y, n, &mean, &upper);
	note = better ? "better than the base rate" : "no better than the base rate";
	if (metric_add(mt, "holdout_deployments", (double)n) ||
	    metric_add(mt, "brier", n ? bs / (double)n : NAN) ||
	    metric_add(mt, "brier_base_rate", n ? bb / (double)n : NAN) ||
	    metric_add(mt, "brier_skill", n && bb > 0 ? 1 - bs / bb : NAN) ||
	    metric_add(mt, "brier_difference", mean) ||
	    metric_add(mt, "brier_difference_upper_95", upper) ||
	    metric_add(mt, "better_than_base_rate", better) ||
	    sl_table_set_str(mt, SL_ROLLBACK_RISK_BACKTEST_NOTE, note, strlen(note)))
		goto out;
	rc = sl_analysis_add(a, mt);
	mt = NULL;
out:
	sl_table_free(mt);
	free(p);
	free(b);
	free(y);
	return rc;
}

/* The causes, built on a thread of their own beside the risk (they read
 * the history only); their table goes into the analysis before the
 * risk's, as when they were built first. */
struct causes_job {
	const struct history *h;
	struct sl_table *t;
	int rc, running;
	pthread_t th;
};

static void *causes_main(void *arg)
{
	struct causes_job *j = arg;

	j->rc = causes_table(j->h, &j->t);
	return NULL;
}

static void causes_start(struct causes_job *j, const struct history *h)
{
	*j = (struct causes_job){.h = h};
	j->running = !pthread_create(&j->th, NULL, causes_main, j);
	if (!j->running)
		causes_main(j);
}

/* Waits for the causes; adds their table to a (NULL: frees it). */
static int causes_finish(struct causes_job *j, struct sl_analysis *a)
{
	int rc;

	if (j->running)
		pthread_join(j->th, NULL);
	j->running = 0;
	rc = j->rc;
	if (!rc && a) {
		rc = sl_analysis_add(a, j->t); /* frees it on failure */
		j->t = NULL;
	}
	sl_table_free(j->t);
	j->t = NULL;
	j->rc = rc;
	return rc;
}

static int risk_tables(const struct history *h, struct sl_analysis *a, struct causes_job *cj)
{
	static const char *const hist_factors[2] = {"agent_rollback_history", "strategy_rollback_rate"};
	static const char *const hist_mitigations[2] = {
		"review the agent's recent rollbacks in this environment first",
		"use a strategy with a smaller blast radius (canary) or add a canary step",
	};
	struct scored sc;
	struct risk_keys keys;
	struct levels lv;
	struct sl_table *t = NULL;
	/* the factors and mitigations of each set of factors, written once
	 * (a million rows have at most 2^(F_N + 2) sets) */
	struct sl_buf fac[1 << (F_N + 2)], mit[1 << (F_N + 2)];
	uint8_t built[1 << (F_N + 2)] = {0};
	int rc = SL_ENOMEM;

	for (int m = 0; m < 1 << (F_N + 2); m++)
		fac[m] = mit[m] = (struct sl_buf)SL_BUF_INIT;
	memset(&sc, 0, sizeof(sc));
	if (risk_keys_build(h, &keys))
		goto out;
	rc = score_all(h, &keys, &sc);
	risk_keys_release(&keys);
	if (rc || (rc = fit_levels(h, &sc, &lv)))
		goto out;
	rc = SL_ENOMEM;
	if (!(t = sl_table_new_stream_def(a, SL_T_ROLLBACK_RISK)))
		goto out;
	for (size_t i = 0; i < h->n; i++) {
		const struct hist_row wv = hist_get(h, i), *w = &wv;
		double score = 100 * sc.p[i];
		const char *lname;
		unsigned set;
		int lv_name;

		if (sl_table_add_row(t) ||
		    frame_table_set_id(t, SL_ROLLBACK_RISK_DEPLOYMENT_ID, h->f, w->id) ||
		    sl_table_set_name(t, SL_ROLLBACK_RISK_AGENT_ID, h->names, w->agent) ||
		    sl_table_set_name(t, SL_ROLLBACK_RISK_ENVIRONMENT, h->names, w->env) ||
		    (w->strategy != HIST_NONE &&
		     sl_table_set_name(t, SL_ROLLBACK_RISK_ROLLOUT_STRATEGY, h->names, w->strategy)))
			goto out;
		sl_table_set_i64(t, SL_ROLLBACK_RISK_START_TIME, w->start);
		if (w->finished)
			sl_table_set_bool(t, SL_ROLLBACK_RISK_ROLLED_BACK, w->rolled_back);
		if (isnan(sc.p[i])) {
			/* nothing had ended yet: no score, only the prior */
			if (sl_table_set_str(t, SL_ROLLBACK_RISK_RISK_LEVEL, "unknown", 7) ||
			    sl_table_set_str(t, SL_ROLLBACK_RISK_RISK_FACTORS, "no_history", 10) ||
			    sl_table_set_str(t, SL_ROLLBACK_RISK_MITIGATIONS,
					     "deploy to a lower environment first", 35) ||
			    sl_table_set_str(t, SL_ROLLBACK_RISK_RECOMMENDED_VALIDATION,
					     validation_for(1), strlen(validation_for(1))))
				goto out;
			continue;
		}
		set = sc.factors[i] & ((1u << (F_N + 2)) - 1);
		for (int k = 0; !built[set] && k < F_N + 2; k++) {
			const char *name = k < F_N ? cond_names[k] : hist_factors[k - F_N];
			const char *m = k < F_N ? cond_mitigations[k] : hist_mitigations[k - F_N];

			if ((set >> k & 1) &&
			    (add_sep(&fac[set]) || sl_buf_adds(&fac[set], name) ||
			     add_sep(&mit[set]) || sl_buf_adds(&mit[set], m)))
				goto out;
		}
		built[set] = 1;
		lname = risk_level(&lv, score);
		lv_name = lv.first[level_index(&lv, score)];
		/* the level names and the sets' texts stay put until t is gone */
		if (sl_table_set_stable(t, SL_ROLLBACK_RISK_RISK_LEVEL, lname, strlen(lname)) ||
		    sl_table_set_stable(t, SL_ROLLBACK_RISK_RISK_FACTORS, sl_buf_cstr(&fac[set]),
					fac[set].len) ||
		    sl_table_set_stable(t, SL_ROLLBACK_RISK_MITIGATIONS, sl_buf_cstr(&mit[set]),
					mit[set].len) ||
		    sl_table_set_stable(t, SL_ROLLBACK_RISK_RECOMMENDED_VALIDATION,
				     validation_for(lv_name), strlen(validation_for(lv_name))))
			goto out;
		sl_table_set_f64(t, SL_ROLLBACK_RISK_RISK_SCORE, score);
	}
	if (causes_finish(cj, a) || sl_analysis_add(a, t))
		goto out;
	t = NULL;
	if (backtest_table(h, &sc, a) || levels_table(h, &sc, &lv, a))
		goto out;
	rc = SL_OK;
out:
	sl_table_free(t);
	for (int m = 0; m < 1 << (F_N + 2); m++) {
		sl_buf_release(&fac[m]);
		sl_buf_release(&mit[m]);
	}
	scored_release(&sc);
	return rc;
}

int rollback_plan(const struct history *h, uint32_t agent, uint32_t env, uint32_t strategy,
		  double target, double validations, int64_t start, struct rollback_plan_risk *out)
{
	struct risk_state s;
	struct risk_in in = {agent, env, strategy, target, validations, start};
	struct risk_out o;
	struct risk_ids ids;
	struct risk_keys k;
	struct scored sc;
	struct levels lv;
	int rc = SL_ENOMEM;
	struct sl_key_row *ends = NULL;
	size_t nf;
	long ne;

	memset(&s, 0, sizeof(s));
	memset(&sc, 0, sizeof(sc));
	/* the levels the rollback_risk table uses: fitted the same way */
	if (risk_keys_build(h, &k))
		return SL_ENOMEM;
	if (score_all(h, &k, &sc) || fit_levels(h, &sc, &lv) || risk_init(&s, &k) ||
	    (ne = by_end(h, &ends, &nf)) < 0)
		goto out;
	for (long i = 0; i < ne; i++) {
		const struct hist_row e = hist_get(h, ends[i].row);

		risk_ingest(&s, &e, &k.of[k.row[ends[i].row]]);
	}
	ids = risk_ids_of(&k, agent, env, strategy);
	risk_score(&s, &in, &ids, &o);
	out->score = s.global.n ? 100 * o.p : NAN;
	out->level = s.global.n ? risk_level(&lv, out->score) : "unknown";
	rc = SL_OK;
out:
	free(ends);
	scored_release(&sc);
	risk_release(&s);
	risk_keys_release(&k);
	return rc;
}

int rollback_tables(const struct history *h, struct sl_analysis *a, struct sl_errctx *err)
{
	struct causes_job cj;
	int rc;

	causes_start(&cj, h);
	rc = risk_tables(h, a, &cj);
	causes_finish(&cj, NULL); /* when risk_tables() failed before it */
	if (rc)
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	return SL_OK;
}
