//! The kernels against the portable build and against their definitions.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use super::*;
use crate::window::fill_periodic_hann;

fn ramp(len: usize, scale: f32, offset: f32) -> Vec<f32> {
    (0..len)
        .map(|i| ((i * 7) % 13) as f32 * scale - offset)
        .collect()
}

#[test]
fn dispatched_kernels_match_the_portable_ones() {
    let a = ramp(64, 0.25, 1.5);
    let b = ramp(64, -0.5, 2.0);
    let w: Vec<f32> = (0..64).map(|i| i as f32 / 64.0).collect();
    let z: Vec<Complex32> = a
        .iter()
        .zip(&b)
        .map(|(&x, &y)| Complex32::new(x, y))
        .collect();

    let (mut fast, mut plain) = (
        [
            vec![Complex32::default(); 64],
            vec![Complex32::default(); 64],
        ],
        [
            vec![Complex32::default(); 64],
            vec![Complex32::default(); 64],
        ],
    );
    let [fast_ring, fast_mirror] = &mut fast;
    store_sanitized_pair(fast_ring, fast_mirror, &a, &b, 2.0);
    let [plain_ring, plain_mirror] = &mut plain;
    portable::store_sanitized_pair(plain_ring, plain_mirror, &a, &b, 2.0);
    assert_eq!(fast, plain);

    let gains: Vec<f32> = (0..128).map(|i| 1.0 + i as f32 / 128.0).collect();
    let (mut fast_spectrum, mut plain_spectrum) = (z.clone(), z.clone());
    hann_spectrum(&mut fast_spectrum, &z, Some(&gains));
    portable::hann_spectrum(&mut plain_spectrum, &z, Some(&gains));
    assert_eq!(fast_spectrum, plain_spectrum);

    let frames = [&z[..16], &z[16..32], &z[32..48], &z[48..]];
    let windows = [&w[..16], &w[16..32], &w[32..48], &w[48..]];
    let (mut fa, mut fb, mut pa, mut pb) = ([0.0; 16], [0.0; 16], [0.0; 16], [0.0; 16]);
    overlap_read_pair([&mut fa, &mut fb], frames, windows);
    portable::overlap_read_pair([&mut pa, &mut pb], frames, windows);
    assert_eq!((fa, fb), (pa, pb));
    let expected: f32 = (0..4).map(|j| z[16 * j + 3].im * w[16 * j + 3]).sum();
    assert!((pb[3] - expected).abs() <= 1e-6 * expected.abs().max(1.0));

    let weights: Vec<f32> = (0..40).map(|i| i as f32 / 40.0).collect();
    let (mut fast_gains, mut plain_gains) = (vec![0.0; 40], vec![0.0; 40]);
    interpolated_gains(&mut fast_gains, &weights, -6.0, 12.0, 0.5);
    portable::interpolated_gains(&mut plain_gains, &weights, -6.0, 12.0, 0.5);
    for ((x, y), w) in fast_gains.iter().zip(&plain_gains).zip(&weights) {
        let exact = 0.5 * 10f32.powf((-6.0 + 12.0 * w) / 20.0);
        assert!((x - y).abs() <= 1e-7 * y.abs() && (x - exact).abs() <= 1e-6 * exact);
    }
}

#[test]
fn sanitizing_zeroes_non_finite_and_subnormal_samples_and_limits_the_rest() {
    let input = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        1.0e-40,
        -3.0,
        0.5,
        7.0,
    ];
    let (mut ring, mut mirror) = ([1.0; 7], [1.0; 7]);
    store_sanitized(&mut ring, &mut mirror, &input, 2.0);
    assert_eq!(ring, [0.0, 0.0, 0.0, 0.0, -2.0, 0.5, 2.0]);
    assert_eq!(ring, mirror);
}

