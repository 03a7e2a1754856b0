#include "frame.h"
#include "common.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sl_buf.h"
#include "sl_hash.h"
#include "sl_scan.h"
#include "sl_stats.h"
#include "sl_u64map.h"

/* Every per-row array of struct frame with the optional column it belongs
 * to (0: every frame has it), for growing, ordering and freeing them
 * together. */
#define FRAME_COLUMNS(X) X(id, 0) FRAME_DATA_COLUMNS(X)
/* The same but the ids (kept as references into id_text, or not at all). */
#define FRAME_DATA_COLUMNS(X)                                                                \
	X(agent, 0) X(env, 0) X(phase, 0) X(rb_flag, 0) X(wanted, 0) X(start, 0)              \
	X(strategy, FC_STRATEGY) X(version, FC_VERSION) X(target_group, FC_GROUP)              \
	X(reason, FC_REASON) X(end, FC_END) X(dur, FC_DUR) X(commit, FC_COMMIT)                \
	X(target, FC_TARGET) X(deployed, FC_DEPLOYED) X(healthy, FC_HEALTHY)                   \
	X(failed, FC_FAILED) X(latency, FC_LATENCY) X(error_rate, FC_ERROR_RATE) X(cpu, FC_CPU) \
	X(memory, FC_MEMORY) X(artifact_bytes, FC_ARTIFACTS) X(validations, FC_VALIDATIONS)    \
	X(val_passed, FC_VAL_STATUS) X(val_failed, FC_VAL_STATUS)                              \
	X(val_skipped, FC_VAL_STATUS) X(incident, FC_INCIDENT) X(recovery, FC_RECOVERY)

/* Whether f holds the column of bit (0: every frame does). */
#define HOLDS(f, bit) (!(bit) || ((f)->cols & (bit)))

enum { C_ID, C_AGENT, C_ENV, C_PHASE, C_START, C_END, C_DUR, C_STRAT, C_VERSION, C_GROUP,
       C_REASON, C_RB, C_COMMIT, C_TARGET, C_DEPLOYED, C_HEALTHY, C_FAILED, C_LAT, C_ERR,
       C_CPU, C_MEM, NC };
/* the optional column each store column is read for (0: always read) */
static const unsigned colbit[NC] = {
	0, 0, 0, 0, 0, FC_END, FC_DUR, FC_STRATEGY, FC_VERSION, FC_GROUP, FC_REASON, 0,
	FC_COMMIT, FC_TARGET, FC_DEPLOYED, FC_HEALTHY, FC_FAILED, FC_LATENCY, FC_ERROR_RATE,
	FC_CPU, FC_MEMORY};
static const char *const colnames[NC] = {
	"deployment_id", "agent_id", "environment", "phase", "start_time", "end_time",
	"duration_ms", "rollout_strategy", "version", "target_group", "rollback_reason",
	"rollback_triggered", "commit_time", "target_instances", "deployed_instances",
	"healthy_instances", "failed_instances", "latency_change", "error_rate_change",
	"cpu_change", "memory_change"};

const char *frame_name(const struct frame *f, uint32_t code, size_t *n)
{
	if (code == FRAME_NONE) {
		*n = 0;
		return NULL;
	}
	return sl_dict_get(f->names, code, n);
}

uint32_t frame_code(const struct frame *f, const char *s)
{
	uint32_t count = sl_dict_count(f->names);
	size_t len = strlen(s);

	for (uint32_t c = 0; c < count; c++) {
		size_t n;
		const char *t = sl_dict_get(f->names, c, &n);

		if (n == len && !memcmp(t, s, n))
			return c;
	}
	return FRAME_NONE;
}

/* A UUID's text: 8-4-4-4-12 lowercase hex digits. */
#define UUID_LEN 36
/* Where the two digits of byte j of a UUID go in its text. */
static const unsigned char uuid_at[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};

