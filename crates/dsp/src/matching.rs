//! Bark Match: the 25 band gains that move a source profile toward a target.
//!
//! `g = clamp(amount · (R − S − c), ±12 dB)` per band, where S is the source profile, R the
//! target's levels (a reference profile, pink noise or a tilt) and c the offset that makes the
//! correction loudness-neutral on the source: the K-weighted power (BS.1770) of the source
//! with the correction applied equals the source's own. Level is the output gain's job, not
//! the bands'.
//!
//! In Bands mode a band's gain is its change. In Smooth mode the gains sit at the band
//! centres and the curve between them is interpolated, so a band's average change is a mix of
//! its own and its neighbours' gains: the average over each band's bins of the interpolated dB
//! curve is linear in the 25 centre gains (a fixed 25 × 25 map per FFT size), and
//! [`match_gains`] solves it for the centre gains whose band averages give the wanted change,
//! with the ±12 dB limit as a constraint.

use super::bands::{bin_freq_hz, NUM_BANDS};
use super::curve::{BinLayout, CurveMode};
use super::loudness::k_weight_power;
use super::math::solve_linear;
use super::profile::Profile;
use super::settings::BAND_GAIN_LIMIT_DB;

/// Smallest amount, percent (the negated correction).
pub const MIN_AMOUNT_PERCENT: f32 = -100.0;
/// Largest amount, percent (twice the correction).
pub const MAX_AMOUNT_PERCENT: f32 = 200.0;
/// The amount that applies the correction as measured, percent.
pub const DEFAULT_AMOUNT_PERCENT: f32 = 100.0;
/// Largest smoothing: the Gaussian's standard deviation in bands.
pub const MAX_SMOOTHING_BANDS: f32 = 4.0;
/// Power slope of pink noise, dB per octave (−10·log10 2).
pub const PINK_DB_PER_OCTAVE: f32 = -3.010_3;
/// Below this frequency a tilt target stays flat (so the DC bin stays finite).
pub const TILT_FLOOR_HZ: f32 = 20.0;
/// The frequency at which a tilt target passes through 0 dB.
pub const TILT_PIVOT_HZ: f32 = 1000.0;
/// Smoothing kernels reach this many standard deviations to each side.
const KERNEL_REACH_SIGMAS: f32 = 3.0;
/// Percent per unit.
const PERCENT: f32 = 100.0;

/// What the source is matched to.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// The profile of a reference (an audio file's, or one saved as JSON).
    Reference(Profile),
    /// Pink noise: power falling 3 dB per octave.
    Pink,
    /// A straight power slope of this many dB per octave (−3.01 is pink).
    Tilt {
        /// The slope, dB per octave.
        db_per_octave: f32,
    },
}

impl Target {
    /// The target's band levels in dB as bins of `layout` at `sample_rate_hz` would measure
    /// them (any overall level: the match removes it).
    pub fn band_levels_db(&self, layout: &BinLayout, sample_rate_hz: f32) -> [f32; NUM_BANDS] {
        let slope = match self {
            Target::Reference(profile) => return profile.band_levels_db,
            Target::Pink => PINK_DB_PER_OCTAVE,
            Target::Tilt { db_per_octave } => *db_per_octave,
        };
        std::array::from_fn(|band| {
            let power: f64 = layout
                .band_bins(band)
                .map(|bin| {
                    let freq_hz = bin_freq_hz(bin, layout.fft_size, sample_rate_hz);
                    let octaves = (freq_hz.max(TILT_FLOOR_HZ) / TILT_PIVOT_HZ).log2();
                    10f64.powf(f64::from(slope * octaves) / 10.0)
                })
                .sum();
            if power > 0.0 {
                (10.0 * power.log10()) as f32
            } else {
                super::profile::SILENT_BAND_DB
            }
        })
    }
}