#[test]
fn hann_in_the_spectrum_equals_hann_in_time() {
    let len = 64;
    let fft = bark_eq_fft::Planner::new().complex_forward(len);
    let frame: Vec<Complex32> = ramp(len, 0.1, 0.6)
        .iter()
        .zip(ramp(len, -0.2, -0.3))
        .map(|(&x, y)| Complex32::new(x, y))
        .collect();
    let mut window = vec![0.0; len];
    fill_periodic_hann(&mut window);
    let mut windowed: Vec<Complex32> = frame.iter().zip(&window).map(|(z, &w)| z * w).collect();
    fft.process(&mut windowed);
    let mut bare = frame.clone();
    fft.process(&mut bare);
    let mut from_spectrum = vec![Complex32::default(); len];
    hann_spectrum(&mut from_spectrum, &bare, None);
    let gains: Vec<f32> = (0..2 * len).map(|i| (i / 2) as f32 * 0.5).collect();
    let mut gained = vec![Complex32::default(); len];
    hann_spectrum(&mut gained, &bare, Some(&gains));
    for k in 0..len {
        assert!((from_spectrum[k] - windowed[k]).norm() < 1e-4, "bin {k}");
        assert!(
            (gained[k] - windowed[k] * gains[2 * k]).norm() < 1e-4 * (1.0 + gains[2 * k]),
            "bin {k}"
        );
    }
}

/// Lengths around the vector widths (4 and 8 lanes) and their remainders.
const LENGTHS: [usize; 12] = [1, 2, 3, 7, 8, 9, 15, 16, 17, 63, 64, 257];
/// Random inputs per length.
const TRIALS: u64 = 8;

/// Mostly ordinary samples in ±4, with NaN, ±∞, subnormals, huge values and signed zeros mixed in.
fn random_samples(rng: &mut SmallRng, len: usize) -> Vec<f32> {
    const SPECIALS: [f32; 8] = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        1.0e-40,
        -1.0e-40,
        3.0e30,
        0.0,
        -0.0,
    ];
    (0..len)
        .map(|_| {
            if rng.random_bool(0.1) {
                SPECIALS[rng.random_range(0..SPECIALS.len())]
            } else {
                rng.random_range(-4.0..4.0)
            }
        })
        .collect()
}

fn random_complex(rng: &mut SmallRng, len: usize) -> Vec<Complex32> {
    let (re, im) = (random_samples(rng, len), random_samples(rng, len));
    re.into_iter()
        .zip(im)
        .map(|(x, y)| Complex32::new(x, y))
        .collect()
}

fn random_unit(rng: &mut SmallRng, len: usize) -> Vec<f32> {
    (0..len).map(|_| rng.random_range(0.0..=1.0)).collect()
}

fn rows(rows: &[Vec<f32>]) -> [&[f32]; OVERLAP] {
    std::array::from_fn(|j| &rows[j][..])
}

/// Asserts bit-identical floats (any NaN equals any NaN: vector code may swap the operands of a
/// product, which picks a different NaN payload).
fn assert_same(fast: &[f32], plain: &[f32], kernel: &str) {
    assert_eq!(fast.len(), plain.len(), "{kernel}");
    for (i, (x, y)) in fast.iter().zip(plain).enumerate() {
        let same = x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan());
        assert!(same, "{kernel}[{i}]: dispatched {x:e}, portable {y:e}");
    }
}

fn floats(values: &[Complex32]) -> &[f32] {
    bytemuck::cast_slice(values)
}

