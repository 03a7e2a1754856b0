/* fuzz_config.c - the analysis config file reader (analyze/config.c).  A
 * file that loads keeps the loader's promises (else abort()): the health
 * weights add up to 1, each DORA triple is strictly in order, the canary's
 * marginal score is not above its pass score, and the counts are at least
 * 1; a file that does not load says why. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_config: a loaded config breaks its promise: %s\n", what);
	abort();
}

static void promises(const struct analyze_config *c)
{
	double sum = 0;

	for (int i = 0; i < 5; i++) {
		if (!(c->health_weight[i] >= 0 && c->health_weight[i] <= 1))
			broken("a health weight outside [0, 1]");
		sum += c->health_weight[i];
	}
	if (!(fabs(sum - 1) <= 1e-9))
		broken("health weights that do not add up to 1");
	for (int m = 0; m < DORA_NMETRICS; m++) {
		const double *t = c->dora[m];

		if (!((t[0] > t[1] && t[1] > t[2]) || (t[0] < t[1] && t[1] < t[2])))
			broken("DORA bounds out of order");
	}
	if (c->canary_marginal_score > c->canary_pass_score)
		broken("a canary marginal score above the pass score");
	if (c->canary_min_samples < 1 || c->pipe_redundant_min_runs < 1 || c->pipe_retry_min < 1 ||
	    c->predict_min_similar < 1 || c->predict_agent_min < 1 || c->anomaly_trees < 1 ||
	    c->anomaly_subsample < 2 || c->pattern_min_samples < 1)
		broken("a count below its minimum");
	if (!(c->pattern_eps > 0) || !(c->anomaly_contamination >= 0 &&
				       c->anomaly_contamination <= 0.5))
		broken("eps or contamination out of range");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct analyze_config c;
	struct sl_errctx err;
	char path[64];
	int fd = fuzz_file(data, size, path);

	if (fd < 0)
		return 0;
	config_defaults(&c);
	sl_err_clear(&err);
	if (config_load(path, &c, &err) == 0)
		promises(&c);
	else if (!err.msg[0])
		broken("a refusal without a message");
	fuzz_touch(err.msg, strlen(err.msg));
	close(fd);
	return 0;
}
