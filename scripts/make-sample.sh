#!/bin/sh
# make sample: the bundled sample (data/sample/) regenerated from the
# generator's seed; the files come out byte for byte as committed, so a
# change of the generator that changes them shows in `git status`.
#
#   BIN=bin sh scripts/make-sample.sh [DIR]     (default data/sample)
set -eu
BIN=${BIN:-bin}
dir=${1:-data/sample}
mkdir -p "$dir"
"$BIN/shiplog-gen" --seed 42 --deployments 8000 --agents 24 --start 2026-08-01 \
	--days 90 --gzip=9 --dirty 0.001 -o "$dir" >/dev/null
echo "sample: $(ls "$dir"/*.csv.gz | wc -l) files in $dir"