/// How a match is made.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MatchOptions {
    /// How much of the correction to apply, percent ([`MIN_AMOUNT_PERCENT`] …
    /// [`MAX_AMOUNT_PERCENT`]); negative values invert it.
    pub amount_percent: f32,
    /// Standard deviation in bands of a Gaussian that smooths the correction across
    /// neighbouring bands (0 = none, up to [`MAX_SMOOTHING_BANDS`]).
    pub smoothing_bands: f32,
    /// First band (0-based) that may move; bands outside the range stay at 0 dB.
    pub first_band: usize,
    /// Last band (0-based, inclusive) that may move.
    pub last_band: usize,
    /// The curve mode the gains are solved for.
    pub curve_mode: CurveMode,
}

impl Default for MatchOptions {
    fn default() -> Self {
        Self {
            amount_percent: DEFAULT_AMOUNT_PERCENT,
            smoothing_bands: 0.0,
            first_band: 0,
            last_band: NUM_BANDS - 1,
            curve_mode: CurveMode::Smooth,
        }
    }
}

/// Why no match could be made.
#[derive(Clone, Debug, PartialEq)]
pub enum MatchError {
    /// An option is out of its range; the message says which.
    Option(String),
    /// No band in the range has signal in both source and target.
    NothingToMatch,
}

impl std::fmt::Display for MatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MatchError::Option(reason) => write!(f, "{reason}"),
            MatchError::NothingToMatch => write!(
                f,
                "no band in the range has signal in both the source and the target"
            ),
        }
    }
}

impl std::error::Error for MatchError {}

/// A match: the band gains and what they came from.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchResult {
    /// The 25 band gains to set, dB.
    pub gains_db: [f32; NUM_BANDS],
    /// The change each band should get, dB (`amount · (R − S − c)`, limited).
    pub wanted_db: [f32; NUM_BANDS],
    /// The source's band levels, dB.
    pub source_db: [f32; NUM_BANDS],
    /// The target's band levels, dB.
    pub target_db: [f32; NUM_BANDS],
    /// c: the offset removed so the correction is loudness-neutral on the source, dB.
    pub offset_db: f32,
    /// The curve mode the gains were solved for.
    pub curve_mode: CurveMode,
}

impl MatchOptions {
    /// Refuses options outside their ranges.
    pub fn check(&self) -> Result<(), MatchError> {
        let amount = self.amount_percent;
        if !(MIN_AMOUNT_PERCENT..=MAX_AMOUNT_PERCENT).contains(&amount) {
            return Err(MatchError::Option(format!(
                "amount {amount} % is outside {MIN_AMOUNT_PERCENT}…{MAX_AMOUNT_PERCENT} %"
            )));
        }
        let smoothing = self.smoothing_bands;
        if !(0.0..=MAX_SMOOTHING_BANDS).contains(&smoothing) {
            return Err(MatchError::Option(format!(
                "smoothing {smoothing} is outside 0…{MAX_SMOOTHING_BANDS} bands"
            )));
        }
        if self.first_band > self.last_band || self.last_band >= NUM_BANDS {
            return Err(MatchError::Option(format!(
                "band range {}-{} is not within 1-{NUM_BANDS}",
                self.first_band + 1,
                self.last_band + 1
            )));
        }
        Ok(())
    }
}

