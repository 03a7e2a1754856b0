/* mapred_ft.c - the deployments' rows of the map, gathered by the reduce
 * into a feature set (mapred_ft.h).  What the features are and what is
 * done with them is featureset.c's, anomalies.c's and patterns.c's: this
 * file moves the fields they read between processes, as the frame holds
 * them, so that the set computes from the same values. */
#include "mapred_ft.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "featureset.h"
#include "sl_anread.h"
#include "sl_buf.h"
#include "sl_dict.h"

#define NAMES_TABLE "partial_features_names"

/* A row: the frame's columns FEATURES_FRAME_COLS reads and those every
 * frame has; null where the frame's is (FRAME_NONE, FRAME_NULL,
 * FRAME_NULL_COUNT, NaN; rollback_triggered -1).  Strings are codes into
 * the partial's names: a name a row would cost ten bytes and more. */
enum {
	C_ID, C_AGENT, C_ENV, C_STRATEGY, C_PHASE, C_ROLLBACK, C_START, C_DUR,
	C_TARGET, C_DEPLOYED, C_HEALTHY, C_FAILED, C_LATENCY, C_ERROR_RATE, C_CPU, C_MEMORY,
	NFCOLS
};

static const struct sl_rcol fcols[NFCOLS] = {
	{"deployment_id", SL_R_STR}, {"agent", SL_R_I64}, {"environment", SL_R_I64},
	{"strategy", SL_R_I64}, {"phase", SL_R_I64}, {"rollback_triggered", SL_R_I64},
	{"start_time", SL_R_I64}, {"duration_ms", SL_R_I64}, {"target_instances", SL_R_I64},
	{"deployed_instances", SL_R_I64}, {"healthy_instances", SL_R_I64},
	{"failed_instances", SL_R_I64}, {"latency_change", SL_R_F64},
	{"error_rate_change", SL_R_F64}, {"cpu_change", SL_R_F64}, {"memory_change", SL_R_F64}};
static const struct sl_rcol nmcols[] = {{"code", SL_R_I64}, {"name", SL_R_STR}};

/* ---- the map ---- */

static void set_count(struct sl_table *t, int c, const int32_t *col, size_t i)
{
	if (col[i] != FRAME_NULL_COUNT)
		sl_table_set_i64(t, c, col[i]);
}

int mapred_ft_map(const struct frame *f, struct sl_analysis *part, struct sl_errctx *err)
{
	struct sl_table *t = sl_table_new_stream(part, MAPRED_FT_ROWS, fcols, NFCOLS);
	struct sl_table *nt = NULL;

	/* ids rarely repeat: kept as they come, not hashed */
	if (!t || sl_table_set_flat(t, C_ID))
		goto nomem;
	for (size_t i = 0; i < f->n; i++) {
		if (!f->wanted[i])
			continue;
		if (sl_table_add_row(t) || frame_table_set_id(t, C_ID, f, i))
			goto nomem;
		sl_table_set_i64(t, C_AGENT, f->agent[i]);
		sl_table_set_i64(t, C_ENV, f->env[i]);
		if (f->strategy[i] != FRAME_NONE)
			sl_table_set_i64(t, C_STRATEGY, f->strategy[i]);
		sl_table_set_i64(t, C_PHASE, f->phase[i]);
		if (f->rb_flag[i] >= 0)
			sl_table_set_i64(t, C_ROLLBACK, f->rb_flag[i]);
		sl_table_set_i64(t, C_START, f->start[i]);
		if (f->dur[i] != FRAME_NULL)
			sl_table_set_i64(t, C_DUR, f->dur[i]);
		set_count(t, C_TARGET, f->target, i);
		set_count(t, C_DEPLOYED, f->deployed, i);
		set_count(t, C_HEALTHY, f->healthy, i);
		set_count(t, C_FAILED, f->failed, i);
		/* NaN is written as null */
		sl_table_set_f64(t, C_LATENCY, f->latency[i]);
		sl_table_set_f64(t, C_ERROR_RATE, f->error_rate[i]);
		sl_table_set_f64(t, C_CPU, f->cpu[i]);
		sl_table_set_f64(t, C_MEMORY, f->memory[i]);
	}
	if (sl_analysis_add(part, t)) {
		t = NULL;
		goto nomem;
	}
	t = NULL;
	/* the frame's names: its agents, environments and strategies */
	if (!(nt = sl_table_new(NAMES_TABLE, nmcols, 2)))
		goto nomem;
	for (uint32_t c = 0; f->names && c < sl_dict_count(f->names); c++) {
		if (sl_table_add_row(nt) || sl_table_set_name(nt, 1, f->names, c))
			goto nomem;
		sl_table_set_i64(nt, 0, c);
	}
	if (sl_analysis_add(part, nt))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	return SL_OK;
nomem:
	sl_table_free(t);
	sl_table_free(nt);
	return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
}