static void uuid_text(const unsigned char *b, char *s)
{
	static const char hex[] = "0123456789abcdef";

	for (int j = 0; j < 16; j++) {
		s[uuid_at[j]] = hex[b[j] >> 4];
		s[uuid_at[j] + 1] = hex[b[j] & 15];
	}
	s[8] = s[13] = s[18] = s[23] = '-';
	s[UUID_LEN] = '\0';
}

/* A reference's length field that says "a UUID, as its 16 bytes". */
#define ID_PACKED 0xffffffu

/* s (UUID_LEN bytes) as the 16 bytes of a lowercase UUID into b; 0 when
 * it is not one (b is then garbage).  The digits are read without a test
 * each ((c & 15) + 9 * (c >> 6) is a lowercase hex digit's value) and the
 * bytes written out again are compared with s: every id of a million-row
 * frame goes through here. */
static int uuid_pack(const char *s, unsigned char *b)
{
	char back[UUID_LEN + 1];

	for (int j = 0; j < 16; j++) {
		unsigned hi = (unsigned char)s[uuid_at[j]], lo = (unsigned char)s[uuid_at[j] + 1];

		b[j] = (unsigned char)(((hi & 15) + 9 * (hi >> 6)) << 4 | (((lo & 15) + 9 * (lo >> 6)) & 15));
	}
	uuid_text(b, back);
	return !memcmp(back, s, UUID_LEN);
}

const char *frame_id(const struct frame *f, size_t i, char buf[FRAME_ID_BUF], size_t *n)
{
	uint64_t ref;

	if (!f->id) {
		*n = f->id_fixed;
		if (f->id_uuid) {
			uuid_text((const unsigned char *)f->id_text + i * 16, buf);
			return buf;
		}
		return f->id_text + i * f->id_fixed;
	}
	ref = f->id[i];
	if ((ref & 0xffffff) == ID_PACKED) {
		uuid_text((const unsigned char *)f->id_text + (ref >> 24), buf);
		*n = UUID_LEN;
		return buf;
	}
	*n = (size_t)(ref & 0xffffff);
	return f->id_text + (ref >> 24);
}

/* A lowercase UUID (as most tools write ids) is kept as its 16 bytes
 * from the start: the text would be more than twice that while the
 * frame loads. */
int frame_set_id(struct frame *f, size_t i, const char *s, size_t n)
{
	int packed;
	size_t w;

	/* room for either form; the UUID's bytes are written before it is
	 * known to be one */
	if (n >= ID_PACKED || sl_grow(&f->id_text, &f->id_cap, f->id_len + n + 17, 1))
		return SL_ENOMEM;
	packed = n == UUID_LEN && uuid_pack(s, (unsigned char *)f->id_text + f->id_len);
	w = packed ? 16 : n;
	if (!packed)
		memcpy(f->id_text + f->id_len, s, n);
	f->id[i] = (uint64_t)f->id_len << 24 | (packed ? ID_PACKED : n);
	f->id_len += w;
	return SL_OK;
}

int frame_table_set_id(struct sl_table *t, int c, const struct frame *f, size_t i)
{
	char buf[FRAME_ID_BUF];
	size_t n;
	const char *s = frame_id(f, i, buf, &n);

	return sl_table_set_str(t, c, s, n);
}

static int frame_begin_cols(struct frame *f, unsigned cols)
{
	memset(f, 0, sizeof(*f));
	f->cols = cols;
	return (f->names = sl_dict_new()) ? SL_OK : SL_ENOMEM;
}

int frame_begin(struct frame *f)
{
	return frame_begin_cols(f, FC_ALL);
}