/// The gains that move `source` toward `target`, for a curve on `layout` at `sample_rate_hz`
/// (the FFT size and rate the gains will run at).
pub fn match_gains(
    source: &Profile,
    target: &Target,
    options: &MatchOptions,
    layout: &BinLayout,
    sample_rate_hz: f32,
) -> Result<MatchResult, MatchError> {
    options.check()?;
    let source_db = source.band_levels_db;
    let target_db = target.band_levels_db(layout, sample_rate_hz);
    let target_has = |band: usize| match target {
        Target::Reference(profile) => profile.has_signal(band),
        _ => true,
    };
    let active: [bool; NUM_BANDS] = std::array::from_fn(|band| {
        (options.first_band..=options.last_band).contains(&band)
            && !layout.band_bins(band).is_empty()
            && source.has_signal(band)
            && target_has(band)
    });
    if !active.contains(&true) {
        return Err(MatchError::NothingToMatch);
    }
    let raw: [f32; NUM_BANDS] = std::array::from_fn(|band| {
        if active[band] {
            target_db[band] - source_db[band]
        } else {
            0.0
        }
    });
    let smoothed = smooth(&raw, &active, options.smoothing_bands);
    let offset_db = neutral_offset_db(&source_db, &smoothed, &active, layout, sample_rate_hz);
    let limit = BAND_GAIN_LIMIT_DB;
    // The full correction (amount 100 %), solved for the curve mode; the amount scales the
    // solved gains, so 50 % is exactly half and -100 % exactly the negation (up to ±12 dB).
    let full_db: [f32; NUM_BANDS] = std::array::from_fn(|band| {
        if active[band] {
            (smoothed[band] - offset_db).clamp(-limit, limit)
        } else {
            0.0
        }
    });
    let full_gains_db = match options.curve_mode {
        CurveMode::Bands => full_db,
        CurveMode::Smooth => solve_smooth_power(layout, &full_db, &active),
    };
    let amount = options.amount_percent / PERCENT;
    let scaled = |values: [f32; NUM_BANDS]| values.map(|v| (amount * v).clamp(-limit, limit));
    let (gains_db, wanted_db) = (scaled(full_gains_db), scaled(full_db));
    Ok(MatchResult {
        gains_db,
        wanted_db,
        source_db,
        target_db,
        offset_db,
        curve_mode: options.curve_mode,
    })
}

/// `values` smoothed across the active bands by a Gaussian of `sigma_bands` (weights
/// normalised over the active neighbours; inactive bands stay as they are).
fn smooth(
    values: &[f32; NUM_BANDS],
    active: &[bool; NUM_BANDS],
    sigma_bands: f32,
) -> [f32; NUM_BANDS] {
    if sigma_bands <= 0.0 {
        return *values;
    }
    let reach = (KERNEL_REACH_SIGMAS * sigma_bands).ceil() as usize;
    std::array::from_fn(|band| {
        if !active[band] {
            return values[band];
        }
        let neighbours = band.saturating_sub(reach)..(band + reach + 1).min(NUM_BANDS);
        let (sum, weights) = neighbours
            .filter(|&other| active[other])
            .map(|other| {
                let distance = other as f32 - band as f32;
                let weight = (-0.5 * (distance / sigma_bands).powi(2)).exp();
                (weight * values[other], weight)
            })
            .fold((0.0, 0.0), |(s, w), (v, x)| (s + v, w + x));
        sum / weights
    })
}

/// c such that applying `change_db − c` to the active bands leaves the source's K-weighted
/// power unchanged: `c = 10·log10(Σ P·K·10^(d/10) / Σ P·K)` over the active bands.
fn neutral_offset_db(
    source_db: &[f32; NUM_BANDS],
    change_db: &[f32; NUM_BANDS],
    active: &[bool; NUM_BANDS],
    layout: &BinLayout,
    sample_rate_hz: f32,
) -> f32 {
    let (mut changed, mut original) = (0.0f64, 0.0f64);
    for band in (0..NUM_BANDS).filter(|&band| active[band]) {
        let bins = layout.band_bins(band);
        let count = bins.len().max(1) as f64;
        let k_weight: f64 = bins
            .map(|bin| {
                let freq_hz = bin_freq_hz(bin.max(1), layout.fft_size, sample_rate_hz);
                f64::from(k_weight_power(freq_hz, sample_rate_hz))
            })
            .sum::<f64>()
            / count;
        let weighted = 10f64.powf(f64::from(source_db[band]) / 10.0) * k_weight;
        original += weighted;
        changed += weighted * 10f64.powf(f64::from(change_db[band]) / 10.0);
    }
    if original > 0.0 && changed > 0.0 {
        (10.0 * (changed / original).log10()) as f32
    } else {
        0.0
    }
}

