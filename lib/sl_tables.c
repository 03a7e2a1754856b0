/* sl_tables.c - the declarations of sl_tables.h as static arrays. */
#include "sl_tables.h"

#include <string.h>

/* Per table: its columns, units and descriptions, in order. */
#define SL_RCOL_(T, C, name, type, unit, desc) {name, SL_R_##type},
#define SL_UNIT_(T, C, name, type, unit, desc) unit,
#define SL_DESC_(T, C, name, type, unit, desc) desc,
#define SL_ARRAYS_(T, name)                                                   \
	static const struct sl_rcol cols_##T[] = {SL_##T##_COLS(SL_RCOL_)};   \
	static const char *const units_##T[] = {SL_##T##_COLS(SL_UNIT_)};     \
	static const char *const descs_##T[] = {SL_##T##_COLS(SL_DESC_)};
SL_TABLES(SL_ARRAYS_)

#define SL_TDEF_(T, name) \
	[SL_T_##T] = {SL_T_##T, name, SL_##T##_NCOLS, cols_##T, units_##T, descs_##T},
static const struct sl_tdef defs[SL_T_COUNT] = {SL_TABLES(SL_TDEF_)};

/* The column enums count what the arrays hold. */
#define SL_SIZE_(T, name)                                                         \
	_Static_assert(sizeof(cols_##T) / sizeof(cols_##T[0]) == SL_##T##_NCOLS, \
		       "columns of " name);
SL_TABLES(SL_SIZE_)

static const char *const type_names[] = {"str", "i64", "f64", "bool", "time", "day"};

const struct sl_tdef *sl_tdef(enum sl_tid id)
{
	return (unsigned)id < SL_T_COUNT ? &defs[id] : NULL;
}

/* A linear search over a few dozen names: readers look a table up once. */
const struct sl_tdef *sl_tdef_find(const char *name)
{
	for (int i = 0; name && i < SL_T_COUNT; i++)
		if (!strcmp(defs[i].name, name))
			return &defs[i];
	return NULL;
}

struct sl_table *sl_table_new_def(enum sl_tid id)
{
	const struct sl_tdef *d = sl_tdef(id);

	return d ? sl_table_new(d->name, d->cols, d->ncols) : NULL;
}

struct sl_table *sl_table_new_stream_def(struct sl_analysis *a, enum sl_tid id)
{
	const struct sl_tdef *d = sl_tdef(id);
	struct sl_table *t = d ? sl_table_new_stream(a, d->name, d->cols, d->ncols) : NULL;

	/* a row a deployment: its ids never repeat, and hashing them to
	 * intern them buys nothing */
	for (int c = 0; t && c < d->ncols; c++)
		if (d->cols[c].type == SL_R_STR && !strcmp(d->cols[c].name, "deployment_id"))
			sl_table_set_flat(t, c);
	return t;
}

static const char *type_name(enum sl_rtype t)
{
	return (unsigned)t < sizeof(type_names) / sizeof(type_names[0]) ? type_names[t] : "?";
}

int sl_tables_check(const char *path, const char *name, const struct sl_rcol *cols, int ncols,
		    struct sl_errctx *err)
{
	const struct sl_tdef *d = sl_tdef_find(name);
	int c;

	if (!d)
		return SL_OK;
	for (c = 0; c < ncols && c < d->ncols; c++) {
		if (strcmp(cols[c].name, d->cols[c].name))
			return sl_err_set(err, SL_EFORMAT, path, 0,
					  "table '%s': column %d is '%s', expected '%s' (a file of "
					  "another shiplog version?)",
					  name, c + 1, cols[c].name, d->cols[c].name);
		if (cols[c].type != d->cols[c].type)
			return sl_err_set(err, SL_EFORMAT, path, 0,
					  "table '%s': column '%s' is %s, expected %s (a file of "
					  "another shiplog version?)",
					  name, cols[c].name, type_name(cols[c].type),
					  type_name(d->cols[c].type));
	}
	if (ncols < d->ncols)
		return sl_err_set(err, SL_EFORMAT, path, 0,
				  "table '%s': column '%s' is missing (a file of another shiplog "
				  "version?)",
				  name, d->cols[c].name);
	if (ncols > d->ncols)
		return sl_err_set(err, SL_EFORMAT, path, 0,
				  "table '%s': column '%s' is not expected (a file of another "
				  "shiplog version?)",
				  name, cols[c].name);
	return SL_OK;
}