int frame_append(struct frame *f, size_t *cap, size_t *row)
{
	size_t i = f->n;

	if (f->n == *cap) {
		size_t want = *cap ? *cap * 2 : 4096;

#define GROW(c, bit)                                                                         \
	if (HOLDS(f, bit)) {                                                                  \
		void *p = realloc(f->c, want * sizeof(*f->c));                                \
		if (!p)                                                                       \
			return SL_ENOMEM;                                                     \
		f->c = p;                                                                     \
	}
		FRAME_COLUMNS(GROW)
#undef GROW
		*cap = want;
	}
	f->id[i] = 0; /* the empty string at offset 0 */
	f->agent[i] = f->env[i] = FRAME_NONE;
	f->phase[i] = SL_PHASE_OTHER;
	f->rb_flag[i] = -1;
	f->wanted[i] = 1;
	f->start[i] = FRAME_NULL;
	/* the optional columns: null, none or 0 */
#define SET(c, v)                                                                            \
	if (f->c)                                                                             \
		f->c[i] = (v);
	SET(strategy, FRAME_NONE) SET(version, FRAME_NONE) SET(target_group, FRAME_NONE)
	SET(reason, FRAME_NONE) SET(end, FRAME_NULL) SET(dur, FRAME_NULL) SET(commit, FRAME_NULL)
	SET(target, FRAME_NULL_COUNT) SET(deployed, FRAME_NULL_COUNT)
	SET(healthy, FRAME_NULL_COUNT) SET(failed, FRAME_NULL_COUNT) SET(latency, NAN)
	SET(error_rate, NAN) SET(cpu, NAN) SET(memory, NAN) SET(artifact_bytes, 0)
	SET(validations, 0) SET(val_passed, 0) SET(val_failed, 0) SET(val_skipped, 0)
	SET(incident, 0) SET(recovery, FRAME_NULL)
#undef SET
	f->n++;
	*row = i;
	return SL_OK;
}

/* The frame code (in d) of row r's string in column c; FRAME_NONE when
 * null. */
static uint32_t code_of(struct sl_dict *d, struct code_map *x, const struct sl_batch *b, int c,
			size_t r, int *nomem)
{
	uint32_t code;

	if (code_map_intern(x, d, b, c, r, FRAME_NONE, &code))
		*nomem = 1;
	return code;
}

static int64_t int_of(const struct sl_batch *b, int c, size_t r)
{
	return sl_batch_is_null(b, c, r) ? FRAME_NULL : b->cols[c].v.i64[r];
}

/* An instance count: null beyond 32 bits (counted). */
static int32_t count_of(struct frame *f, const struct sl_batch *b, int c, size_t r)
{
	int64_t v;

	if (sl_batch_is_null(b, c, r))
		return FRAME_NULL_COUNT;
	v = b->cols[c].v.i64[r];
	if (v <= INT32_MIN || v > INT32_MAX) {
		f->counts_unread++;
		return FRAME_NULL_COUNT;
	}
	return (int32_t)v;
}

static double real_of(const struct sl_batch *b, int c, size_t r)
{
	return sl_batch_is_null(b, c, r) ? NAN : b->cols[c].v.f64[r];
}

enum { X_AGENT, X_ENV, X_STRAT, X_VERSION, X_GROUP, X_REASON, X_N };

