#!/usr/bin/env bash
# End-to-end speed of `bark-eq render` (release build), stereo 48 kHz white noise, --band 9=+6:
#   - a 120 s 32-bit float WAV (the issue's reference case), FFT 4096
#   - one 10-minute file, WAV and FLAC input
#   - ten 3-minute files, WAV and FLAC input
# each with --jobs 1 and --jobs N (N = cores). Prints wall and CPU (user + sys) seconds, the
# fastest of REPEATS runs each, real-time factors (audio seconds per wall / CPU second) and
# the 1-minute load average before each case.
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

# time_once ARGS...: wall and CPU (user + sys) seconds of one render, to the 0.1 ms (the
# resolution of /usr/bin/time, 10 ms, is 7 % of a 0.14 s render).
time_once() {
    python3 - "$bin" render "$@" <<'PY'
import resource, subprocess, sys, time
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.perf_counter()
subprocess.run(sys.argv[1:], check=True)
t1 = time.perf_counter()
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
print(f"{t1 - t0:.4f} {cpu:.4f}")
PY
}

# run NAME AUDIO_SECONDS ARGS...: fastest wall and CPU of $repeats runs, and the 1-minute load
# average before them (wall-clock figures mean little above ~0.3 on 2 cores).
run() {
    local name=$1 audio=$2; shift 2
    local best_wall=999999 best_cpu=999999 load
    load=$(cut -d' ' -f1 /proc/loadavg)
    for _ in $(seq "$repeats"); do
        rm -rf "$work/out"; mkdir -p "$work/out"
        local times wall cpu
        times=$(time_once "$@" -o "$work/out" --band 9=+6 -q)
        read -r wall cpu <<<"$times"
        best_wall=$(echo "if ($wall < $best_wall) $wall else $best_wall" | bc -l)
        best_cpu=$(echo "if ($cpu < $best_cpu) $cpu else $best_cpu" | bc -l)
    done
    printf "| %s | %.3f | %.3f | %.0f | %.0f | %s |\n" "$name" "$best_wall" "$best_cpu" \
        "$(echo "$audio / $best_wall" | bc -l)" "$(echo "$audio / $best_cpu" | bc -l)" "$load"
}

echo "$(date -u +%Y-%m-%d) $(uname -m), $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| case | wall s | CPU s (user+sys) | RTF wall | RTF CPU | load before |"
echo "|---|---|---|---|---|---|"
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
# The reference case again, --jobs 1 and --jobs N in alternation (so that both see the same
# drift of a shared machine), 3 × REPEATS runs each: medians, fastest runs and their ratio.
python3 - "$bin" "$work" "$jobs_n" "$((3 * repeats))" <<'PY'
import shutil, statistics, subprocess, sys, time
bin_, work, jobs_n, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
walls = {"1": [], jobs_n: []}
for _ in range(runs):
    for jobs in walls:
        shutil.rmtree(f"{work}/out", ignore_errors=True)
        t0 = time.perf_counter()
        subprocess.run([bin_, "render", f"{work}/in/ref120.wav", "-o", f"{work}/out", "--band",
                        "9=+6", "-q", "--jobs", jobs], check=True)
        walls[jobs].append(time.perf_counter() - t0)
one, many = walls["1"], walls[jobs_n]
print(f"120 s float WAV in alternation, {runs} runs each: --jobs 1 median "
      f"{1e3 * statistics.median(one):.1f} ms (fastest {1e3 * min(one):.1f}), --jobs {jobs_n} "
      f"median {1e3 * statistics.median(many):.1f} ms (fastest {1e3 * min(many):.1f}); "
      f"--jobs {jobs_n} over --jobs 1: {statistics.median(one) / statistics.median(many):.2f}x "
      f"on medians, {min(one) / min(many):.2f}x on the fastest runs")
PY
# The same bytes whatever the number of jobs.
rm -rf "$work/cmp1" "$work/cmpn"; mkdir -p "$work/cmp1" "$work/cmpn"
"$bin" render "$work/in/ref120.wav" -o "$work/cmp1" --band 9=+6 --jobs 1 -q
"$bin" render "$work/in/ref120.wav" -o "$work/cmpn" --band 9=+6 --jobs "$jobs_n" -q
cmp "$work/cmp1/ref120.wav" "$work/cmpn/ref120.wav" && echo "outputs identical across --jobs"