/* ---- the reduce ---- */

/* The window's rows, column by column as a frame holds them (what
 * feature_cols borrows), the ids as a frame keeps them (a UUID in 16
 * bytes): about 100 bytes a row. */
struct gather {
	size_t n, cap;
	struct sl_dict *names;
	uint32_t *agent, *env, *strategy;
	uint8_t *phase;
	int8_t *rb_flag;
	int64_t *start, *dur;
	int32_t *target, *deployed, *healthy, *failed;
	double *latency, *error_rate, *cpu, *memory;
	struct frame ids; /* the ids alone, kept as a frame keeps them (frame_set_id) */
};

/* An id longer than this is a damaged partial (the store bounds them). */
#define ID_MAX ((size_t)1 << 20)

static int gather_set_id(struct sl_table *t, int c, const void *ctx, size_t i)
{
	const struct gather *g = ctx;

	return frame_table_set_id(t, c, &g->ids, i);
}

static void gather_release(struct gather *g)
{
	sl_dict_free(g->names);
	free(g->agent);
	free(g->env);
	free(g->strategy);
	free(g->phase);
	free(g->rb_flag);
	free(g->start);
	free(g->dur);
	free(g->target);
	free(g->deployed);
	free(g->healthy);
	free(g->failed);
	free(g->latency);
	free(g->error_rate);
	free(g->cpu);
	free(g->memory);
	frame_release(&g->ids);
	memset(g, 0, sizeof(*g));
}

/* Room for cap rows, known before the first is read (the index says how
 * many each partial holds). */
static int gather_alloc(struct gather *g, size_t cap)
{
	size_t n = cap ? cap : 1;

	g->cap = cap;
	return !(g->names = sl_dict_new()) || !(g->agent = malloc(n * 4)) ||
	       !(g->env = malloc(n * 4)) || !(g->strategy = malloc(n * 4)) ||
	       !(g->phase = malloc(n)) || !(g->rb_flag = malloc(n)) ||
	       !(g->start = malloc(n * 8)) || !(g->dur = malloc(n * 8)) ||
	       !(g->target = malloc(n * 4)) || !(g->deployed = malloc(n * 4)) ||
	       !(g->healthy = malloc(n * 4)) || !(g->failed = malloc(n * 4)) ||
	       !(g->latency = malloc(n * 8)) || !(g->error_rate = malloc(n * 8)) ||
	       !(g->cpu = malloc(n * 8)) || !(g->memory = malloc(n * 8)) ||
	       !(g->ids.id = malloc(n * 8));
}

/* The table of f called name, with exactly the columns cols: its index,
 * or -1 with err set. */
static long find_table(struct sl_anfile *f, const char *path, const char *name,
		       const struct sl_rcol *cols, int ncols, struct sl_errctx *err)
{
	long i = sl_anfile_find(f, name);
	const struct sl_rcol *have;
	int n;

	if (i < 0) {
		sl_err_set(err, SL_EINVAL, path, 0,
			   "holds no deployments for the features: a partial of the first pass, "
			   "or of a map without them (--only)");
		return -1;
	}
	have = sl_anfile_cols(f, (size_t)i, &n);
	if (n != ncols) {
		sl_err_set(err, SL_EFORMAT, path, 0, "not a partial of this version: table '%s'",
			   name);
		return -1;
	}
	for (int c = 0; c < ncols; c++)
		if (strcmp(have[c].name, cols[c].name) || have[c].type != cols[c].type) {
			sl_err_set(err, SL_EFORMAT, path, 0, "table '%s': no column '%s'", name,
				   cols[c].name);
			return -1;
		}
	return i;
}

