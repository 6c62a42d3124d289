//! Band solo: hearing one Bark band alone. Linear mode plays the band's own bins (its Bands
//! range) at unity; Zero latency mode runs this band-pass instead of the IIR bank: two
//! identical RBJ band-pass sections (0 dB at the centre) whose Q keeps the cascade's −3 dB
//! points at the band's edges.

use std::f64::consts::PI;

use super::bands::{band_centre_hz, BAND_EDGES_HZ, NUM_BANDS};

/// The cascade of two identical sections is 3 dB down where each is 1.5 dB down: each
/// section's bandwidth is the band's divided by this (√(√2 − 1)).
const CASCADE_BANDWIDTH_FACTOR: f64 = 0.643_594_252_905_582_6;
/// Centres are kept below this fraction of the sample rate.
const MAX_CENTRE_FRACTION: f64 = 0.45;
/// Narrowest bandwidth a section gets, as a fraction of its centre (so Q ≤ 50).
const MIN_RELATIVE_BANDWIDTH: f64 = 0.02;

/// Coefficients of one band-pass section (a₀ = 1), transposed direct form II.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BandPass {
    /// Feed-forward coefficients b₀, b₁, b₂.
    b: [f32; 3],
    /// Feedback coefficients a₁, a₂.
    a: [f32; 2],
}

/// State of the two-section cascade for one channel.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BandPassState {
    /// The two delay registers of each section.
    sections: [[f32; 2]; 2],
}

impl BandPass {
    /// The section for band `band` (0-based) at `sample_rate_hz`.
    pub fn for_band(band: usize, sample_rate_hz: f32) -> Self {
        let band = band.min(NUM_BANDS - 1);
        let rate = f64::from(sample_rate_hz);
        let centre = f64::from(band_centre_hz(band)).min(MAX_CENTRE_FRACTION * rate);
        let width = f64::from(BAND_EDGES_HZ[band + 1] - BAND_EDGES_HZ[band]);
        let section_width = (width / CASCADE_BANDWIDTH_FACTOR).max(MIN_RELATIVE_BANDWIDTH * centre);
        let q = centre / section_width;
        let omega = 2.0 * PI * centre / rate;
        let alpha = omega.sin() / (2.0 * q);
        let a0 = 1.0 + alpha;
        Self {
            b: [(alpha / a0) as f32, 0.0, (-alpha / a0) as f32],
            a: [
                (-2.0 * omega.cos() / a0) as f32,
                ((1.0 - alpha) / a0) as f32,
            ],
        }
    }

    /// Filters `io` in place through both sections.
    pub fn process(&self, io: &mut [f32], state: &mut BandPassState) {
        for section in &mut state.sections {
            for sample in io.iter_mut() {
                let x = *sample;
                let y = self.b[0] * x + section[0];
                section[0] = self.b[1] * x - self.a[0] * y + section[1];
                section[1] = self.b[2] * x - self.a[1] * y;
                *sample = y;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gain in dB of the cascade at `freq_hz` for a steady sine.
    fn gain_db(filter: &BandPass, freq_hz: f32, rate_hz: f32) -> f32 {
        let len = (rate_hz as usize) * 2;
        let mut signal: Vec<f32> = (0..len)
            .map(|n| (2.0 * std::f32::consts::PI * freq_hz * n as f32 / rate_hz).sin())
            .collect();
        filter.process(&mut signal, &mut BandPassState::default());
        let tail = &signal[len / 2..];
        let rms = (tail.iter().map(|x| x * x).sum::<f32>() / tail.len() as f32).sqrt();
        20.0 * (rms * std::f32::consts::SQRT_2).log10()
    }

    #[test]
    fn the_band_centre_passes_at_unity_and_the_edges_are_3_db_down() {
        for band in [3, 9, 17] {
            let filter = BandPass::for_band(band, 48_000.0);
            let centre = gain_db(&filter, band_centre_hz(band), 48_000.0);
            assert!(centre.abs() < 0.1, "band {band}: {centre}");
            let edge = gain_db(&filter, BAND_EDGES_HZ[band + 1], 48_000.0);
            assert!((edge + 3.0).abs() < 1.0, "band {band} upper edge: {edge}");
        }
    }
}
