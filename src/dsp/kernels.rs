//! The per-frame loops around the FFTs, written once as plain Rust and compiled twice: for the
//! x86_64 baseline (SSE2) and, chosen at run time, with AVX2 + FMA, the instruction set
//! rustfft itself uses. Every loop is a straight pass over contiguous `f32` slices so the
//! compiler vectorizes it.

use realfft::num_complex::Complex32;

use super::curve::db_to_gain;

/// Whether this CPU runs the AVX2 + FMA versions (std caches the detection).
#[inline(always)]
fn has_avx2_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Views complex numbers as interleaved `re, im` floats.
pub fn as_floats_mut(values: &mut [Complex32]) -> &mut [f32] {
    bytemuck::cast_slice_mut(values)
}

/// Defines `pub fn $name` that runs `portable::$name` compiled for AVX2 + FMA when the CPU has
/// them, and for the baseline otherwise.
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
    /// `packed[i] = (a[i]·w[i], b[i]·w[i])`: two channels' windowed frames as `a + i·b`.
    pack_windowed(packed: &mut [Complex32], a: &[f32], b: &[f32], window: &[f32])
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
    /// Overlap-adds a packed pair's frame: `next[c][i] = current[c][i + hop]` plus the windowed
    /// real (channel 0) or imaginary (channel 1) part of the frame; the last `hop` are new.
    overlap_add_pair(next: [&mut [f32]; 2], current: [&[f32]; 2], frame: &[Complex32], window: &[f32], hop: usize)
);
dispatched!(
    /// Overlap-adds one channel's windowed frame: `next[i] = current[i + hop] + frame[i]·w[i]`.
    overlap_add(next: &mut [f32], current: &[f32], frame: &[f32], window: &[f32], hop: usize)
);
dispatched!(
    /// `out[i] = db_to_gain(base_db + weights[i]·delta_db)·scale`: one segment of the Smooth
    /// curve between two band centres.
    interpolated_gains(out: &mut [f32], weights: &[f32], base_db: f32, delta_db: f32, scale: f32)
);

/// The loops themselves, inlined into both dispatch targets.
mod portable {
    use super::*;

    #[inline(always)]
    pub fn pack_windowed(packed: &mut [Complex32], a: &[f32], b: &[f32], window: &[f32]) {
        for (((z, &x), &y), &w) in packed.iter_mut().zip(a).zip(b).zip(window) {
            *z = Complex32::new(x * w, y * w);
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
    pub fn overlap_add_pair(
        next: [&mut [f32]; 2],
        current: [&[f32]; 2],
        frame: &[Complex32],
        window: &[f32],
        hop: usize,
    ) {
        let [next_a, next_b] = next;
        let keep = next_a.len() - hop;
        let (kept_a, new_a) = next_a.split_at_mut(keep);
        let (kept_b, new_b) = next_b.split_at_mut(keep);
        let (frame_kept, frame_new) = frame.split_at(keep);
        let (window_kept, window_new) = window.split_at(keep);
        let old = current[0][hop..].iter().zip(&current[1][hop..]);
        let kept = kept_a.iter_mut().zip(kept_b.iter_mut()).zip(old);
        for ((((a, b), (&old_a, &old_b)), z), &w) in kept.zip(frame_kept).zip(window_kept) {
            *a = old_a + z.re * w;
            *b = old_b + z.im * w;
        }
        let new = new_a.iter_mut().zip(new_b.iter_mut());
        for (((a, b), z), &w) in new.zip(frame_new).zip(window_new) {
            *a = z.re * w;
            *b = z.im * w;
        }
    }

    #[inline(always)]
    pub fn overlap_add(
        next: &mut [f32],
        current: &[f32],
        frame: &[f32],
        window: &[f32],
        hop: usize,
    ) {
        let keep = next.len() - hop;
        let (kept, new) = next.split_at_mut(keep);
        let (frame_kept, frame_new) = frame.split_at(keep);
        let (window_kept, window_new) = window.split_at(keep);
        let rows = kept
            .iter_mut()
            .zip(&current[hop..])
            .zip(frame_kept)
            .zip(window_kept);
        for (((out, &old), &x), &w) in rows {
            *out = old + x * w;
        }
        for ((out, &x), &w) in new.iter_mut().zip(frame_new).zip(window_new) {
            *out = x * w;
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
mod tests {
    use super::*;

    #[test]
    fn dispatched_kernels_match_the_portable_ones() {
        let a: Vec<f32> = (0..64).map(|i| i as f32 * 0.25 - 3.0).collect();
        let b: Vec<f32> = (0..64).map(|i| (i % 7) as f32).collect();
        let w: Vec<f32> = (0..64).map(|i| i as f32 / 64.0).collect();
        let (mut fast, mut plain) = (
            vec![Complex32::default(); 64],
            vec![Complex32::default(); 64],
        );
        pack_windowed(&mut fast, &a, &b, &w);
        portable::pack_windowed(&mut plain, &a, &b, &w);
        assert_eq!(fast, plain);

        let gains: Vec<f32> = (0..128).map(|i| 1.0 + i as f32 / 128.0).collect();
        apply_gains(as_floats_mut(&mut fast), &gains);
        portable::apply_gains(as_floats_mut(&mut plain), &gains);
        assert_eq!(fast, plain);

        let (mut fa, mut fb) = (vec![0.0; 64], vec![0.0; 64]);
        let (mut pa, mut pb) = (vec![0.0; 64], vec![0.0; 64]);
        overlap_add_pair([&mut fa, &mut fb], [&a, &b], &fast, &w, 16);
        portable::overlap_add_pair([&mut pa, &mut pb], [&a, &b], &plain, &w, 16);
        assert_eq!((&fa, &fb), (&pa, &pb));
        // The shift: the first kept sample is the old sample `hop` plus the new frame's first.
        assert_eq!(pa[0], a[16] + plain[0].re * w[0]);

        let weights: Vec<f32> = (0..40).map(|i| i as f32 / 40.0).collect();
        let (mut fast_gains, mut plain_gains) = (vec![0.0; 40], vec![0.0; 40]);
        interpolated_gains(&mut fast_gains, &weights, -6.0, 12.0, 0.5);
        portable::interpolated_gains(&mut plain_gains, &weights, -6.0, 12.0, 0.5);
        for ((x, y), w) in fast_gains.iter().zip(&plain_gains).zip(&weights) {
            let exact = 0.5 * 10f32.powf((-6.0 + 12.0 * w) / 20.0);
            assert!((x - y).abs() <= 1e-7 * y.abs() && (x - exact).abs() <= 1e-6 * exact);
        }
    }
}
