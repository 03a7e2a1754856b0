/* gen.h - shiplog-gen: a seeded generator of realistic shiplog input logs.
 *
 * Determinism: every entity (agent, release, deployment, pipeline run,
 * incident) draws from its own random stream, derived from the seed, a salt
 * per purpose and the entity's index.  Nothing consumes a global stream, so
 * the rows of one kind never depend on which other kinds are written, and
 * the same arguments always give the same bytes.
 *
 * Modules: cli.c (options), world.c (agents, releases, pipelines, time
 * profiles), deploy.c (deployments and the kinds hanging off them,
 * incidents, versions), pipeline.c (pipeline_runs, stage_runs,
 * gate_results), emit.c (rows to CSV / JSON Lines, --dirty, column order),
 * sink.c (output files; deflate on a worker pool), main.c (wiring). */
#ifndef GEN_H
#define GEN_H

#include <stddef.h>
#include <stdint.h>

#include "sl_schema.h"

#define GEN_PROG "shiplog-gen"
#define GEN_VERSION "0.1.0"

#define MS_SEC 1000LL
#define MS_MIN (60 * MS_SEC)
#define MS_HOUR (60 * MS_MIN)
#define MS_DAY (24 * MS_HOUR)

/* ---- parameters (cli.c) ---- */

enum gen_format { GEN_CSV = 0, GEN_JSONL = 1 };

struct gen_params {
	uint64_t seed;
	long deployments;
	long pipeline_runs;
	int agents;
	int64_t start_ms; /* midnight UTC of --start */
	int days;
	enum gen_format format;
	int gzip_level;   /* -1: plain files */
	unsigned kinds;   /* bit (1u << enum sl_kind) per kind written */
	double updates;   /* share of deployments with an earlier status row */
	double dirty;     /* share of damaged rows per kind */
	int shuffle;      /* seeded column order */
	int verbose;
	int threads;      /* deflate workers; 0: one per online CPU */
	const char *outdir;
};

/* Returns 0 to run, 1 when --help/--version was served (exit 0), or 2 after
 * printing a one-line hint for a misuse (exit 2). */
int gen_cli_parse(int argc, char **argv, struct gen_params *p);

/* ---- random streams ---- */

struct rng {
	uint64_t s;
	double spare; /* the second normal of the last Box-Muller pair */
	int has_spare;
};

static inline uint64_t gen_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A splitmix64 stream started at a hashed position: streams of
 * neighbouring indices are unrelated. */
static inline struct rng rng_for(uint64_t seed, uint64_t salt, uint64_t idx)
{
	struct rng r = {gen_mix64(gen_mix64(seed ^ salt) + idx * 0xd1b54a32d192ed03ULL), 0, 0};

	return r;
}

static inline uint64_t rng_next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return gen_mix64(r->s);
}

