/* replay.c - runs a harness over files without libFuzzer: every argument
 * is a file, or a directory whose files are run in name order.  `make
 * check` runs each harness over its regression corpus this way, so every
 * crash once found stays fixed (under the sanitizers with SANITIZE=1).  A
 * missing or empty corpus is a failure: a replay of nothing passes
 * whatever the harness does. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "replay: cannot open '%s'\n", path);
		return 1;
	}
	for (;;) {
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? 2 * cap : 65536);

			if (!nb) {
				fprintf(stderr, "replay: out of memory\n");
				exit(1);
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);

		n += r;
		if (r == 0)
			break;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	free(buf);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, int *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int bad = 0;

	if (!d) {
		fprintf(stderr, "replay: cannot open '%s'\n", dir);
		return 1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));

			if (!nn)
				exit(1);
			names = nn;
		}
		if (!(names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2)))
			exit(1);
		sprintf(names[n++], "%s/%s", dir, e->d_name);
	}
	closedir(d);
	if (!n) {
		fprintf(stderr, "replay: '%s' holds no inputs\n", dir);
		bad = 1;
	}
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		bad |= run_file(names[i]);
		(*count)++;
		free(names[i]);
	}
	free(names);
	return bad;
}

int main(int argc, char **argv)
{
	int bad = 0, count = 0;

	for (int i = 1; i < argc; i++) {
		struct stat s;

		if (stat(argv[i], &s)) {
			fprintf(stderr, "replay: cannot open '%s'\n", argv[i]);
			bad = 1;
		} else if (S_ISDIR(s.st_mode)) {
			bad |= run_dir(argv[i], &count);
		} else {
			bad |= run_file(argv[i]);
			count++;
		}
	}
	if (argc < 2) {
		fprintf(stderr, "usage: replay FILE|DIR...\n");
		bad = 1;
	}
	printf("%s: %d inputs replayed\n", argc > 0 ? argv[0] : "replay", count);
	return bad;
}
