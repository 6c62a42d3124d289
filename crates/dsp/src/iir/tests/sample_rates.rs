use super::accuracy::all_settings;
use super::{noise, process_mono, snapped_filter};
use crate::bands::NUM_BANDS;

/// Every rate the plugin must accept, in Hz.
const RATES_HZ: [f32; 10] = [
    1000.0,
    1234.5678,
    8000.0,
    22_050.0,
    44_100.0,
    48_000.0,
    96_000.0,
    192_000.0,
    384_000.0,
    1_234_567.8,
];

#[test]
fn every_sample_rate_constructs_processes_finite_output_and_flat_is_transparent() {
    for rate in RATES_HZ {
        let input = noise(8192, 0.9, 2);
        let mut output = input.clone();
        let (_, _, mut flat) = snapped_filter(rate, &[0.0; NUM_BANDS]);
        process_mono(&mut flat, &mut output, 300);
        assert_eq!(output, input, "{rate} Hz: flat is not transparent");
        for gains in [all_settings()[1], [12.0; NUM_BANDS], [-12.0; NUM_BANDS]] {
            let (design, coeffs, mut filter) = snapped_filter(rate, &gains);
            let mut output = input.clone();
            process_mono(&mut filter, &mut output, 300);
            assert!(
                output.iter().all(|v| v.is_finite()),
                "{rate} Hz: non-finite output"
            );
            let magnitude_db = design.magnitude_db(&coeffs, 0.25 * rate.min(2000.0));
            assert!(magnitude_db.is_finite(), "{rate} Hz: non-finite magnitude");
        }
    }
}
