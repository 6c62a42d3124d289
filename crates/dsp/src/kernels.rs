//! The per-frame loops around the FFTs, written once as plain Rust and compiled twice: for the
//! x86_64 baseline (SSE2) and, chosen at run time, with AVX2 + FMA, the instruction set
//! rustfft itself uses. Every loop is a straight pass over contiguous `f32` slices so the
//! compiler vectorizes it. Other architectures, and processes started with
//! [`PORTABLE_KERNELS_ENV`] set (so CI tests that path on x86_64 too, with the same build),
//! run the baseline build only.

use bark_eq_fft::Complex32;

use super::math::{db_to_gain, OVERLAP};

/// Environment variable that, set to anything but `0` (or empty) when the process builds its
/// first engine, makes every dispatched kernel run its portable baseline build. For tests of
/// that path on CPUs that have AVX2 (`BARK_EQ_PORTABLE_KERNELS=1 cargo test -p bark-eq-dsp`).
pub const PORTABLE_KERNELS_ENV: &str = "BARK_EQ_PORTABLE_KERNELS";

/// The instruction set not yet chosen.
#[cfg(target_arch = "x86_64")]
const UNDETECTED: u8 = 0;
/// The AVX2 + FMA build is chosen.
#[cfg(target_arch = "x86_64")]
const AVX2_FMA: u8 = 1;
/// The baseline build is chosen.
#[cfg(target_arch = "x86_64")]
const BASELINE: u8 = 2;
/// The kernels' build, chosen once per process by [`choose_isa`].
#[cfg(target_arch = "x86_64")]
static ISA: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(UNDETECTED);