/// Within a band, bins are weighted as a pink spectrum would fill them (1/f, flat below
/// this many bins), both in the linear map and in the band changes it approximates.
const PINK_FLOOR_BINS: f32 = 0.5;
/// Rounds of refinement that correct the linear map for the band change being a power
/// average (in dB) rather than an average of dB.
const POWER_AVERAGE_ROUNDS: usize = 4;

/// The pink weight of every bin of `layout`, normalised to sum to 1 within each band.
fn pink_bin_weights(layout: &BinLayout) -> Vec<f64> {
    let mut weights: Vec<f64> = (0..layout.num_bins())
        .map(|bin| 1.0 / f64::from((bin as f32).max(PINK_FLOOR_BINS)))
        .collect();
    for band in 0..NUM_BANDS {
        let bins = layout.band_bins(band);
        let total: f64 = weights[bins.clone()].iter().sum();
        weights[bins].iter_mut().for_each(|w| *w /= total);
    }
    weights
}

/// The Smooth curve's band averages as a linear map of the centre gains: row b, column j is
/// the (pink-weighted) average over band b's bins of the dB curve with band j at 1 dB and the
/// others at 0. Bands without bins get an identity row (their gain is their own business).
pub fn band_average_map(layout: &BinLayout) -> [[f64; NUM_BANDS]; NUM_BANDS] {
    let weights = pink_bin_weights(layout);
    let mut map = [[0.0f64; NUM_BANDS]; NUM_BANDS];
    for lower in 0..NUM_BANDS - 1 {
        for bin in layout.smooth_segment(lower) {
            let band = usize::from(layout.band_of_bin[bin]);
            let upper_share = f64::from(layout.smooth_weight[bin]);
            map[band][lower] += weights[bin] * (1.0 - upper_share);
            map[band][lower + 1] += weights[bin] * upper_share;
        }
    }
    for (band, row) in map.iter_mut().enumerate() {
        if layout.band_bins(band).is_empty() {
            row[band] = 1.0;
        }
    }
    map
}

/// The change in dB of each band's (pink-weighted) power that the Smooth curve of `gains_db`
/// makes: what the band averages of [`band_average_map`] approximate.
fn smooth_band_changes_db(layout: &BinLayout, gains_db: &[f64; NUM_BANDS]) -> [f64; NUM_BANDS] {
    let weights = pink_bin_weights(layout);
    let mut power = [0.0f64; NUM_BANDS];
    for lower in 0..NUM_BANDS - 1 {
        let delta_db = gains_db[lower + 1] - gains_db[lower];
        for bin in layout.smooth_segment(lower) {
            let band = usize::from(layout.band_of_bin[bin]);
            let curve_db = gains_db[lower] + f64::from(layout.smooth_weight[bin]) * delta_db;
            power[band] += weights[bin] * 10f64.powf(curve_db / 10.0);
        }
    }
    std::array::from_fn(|band| {
        if layout.band_bins(band).is_empty() {
            gains_db[band]
        } else {
            10.0 * power[band].log10()
        }
    })
}

/// Smooth-mode centre gains for the band changes `wanted_db`: the linear solve, refined so
/// that the bands' power changes (not their dB averages) are the wanted ones.
fn solve_smooth_power(
    layout: &BinLayout,
    wanted_db: &[f32; NUM_BANDS],
    active: &[bool; NUM_BANDS],
) -> [f32; NUM_BANDS] {
    let map = band_average_map(layout);
    let mut gains = solve_smooth(&map, wanted_db, active);
    for _ in 0..POWER_AVERAGE_ROUNDS {
        let current = gains.map(f64::from);
        let changes = smooth_band_changes_db(layout, &current);
        // The part of the change the linear map misses, held fixed for the next solve.
        let adjusted: [f32; NUM_BANDS] = std::array::from_fn(|band| {
            let linear: f64 = (0..NUM_BANDS).map(|j| map[band][j] * current[j]).sum();
            wanted_db[band] - (changes[band] - linear) as f32
        });
        gains = solve_smooth(&map, &adjusted, active);
    }
    gains
}

