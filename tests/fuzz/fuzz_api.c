/* fuzz_api.c - the CI export reader and its --format adapters
 * (ingest/apisrc.c, ingest/adapt.c, lib/sl_cimap.c) on arbitrary input:
 * the first byte picks the adapter (mod their number) and whether to
 * explain; the rest is the export (JSON Lines, pages, arrays, pretty or
 * concatenated, plain or gzip).  Records go through the row mapper into a
 * scratch partition set, as in fuzz_ingest (the row mapper's counts must
 * match its answers, glue.c). */
#include <string.h>
#include <unistd.h>

#include "adapt.h"
#include "apisrc.h"
#include "fuzz.h"
#include "glue.h"
#include "sl_cimap.h"
#include "sl_input.h"

static struct adapt_rules rules;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_sink sink = {.kind = SL_KIND_NONE, .is_csv = 0};
	struct src_ops ops;
	struct sl_input *in = NULL;
	struct adapter *ad = NULL;
	struct sl_errctx err;
	enum adapter_id id;
	const char *first;
	char path[64], eb[128];
	ssize_t n;
	int fd;

	if (size < 1)
		return 0;
	if (!rules.compiled) {
		rules.deploy_src = ADAPT_DEFAULT_DEPLOY;
		rules.prod_src = ADAPT_DEFAULT_PROD;
		if (sl_regex_compile(&rules.deploy, rules.deploy_src, eb, sizeof(eb)) ||
		    sl_regex_compile(&rules.prod, rules.prod_src, eb, sizeof(eb)))
			return 0;
		rules.compiled = 1;
	}
	id = (enum adapter_id)(1 + (data[0] & 0x7f) % AD_BITBUCKET_DEPLOYMENTS);
	sink.kind = adapter_kind(id);
	if ((fd = fuzz_file(data + 1, size - 1, path)) < 0)
		return 0;
	sl_err_clear(&err);
	if (!fuzz_sink_open(&sink, &ops) && (ad = adapter_new(id, &rules)) &&
	    !sl_input_open(&in, path, &err) && (n = sl_input_read(in, &first, &err)) > 0)
		(void)apisrc_run(in, "fuzz", first, (size_t)n, &ops, ad, data[0] >> 7, &err);
	fuzz_touch(err.msg, strlen(err.msg));
	sl_input_close(in);
	adapter_free(ad);
	fuzz_sink_close(&sink);
	close(fd);
	return 0;
}