/* A whole number cell: 1 with *v set, 0 when null, -1 when not whole. */
static int cell(const struct sl_table *t, int c, size_t r, int64_t *v)
{
	double d;

	if (sl_table_get_f64(t, c, r, &d))
		return 0;
	return partial_cell(t, c, r, v) ? -1 : 1;
}

/* The codes of one partial's names into the reduce's: to[code] (*nto of
 * them). */
static int load_names(struct sl_anfile *f, const char *path, struct gather *g, uint32_t **to,
		      size_t *nto, struct sl_errctx *err)
{
	struct sl_table *t = NULL;
	long i = find_table(f, path, NAMES_TABLE, nmcols, 2, err);
	int rc;

	*to = NULL;
	if (i < 0)
		return err->code;
	if ((rc = sl_anfile_table(f, (size_t)i, &t, err)))
		return rc;
	*nto = sl_table_rows(t);
	if (!(*to = malloc((*nto ? *nto : 1) * sizeof(**to)))) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	for (size_t r = 0; r < *nto; r++) {
		int64_t code;
		const char *s = sl_table_get_str(t, 1, r);

		if (cell(t, 0, r, &code) != 1 || code != (int64_t)r || !s) {
			rc = sl_err_set(err, SL_EFORMAT, path, 0, "its names of the features are "
					"damaged (row %zu)", r + 1);
			goto out;
		}
		if (sl_dict_intern(g->names, s, strlen(s), &(*to)[r])) {
			rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
			goto out;
		}
	}
	rc = SL_OK;
out:
	sl_table_free(t);
	return rc;
}

/* A code of the partial's names (or null: FRAME_NONE when may_null). */
static int code_of(const struct sl_table *t, int c, size_t r, const uint32_t *to, size_t nto,
		   int may_null, uint32_t *out)
{
	int64_t v;
	int k = cell(t, c, r, &v);

	if (k == 0 && may_null) {
		*out = FRAME_NONE;
		return 0;
	}
	if (k != 1 || v < 0 || (uint64_t)v >= nto)
		return -1;
	*out = to[v];
	return 0;
}

static int count_of(const struct sl_table *t, int c, size_t r, int32_t *out)
{
	int64_t v;
	int k = cell(t, c, r, &v);

	*out = FRAME_NULL_COUNT;
	if (k < 0 || (k && (v <= INT32_MIN || v > INT32_MAX)))
		return -1;
	if (k)
		*out = (int32_t)v;
	return 0;
}

static double real_of(const struct sl_table *t, int c, size_t r)
{
	double d;

	return sl_table_get_f64(t, c, r, &d) ? NAN : d;
}

/* Row r of a row group of the partial into row g->n; -1 when damaged. */
static int take_row(struct gather *g, const struct sl_table *t, size_t r, const uint32_t *to,
		    size_t nto)
{
	size_t i = g->n;
	const char *id = sl_table_get_str(t, C_ID, r);
	size_t idn = id ? strlen(id) : 0;
	int64_t v;
	int k;

	if (!id || idn >= ID_MAX ||
	    code_of(t, C_AGENT, r, to, nto, 0, &g->agent[i]) ||
	    code_of(t, C_ENV, r, to, nto, 0, &g->env[i]) ||
	    code_of(t, C_STRATEGY, r, to, nto, 1, &g->strategy[i]) ||
	    cell(t, C_PHASE, r, &v) != 1 || v < 0 || v > SL_PHASE_OTHER)
		return -1;
	g->phase[i] = (uint8_t)v;
	if ((k = cell(t, C_ROLLBACK, r, &v)) < 0 || (k && v != 0 && v != 1))
		return -1;
	g->rb_flag[i] = k ? (int8_t)v : -1;
	/* frame order: the tasks' days follow one another */
	if (cell(t, C_START, r, &g->start[i]) != 1 || (i && g->start[i] < g->start[i - 1]))
		return -1;
	if ((k = cell(t, C_DUR, r, &g->dur[i])) < 0)
		return -1;
	if (!k)
		g->dur[i] = FRAME_NULL;
	if (count_of(t, C_TARGET, r, &g->target[i]) || count_of(t, C_DEPLOYED, r, &g->deployed[i]) ||
	    count_of(t, C_HEALTHY, r, &g->healthy[i]) || count_of(t, C_FAILED, r, &g->failed[i]))
		return -1;
	g->latency[i] = real_of(t, C_LATENCY, r);
	g->error_rate[i] = real_of(t, C_ERROR_RATE, r);
	g->cpu[i] = real_of(t, C_CPU, r);
	g->memory[i] = real_of(t, C_MEMORY, r);
	if (frame_set_id(&g->ids, i, id, idn))
		return -2;
	g->n++;
	return 0;
}