static int take(struct frame *f, const struct analyze_params *p, const struct sl_batch *b,
		size_t r, const int *col, size_t *cap, struct sl_u64map *byid, struct code_map *xl)
{
	size_t n[4];
	const char *s[4];
	size_t i;
	uint32_t *v;
	uint64_t idh;
	int nomem = 0, added;

	/* the id map's slot of a row a few ahead (the map is far larger
	 * than the cache) */
	if (r + 8 < b->n && !sl_batch_is_null(b, col[C_ID], r + 8))
		sl_u64map_prefetch(byid, sl_dict_hash(b->cols[col[C_ID]].dict,
						      b->cols[col[C_ID]].v.code[r + 8]));
	for (int k = 0; k < 4; k++)
		if (!(s[k] = sl_batch_get_str(b, col[k], r, &n[k])))
			return SL_OK; /* required: the ingest never stores such a row */
	if (frame_append(f, cap, &i))
		return SL_ENOMEM;
	idh = sl_dict_hash(b->cols[col[C_ID]].dict, b->cols[col[C_ID]].v.code[r]);
	if (frame_set_id(f, i, s[C_ID], n[C_ID]))
		nomem = 1;
	f->agent[i] = code_of(f->names, &xl[X_AGENT], b, col[C_AGENT], r, &nomem);
	f->env[i] = code_of(f->names, &xl[X_ENV], b, col[C_ENV], r, &nomem);
	f->phase[i] = (uint8_t)sl_phase_of(s[C_PHASE], n[C_PHASE]);
	f->rb_flag[i] = sl_batch_is_null(b, col[C_RB], r) ? -1 : b->cols[col[C_RB]].v.u8[r] != 0;
	/* the agents are matched once per name, when the frame is done */
	f->wanted[i] = (uint8_t)env_wanted(p, s[C_ENV], n[C_ENV]);
	f->start[i] = b->cols[col[C_START]].v.i64[r];
	/* the optional columns asked for */
	if (f->strategy)
		f->strategy[i] = code_of(f->names, &xl[X_STRAT], b, col[C_STRAT], r, &nomem);
	if (f->version)
		f->version[i] = code_of(f->names, &xl[X_VERSION], b, col[C_VERSION], r, &nomem);
	if (f->target_group)
		f->target_group[i] = code_of(f->names, &xl[X_GROUP], b, col[C_GROUP], r, &nomem);
	/* a reason only for what was rolled back (and said) */
	if (f->reason && frame_rolled_back(f, i)) {
		size_t rn;
		const char *reason = sl_batch_get_str(b, col[C_REASON], r, &rn);

		if (reason && rn)
			f->reason[i] = code_of(f->names, &xl[X_REASON], b, col[C_REASON], r, &nomem);
	}
#define INT(c, k)                                                                            \
	if (f->c)                                                                             \
		f->c[i] = int_of(b, col[k], r);
#define COUNT(c, k)                                                                          \
	if (f->c)                                                                             \
		f->c[i] = count_of(f, b, col[k], r);
#define REAL(c, k)                                                                           \
	if (f->c)                                                                             \
		f->c[i] = real_of(b, col[k], r);
	INT(end, C_END) INT(dur, C_DUR) INT(commit, C_COMMIT)
	COUNT(target, C_TARGET) COUNT(deployed, C_DEPLOYED) COUNT(healthy, C_HEALTHY)
	COUNT(failed, C_FAILED)
	REAL(latency, C_LAT) REAL(error_rate, C_ERR) REAL(cpu, C_CPU) REAL(memory, C_MEM)
#undef INT
#undef COUNT
#undef REAL
	if (nomem || sl_u64map_put(byid, idh, &v, &added))
		return SL_ENOMEM;
	*v = (uint32_t)i;
	return SL_OK;
}

/* The frame's order: start time, then id. */
static _Thread_local const struct frame *order_f;

static int cmp_order(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	if (order_f->start[a] != order_f->start[b])
		return (order_f->start[a] > order_f->start[b]) -
		       (order_f->start[a] < order_f->start[b]);
	{
		size_t na, nb;
		char ba[FRAME_ID_BUF], bb[FRAME_ID_BUF];
		const char *sa = frame_id(order_f, a, ba, &na), *sb = frame_id(order_f, b, bb, &nb);
		int c = memcmp(sa, sb, na < nb ? na : nb);

		return c ? c : (na > nb) - (na < nb);
	}
}

/* Are the rows in the frame's order already?  A store written in time
 * order (the usual) is read in it. */
static int in_order(const struct frame *f)
{
	order_f = f;
	for (uint32_t i = 1; i < f->n; i++)
		if (f->start[i - 1] > f->start[i] ||
		    (f->start[i - 1] == f->start[i] && cmp_order(&(uint32_t){i - 1}, &i) >= 0))
			return 0;
	return 1;
}

/* Puts every column in the frame's order: a radix sort by start, then
 * the runs of equal starts (few) by id. */
