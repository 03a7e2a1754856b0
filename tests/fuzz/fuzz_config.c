/* fuzz_config.c - the analysis config file reader (analyze/config.c). */
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

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
	(void)config_load(path, &c, &err);
	fuzz_touch(err.msg, strlen(err.msg));
	close(fd);
	return 0;
}
