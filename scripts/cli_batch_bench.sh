#!/usr/bin/env bash
# End-to-end speed of `bark-eq render` (release build), stereo 48 kHz white noise, --band 9=+6:
#   - a 120 s 32-bit float WAV (the issue's reference case), FFT 4096
#   - one 10-minute file, WAV and FLAC input
#   - ten 3-minute files, WAV and FLAC input
# each with --jobs 1 and --jobs N (N = cores). Prints wall and CPU (user + sys) seconds, the
# fastest of REPEATS runs each, and real-time factors (audio seconds per wall / CPU second).
# Usage: scripts/cli_batch_bench.sh [WORK_DIR] [REPEATS]   (needs ~2.5 GB free in WORK_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/bark-eq-batch-bench}
repeats=${2:-3}
jobs_n=$(nproc)
bin=${BARK_EQ:-target/release/bark-eq}
mkdir -p "$work/in"
if [ -z "${BARK_EQ:-}" ]; then cargo build --release -p bark-eq-cli; fi
python3 - "$work/in" <<'PY'
import os, struct, sys, random
def wav(path, seconds, float32=False, seed=0):
    if os.path.exists(path):
        return
    rate, ch = 48000, 2
    bps = 4 if float32 else 2
    n = rate * seconds * ch * bps
    with open(path, "wb") as f:
        fmt = struct.pack("<HHIIHH", 3 if float32 else 1, ch, rate, rate * ch * bps, ch * bps, bps * 8)
        f.write(b"RIFF" + struct.pack("<I", 36 + n) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt)
        f.write(b"data" + struct.pack("<I", n))
        rng = random.Random(seed)
        if float32:
            import array
            block = array.array("f", [rng.uniform(-0.5, 0.5) for _ in range(rate * ch)]).tobytes()
            for _ in range(seconds):  # one second of noise, repeated: the engine does not care
                f.write(block)
        else:
            for _ in range(seconds):
                f.write(os.urandom(rate * ch * bps))
d = sys.argv[1]
wav(os.path.join(d, "ref120.wav"), 120, float32=True)
os.makedirs(os.path.join(d, "long"), exist_ok=True)
wav(os.path.join(d, "long", "long.wav"), 600)
os.makedirs(os.path.join(d, "tracks"), exist_ok=True)
for i in range(10):
    wav(os.path.join(d, "tracks", f"track{i:02}.wav"), 180, seed=i)
PY
# FLAC copies of the same material (bark-eq itself, all gains at 0 dB, 16-bit).
flat="0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0"
for f in "$work"/in/long/long.wav "$work"/in/tracks/*.wav; do
    [ -e "${f%.wav}.flac" ] || "$bin" render "$f" -o "${f%.wav}.flac" --gains "$flat" --bits 16 -q
done

# run NAME AUDIO_SECONDS ARGS...: fastest wall and CPU of $repeats runs.
run() {
    local name=$1 audio=$2; shift 2
    local best_wall=999999 best_cpu=999999
    for _ in $(seq "$repeats"); do
        rm -rf "$work/out"; mkdir -p "$work/out"
        local t
        t=$( { /usr/bin/time -f "%e %U %S" "$bin" render "$@" -o "$work/out" --band 9=+6 -q; } 2>&1 | tail -1)
        read -r wall user sys <<<"$t"
        local cpu
        cpu=$(echo "$user + $sys" | bc -l)
        best_wall=$(echo "if ($wall < $best_wall) $wall else $best_wall" | bc -l)
        best_cpu=$(echo "if ($cpu < $best_cpu) $cpu else $best_cpu" | bc -l)
    done
    printf "| %s | %.2f | %.2f | %.0f | %.0f |\n" "$name" "$best_wall" "$best_cpu" \
        "$(echo "$audio / $best_wall" | bc -l)" "$(echo "$audio / $best_cpu" | bc -l)"
}

echo "$(date -u +%Y-%m-%d) $(uname -m), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| case | wall s | CPU s (user+sys) | RTF wall | RTF CPU |"
echo "|---|---|---|---|---|"
for j in 1 "$jobs_n"; do
    run "120 s float WAV, --jobs $j" 120 "$work/in/ref120.wav" --jobs "$j"
done
for ext in wav flac; do
    for j in 1 "$jobs_n"; do
        run "one 10-min file ($ext), --jobs $j" 600 "$work/in/long/long.$ext" --jobs "$j"
    done
    for j in 1 "$jobs_n"; do
        run "ten 3-min files ($ext), --jobs $j" 1800 "$work"/in/tracks/*."$ext" --jobs "$j"
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
# The same bytes whatever the number of jobs.
rm -rf "$work/cmp1" "$work/cmpn"; mkdir -p "$work/cmp1" "$work/cmpn"
"$bin" render "$work/in/ref120.wav" -o "$work/cmp1" --band 9=+6 --jobs 1 -q
"$bin" render "$work/in/ref120.wav" -o "$work/cmpn" --band 9=+6 --jobs "$jobs_n" -q
cmp "$work/cmp1/ref120.wav" "$work/cmpn/ref120.wav" && echo "outputs identical across --jobs"