static int put_in_order(struct frame *f)
{
	uint32_t *perm, *by;
	uint64_t *tmp;

	if (!f->n || in_order(f))
		return SL_OK; /* (with no rows the columns are not even allocated) */
	perm = malloc(f->n * sizeof(*perm));
	tmp = malloc(f->n * sizeof(*tmp));
	if (!perm || !tmp) {
		free(perm);
		free(tmp);
		return SL_ENOMEM;
	}
	for (size_t i = 0; i < f->n; i++)
		perm[i] = (uint32_t)i;
	/* tmp (8 bytes a row) is the sort's second array of rows */
	by = sl_sort_rows_by_key(perm, (uint32_t *)tmp, f->n, f->start);
	if (by != perm)
		memcpy(perm, by, f->n * sizeof(*perm));
	order_f = f;
	for (size_t a = 0, b; a < f->n; a = b) {
		for (b = a + 1; b < f->n && f->start[perm[b]] == f->start[perm[a]]; b++)
			;
		sl_sort(perm + a, b - a, sizeof(*perm), cmp_order);
	}
#define PERMUTE(c, bit)                                                                      \
	if (f->c) {                                                                           \
		size_t w = sizeof(*f->c);                                                     \
		for (size_t i = 0; i < f->n; i++)                                             \
			memcpy((char *)tmp + i * w, (char *)f->c + (size_t)perm[i] * w, w);  \
		memcpy(f->c, tmp, f->n * w);                                                  \
	}
	FRAME_COLUMNS(PERMUTE)
#undef PERMUTE
	free(perm);
	free(tmp);
	return SL_OK;
}

/* Codes that do not depend on the order rows were stored in: a new
 * dictionary takes the strings of the small columns (agents,
 * environments, strategies, versions, target groups, reasons) in byte
 * order.  Comparing two codes then compares their strings, and a sort by
 * code gives the same order whatever the storage order was. */
static int canonical_codes(struct frame *f)
{
	uint32_t *const cols[] = {f->agent, f->env, f->strategy, f->version, f->target_group,
				  f->reason}; /* the optional ones may be NULL */
	uint32_t count = sl_dict_count(f->names), nsmall = 0;
	uint32_t *map = malloc((count ? count : 1) * sizeof(*map));
	uint32_t *small = malloc((count ? count : 1) * sizeof(*small));
	struct sl_dict *d = NULL;
	int rc = SL_ENOMEM;

	if (!map || !small)
		goto out;
	for (uint32_t c = 0; c < count; c++)
		map[c] = FRAME_NONE;
	for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
		for (size_t i = 0; cols[k] && i < f->n; i++)
			if (cols[k][i] != FRAME_NONE && map[cols[k][i]] == FRAME_NONE) {
				map[cols[k][i]] = 0;
				small[nsmall++] = cols[k][i];
			}
	if (names_in_order(f->names, small, nsmall, map, &d))
		goto out;
	for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++)
		for (size_t i = 0; cols[k] && i < f->n; i++)
			if (cols[k][i] != FRAME_NONE)
				cols[k][i] = map[cols[k][i]];
	sl_dict_free(f->names);
	f->names = d;
	d = NULL;
	rc = SL_OK;
out:
	sl_dict_free(d);
	free(map);
	free(small);
	return rc;
}

/* What other kinds say of the deployments: artifacts' bytes, validations'
 * statuses, incidents. */
static int join(struct frame *f, const struct analyze_params *p, const struct sl_store *st,
		enum sl_kind kind, const struct sl_u64map *byid, struct sl_errctx *err)
{
	static const char *const art[] = {"deployment_id", "size_bytes"};
	static const char *const val[] = {"deployment_id", "status"};
	struct sl_scan *sc;
	struct sl_batch *b;
	struct code_map xl = {0, NULL, 0};
	int col[2], rc;

