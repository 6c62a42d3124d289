//! The product's one test-signal generator: pink noise (−3 dB per octave), used by the CLI's
//! demo, the standalone app's demo mode and the tests. Allocation-free and seeded, so it can
//! run on the audio thread and reproduce a signal exactly.

/// Pole and input weight of the six one-pole sections of Paul Kellett's pink-noise filter
/// (accurate to ±0.05 dB above 9 Hz at 44.1 kHz).
const PINK_SECTIONS: [(f32, f32); 6] = [
    (0.99886, 0.055_517_9),
    (0.99332, 0.075_075_9),
    (0.96900, 0.153_852),
    (0.86650, 0.310_485_6),
    (0.55000, 0.532_952_2),
    (-0.7616, -0.016_898),
];
/// Weight of the white noise added directly in Kellett's filter.
const PINK_WHITE_WEIGHT: f32 = 0.5362;
/// Weight of the one-sample-delayed white noise in Kellett's filter.
const PINK_DELAYED_WEIGHT: f32 = 0.115_926;
/// RMS of the filter's output for uniform white noise in [−1, 1): √(Σ h\[n\]² / 3) over its
/// impulse response h.
pub const PINK_RAW_RMS: f32 = 1.762_378;
/// Multiplier of the xorshift64* generator.
const XORSHIFT_MULTIPLIER: u64 = 0x2545_F491_4F6C_DD1D;
/// Bits of the generator's output kept for one uniform sample.
const UNIFORM_BITS: u32 = 24;

/// Pink noise: xorshift64* white noise through Kellett's filter.
#[derive(Clone, Debug)]
pub struct PinkNoise {
    /// Generator state (never 0).
    state: u64,
    /// States of the six one-pole sections.
    poles: [f32; PINK_SECTIONS.len()],
    /// The previous white sample times [`PINK_DELAYED_WEIGHT`].
    delayed: f32,
}

impl PinkNoise {
    /// A generator whose output is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            state: seed | 1,
            poles: [0.0; PINK_SECTIONS.len()],
            delayed: 0.0,
        }
    }

    /// Uniform white noise in [−1, 1).
    pub fn white(&mut self) -> f32 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let bits = self.state.wrapping_mul(XORSHIFT_MULTIPLIER) >> (64 - UNIFORM_BITS);
        bits as f32 / (1u64 << (UNIFORM_BITS - 1)) as f32 - 1.0
    }

    /// The next pink sample, RMS [`PINK_RAW_RMS`] in the long run.
    pub fn next_sample(&mut self) -> f32 {
        let white = self.white();
        let mut pink = white * PINK_WHITE_WEIGHT + self.delayed;
        for (state, &(pole, weight)) in self.poles.iter_mut().zip(&PINK_SECTIONS) {
            *state = pole * *state + white * weight;
            pink += *state;
        }
        self.delayed = white * PINK_DELAYED_WEIGHT;
        pink
    }

    /// The next pink sample with an RMS of 1 in the long run.
    pub fn next_unit(&mut self) -> f32 {
        self.next_sample() / PINK_RAW_RMS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Power of `signal` in the octave `lo_hz`…2·`lo_hz` at `rate_hz`, by a direct DFT.
    fn octave_power(signal: &[f32], rate_hz: f32, lo_hz: f32) -> f64 {
        let n = signal.len();
        let bin_hz = rate_hz / n as f32;
        let (first, last) = ((lo_hz / bin_hz) as usize, (2.0 * lo_hz / bin_hz) as usize);
        (first..last)
            .map(|k| {
                let step = std::f64::consts::TAU * k as f64 / n as f64;
                let (mut re, mut im) = (0.0f64, 0.0f64);
                for (i, &x) in signal.iter().enumerate() {
                    re += f64::from(x) * (step * i as f64).cos();
                    im -= f64::from(x) * (step * i as f64).sin();
                }
                re * re + im * im
            })
            .sum()
    }

    #[test]
    fn pink_noise_has_unit_rms_and_falls_3_db_per_octave() {
        let rate_hz = 8000.0;
        let mut noise = PinkNoise::new(7);
        let signal: Vec<f32> = (0..8192).map(|_| noise.next_unit()).collect();
        let rms = (signal.iter().map(|x| f64::from(x * x)).sum::<f64>() / 8192.0).sqrt();
        assert!((rms - 1.0).abs() < 0.1, "RMS {rms}");
        // Equal power per octave is pink: 250–500 Hz vs 1–2 kHz within ±1.5 dB.
        let low = octave_power(&signal, rate_hz, 250.0);
        let high = octave_power(&signal, rate_hz, 1000.0);
        let difference_db = 10.0 * (low / high).log10();
        assert!(difference_db.abs() < 1.5, "{difference_db:.2} dB");
    }

    #[test]
    fn the_same_seed_gives_the_same_noise() {
        let (mut a, mut b, mut c) = (PinkNoise::new(1), PinkNoise::new(1), PinkNoise::new(2));
        let first: Vec<f32> = (0..64).map(|_| a.next_sample()).collect();
        let again: Vec<f32> = (0..64).map(|_| b.next_sample()).collect();
        let other: Vec<f32> = (0..64).map(|_| c.next_sample()).collect();
        assert_eq!(first, again);
        assert_ne!(first, other);
        assert!(first.iter().all(|x| x.abs() < 10.0));
    }
}