#[test]
fn every_dispatched_kernel_equals_the_portable_one_bit_for_bit_on_random_data() {
    let mut rng = SmallRng::seed_from_u64(12);
    for len in LENGTHS {
        for _ in 0..TRIALS {
            let limit = rng.random_range(0.5..8.0);
            let (a, b) = (random_samples(&mut rng, len), random_samples(&mut rng, len));

            let (mut fast, mut plain) = (
                [vec![1.0; len], vec![1.0; len]],
                [vec![1.0; len], vec![1.0; len]],
            );
            let [ring, mirror] = &mut fast;
            store_sanitized(ring, mirror, &a, limit);
            let [ring, mirror] = &mut plain;
            portable::store_sanitized(ring, mirror, &a, limit);
            assert_same(&fast.concat(), &plain.concat(), "store_sanitized");

            let zero = Complex32::default();
            let (mut fast, mut plain) = (
                [vec![zero; len], vec![zero; len]],
                [vec![zero; len], vec![zero; len]],
            );
            let [ring, mirror] = &mut fast;
            store_sanitized_pair(ring, mirror, &a, &b, limit);
            let [ring, mirror] = &mut plain;
            portable::store_sanitized_pair(ring, mirror, &a, &b, limit);
            assert_same(
                floats(&fast.concat()),
                floats(&plain.concat()),
                "store_sanitized_pair",
            );

            let window = random_unit(&mut rng, len);
            let (mut fast, mut plain) = (vec![0.0; len], vec![0.0; len]);
            window_into(&mut fast, &a, &window);
            portable::window_into(&mut plain, &a, &window);
            assert_same(&fast, &plain, "window_into");

            let gains = random_samples(&mut rng, 2 * len);
            let values = random_samples(&mut rng, 2 * len);
            let (mut fast, mut plain) = (values.clone(), values);
            apply_gains(&mut fast, &gains);
            portable::apply_gains(&mut plain, &gains);
            assert_same(&fast, &plain, "apply_gains");

            let spectrum = random_complex(&mut rng, len);
            for gains in [None, Some(&gains[..])] {
                let (mut fast, mut plain) = (vec![zero; len], vec![zero; len]);
                hann_spectrum(&mut fast, &spectrum, gains);
                portable::hann_spectrum(&mut plain, &spectrum, gains);
                assert_same(floats(&fast), floats(&plain), "hann_spectrum");
            }

            let frames: Vec<Vec<f32>> = (0..OVERLAP)
                .map(|_| random_samples(&mut rng, len))
                .collect();
            let windows: Vec<Vec<f32>> = (0..OVERLAP).map(|_| random_unit(&mut rng, len)).collect();
            let windows = rows(&windows);
            let (mut fast, mut plain) = (vec![0.0; len], vec![0.0; len]);
            overlap_read(&mut fast, rows(&frames), windows);
            portable::overlap_read(&mut plain, rows(&frames), windows);
            assert_same(&fast, &plain, "overlap_read");

            let pairs: Vec<Vec<Complex32>> = (0..OVERLAP)
                .map(|_| random_complex(&mut rng, len))
                .collect();
            let pairs: [&[Complex32]; OVERLAP] = std::array::from_fn(|j| &pairs[j][..]);
            let (mut fast, mut plain) = (
                [vec![0.0; len], vec![0.0; len]],
                [vec![0.0; len], vec![0.0; len]],
            );
            let [out_a, out_b] = &mut fast;
            overlap_read_pair([out_a, out_b], pairs, windows);
            let [out_a, out_b] = &mut plain;
            portable::overlap_read_pair([out_a, out_b], pairs, windows);
            assert_same(&fast.concat(), &plain.concat(), "overlap_read_pair");

            let weights = random_unit(&mut rng, len);
            let (base_db, delta_db) =
                (rng.random_range(-24.0..24.0), rng.random_range(-24.0..24.0));
            let scale = rng.random_range(0.1..2.0);
            let (mut fast, mut plain) = (vec![0.0; len], vec![0.0; len]);
            interpolated_gains(&mut fast, &weights, base_db, delta_db, scale);
            portable::interpolated_gains(&mut plain, &weights, base_db, delta_db, scale);
            assert_same(&fast, &plain, "interpolated_gains");
        }
    }
}

#[test]
fn the_portable_switch_turns_the_avx2_build_off_and_nothing_else_does() {
    let forced = std::env::var_os(PORTABLE_KERNELS_ENV)
        .is_some_and(|value| !value.is_empty() && value != "0");
    #[cfg(target_arch = "x86_64")]
    let available =
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma");
    #[cfg(not(target_arch = "x86_64"))]
    let available = false;
    assert_eq!(has_avx2_fma(), available && !forced);
}
