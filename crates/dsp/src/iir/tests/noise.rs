use super::reference::process_f64;
use super::snapped_filter;
use crate::bands::NUM_BANDS;
use crate::iir::accuracy::MAX_BAND_GAIN_DB;

/// Level of the noise-floor test sine, in dBFS.
const SINE_LEVEL_DBFS: f64 = -100.0;
/// Frequency of the noise-floor test sine, in Hz.
const SINE_FREQ_HZ: f64 = 20.0;
/// Required noise floor at flat gains, relative to the sine RMS (−120 dB).
const FLAT_NOISE_FLOOR: f64 = 1e-6;
/// Measured bound on the noise floor with extreme non-flat gains, relative to the input RMS.
const NON_FLAT_NOISE_FLOOR_DB: f64 = -95.0;

/// RMS of (f32 output − f64 reference with the same coefficients) relative to the input RMS,
/// for a −100 dBFS sine at `freq_hz` (the first second is skipped as settling time).
fn relative_noise(sample_rate_hz: f32, freq_hz: f64, gains_db: &[f32; NUM_BANDS]) -> f64 {
    let (design, coeffs, mut filter) = snapped_filter(sample_rate_hz, gains_db);
    let amplitude = 10f64.powf(SINE_LEVEL_DBFS / 20.0);
    let frames = 2 * sample_rate_hz as usize;
    let mut output: Vec<f32> = (0..frames)
        .map(|n| {
            (amplitude
                * (std::f64::consts::TAU * freq_hz * n as f64 / f64::from(sample_rate_hz)).sin())
                as f32
        })
        .collect();
    let input: Vec<f64> = output.iter().map(|&x| f64::from(x)).collect();
    super::process_mono(&mut filter, &mut output, 256);
    let reference = process_f64(&design, &coeffs, &input);
    let skip = frames / 2;
    let error: f64 = output[skip..]
        .iter()
        .zip(&reference[skip..])
        .map(|(&y, &r)| (f64::from(y) - r).powi(2))
        .sum();
    let signal: f64 = input[skip..].iter().map(|x| x * x).sum();
    (error / signal).sqrt()
}

#[test]
fn flat_noise_floor_is_at_least_120_db_below_a_minus_100_dbfs_20_hz_sine() {
    for rate in [44_100.0, 48_000.0, 96_000.0, 192_000.0] {
        let noise = relative_noise(rate, SINE_FREQ_HZ, &[0.0; NUM_BANDS]);
        assert!(noise <= FLAT_NOISE_FLOOR, "{rate} Hz: {noise:e}");
    }
}

#[test]
fn non_flat_noise_floor_stays_95_db_below_the_input_for_extreme_settings() {
    let mut bass = [0.0; NUM_BANDS];
    bass[0] = MAX_BAND_GAIN_DB;
    bass[1] = -MAX_BAND_GAIN_DB;
    let zigzag: [f32; NUM_BANDS] = std::array::from_fn(|b| {
        if b % 2 == 0 {
            MAX_BAND_GAIN_DB
        } else {
            -MAX_BAND_GAIN_DB
        }
    });
    let mut worst_db = f64::NEG_INFINITY;
    for rate in [48_000.0, 192_000.0] {
        for (name, gains) in [
            ("bass +12/-12", bass),
            ("zigzag", zigzag),
            ("all +12", [MAX_BAND_GAIN_DB; NUM_BANDS]),
        ] {
            for freq_hz in [SINE_FREQ_HZ, 50.0, 1000.0] {
                let noise_db = 20.0 * relative_noise(rate, freq_hz, &gains).log10();
                println!("{rate} Hz, {name}, {freq_hz} Hz sine: noise {noise_db:.1} dB re input");
                worst_db = worst_db.max(noise_db);
            }
        }
    }
    assert!(
        worst_db <= NON_FLAT_NOISE_FLOOR_DB,
        "worst {worst_db:.1} dB"
    );
}