/* Uniform in [0, 1). */
static inline double rng_unif(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

static inline double rng_range(struct rng *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_unif(r);
}

/* Uniform in [0, n). */
static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

static inline int rng_chance(struct rng *r, double p)
{
	return rng_unif(r) < p;
}

double rng_normal(struct rng *r);
/* exp(N(log median, sigma)). */
double rng_lognormal(struct rng *r, double median, double sigma);
/* Index drawn with probability w[i] / sum(w). */
int rng_pick(struct rng *r, const double *w, int n);
/* Small Poisson counts (Knuth); lambda below ~30. */
int rng_poisson(struct rng *r, double lambda);

/* Salts: one per purpose, so no two purposes share a stream. */
enum gen_salt {
	SALT_AGENT = 0x1001,
	SALT_RELEASE,
	SALT_ARTIFACT,
	SALT_DEPLOY,
	SALT_CHECKPOINT,
	SALT_VALIDATION,
	SALT_METRIC,
	SALT_INCIDENT,
	SALT_INCIDENT_BG,
	SALT_PIPELINE,
	SALT_RUN,
	SALT_RUN_META,   /* pipeline_runs metadata */
	SALT_STAGE_META, /* stage_runs metadata */
	SALT_DIRTY,
	SALT_SHUFFLE,
	SALT_VERSIONROW,
};

/* ---- rows ---- */

enum gen_ftype {
	GF_NULL = 0,
	GF_STR,  /* text */
	GF_INT,  /* integer */
	GF_FIX,  /* v.i / 10^dec, written without trailing zeros */
	GF_BOOL,
	GF_TIME, /* epoch ms, written as ISO 8601 UTC with milliseconds */
	GF_JSON, /* a JSON object: nested in JSON Lines, a text field in CSV */
};

struct gen_field {
	uint8_t type;
	uint8_t dec;
	uint32_t len;
	union {
		const char *s;
		int64_t i;
	} v;
};

#define GEN_MAXCOLS 48
#define GEN_SCRATCH 4096

/* One row of a kind, indexed by the schema's column index.  Text fields
 * point either to static strings or into scratch, which lives as long as
 * the row. */
struct gen_row {
	int ncols;
	size_t used;
	struct gen_field f[GEN_MAXCOLS];
	char scratch[GEN_SCRATCH];
};

void row_reset(struct gen_row *r, int ncols);
/* Room for n bytes in the row's scratch; aborts on overflow (a bug). */
char *row_alloc(struct gen_row *r, size_t n);
/* Copies s into scratch. */
const char *row_dup(struct gen_row *r, const char *s, size_t n);

static inline void row_strn(struct gen_row *r, int c, const char *s, size_t n)
{
	r->f[c].type = GF_STR;
	r->f[c].len = (uint32_t)n;
	r->f[c].v.s = s;
}

void row_str(struct gen_row *r, int c, const char *s);
void row_json(struct gen_row *r, int c, const char *s);

static inline void row_int(struct gen_row *r, int c, int64_t v)
{
	r->f[c].type = GF_INT;
	r->f[c].v.i = v;
}

static inline void row_time(struct gen_row *r, int c, int64_t ms)
{
	r->f[c].type = GF_TIME;
	r->f[c].v.i = ms;
}

static inline void row_bool(struct gen_row *r, int c, int b)
{
	r->f[c].type = GF_BOOL;
	r->f[c].v.i = b != 0;
}

/* x rounded to dec (0..6) decimals. */
void row_fix(struct gen_row *r, int c, double x, int dec);

/* Resolves the generator's column names to schema indices; -1 and a
 * message on stderr when the schema lacks one (the generator is stale). */
int gen_colmap(enum sl_kind kind, const char *const *names, int n, int *out);

/* ---- output files (sink.c) ---- */

struct gen_pool;
struct gen_sink;

/* Worker threads that deflate (or just write) filled chunks in order.
 * level -1: plain output. */
struct gen_pool *gen_pool_new(int nthreads, int level);
void gen_pool_free(struct gen_pool *pool);
/* Nonzero once any write failed; the generator stops early. */
int gen_pool_failed(struct gen_pool *pool);

/* NULL with errno set when the file cannot be created. */
struct gen_sink *gen_sink_open(struct gen_pool *pool, const char *path);
/* A pointer with room for at least n (<= GEN_ROW_MAX) bytes. */
char *gen_sink_reserve(struct gen_sink *s, size_t n);
/* Commits n bytes written at the reserved pointer. */
void gen_sink_advance(struct gen_sink *s, size_t n);
/* Flushes, finishes the gzip stream and closes; 0, or an errno value.
 * Frees s in every case.  *bytes: size of the file written. */
int gen_sink_close(struct gen_sink *s, uint64_t *bytes);

#define GEN_ROW_MAX (64 * 1024)

/* ---- emitting rows (emit.c) ---- */

struct gen_out;

/* Opens OUTDIR/<kind>.<ext> and writes the header.  NULL after printing a
 * message naming the file. */
struct gen_out *gen_out_open(const struct gen_params *p, struct gen_pool *pool,
			     enum sl_kind kind);
void gen_out_row(struct gen_out *o, const struct gen_row *r);
/* 0, or 1 after printing a message naming the file. */
int gen_out_close(struct gen_out *o);
uint64_t gen_out_rows(const struct gen_out *o);

/* Text helpers shared by the row builders. */
char *put_u64(char *w, uint64_t v);
char *put_i64(char *w, int64_t v);
/* n random bytes as lowercase hex (2n chars, no terminator). */
char *put_hex(char *w, struct rng *r, int nbytes);
/* ISO 8601 UTC with milliseconds: 24 chars, no terminator. */
char *put_iso(char *w, int64_t ms);
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

/* ---- the world (world.c) ---- */

enum { ENV_DEV = 0, ENV_STAGING, ENV_PROD, ENV_COUNT };
enum { ST_BLUE_GREEN = 0, ST_CANARY, ST_ROLLING, ST_RECREATE, ST_SHADOW, ST_COUNT };

extern const char *const gen_env_names[ENV_COUNT];
extern const char *const gen_strategy_names[ST_COUNT];

/* Per (release, environment): what the deployment pass saw, for the
 * versions rows. */
struct rel_stats {
	uint32_t deployments, finished, completed, rollbacks, incidents;
	uint32_t groups; /* bit per target group that completed a deployment */
	double latency_sum;
};

struct release {
	int64_t commit_ms;         /* commit time of the release's head */
	int64_t prom_ms[ENV_COUNT]; /* promotion time, INT64_MAX if never */
	int maj, min, pat;
	int bad;                   /* a regression: more failures, slower */
	int build;
	char version[24];
	char commit[41];
	struct rel_stats st[ENV_COUNT];
};

#define GEN_MAXGROUPS 6

struct agent {
	char name[48];
	size_t name_len;
	double weight;  /* share of all deployments (normalised) */
	double risk;    /* failure multiplier */
	double speed;   /* duration multiplier */
	int instances;  /* typical production instance count */
	double strat_w[ST_COUNT];
	int method;     /* preferred deployment method */
	int ngroups;
	const char *groups[GEN_MAXGROUPS];
	const char *registry;
	int nartifacts;
	double image_mb;
	double base_err, base_p50, base_p95, base_rps;
	double coverage;
	int nrel;
	struct release *rel;
	/* Per environment: indices of promoted releases in promotion order
	 * and their promotion times, for the release current at a time. */
	int npromo[ENV_COUNT];
	int *promo[ENV_COUNT];
	int64_t *promo_ms[ENV_COUNT];
};

/* A piecewise-constant intensity over [start, now) in hourly bins, for
 * drawing the i-th of n sorted event times. */
struct timeprofile {
	int nbins;
	int64_t start_ms;
	double *cdf; /* nbins + 1 entries, cdf[0] = 0, cdf[nbins] = 1 */
};

struct world {
	const struct gen_params *p;
	int64_t start_ms, now_ms;
	int nagents;
	struct agent *agents;
	double *agent_cdf; /* cumulative weights for picking an agent */
	struct timeprofile deploy_tp, run_tp;
};

int world_init(struct world *w, const struct gen_params *p);
void world_release(struct world *w);
/* The i-th of n event times drawn from tp (non-decreasing in i). */
int64_t timeprofile_at(const struct timeprofile *tp, uint64_t i, uint64_t n, double u);
/* Agent for a uniform u. */
int world_pick_agent(const struct world *w, double u);
/* Release of agent a current in env at time t (-1 if none). */
int world_release_at(const struct agent *a, int env, int64_t t);

/* Vocabulary (world.c). */
extern const char *const gen_people[];
extern const int gen_npeople;
extern const char *const gen_bots[];
extern const int gen_nbots;
extern const char *const gen_methods[];
extern const int gen_nmethods;

/* ---- passes ---- */

/* deploy.c: deployments, checkpoints, artifacts, validations,
 * metric_samples, and (after the pass) incidents and versions.  outs[k]
 * is NULL for kinds not written.  0, or 1 when a write failed. */
int gen_deployments(struct world *w, struct gen_out **outs, struct gen_pool *pool);
/* pipeline.c: pipeline_runs, stage_runs, gate_results. */
int gen_pipelines(struct world *w, struct gen_out **outs, struct gen_pool *pool);

#endif
