//! A small synthetic band for tests that need realistic, multi-instrument material: bass,
//! chords, a melody, kick, snare and hi-hat at 120 BPM, in stereo, reproducible from a seed.
//! Its long-term spectrum is tonal and far from pink, which is the point.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Beats per second (120 BPM).
const BEATS_PER_SECOND: f64 = 2.0;
/// Chord roots of the four-bar progression, as MIDI notes (A minor, F, C, G).
const PROGRESSION: [i32; 4] = [57, 53, 48, 55];
/// Minor-pentatonic steps above the root for the melody.
const PENTATONIC: [i32; 5] = [0, 3, 5, 7, 10];
/// Peak level the mix is scaled to.
const PEAK: f32 = 0.5;

/// Frequency of MIDI note `note`.
fn note_hz(note: i32) -> f64 {
    440.0 * 2f64.powf(f64::from(note - 69) / 12.0)
}

/// Adds a note with `harmonics` partials (partial n at 1 / n^`rolloff`) to `out` at
/// `start`…`start + len` samples, with a short attack and an exponential decay of `decay_s`.
#[allow(clippy::too_many_arguments)]
fn add_note(
    out: &mut [f32],
    rate_hz: f64,
    start: usize,
    len: usize,
    freq_hz: f64,
    harmonics: usize,
    rolloff: f64,
    decay_s: f64,
    level: f64,
) {
    let attack = (0.005 * rate_hz) as usize;
    for (i, sample) in out.iter_mut().skip(start).take(len).enumerate() {
        let t = i as f64 / rate_hz;
        let envelope = (i as f64 / attack.max(1) as f64).min(1.0) * (-t / decay_s).exp();
        let mut value = 0.0;
        for n in 1..=harmonics {
            let partial = freq_hz * n as f64;
            if partial < rate_hz / 2.0 {
                value += (std::f64::consts::TAU * partial * t).sin() / (n as f64).powf(rolloff);
            }
        }
        *sample += (level * envelope * value) as f32;
    }
}

/// `seconds` of stereo music at `rate_hz`, reproducible from `seed`.
pub fn music(seed: u64, rate_hz: u32, seconds: f32) -> Vec<Vec<f32>> {
    let rate = f64::from(rate_hz);
    let len = (f64::from(seconds) * rate) as usize;
    let beat = (rate / BEATS_PER_SECOND) as usize;
    let mut rng = SmallRng::seed_from_u64(seed);
    let (mut left, mut right) = (vec![0.0f32; len], vec![0.0f32; len]);
    let mut mono = vec![0.0f32; len];
    for (index, start) in (0..len).step_by(beat).enumerate() {
        let bar = (index / 4) % PROGRESSION.len();
        let root = PROGRESSION[bar];
        // Bass on every beat, the root two octaves down.
        add_note(
            &mut mono,
            rate,
            start,
            beat,
            note_hz(root - 24),
            8,
            1.0,
            0.4,
            0.25,
        );
        // Kick on every beat: a falling sine.
        for (i, sample) in mono.iter_mut().skip(start).take(beat / 2).enumerate() {
            let t = i as f64 / rate;
            let freq = 50.0 + 60.0 * (-t / 0.03).exp();
            *sample += (0.5 * (-t / 0.12).exp() * (std::f64::consts::TAU * freq * t).sin()) as f32;
        }
        // Snare on beats 2 and 4: noise and a 190 Hz body.
        if index % 2 == 1 {
            add_note(&mut mono, rate, start, beat / 2, 190.0, 1, 1.0, 0.08, 0.15);
            for (i, sample) in mono.iter_mut().skip(start).take(beat / 2).enumerate() {
                let t = i as f64 / rate;
                *sample += (0.2 * (-t / 0.07).exp() * rng.random_range(-1.0..1.0)) as f32;
            }
        }
        // Chords at the start of each bar, left and right voicings.
        if index % 4 == 0 {
            for (offset, side) in [(0, 0), (3, 1), (7, 0), (12, 1)] {
                let channel = if side == 0 { &mut left } else { &mut right };
                let freq = note_hz(root + offset);
                add_note(channel, rate, start, 4 * beat, freq, 6, 2.0, 1.5, 0.08);
            }
        }
        // Melody: two notes a beat from the pentatonic scale, an octave up.
        for half in 0..2 {
            let step = PENTATONIC[rng.random_range(0..PENTATONIC.len())];
            let freq = note_hz(root + 12 + step);
            let at = start + half * beat / 2;
            add_note(&mut left, rate, at, beat / 2, freq, 5, 1.5, 0.2, 0.05);
            add_note(&mut right, rate, at, beat / 2, freq, 5, 1.5, 0.2, 0.07);
        }
        // Hi-hat on every eighth: bright noise (first difference of white noise).
        for half in 0..2 {
            let at = start + half * beat / 2;
            let mut previous = 0.0;
            for i in 0..(beat / 8).min(len.saturating_sub(at)) {
                let t = i as f64 / rate;
                let white: f64 = rng.random_range(-1.0..1.0);
                let value = 0.08 * (-t / 0.02).exp() * (white - previous);
                previous = white;
                left[at + i] += value as f32;
                right[at + i] += (0.8 * value) as f32;
            }
        }
    }
    for ((l, r), m) in left.iter_mut().zip(right.iter_mut()).zip(&mono) {
        *l += m;
        *r += m;
    }
    let peak = left
        .iter()
        .chain(&right)
        .fold(0.0f32, |peak, x| peak.max(x.abs()));
    let scale = PEAK / peak.max(f32::MIN_POSITIVE);
    for x in left.iter_mut().chain(right.iter_mut()) {
        *x *= scale;
    }
    vec![left, right]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn music_is_stereo_reproducible_and_neither_silent_nor_clipped() {
        let a = music(1, 8000, 2.0);
        assert_eq!(a, music(1, 8000, 2.0));
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].len(), 16_000);
        assert_ne!(a[0], a[1]);
        let peak = a.iter().flatten().fold(0.0f32, |p, x| p.max(x.abs()));
        assert!((peak - PEAK).abs() < 1e-6);
        assert!(crate::rms(&a[0]) > 0.02);
    }
}