	if (kind == SL_KIND_ARTIFACTS) /* stored on their deployment's day */
		rc = scan_kind_cols(st, kind, p->from, p->to, art, 2, col, &sc, err);
	else if (kind == SL_KIND_VALIDATIONS) /* within the rollout */
		rc = scan_follow_cols(st, kind, p->from, p->to, val, 2, col, &sc, err);
	else /* incidents: may come long after */
		rc = scan_follow_cols(st, kind, p->from, SL_TIME_MAX, val, 1, col, &sc, err);
	if (rc)
		return rc;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++) {
			uint32_t row, *v = &row;
			size_t sn;
			const char *s;

			if (scan_row_of(&xl, sc, b, r, col[0], byid, &row)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto done;
			}
			if (row == UINT32_MAX)
				continue;
			switch (kind) {
			case SL_KIND_ARTIFACTS:
				if (!sl_batch_is_null(b, col[1], r) && b->cols[col[1]].v.i64[r] > 0)
					f->artifact_bytes[*v] += (double)b->cols[col[1]].v.i64[r];
				break;
			case SL_KIND_VALIDATIONS:
				if (f->validations)
					f->validations[*v]++;
				if (!f->val_passed)
					break;
				s = sl_batch_get_str(b, col[1], r, &sn);
				f->val_passed[*v] += is_str(s, sn, "passed");
				f->val_failed[*v] += is_str(s, sn, "failed");
				f->val_skipped[*v] += is_str(s, sn, "skipped");
				break;
			default:
				f->incident[*v] = 1;
				break;
			}
		}
done:
	sl_scan_close(sc);
	code_map_release(&xl);
	return rc < 0 ? rc : SL_OK;
}

struct join_job {
	struct frame *f;
	const struct analyze_params *p;
	const struct sl_store *st;
	const struct sl_u64map *byid;
	int rc;
	struct sl_errctx err;
};

static void *join_main(void *arg)
{
	struct join_job *j = arg;

	sl_err_clear(&j->err);
	j->rc = join(j->f, j->p, j->st, SL_KIND_VALIDATIONS, j->byid, &j->err);
	return NULL;
}

/* frame_recovery(): per agent × environment in frame order, each failure
 * with an end waits for the first later completed deployment that ends
 * after it. */
static int recoveries(struct frame *f)
{
	/* rows in frame order; per agent × environment a list of the
	 * failures still waiting (linked through next[]) */
	struct sl_u64map gm = SL_U64MAP_INIT;
	uint32_t *next = malloc((f->n ? f->n : 1) * sizeof(*next)), *head = NULL;
	size_t ng = 0, hcap = 0;
	int rc = SL_ENOMEM;

	if (!next)
		return SL_ENOMEM;
	for (size_t i = 0; i < f->n; i++) {
		uint32_t *g, *link;
		int added;

		if (f->end[i] == FRAME_NULL || (!frame_completed(f, i) && !frame_failure(f, i)))
			continue;
		if (sl_u64map_put(&gm, (uint64_t)f->agent[i] << 32 | f->env[i], &g, &added))
			goto out;
		if (added) {
			if (sl_grow(&head, &hcap, ng + 1, sizeof(*head)))
				goto out;
			head[ng] = UINT32_MAX;
			*g = (uint32_t)ng++;
		}
		if (frame_completed(f, i))
			for (link = &head[*g]; *link != UINT32_MAX;) {
				uint32_t q = *link;

				if (f->end[i] > f->end[q]) {
					f->recovery[q] = f->end[i] - f->end[q];
					*link = next[q];
				} else {
					link = &next[q];
				}
			}
		if (frame_failure(f, i)) {
			next[i] = head[*g];
			head[*g] = (uint32_t)i;
		}
	}
	rc = SL_OK;
out:
	sl_u64map_release(&gm);
	free(next);
	free(head);
	return rc;
}

