#!/bin/sh
# The corpus measurements of docs/embedding-at-scale.md: throughput, peak RSS,
# write cost, batch size. Gentle on a shared machine: nice -n 19, one run at a time.
#   sh bench/corpus/measure.sh [sizes...]   (default: 10000 100000)
set -e
cd "$(dirname "$0")/../.."
CLI="nice -n 19 node dist/cli.js"
M=weights/en
T=${TMPDIR:-/tmp}/bert-ts-corpus-measure
mkdir -p "$T"
say() { echo "$(date -u +%H:%M:%S) $*"; }
run() { # label, command...: wall seconds and peak RSS
  label=$1; shift
  /usr/bin/time -f "%e %M" -o "$T/time" "$@" > "$T/out" 2> "$T/err" || { cat "$T/err"; exit 1; }
  say "$label: $(awk '{printf "%.1f s, peak RSS %.0f MB", $1, $2/1024}' "$T/time") | $(grep 'done in' "$T/err" | sed 's/.*written (//; s/).*//')"
}
say "load: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -f "$T/corpus-2000.jsonl" ] || node bench/corpus/make-corpus.mjs 2000 > "$T/corpus-2000.jsonl"
if [ "${SKIP_BATCH:-}" = "" ]; then
  for b in 8 16 32 64; do rm -rf "$T/b.lance"; run "2k lines, --batch-size $b" $CLI embed -m $M --input "$T/corpus-2000.jsonl" --output "$T/b.lance" --batch-size $b; done
fi
for n in ${@:-10000 100000}; do
  [ -f "$T/corpus-$n.jsonl" ] || node bench/corpus/make-corpus.mjs "$n" > "$T/corpus-$n.jsonl"
  for threads in ${THREADS:-1 2}; do
    rm -rf "$T/c$n.lance"
    run "$n lines, --threads $threads, into LanceDB" $CLI embed -m $M --threads $threads --input "$T/corpus-$n.jsonl" --output "$T/c$n.lance"
  done
  if [ "${SKIP_ALONE:-}" = "" ]; then
    node -e 'for (const l of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) if (l) console.log(JSON.stringify({ text: JSON.parse(l).text }))' "$T/corpus-$n.jsonl" > "$T/texts-$n.jsonl"
    /usr/bin/time -f "%e %M" -o "$T/time" sh -c "$CLI embed -m $M --jsonl < '$T/texts-$n.jsonl' > /dev/null"
    say "$n lines, --threads 1, embedding alone (embed --jsonl > /dev/null, all in memory): $(awk '{printf "%.1f s, peak RSS %.0f MB", $1, $2/1024}' "$T/time")"
  fi
done
say "load: $(cut -d' ' -f1-3 /proc/loadavg)"
