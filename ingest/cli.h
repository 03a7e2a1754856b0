/* cli.h - shiplog-ingest's options: parsed and checked before any work. */
#ifndef INGEST_CLI_H
#define INGEST_CLI_H

#include <stddef.h>

#include "adapt.h"
#include "sl_mapfile.h"
#include "sl_schema.h"

enum input_format { FMT_AUTO, FMT_CSV, FMT_JSONL, FMT_ADAPTER };

struct ingest_params {
	const char *store;
	enum sl_kind kind; /* SL_KIND_NONE: detect from each file's header */
	enum input_format format;
	enum adapter_id adapter;  /* FMT_ADAPTER: which (--format NAME) */
	struct adapt_rules rules; /* deployment and production rules, compiled */
	const char *rules_path;   /* --rules FILE */
	int explain;              /* --explain */
	const char *map_path;     /* --map FILE */
	struct sl_mapfile *map;   /* its contents (cli_release frees) */
	int reprocess;
	int quiet;
	int wait_lock;            /* seconds to wait for another run's lock */
	size_t max_buffered_rows; /* memory bound of the partition buffers */
	const char *dump;    /* --dump KIND[:DAY] */
	unsigned csv_flags;  /* --csv: 0 exact (default), SL_CSV_NEUTRALISE */
	int verify;          /* --verify */
	int merge;           /* --merge: the arguments are shard stores */
	int part_k, part_m;  /* --part K/M: task K of a merge in M (part_m 0: none) */
	int commit;          /* --commit: the parts of a merge made visible */
	char **files;
	int nfiles;
};

/* Returns -1 to go on, or the exit status (0 after --help/--version, 2 on
 * misuse, with the hint already printed). */
int cli_parse(int argc, char **argv, struct ingest_params *p);
void cli_release(struct ingest_params *p);

#endif