int frame_group_durations(const struct frame *f, enum rank_rule rule, int by_strategy,
			  uint32_t *group, int64_t **stat, uint8_t **has)
{
	uint64_t *key = malloc((f->n ? f->n : 1) * sizeof(*key));
	uint8_t *known = malloc(f->n ? f->n : 1);
	int rc;

	if (!key || !known) {
		free(key);
		free(known);
		return SL_ENOMEM;
	}
	for (size_t i = 0; i < f->n; i++) {
		int64_t d;

		uint32_t k[3] = {f->agent[i], f->env[i], by_strategy ? f->strategy[i] : 0};

		/* unwanted rows share one group of their own, never read */
		key[i] = !f->wanted[i]   ? UINT64_MAX
			 : by_strategy ? sl_hash(k, sizeof(k))
				       : (uint64_t)f->agent[i] << 32 | f->env[i];
		known[i] = (uint8_t)(f->wanted[i] && frame_duration(f, i, &d));
	}
	rc = group_rank(f->n, key, f->dur, known, rule, group, stat, has);
	free(key);
	free(known);
	return rc;
}

/* Ids of one length (UUIDs, as most tools write them) laid out again in
 * frame order, so that row i's is at i times that length and the 8-byte
 * reference a row goes; UUIDs as their 16 bytes (the text is written out
 * again when asked for).  Other ids keep their references. */
static int fixed_ids(struct frame *f)
{
	size_t len = f->n ? (size_t)(f->id[0] & 0xffffff) : 0, w;
	int uuid = len == ID_PACKED;
	char *text;

	if (!len)
		return SL_OK;
	for (size_t i = 0; i < f->n; i++)
		if ((f->id[i] & 0xffffff) != len)
			return SL_OK;
	w = uuid ? 16 : len;
	if (!(text = malloc(f->n * w)))
		return SL_ENOMEM;
	for (size_t i = 0; i < f->n; i++)
		memcpy(text + i * w, f->id_text + (f->id[i] >> 24), w);
	free(f->id_text);
	free(f->id);
	f->id = NULL;
	f->id_text = text;
	f->id_len = f->id_cap = f->n * w;
	f->id_fixed = uuid ? UUID_LEN : len;
	f->id_uuid = uuid;
	return SL_OK;
}

int frame_finish(struct frame *f)
{
	if (put_in_order(f) || fixed_ids(f) || canonical_codes(f) ||
	    ((f->cols & FC_RECOVERY) && recoveries(f)))
		return SL_ENOMEM;
	return SL_OK;
}

int frame_load(const struct analyze_params *p, const struct sl_store *st, struct frame *f,
	       unsigned cols, struct sl_errctx *err)
{
	struct sl_u64map byid = SL_U64MAP_INIT;
	struct sl_scan *sc = NULL;
	struct sl_batch *b;
	struct code_map xl[X_N];
	struct join_job vj;
	pthread_t th;
	const char *names[NC];
	size_t cap = 0;
	int col[NC], got[NC], rc, vthread = 0, nn = 0;

	memset(xl, 0, sizeof(xl));
	if (cols & FC_RECOVERY)
		cols |= FC_END; /* from one end to the next */
	if (frame_begin_cols(f, cols & FC_ALL))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	/* only the store columns of the frame's columns are read; a map
	 * task's deployments are its share of the window (what is joined to
	 * them comes from the window's bounds, as in one run) */
	for (int k = 0; k < NC; k++)
		if (HOLDS(f, colbit[k]))
			names[nn++] = colnames[k];
	if ((rc = scan_deployments_cols(st, p->map_n ? p->part_from : p->from,
					p->map_n ? p->part_to : p->to, names, nn, got, &sc, err)))
		goto out;
	for (int k = 0, j = 0; k < NC; k++)
		col[k] = HOLDS(f, colbit[k]) ? got[j++] : -1;
	while ((rc = sl_scan_next(sc, &b, err)) > 0)
		for (size_t r = 0; r < b->n; r++)
			if (sl_scan_in_window(sc, b, r) && take(f, p, b, r, col, &cap, &byid, xl)) {
				rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
				goto out;
			}
	if (rc < 0)
		goto out;
	f->files = sl_scan_files(sc);
	/* the validations on a thread of their own (they fill columns of
	 * their own), the artifacts and incidents here */
	vj = (struct join_job){f, p, st, &byid, SL_OK, {0}};
	if (f->validations || f->val_passed)
		vthread = !pthread_create(&th, NULL, join_main, &vj);
	if ((f->validations || f->val_passed) && !vthread)
		join_main(&vj);
	rc = f->artifact_bytes ? join(f, p, st, SL_KIND_ARTIFACTS, &byid, err) : SL_OK;
	if (!rc && f->incident)
		rc = join(f, p, st, SL_KIND_INCIDENTS, &byid, err);
	if (vthread)
		pthread_join(th, NULL);
	if (!rc && vj.rc) {
		*err = vj.err;
		rc = vj.rc;
	}
	if (rc)
		goto out;
	sl_u64map_release(&byid); /* before the peak of frame_finish() */
	if (frame_finish(f) || frame_want_agents(f, &p->agents)) {
		rc = sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
		goto out;
	}
	rc = SL_OK;
out:
	sl_scan_close(sc);
	sl_u64map_release(&byid);
	for (int k = 0; k < X_N; k++)
		code_map_release(&xl[k]);
	if (rc)
		frame_release(f);
	return rc;
}

