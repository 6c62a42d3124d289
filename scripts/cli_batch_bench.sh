#!/usr/bin/env bash
# Times `bark-eq render` over 10 three-minute stereo 48 kHz tracks with --jobs 1 and --jobs 2.
# Usage: scripts/cli_batch_bench.sh [WORK_DIR]   (needs ~700 MB free in WORK_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/bark-eq-batch-bench}
mkdir -p "$work/in"
cargo build --release -p bark-eq-cli
python3 - "$work/in" <<'PY'
import os, sys, wave
for i in range(10):
    path = os.path.join(sys.argv[1], f"track{i:02}.wav")
    if os.path.exists(path):
        continue
    with wave.open(path, "wb") as w:  # 16-bit stereo white noise, 180 s at 48 kHz
        w.setnchannels(2); w.setsampwidth(2); w.setframerate(48000)
        for _ in range(180):
            w.writeframes(os.urandom(48000 * 4))
PY
for jobs in 1 2; do
    rm -rf "$work/out$jobs"; mkdir -p "$work/out$jobs"
    start=$(date +%s.%N)
    target/release/bark-eq render "$work"/in/*.wav -o "$work/out$jobs" --band 9=+6 --jobs "$jobs" -q
    end=$(date +%s.%N)
    echo "jobs=$jobs seconds=$(echo "$end - $start" | bc -l)"
done
cmp "$work/out1/track00.wav" "$work/out2/track00.wav" && echo "outputs identical across --jobs"
