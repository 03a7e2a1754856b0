/* fuzz_mapply.c - `shiplog-ingest --map` on arbitrary input: a mapping
 * file (lib/sl_mapfile.c), then ingest/mapply.c over the records of the
 * CSV or JSON Lines reader (sources, fallbacks, pairs, paths into nested
 * values, ordinals, keep), then ingest/rowmap.c.  The input is the map's
 * text, a NUL byte, a byte whose bit 0 picks the reader (1: JSON Lines),
 * and the file.  Everything handed over is read back in full. */
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "glue.h"
#include "mapply.h"
#include "sl_input.h"

struct ctx {
	struct fuzz_sink sink;
	const struct sl_mapfile *m;
	struct mapply *ma;
	int is_csv;
};

static int on_header(void *vc, const char *const *names, size_t n, struct sl_errctx *err)
{
	struct ctx *c = vc;

	for (size_t i = 0; i < n; i++)
		fuzz_touch(names[i], strlen(names[i]));
	if (!(c->sink.rm = rowmap_new(c->m->kind, c->sink.ps)) || !(c->ma = mapply_new(c->m)))
		return sl_err_set(err, SL_ENOMEM, NULL, 0, NULL);
	return mapply_header(c->ma, names, n, c->is_csv, err);
}

static int on_record(void *vc, const struct record *rec, struct sl_errctx *err)
{
	struct ctx *c = vc;
	struct record out;
	const char *reason = NULL;
	int rc;

	fuzz_touch(rec->raw, rec->rawlen);
	rc = mapply_record(c->ma, rec, &out, &reason);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		fuzz_touch(reason, strlen(reason));
		return SL_OK;
	}
	for (size_t i = 0; i < out.nf; i++) {
		fuzz_touch(out.names[i], strlen(out.names[i]));
		if (out.f[i].kind == F_TEXT || out.f[i].kind == F_JSON)
			fuzz_touch(out.f[i].p, out.f[i].n);
	}
	return fuzz_sink_add(&c->sink, &out, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	struct sl_mapfile *m = NULL;
	struct ctx c;
	struct src_ops ops;
	struct sl_input *in = NULL;
	struct sl_errctx err;
	const char *first;
	char path[64];
	size_t mn;
	ssize_t n;
	int fd, rc = SL_OK;

	if (!nul || (size_t)(nul - data) + 2 > size)
		return 0;
	mn = (size_t)(nul - data);
	sl_err_clear(&err);
	if (sl_mapfile_parse((const char *)data, mn, "fuzz.map", &m, &err)) {
		fuzz_touch(err.msg, strlen(err.msg));
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.is_csv = !(nul[1] & 1);
	c.sink.kind = m->kind;
	if ((fd = fuzz_file(nul + 2, size - mn - 2, path)) < 0) {
		sl_mapfile_free(m);
		return 0;
	}
	if (!fuzz_sink_open(&c.sink, &ops)) {
		ops.header = on_header;
		ops.record = on_record; /* glue.c's reject takes no context */
		ops.ctx = &c;
		ops.raw_fields = 1;
		if (!sl_input_open(&in, path, &err) && (n = sl_input_read(in, &first, &err)) > 0) {
			if (c.is_csv)
				rc = csvsrc_run(in, "fuzz", first, (size_t)n, &ops, &err);
			else
				rc = jsonsrc_run(in, "fuzz", first, (size_t)n, &ops, &err);
			if (!rc && c.ma)
				(void)mapply_finish(c.ma, "fuzz", &err);
		}
	}
	fuzz_touch(err.msg, strlen(err.msg));
	sl_input_close(in);
	mapply_free(c.ma);
	fuzz_sink_close(&c.sink);
	sl_mapfile_free(m);
	close(fd);
	return 0;
}
