//! The gain curve: 25 band gains in dB → one linear gain per FFT bin.
//!
//! [`fill_gain_curve`] is the one function that turns band gains into the curve; the engine
//! applies its output to every frame and the editor draws it.

use super::bands::{band_centre_hz, bin_freq_hz, fill_band_map, NUM_BANDS};
use super::kernels;
use super::math::db_to_gain;

/// How band gains become a curve over frequency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CurveMode {
    /// dB interpolated linearly between band centres on a log-frequency axis.
    #[default]
    Smooth,
    /// The origin's step curve: every bin takes its band's gain (`gains[band_of_bin]`).
    Bands,
}

impl CurveMode {
    /// Every mode, in host order.
    pub const ALL: [CurveMode; 2] = [CurveMode::Smooth, CurveMode::Bands];

    /// Position in [`CurveMode::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Where a frequency sits between band centres on a log-frequency axis: the lower band and
/// the weight of the upper one (`gain = g[lower] + weight * (g[lower + 1] - g[lower])`).
/// Below the first centre the first band's gain holds; above the last, the last band's.
pub fn smooth_position(freq_hz: f32) -> (usize, f32) {
    let first = band_centre_hz(0);
    let last = band_centre_hz(NUM_BANDS - 1);
    if freq_hz.is_nan() || freq_hz <= first {
        return (0, 0.0);
    }
    if freq_hz >= last {
        return (NUM_BANDS - 2, 1.0);
    }
    let upper = (1..NUM_BANDS)
        .find(|&band| freq_hz < band_centre_hz(band))
        .unwrap_or(NUM_BANDS - 1);
    let lower = upper - 1;
    let (lo_hz, hi_hz) = (band_centre_hz(lower), band_centre_hz(upper));
    let weight = (freq_hz / lo_hz).ln() / (hi_hz / lo_hz).ln();
    (lower, weight.clamp(0.0, 1.0))
}

/// Gain in dB the curve applies at `freq_hz` (for drawing at any frequency).
pub fn gain_db_at(mode: CurveMode, gains_db: &[f32; NUM_BANDS], freq_hz: f32) -> f32 {
    match mode {
        CurveMode::Bands => gains_db[super::bands::band_of_freq(freq_hz)],
        CurveMode::Smooth => {
            let (lower, weight) = smooth_position(freq_hz);
            gains_db[lower] + weight * (gains_db[lower + 1] - gains_db[lower])
        }
    }
}

/// Gain in dB of the Smooth curve at `freq_hz`: what Zero latency mode realises.
pub fn smooth_gain_db_at(gains_db: &[f32; NUM_BANDS], freq_hz: f32) -> f32 {
    gain_db_at(CurveMode::Smooth, gains_db, freq_hz)
}

/// Per-bin lookup tables for one FFT size at one sample rate, built once in `activate`.
#[derive(Clone, Debug)]
pub struct BinLayout {
    /// FFT size the tables were built for.
    pub fft_size: usize,
    /// Band of every bin (`fft_size / 2 + 1` entries), for Bands mode.
    pub band_of_bin: Vec<u8>,
    /// Weight of the upper band in every bin's Smooth interpolation.
    pub smooth_weight: Vec<f32>,
    /// First bin whose Smooth interpolation starts at band k (bins are sorted by frequency,
    /// so the bins of each lower band are contiguous); entry 24 is the bin count.
    smooth_segment_starts: [usize; NUM_BANDS],
    /// First bin of each band (bins are sorted, so each band's bins are contiguous).
    band_starts: [usize; NUM_BANDS],
}

impl BinLayout {
    /// Builds the tables for an FFT of `fft_size` points at `sample_rate_hz`.
    pub fn new(fft_size: usize, sample_rate_hz: f32) -> Self {
        let num_bins = fft_size / 2 + 1;
        let mut band_of_bin = vec![0u8; num_bins];
        fill_band_map(&mut band_of_bin, fft_size, sample_rate_hz);
        let (smooth_lower_band, smooth_weight): (Vec<u8>, Vec<f32>) = (0..num_bins)
            .map(|bin| {
                let (lower, weight) = smooth_position(bin_freq_hz(bin, fft_size, sample_rate_hz));
                (lower as u8, weight)
            })
            .unzip();
        let smooth_segment_starts = std::array::from_fn(|band| {
            let lower_bands = smooth_lower_band.iter();
            lower_bands
                .take_while(|&&lower| (lower as usize) < band)
                .count()
        });
        let band_starts = std::array::from_fn(|band| {
            let bands = band_of_bin.iter();
            bands.take_while(|&&b| (b as usize) < band).count()
        });
        Self {
            fft_size,
            band_of_bin,
            smooth_weight,
            smooth_segment_starts,
            band_starts,
        }
    }