void frame_drop(struct frame *f, unsigned cols)
{
	cols &= f->cols;
#define DROP(c, bit)                                                                         \
	if ((bit) & cols) {                                                                   \
		free(f->c);                                                                   \
		f->c = NULL;                                                                  \
	}
	FRAME_COLUMNS(DROP)
#undef DROP
	f->cols &= ~cols;
}

int frame_want_agents(struct frame *f, const struct agent_set *set)
{
	uint8_t *in;

	if (!set || !set->n)
		return SL_OK;
	if (agent_set_codes(set, f->names, &in))
		return SL_ENOMEM;
	for (size_t i = 0; i < f->n; i++)
		f->wanted[i] &= in[f->agent[i]];
	free(in);
	return SL_OK;
}

int frame_select(const struct frame *f, const uint8_t *agents, struct frame *out)
{
	size_t cap = 0, ocap = 0, row;
	uint32_t count = sl_dict_count(f->names);

	/* the same columns as f */
	if (frame_begin_cols(out, f->cols))
		return SL_ENOMEM;
	/* the same dictionary, code for code: names interned in code order
	 * get the same codes, still in byte order */
	for (uint32_t c = 0; c < count; c++) {
		size_t n;
		const char *s = sl_dict_get(f->names, c, &n);
		uint32_t code;

		if (sl_dict_intern(out->names, s, n, &code) || code != c)
			goto nomem;
	}
	for (size_t i = 0; i < f->n; i++) {
		char buf[FRAME_ID_BUF];
		size_t n;
		const char *id;

		if (f->agent[i] == FRAME_NONE || !agents[f->agent[i]])
			continue;
		if (frame_append(out, &cap, &row) ||
		    (out->n > ocap && sl_grow(&out->origin, &ocap, out->n, sizeof(*out->origin))))
			goto nomem;
		out->origin[row] = (uint32_t)i;
		id = frame_id(f, i, buf, &n);
#define COPY(c, bit)                                                                         \
	if (HOLDS(f, bit))                                                                    \
		out->c[row] = f->c[i];
		FRAME_DATA_COLUMNS(COPY)
#undef COPY
		if (frame_set_id(out, row, id, n))
			goto nomem;
	}
	out->files = f->files;
	out->counts_unread = f->counts_unread;
	if (fixed_ids(out))
		goto nomem;
	return SL_OK;
nomem:
	frame_release(out);
	return SL_ENOMEM;
}

void frame_release(struct frame *f)
{
	if (!f)
		return;
	sl_dict_free(f->names);
	free(f->id_text);
	free(f->origin);
#define FREE(c, bit) free(f->c);
	FRAME_COLUMNS(FREE)
#undef FREE
	memset(f, 0, sizeof(*f));
}