/// The centre gains whose band averages under `map` are `wanted_db` for the active bands,
/// inactive bands held at 0 dB, every gain within ±12 dB: gains that would exceed the limit
/// are pinned to it and the rest solved again (an active set).
fn solve_smooth(
    map: &[[f64; NUM_BANDS]; NUM_BANDS],
    wanted_db: &[f32; NUM_BANDS],
    active: &[bool; NUM_BANDS],
) -> [f32; NUM_BANDS] {
    let limit = f64::from(BAND_GAIN_LIMIT_DB);
    // Some(value) pins a gain; None leaves it free.
    let mut pinned: [Option<f64>; NUM_BANDS] =
        std::array::from_fn(|band| (!active[band]).then_some(0.0));
    let mut gains = [0.0f64; NUM_BANDS];
    for _ in 0..NUM_BANDS {
        let free: Vec<usize> = (0..NUM_BANDS).filter(|&b| pinned[b].is_none()).collect();
        let mut system: Vec<Vec<f64>> = free
            .iter()
            .map(|&row| {
                let fixed: f64 = (0..NUM_BANDS)
                    .filter_map(|col| pinned[col].map(|value| map[row][col] * value))
                    .sum();
                let mut equation: Vec<f64> = free.iter().map(|&col| map[row][col]).collect();
                equation.push(f64::from(wanted_db[row]) - fixed);
                equation
            })
            .collect();
        let solution = solve_linear(&mut system);
        for (gain, pin) in gains.iter_mut().zip(&pinned) {
            if let Some(value) = pin {
                *gain = *value;
            }
        }
        for (&band, &value) in free.iter().zip(&solution) {
            gains[band] = value;
        }
        let over: Vec<usize> = free
            .iter()
            .copied()
            .filter(|&band| gains[band].abs() > limit)
            .collect();
        if over.is_empty() {
            break;
        }
        for band in over {
            pinned[band] = Some(gains[band].clamp(-limit, limit));
        }
    }
    gains.map(|gain| gain.clamp(-limit, limit) as f32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::PROFILE_FORMAT_VERSION;

    const RATE_HZ: f32 = 48_000.0;

    fn profile(levels: [f32; NUM_BANDS]) -> Profile {
        Profile {
            version: PROFILE_FORMAT_VERSION,
            sample_rate_hz: RATE_HZ,
            duration_s: 10.0,
            frames_kept: 100,
            band_levels_db: levels,
        }
    }

    fn pinkish() -> [f32; NUM_BANDS] {
        std::array::from_fn(|b| -20.0 - b as f32 * 0.8)
    }

    #[test]
    fn a_profile_matched_to_itself_needs_no_gain() {
        let layout = BinLayout::new(4096, RATE_HZ);
        let source = profile(pinkish());
        for curve_mode in CurveMode::ALL {
            let options = MatchOptions {
                curve_mode,
                ..MatchOptions::default()
            };
            let result = match_gains(
                &source,
                &Target::Reference(source.clone()),
                &options,
                &layout,
                RATE_HZ,
            )
            .expect("matches");
            assert!(result.gains_db.iter().all(|g| g.abs() < 1e-4), "{result:?}");
            assert!(result.offset_db.abs() < 1e-4);
        }
    }

    #[test]
    fn a_level_difference_alone_is_the_output_gains_job() {
        let layout = BinLayout::new(4096, RATE_HZ);
        let source = profile(pinkish());
        let louder = profile(pinkish().map(|db| db + 6.0));
        let result = match_gains(
            &source,
            &Target::Reference(louder),
            &MatchOptions::default(),
            &layout,
            RATE_HZ,
        )
        .expect("matches");
        assert!((result.offset_db - 6.0).abs() < 1e-4);
        assert!(result.gains_db.iter().all(|g| g.abs() < 1e-3), "{result:?}");
    }

    #[test]
    fn smooth_gains_give_the_wanted_band_averages() {
        let layout = BinLayout::new(4096, RATE_HZ);
        let map = band_average_map(&layout);
        let wanted: [f32; NUM_BANDS] = std::array::from_fn(|b| ((b * 7) % 9) as f32 - 4.0);
        let gains = solve_smooth(&map, &wanted, &[true; NUM_BANDS]);
        for (band, row) in map.iter().enumerate() {
            let average: f64 = row.iter().zip(&gains).map(|(m, &g)| m * f64::from(g)).sum();
            assert!(
                (average - f64::from(wanted[band])).abs() < 1e-3,
                "band {band}"
            );
        }
        // Every row averages a curve with all gains at 1 dB to 1 dB.
        for row in &map {
            assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
    }

    #[test]
    fn clamped_and_out_of_range_bands_hold_their_limits() {
        let layout = BinLayout::new(4096, RATE_HZ);
        let mut levels = pinkish();
        levels[10] += 30.0;
        let options = MatchOptions {
            first_band: 1,
            last_band: 23,
            ..MatchOptions::default()
        };
        for curve_mode in CurveMode::ALL {
            let options = MatchOptions {
                curve_mode,
                ..options
            };
            let result = match_gains(
                &profile(pinkish()),
                &Target::Reference(profile(levels)),
                &options,
                &layout,
                RATE_HZ,
            )
            .expect("matches");
            assert_eq!(result.gains_db[0], 0.0);
            assert_eq!(result.gains_db[24], 0.0);
            assert!(result
                .gains_db
                .iter()
                .all(|g| g.abs() <= BAND_GAIN_LIMIT_DB));
            assert_eq!(result.gains_db[10], BAND_GAIN_LIMIT_DB, "{curve_mode:?}");
        }
    }

    #[test]
    fn amount_scales_and_negates_the_gains() {
        let layout = BinLayout::new(4096, RATE_HZ);
        let target: [f32; NUM_BANDS] =
            std::array::from_fn(|b| pinkish()[b] + ((b * 5) % 7) as f32 - 3.0);
        let run = |amount_percent: f32, curve_mode: CurveMode| {
            let options = MatchOptions {
                amount_percent,
                curve_mode,
                ..MatchOptions::default()
            };
            let target = Target::Reference(profile(target));
            match_gains(&profile(pinkish()), &target, &options, &layout, RATE_HZ)
                .expect("matches")
                .gains_db
        };
        for mode in CurveMode::ALL {
            let (full, half, negated) = (run(100.0, mode), run(50.0, mode), run(-100.0, mode));
            for band in 0..NUM_BANDS {
                assert!((half[band] - full[band] / 2.0).abs() < 1e-3, "{mode:?}");
                assert!((negated[band] + full[band]).abs() < 1e-3, "{mode:?}");
            }
        }
    }

    #[test]
    fn smoothing_averages_neighbours_and_options_are_checked() {
        let values: [f32; NUM_BANDS] = std::array::from_fn(|b| if b == 12 { 6.0 } else { 0.0 });
        let smoothed = smooth(&values, &[true; NUM_BANDS], 1.0);
        assert!(smoothed[12] < 6.0 && smoothed[11] > 0.0 && smoothed[13] > 0.0);
        assert!((smoothed.iter().sum::<f32>() - 6.0).abs() < 0.2);
        let bad = MatchOptions {
            amount_percent: 250.0,
            ..MatchOptions::default()
        };
        assert!(bad.check().unwrap_err().to_string().contains("250"));
    }

    #[test]
    fn pink_target_falls_three_db_per_octave_of_bandwidth() {
        let layout = BinLayout::new(4096, RATE_HZ);
        let pink = Target::Pink.band_levels_db(&layout, RATE_HZ);
        // Equal relative bandwidth, equal pink power: bands 10 and 20 both span ~0.23 octave.
        let width = |b: usize| {
            let e = crate::bands::BAND_EDGES_HZ;
            (e[b + 1] / e[b]).log2()
        };
        let expected = 10.0 * (width(19) / width(9)).log10();
        assert!((pink[19] - pink[9] - expected).abs() < 0.1, "{pink:?}");
    }
}
