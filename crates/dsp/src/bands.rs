//! The 25 Bark critical bands: edges, centres, names and the bin → band map.

/// Number of Bark bands the equalizer controls.
pub const NUM_BANDS: usize = 25;

/// Band edges in Hz: band `k` holds `BAND_EDGES_HZ[k] <= f < BAND_EDGES_HZ[k + 1]`.
/// Frequencies at or above the last edge (20 kHz) belong to the last band.
pub const BAND_EDGES_HZ: [f32; NUM_BANDS + 1] = [
    0.0, 100.0, 200.0, 300.0, 400.0, 510.0, 630.0, 770.0, 920.0, 1080.0, 1270.0, 1480.0, 1720.0,
    2000.0, 2320.0, 2700.0, 3150.0, 3700.0, 4400.0, 5300.0, 6400.0, 7700.0, 9500.0, 12000.0,
    15500.0, 20000.0,
];

/// Centre of the first band, which starts at 0 Hz and so has no geometric mean.
pub const FIRST_BAND_CENTRE_HZ: f32 = 50.0;

/// Centre frequency of band `band` (0-based) in Hz: the geometric mean of its edges.
pub fn band_centre_hz(band: usize) -> f32 {
    if band == 0 {
        FIRST_BAND_CENTRE_HZ
    } else {
        (BAND_EDGES_HZ[band] * BAND_EDGES_HZ[band + 1]).sqrt()
    }
}

/// All 25 band centres in Hz.
pub fn band_centres_hz() -> [f32; NUM_BANDS] {
    std::array::from_fn(band_centre_hz)
}

/// The band (0-based) that holds `freq_hz`; negative or non-finite input maps to band 0,
/// anything at or above 20 kHz to the last band.
pub fn band_of_freq(freq_hz: f32) -> usize {
    if freq_hz.is_nan() || freq_hz < 0.0 {
        return 0;
    }
    // Number of inner edges (edges 1..=24) at or below the frequency.
    BAND_EDGES_HZ[1..NUM_BANDS]
        .iter()
        .take_while(|&&edge| edge <= freq_hz)
        .count()
}

/// Frequency in Hz of FFT bin `bin` for an FFT of `fft_size` points at `sample_rate_hz`.
pub fn bin_freq_hz(bin: usize, fft_size: usize, sample_rate_hz: f32) -> f32 {
    (bin as f64 * sample_rate_hz as f64 / fft_size as f64) as f32
}

/// Fills `band_of_bin[i]` with the band of bin `i` for an FFT of `fft_size` points.
/// `band_of_bin` should have `fft_size / 2 + 1` entries; every entry given is filled.
pub fn fill_band_map(band_of_bin: &mut [u8], fft_size: usize, sample_rate_hz: f32) {
    for (bin, band) in band_of_bin.iter_mut().enumerate() {
        // NUM_BANDS < 256, so the band index always fits in a u8.
        *band = band_of_freq(bin_freq_hz(bin, fft_size, sample_rate_hz)) as u8;
    }
}

/// Display name of band `band` from its centre: "50 Hz", "141 Hz", "1.17 kHz", "17.6 kHz".
pub fn band_name(band: usize) -> String {
    format_freq_hz(band_centre_hz(band))
}

/// Formats a frequency with three significant digits: "997 Hz", "1.17 kHz", "10.7 kHz".
pub fn format_freq_hz(freq_hz: f32) -> String {
    let rounded_hz = freq_hz.round();
    if rounded_hz < 1000.0 {
        format!("{rounded_hz:.0} Hz")
    } else {
        let khz = freq_hz / 1000.0;
        if khz < 9.995 {
            format!("{khz:.2} kHz")
        } else if khz < 99.95 {
            format!("{khz:.1} kHz")
        } else {
            format!("{khz:.0} kHz")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rounded centres of docs/DESIGN.md#bands.
    const ROUNDED_CENTRES_HZ: [f32; NUM_BANDS] = [
        50.0, 141.0, 245.0, 346.0, 452.0, 567.0, 696.0, 842.0, 997.0, 1171.0, 1371.0, 1595.0,
        1855.0, 2154.0, 2503.0, 2916.0, 3414.0, 4035.0, 4829.0, 5824.0, 7020.0, 8553.0, 10677.0,
        13638.0, 17607.0,
    ];

    #[test]
    fn centres_match_the_design_table() {
        for (band, expected) in ROUNDED_CENTRES_HZ.iter().enumerate() {
            assert_eq!(band_centre_hz(band).round(), *expected, "band {band}");
        }
    }

    #[test]
    fn every_centre_lies_inside_its_own_band() {
        for band in 0..NUM_BANDS {
            assert_eq!(band_of_freq(band_centre_hz(band)), band);
        }
    }

    #[test]
    fn edges_belong_to_the_band_above_and_20k_plus_to_the_last() {
        for (band, &edge_hz) in BAND_EDGES_HZ.iter().enumerate().take(NUM_BANDS).skip(1) {
            assert_eq!(band_of_freq(edge_hz), band);
            assert_eq!(band_of_freq(edge_hz - 0.01), band - 1);
        }
        assert_eq!(band_of_freq(0.0), 0);
        assert_eq!(band_of_freq(20_000.0), NUM_BANDS - 1);
        assert_eq!(band_of_freq(96_000.0), NUM_BANDS - 1);
        assert_eq!(band_of_freq(f32::NAN), 0);
    }

    #[test]
    fn band_map_follows_fft_size_and_rate() {
        for (fft_size, rate) in [(1024, 48_000.0), (4096, 44_100.0), (8192, 96_000.0)] {
            let mut map = vec![0u8; fft_size / 2 + 1];
            fill_band_map(&mut map, fft_size, rate);
            for (bin, &band) in map.iter().enumerate() {
                let freq = bin as f32 * rate / fft_size as f32;
                let band = band as usize;
                assert!(BAND_EDGES_HZ[band] <= freq + 1e-3, "bin {bin} at {freq} Hz");
                assert!(band == NUM_BANDS - 1 || freq < BAND_EDGES_HZ[band + 1] + 1e-3);
            }
            // Monotonic, starts in band 0 and reaches the last band.
            assert!(map.windows(2).all(|w| w[0] <= w[1]));
            assert_eq!(map[0], 0);
            assert_eq!(*map.last().unwrap() as usize, NUM_BANDS - 1);
        }
    }

    #[test]
    fn names_use_three_significant_digits() {
        assert_eq!(band_name(0), "50 Hz");
        assert_eq!(band_name(1), "141 Hz");
        assert_eq!(band_name(8), "997 Hz");
        assert_eq!(band_name(9), "1.17 kHz");
        assert_eq!(band_name(22), "10.7 kHz");
        assert_eq!(band_name(24), "17.6 kHz");
        let names: Vec<String> = (0..NUM_BANDS).map(band_name).collect();
        let mut unique = names.clone();
        unique.dedup();
        assert_eq!(unique.len(), NUM_BANDS, "names must be distinct: {names:?}");
    }
}
