#!/usr/bin/env python3
"""Tabulates a finished `cargo bench` run (target/criterion/**/new/estimates.json) as Markdown
and plots engine vs floor time per second of audio by FFT size.

Usage: python3 scripts/bench_report.py [--plot docs/benchmarks.png]
The plot needs matplotlib (`pip install matplotlib`); the tables need nothing.
"""
import argparse
import json
import pathlib

CRITERION = pathlib.Path("target/criterion")
RATE_HZ = 48_000
CHUNK = 4096
SIZES = [1024, 2048, 4096, 8192, 16384]
STRATEGIES = ["PerBandLoop", "VectorizedCurve", "PrecomputedCurve", "ThreadsPerBand", "ParallelChunks"]


def estimate_ns(*parts):
    """Mean time of one benchmark in ns (Criterion's point estimate and 95 % interval)."""
    path = CRITERION.joinpath(*map(str, parts), "new", "estimates.json")
    estimates = json.loads(path.read_text())
    # The estimate Criterion prints: the regression slope when it has one, else the mean.
    mean = estimates.get("slope") or estimates["mean"]
    interval = mean["confidence_interval"]
    return mean["point_estimate"], interval["lower_bound"], interval["upper_bound"]


def strategies_table():
    print("| strategy | audio | total (ms) | per 4096 chunk (µs) | vs per-band loop |")
    print("|---|---|---|---|---|")
    for seconds in (5, 30, 180):
        chunks = seconds * RATE_HZ // CHUNK
        base, _, _ = estimate_ns("eq_strategies", "PerBandLoop", f"{seconds}s")
        for name in STRATEGIES:
            mean, _, _ = estimate_ns("eq_strategies", name, f"{seconds}s")
            print(f"| {name} | {seconds} s | {mean / 1e6:.2f} | {mean / chunks / 1e3:.2f} "
                  f"| {base / mean:.2f}× |")


def engine_rows():
    rows = []
    for size in SIZES:
        complex_floor, _, _ = estimate_ns("floor", "complex_pair", size)
        real_floor, _, _ = estimate_ns("floor", "real_pair_x2", size)
        curve_floor, _, _ = estimate_ns("floor", "complex_pair_curve", size)
        inplace_floor, _, _ = estimate_ns("floor", "complex_pair_inplace", size)
        for mode in ("Smooth", "Bands"):
            mean, low, high = estimate_ns("engine", mode, size)
            rows.append((size, mode, mean, low, high, complex_floor, real_floor, curve_floor,
                         inplace_floor))
    return rows


def engine_table(rows):
    print("| FFT | curve | engine ms per s of audio [95 % CI] | real-time factor "
          "| own floor (packed complex FFTs) ms | engine / own floor "
          "| floor + curve pass ms (/ own floor) | engine / (floor + curve pass) "
          "| in-place FFTs ms | real-FFT floor ms (RTF) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for (size, mode, mean, low, high, complex_floor, real_floor, curve_floor,
         inplace_floor) in rows:
        print(f"| {size} | {mode} | {mean / 1e6:.3f} [{low / 1e6:.3f}–{high / 1e6:.3f}] "
              f"| {1e9 / mean:.0f} | {complex_floor / 1e6:.3f} | {mean / complex_floor:.2f} "
              f"| {curve_floor / 1e6:.3f} ({curve_floor / complex_floor:.2f}) "
              f"| {mean / curve_floor:.2f} | {inplace_floor / 1e6:.3f} "
              f"| {real_floor / 1e6:.3f} ({1e9 / real_floor:.0f}) |")


def curve_table():
    print("| FFT | Smooth rebuild (µs) | Bands rebuild (µs) |\n|---|---|---|")
    for size in (4096, 16384):
        smooth, _, _ = estimate_ns("curve_rebuild", "Smooth", size)
        bands, _, _ = estimate_ns("curve_rebuild", "Bands", size)
        print(f"| {size} | {smooth / 1e3:.2f} | {bands / 1e3:.2f} |")


def plot(rows, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4), dpi=120)
    for mode, style in (("Smooth", "o-"), ("Bands", "s-")):
        ax.plot(SIZES, [r[2] / 1e6 for r in rows if r[1] == mode], style, label=f"engine, {mode}")
    floors = [r for r in rows if r[1] == "Smooth"]
    ax.plot(SIZES, [r[5] / 1e6 for r in floors], "k--", label="own floor: packed complex FFTs")
    ax.plot(SIZES, [r[7] / 1e6 for r in floors], "-.", color="black",
            label="own floor + one curve pass")
    ax.plot(SIZES, [r[6] / 1e6 for r in floors], ":", color="grey", label="real FFT pair × 2 channels")
    ax.set_xscale("log", base=2)
    ax.set_xticks(SIZES, [str(s) for s in SIZES])
    ax.set_xlabel("FFT size (48 kHz, stereo, host block 512, gains automated)")
    ax.set_ylabel("CPU ms per second of audio")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plot", help="write the engine vs floor plot to this PNG")
    args = parser.parse_args()
    strategies_table()
    print()
    rows = engine_rows()
    engine_table(rows)
    print()
    curve_table()
    if args.plot:
        plot(rows, args.plot)


if __name__ == "__main__":
    main()