    /// The bins of band `band` (empty for a band above Nyquist).
    pub fn band_bins(&self, band: usize) -> std::ops::Range<usize> {
        let end = self
            .band_starts
            .get(band + 1)
            .copied()
            .unwrap_or(self.num_bins());
        self.band_starts[band]..end
    }

    /// The bins whose Smooth interpolation runs from band `lower` to band `lower + 1`.
    pub fn smooth_segment(&self, lower: usize) -> std::ops::Range<usize> {
        self.smooth_segment_starts[lower]..self.smooth_segment_starts[lower + 1]
    }

    /// Number of bins, `fft_size / 2 + 1`.
    pub fn num_bins(&self) -> usize {
        self.band_of_bin.len()
    }
}

/// Fills `curve` (one linear gain per bin of `layout`) from the band gains.
///
/// `offset_db` is added to every band (the output gain) and `scale` multiplies every bin
/// (the engine folds its overlap-add normalisation in here; the editor passes 1.0).
/// Allocation-free; `curve` must hold at least `layout.num_bins()` values.
pub fn fill_gain_curve(
    mode: CurveMode,
    layout: &BinLayout,
    gains_db: &[f32; NUM_BANDS],
    offset_db: f32,
    scale: f32,
    curve: &mut [f32],
) {
    let all_bands = [true; NUM_BANDS];
    refill_gain_curve(mode, layout, gains_db, offset_db, scale, curve, &all_bands);
}

/// [`fill_gain_curve`] for a curve that was filled with the same mode, layout, offset and
/// scale, where only the bands marked in `changed` have new gains: rewrites just the bins
/// whose gain depends on them (a band's own bins in Bands mode, the two segments that end at
/// its centre in Smooth mode). Returns the span of bins it rewrote (empty if none).
pub fn refill_gain_curve(
    mode: CurveMode,
    layout: &BinLayout,
    gains_db: &[f32; NUM_BANDS],
    offset_db: f32,
    scale: f32,
    curve: &mut [f32],
    changed: &[bool; NUM_BANDS],
) -> std::ops::Range<usize> {
    let curve = &mut curve[..layout.num_bins()];
    let mut rewritten = curve.len()..0;
    let mut cover = |bins: &std::ops::Range<usize>| {
        rewritten = rewritten.start.min(bins.start)..rewritten.end.max(bins.end);
    };
    match mode {
        CurveMode::Bands => {
            for band in (0..NUM_BANDS).filter(|&band| changed[band]) {
                let gain = db_to_gain(gains_db[band] + offset_db) * scale;
                let bins = layout.band_bins(band);
                cover(&bins);
                curve[bins].fill(gain);
            }
        }
        CurveMode::Smooth => {
            // Bins are sorted by frequency, so each band's bins form one contiguous segment:
            // one vectorized pass per segment, no table lookups per bin.
            for lower in 0..NUM_BANDS - 1 {
                if !(changed[lower] || changed[lower + 1]) {
                    continue;
                }
                let bins = layout.smooth_segment(lower);
                let base_db = gains_db[lower] + offset_db;
                let delta_db = gains_db[lower + 1] - gains_db[lower];
                let weights = &layout.smooth_weight[bins.clone()];
                cover(&bins);
                kernels::interpolated_gains(&mut curve[bins], weights, base_db, delta_db, scale);
            }
        }
    }
    if rewritten.is_empty() {
        0..0
    } else {
        rewritten
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_to_gain_matches_the_definition() {
        assert_eq!(db_to_gain(0.0), 1.0);
        let mut db = -60.0f32;
        while db <= 60.0 {
            let exact = 10f64.powf(db as f64 / 20.0);
            let rel = (db_to_gain(db) as f64 - exact).abs() / exact;
            assert!(rel < 1e-6, "{db} dB: relative error {rel}");
            db += 0.01;
        }
        assert!(db_to_gain(-5000.0) > 0.0 && db_to_gain(-5000.0) < 1e-30);
        assert!(db_to_gain(5000.0).is_finite());
    }

    #[test]
    fn smooth_curve_passes_through_every_band_centre() {
        let gains: [f32; NUM_BANDS] = std::array::from_fn(|b| (b as f32 * 1.7) % 24.0 - 12.0);
        for band in 0..NUM_BANDS {
            let at = gain_db_at(CurveMode::Smooth, &gains, band_centre_hz(band));
            assert!((at - gains[band]).abs() < 1e-4, "band {band}: {at}");
        }
    }

    #[test]
    fn smooth_curve_is_halfway_at_the_log_midpoint() {
        let mut gains = [0.0; NUM_BANDS];
        gains[9] = 12.0;
        let mid = (band_centre_hz(8) * band_centre_hz(9)).sqrt();
        assert!((gain_db_at(CurveMode::Smooth, &gains, mid) - 6.0).abs() < 1e-3);
        // Beyond the neighbouring centres the boost is gone.
        assert_eq!(
            gain_db_at(CurveMode::Smooth, &gains, band_centre_hz(7)),
            0.0
        );
        assert_eq!(
            gain_db_at(CurveMode::Smooth, &gains, band_centre_hz(11)),
            0.0
        );
    }

    #[test]
    fn bands_curve_is_the_step_curve_of_the_band_map() {
        let gains: [f32; NUM_BANDS] = std::array::from_fn(|b| b as f32 - 12.0);
        let layout = BinLayout::new(4096, 48_000.0);
        let mut curve = vec![0.0; layout.num_bins()];
        fill_gain_curve(CurveMode::Bands, &layout, &gains, 0.0, 1.0, &mut curve);
        for (bin, &value) in curve.iter().enumerate() {
            let band = layout.band_of_bin[bin] as usize;
            let expected = 10f32.powf(gains[band] / 20.0);
            assert!((value - expected).abs() <= expected * 1e-6, "bin {bin}");
        }
    }

    #[test]
    fn refilling_the_changed_bands_equals_a_full_fill() {
        let layout = BinLayout::new(4096, 48_000.0);
        let edge_and_middle: &[usize] = &[0, 8, 9, 24];
        let middle: &[usize] = &[8, 9, 12];
        for (mode, moved) in [CurveMode::Smooth, CurveMode::Bands]
            .into_iter()
            .flat_map(|mode| [(mode, edge_and_middle), (mode, middle)])
        {
            let mut gains: [f32; NUM_BANDS] = std::array::from_fn(|b| (b % 5) as f32 - 2.0);
            let mut curve = vec![0.0; layout.num_bins()];
            fill_gain_curve(mode, &layout, &gains, -1.0, 0.25, &mut curve);
            let mut changed = [false; NUM_BANDS];
            for &band in moved {
                gains[band] += 3.5;
                changed[band] = true;
            }
            let before = curve.clone();
            let rewritten =
                refill_gain_curve(mode, &layout, &gains, -1.0, 0.25, &mut curve, &changed);
            let mut full = vec![0.0; layout.num_bins()];
            fill_gain_curve(mode, &layout, &gains, -1.0, 0.25, &mut full);
            assert_eq!(curve, full, "{mode:?} {moved:?}");
            // The reported span holds every rewritten bin, and only the moved bands' reach.
            let outside: Vec<usize> = (0..layout.num_bins())
                .filter(|bin| !rewritten.contains(bin))
                .collect();
            for &bin in &outside {
                assert_eq!(
                    curve[bin], before[bin],
                    "{mode:?}: bin {bin} outside {rewritten:?}"
                );
            }
            if moved == middle {
                assert!(
                    outside.len() > layout.num_bins() / 2,
                    "{mode:?}: {rewritten:?}"
                );
            }
        }
    }

    #[test]
    fn band_bins_partition_the_spectrum() {
        for rate in [8_000.0, 48_000.0] {
            let layout = BinLayout::new(2048, rate);
            let mut next = 0;
            for band in 0..NUM_BANDS {
                let bins = layout.band_bins(band);
                assert_eq!(bins.start, next);
                assert!(bins
                    .clone()
                    .all(|bin| layout.band_of_bin[bin] as usize == band));
                next = bins.end;
            }
            assert_eq!(next, layout.num_bins());
        }
    }

    #[test]
    fn fill_matches_gain_db_at_every_bin_with_offset_and_scale() {
        let gains: [f32; NUM_BANDS] = std::array::from_fn(|b| ((b * 7) % 25) as f32 - 12.0);
        for mode in [CurveMode::Smooth, CurveMode::Bands] {
            let layout = BinLayout::new(2048, 44_100.0);
            let mut curve = vec![0.0; layout.num_bins()];
            fill_gain_curve(mode, &layout, &gains, -3.0, 0.5, &mut curve);
            for (bin, &value) in curve.iter().enumerate() {
                let freq = bin_freq_hz(bin, 2048, 44_100.0);
                let expected_db = gain_db_at(mode, &gains, freq) - 3.0;
                let expected = 0.5 * 10f32.powf(expected_db / 20.0);
                assert!(
                    (value - expected).abs() <= expected * 1e-5,
                    "{mode:?} bin {bin}"
                );
            }
        }
    }
}