/* The rows of one partial, a row group at a time. */
static int load_rows(struct sl_anfile *f, const char *path, struct gather *g,
		     struct sl_errctx *err)
{
	long ti = find_table(f, path, MAPRED_FT_ROWS, fcols, NFCOLS, err);
	uint32_t *to = NULL;
	size_t nto = 0;
	int rc;

	if (ti < 0)
		return err->code;
	if ((rc = load_names(f, path, g, &to, &nto, err)))
		goto out;
	for (size_t k = 0; k < sl_anfile_ngroups(f, (size_t)ti); k++) {
		struct sl_table *t;

		if ((rc = sl_anfile_group(f, (size_t)ti, k, &t, err)))
			goto out;
		for (size_t r = 0; r < sl_table_rows(t); r++) {
			int bad = g->n >= g->cap ? -1 : take_row(g, t, r, to, nto);

			if (bad) {
				sl_table_free(t);
				rc = bad == -2 ? sl_err_set(err, SL_ENOMEM, NULL, 0, NULL)
					       : sl_err_set(err, SL_EFORMAT, path, 0,
							    "its deployments for the features are "
							    "damaged or out of order (row %zu of "
							    "group %zu)", r + 1, k + 1);
				goto out;
			}
		}
		sl_table_free(t);
	}
	rc = SL_OK;
out:
	free(to);
	return rc;
}

int mapred_ft_reduce(const struct analyze_params *p, const char *const *parts, int n,
		     struct sl_analysis *out, struct sl_errctx *err)
{
	struct gather g = {0};
	struct feature_set fs = {0};
	struct feature_cols c;
	size_t total = 0;
	int rc = SL_OK;

	/* how many rows there are, from the indexes: the columns are
	 * allocated once */
	for (int k = 0; !rc && k < n; k++) {
		struct sl_anfile *f;
		long ti;

		if ((rc = sl_anfile_open(parts[k], &f, err)))
			break;
		if ((ti = find_table(f, parts[k], MAPRED_FT_ROWS, fcols, NFCOLS, err)) < 0)
			rc = err->code;
		else
			total += sl_anfile_rows(f, (size_t)ti);
		sl_anfile_close(f);
	}
	if (rc)
		goto out;
	if (gather_alloc(&g, total)) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	for (int k = 0; !rc && k < n; k++) {
		struct sl_anfile *f;

		if (!(rc = sl_anfile_open(parts[k], &f, err)))
			rc = load_rows(f, parts[k], &g, err);
		sl_anfile_close(f);
	}
	if (rc)
		goto out;
	c = (struct feature_cols){
		.names = g.names, .agent = g.agent, .env = g.env, .strategy = g.strategy,
		.phase = g.phase, .rb_flag = g.rb_flag, .start = g.start, .dur = g.dur,
		.target = g.target, .deployed = g.deployed, .healthy = g.healthy,
		.failed = g.failed, .latency = g.latency, .error_rate = g.error_rate,
		.cpu = g.cpu, .memory = g.memory, .set_id = gather_set_id, .id_ctx = &g};
	if (!(rc = features_from_cols(&c, g.n, &fs, err)))
		rc = features_tables(p, &fs, out, err);
out:
	features_release(&fs);
	gather_release(&g);
	return rc;
}