/// Whether the dispatched kernels run their AVX2 + FMA build: on x86_64 CPUs that have both,
/// unless [`PORTABLE_KERNELS_ENV`] is set. The first call chooses (it reads the environment,
/// which allocates, so [`crate::Engine::new`] makes it off the audio thread); later calls are
/// one relaxed atomic load.
#[inline(always)]
pub fn has_avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        match ISA.load(std::sync::atomic::Ordering::Relaxed) {
            AVX2_FMA => true,
            BASELINE => false,
            _ => choose_isa(),
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Detects AVX2 + FMA, reads [`PORTABLE_KERNELS_ENV`] and records the choice.
#[cfg(target_arch = "x86_64")]
#[cold]
fn choose_isa() -> bool {
    let forced_portable = std::env::var_os(PORTABLE_KERNELS_ENV)
        .is_some_and(|value| !value.is_empty() && value != "0");
    let avx2_fma = !forced_portable
        && std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma");
    let isa = if avx2_fma { AVX2_FMA } else { BASELINE };
    ISA.store(isa, std::sync::atomic::Ordering::Relaxed);
    avx2_fma
}

/// `sample`, or 0 if it is subnormal.
#[inline(always)]
pub fn flush_subnormal(sample: f32) -> f32 {
    if sample.abs() < f32::MIN_POSITIVE {
        0.0
    } else {
        sample
    }
}

/// Views complex numbers as interleaved `re, im` floats.
pub fn as_floats_mut(values: &mut [Complex32]) -> &mut [f32] {
    bytemuck::cast_slice_mut(values)
}

/// Defines `pub fn $name` that runs `portable::$name` compiled for AVX2 + FMA when
/// [`has_avx2_fma`], and for the baseline otherwise.
macro_rules! dispatched {
    ($(#[$doc:meta])* $name:ident($($arg:ident: $ty:ty),*)) => {
        $(#[$doc])*
        pub fn $name($($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            if has_avx2_fma() {
                #[target_feature(enable = "avx2,fma")]
                fn with_avx2($($arg: $ty),*) {
                    portable::$name($($arg),*)
                }
                // SAFETY: the CPU supports AVX2 and FMA (checked just above).
                return unsafe { with_avx2($($arg),*) };
            }
            portable::$name($($arg),*)
        }
    };
}

dispatched!(
    /// Stores one run of input samples into a ring and its mirror, made safe for the FFT:
    /// non-finite and subnormal samples become 0, the rest is limited to ±`limit`.
    store_sanitized(ring: &mut [f32], mirror: &mut [f32], input: &[f32], limit: f32)
);
dispatched!(
    /// [`store_sanitized`] for a channel pair, stored as `a + i·b`.
    store_sanitized_pair(ring: &mut [Complex32], mirror: &mut [Complex32], a: &[f32], b: &[f32], limit: f32)
);
dispatched!(
    /// `time[i] = input[i]·w[i]`: one channel's windowed frame.
    window_into(time: &mut [f32], input: &[f32], window: &[f32])
);
dispatched!(
    /// Multiplies interleaved complex values by interleaved (duplicated) gains.
    apply_gains(values: &mut [f32], gains: &[f32])
);
dispatched!(
    /// The spectrum of the Hann-windowed frame from the spectrum `x` of the bare frame (N bins,
    /// circular): `out[k] = 0.5·x[k] − 0.25·(x[k−1] + x[k+1])`, exact for a periodic Hann
    /// window. With `gains` (interleaved, duplicated) each bin is also multiplied by its gain.
    hann_spectrum(out: &mut [Complex32], x: &[Complex32], gains: Option<&[f32]>)
);
dispatched!(
    /// The finished output of one run: `out[i] = Σ_j frames[j][i]·windows[j][i]` over the
    /// overlapping frames (synthesis window applied here), subnormal results flushed to 0.
    overlap_read(out: &mut [f32], frames: [&[f32]; OVERLAP], windows: [&[f32]; OVERLAP])
);
dispatched!(
    /// [`overlap_read`] for a channel pair packed as `a + i·b`: real parts to `out[0]`,
    /// imaginary parts to `out[1]`.
    overlap_read_pair(out: [&mut [f32]; 2], frames: [&[Complex32]; OVERLAP], windows: [&[f32]; OVERLAP])
);
dispatched!(
    /// `out[i] = db_to_gain(base_db + weights[i]·delta_db)·scale`: one segment of the Smooth
    /// curve between two band centres.
    interpolated_gains(out: &mut [f32], weights: &[f32], base_db: f32, delta_db: f32, scale: f32)
);

/// The loops themselves, inlined into both dispatch targets.
mod portable {
    use super::*;

    /// `sample` made safe for the FFT (see [`super::store_sanitized`]); branch-free.
    #[inline(always)]
    fn sanitize(sample: f32, limit: f32) -> f32 {
        let magnitude = sample.abs();
        if (f32::MIN_POSITIVE..=f32::MAX).contains(&magnitude) {
            sample.clamp(-limit, limit)
        } else {
            0.0
        }
    }

    #[inline(always)]
    pub fn store_sanitized(ring: &mut [f32], mirror: &mut [f32], input: &[f32], limit: f32) {
        for ((stored, copy), &sample) in ring.iter_mut().zip(mirror.iter_mut()).zip(input) {
            *stored = sanitize(sample, limit);
            *copy = *stored;
        }
    }

    #[inline(always)]
    pub fn store_sanitized_pair(
        ring: &mut [Complex32],
        mirror: &mut [Complex32],
        a: &[f32],
        b: &[f32],
        limit: f32,
    ) {
        let slots = ring.iter_mut().zip(mirror.iter_mut());
        for ((stored, copy), (&x, &y)) in slots.zip(a.iter().zip(b)) {
            *stored = Complex32::new(sanitize(x, limit), sanitize(y, limit));
            *copy = *stored;
        }
    }

    #[inline(always)]
    pub fn window_into(time: &mut [f32], input: &[f32], window: &[f32]) {
        for ((t, &x), &w) in time.iter_mut().zip(input).zip(window) {
            *t = x * w;
        }
    }

    #[inline(always)]
    pub fn apply_gains(values: &mut [f32], gains: &[f32]) {
        for (x, &g) in values.iter_mut().zip(gains) {
            *x *= g;
        }
    }

    #[inline(always)]
    pub fn hann_spectrum(out: &mut [Complex32], x: &[Complex32], gains: Option<&[f32]>) {
        let len = x.len();
        if len < 2 {
            return;
        }
        // Interleaved floats: bin k's neighbours are 2 floats away.
        let out = as_floats_mut(&mut out[..len]);
        let x: &[f32] = bytemuck::cast_slice(x);
        let floats = 2 * len;
        let hann = |left: f32, centre: f32, right: f32| 0.5 * centre - 0.25 * (left + right);
        // The two wrapped bins: 0 (left neighbour N−1) and N−1 (right neighbour 0).
        let wrapped = [
            (0, hann(x[floats - 2], x[0], x[2])),
            (1, hann(x[floats - 1], x[1], x[3])),
            (floats - 2, hann(x[floats - 4], x[floats - 2], x[0])),
            (floats - 1, hann(x[floats - 3], x[floats - 1], x[1])),
        ];
        let inner = 2..floats - 2;
        let neighbours = x[..floats - 4].iter().zip(&x[4..]);
        let rows = out[inner.clone()]
            .iter_mut()
            .zip(&x[inner.clone()])
            .zip(neighbours);
        match gains {
            Some(gains) => {
                for (((o, &c), (&l, &r)), &g) in rows.zip(&gains[inner]) {
                    *o = g * hann(l, c, r);
                }
                for (i, value) in wrapped {
                    out[i] = gains[i] * value;
                }
            }
            None => {
                for ((o, &c), (&l, &r)) in rows {
                    *o = hann(l, c, r);
                }
                for (i, value) in wrapped {
                    out[i] = value;
                }
            }
        }
    }

    #[inline(always)]
    pub fn overlap_read(out: &mut [f32], frames: [&[f32]; OVERLAP], windows: [&[f32]; OVERLAP]) {
        let [f0, f1, f2, f3] = frames;
        let [w0, w1, w2, w3] = windows;
        let len = out.len();
        let (f0, f1, f2, f3) = (&f0[..len], &f1[..len], &f2[..len], &f3[..len]);
        let (w0, w1, w2, w3) = (&w0[..len], &w1[..len], &w2[..len], &w3[..len]);
        for i in 0..len {
            let sum = f0[i] * w0[i] + f1[i] * w1[i] + f2[i] * w2[i] + f3[i] * w3[i];
            out[i] = flush_subnormal(sum);
        }
    }

    #[inline(always)]
    pub fn overlap_read_pair(
        out: [&mut [f32]; 2],
        frames: [&[Complex32]; OVERLAP],
        windows: [&[f32]; OVERLAP],
    ) {
        let [out_a, out_b] = out;
        let len = out_a.len().min(out_b.len());
        let (out_a, out_b) = (&mut out_a[..len], &mut out_b[..len]);
        let [f0, f1, f2, f3] = frames;
        let [w0, w1, w2, w3] = windows;
        let (f0, f1, f2, f3) = (&f0[..len], &f1[..len], &f2[..len], &f3[..len]);
        let (w0, w1, w2, w3) = (&w0[..len], &w1[..len], &w2[..len], &w3[..len]);
        for i in 0..len {
            let sum = f0[i] * w0[i] + f1[i] * w1[i] + f2[i] * w2[i] + f3[i] * w3[i];
            out_a[i] = flush_subnormal(sum.re);
            out_b[i] = flush_subnormal(sum.im);
        }
    }

    #[inline(always)]
    pub fn interpolated_gains(
        out: &mut [f32],
        weights: &[f32],
        base_db: f32,
        delta_db: f32,
        scale: f32,
    ) {
        for (value, &weight) in out.iter_mut().zip(weights) {
            *value = db_to_gain(base_db + weight * delta_db) * scale;
        }
    }
}

#[cfg(test)]
mod tests;
