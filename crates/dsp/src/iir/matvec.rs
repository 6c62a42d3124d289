//! Dense `y = A·x` in f32 with output rows blocked for SIMD (used by the solve; no allocation).

use super::kernel::Isa;

/// Output rows computed together (four AVX2 registers per accumulator set).
pub(super) const BLOCK: usize = 32;

/// A dense matrix laid out as `[row block][column] → [f32; BLOCK]`, so one pass over a block
/// streams contiguous memory and keeps the accumulators in registers.
#[derive(Clone, Debug)]
pub(super) struct BlockedMatrix {
    /// Rows, a multiple of `BLOCK` (padding rows are zero).
    rows: usize,
    /// Columns.
    cols: usize,
    /// `data[block * cols + col][j]` is entry `(block * BLOCK + j, col)`.
    data: Vec<[f32; BLOCK]>,
}

impl BlockedMatrix {
    /// Builds a `rows × cols` matrix from `entry(row, col)`; rows are padded with zeros up to a
    /// multiple of `BLOCK`.
    pub fn from_fn(rows: usize, cols: usize, entry: impl Fn(usize, usize) -> f64) -> Self {
        let used_rows = rows;
        let rows = rows.div_ceil(BLOCK) * BLOCK;
        let mut data = vec![[0.0; BLOCK]; rows / BLOCK * cols];
        for (index, values) in data.iter_mut().enumerate() {
            let (block, col) = (index / cols.max(1), index % cols.max(1));
            for (j, value) in values.iter_mut().enumerate() {
                let row = block * BLOCK + j;
                if row < used_rows {
                    *value = entry(row, col) as f32;
                }
            }
        }
        Self { rows, cols, data }
    }

    /// Padded row count.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// `y[..rows] = A·x[..cols]`. Panics never; short slices are treated as zero-padded.
    pub fn apply(&self, isa: Isa, x: &[f32], y: &mut [f32]) {
        match isa {
            Isa::Baseline => apply_generic::<false>(self, x, y),
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `Isa::Avx2Fma` is only constructed after detecting AVX2 and FMA at run time.
            Isa::Avx2Fma => unsafe { apply_avx2_fma(self, x, y) },
        }
    }
}

/// AVX2 + FMA instantiation of [`apply_generic`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn apply_avx2_fma(matrix: &BlockedMatrix, x: &[f32], y: &mut [f32]) {
    apply_generic::<true>(matrix, x, y);
}

#[inline(always)]
fn apply_generic<const FMA: bool>(matrix: &BlockedMatrix, x: &[f32], y: &mut [f32]) {
    let cols = matrix.cols.min(x.len());
    let x = &x[..cols];
    if matrix.cols == 0 {
        y.iter_mut().take(matrix.rows).for_each(|v| *v = 0.0);
        return;
    }
    for (columns, out) in matrix
        .data
        .chunks_exact(matrix.cols)
        .zip(y.chunks_exact_mut(BLOCK))
    {
        // Separate 8-wide accumulators (so they live in registers), two sets (even and odd
        // columns) to hide the multiply-add latency.
        let mut even = [[0.0f32; 8]; 4];
        let mut odd = [[0.0f32; 8]; 4];
        let (pairs, last) = columns[..cols].as_chunks::<2>();
        let (x_pairs, x_last) = x.as_chunks::<2>();
        for ([a, b], &[xa, xb]) in pairs.iter().zip(x_pairs) {
            let (a, b) = (split(a), split(b));
            for q in 0..4 {
                fma8::<FMA>(&mut even[q], a[q], xa);
                fma8::<FMA>(&mut odd[q], b[q], xb);
            }
        }
        for (a, &xa) in last.iter().zip(x_last) {
            let a = split(a);
            for q in 0..4 {
                fma8::<FMA>(&mut even[q], a[q], xa);
            }
        }
        for (q, out) in out.chunks_exact_mut(8).enumerate() {
            for j in 0..8 {
                out[j] = even[q][j] + odd[q][j];
            }
        }
    }
}

/// Views a block as four 8-wide groups.
#[inline(always)]
fn split(block: &[f32; BLOCK]) -> [&[f32; 8]; 4] {
    let (groups, _) = block.as_chunks::<8>();
    [&groups[0], &groups[1], &groups[2], &groups[3]]
}

/// `acc += a·x` lane-wise.
#[inline(always)]
fn fma8<const FMA: bool>(acc: &mut [f32; 8], a: &[f32; 8], x: f32) {
    for j in 0..8 {
        acc[j] = madd::<FMA>(a[j], x, acc[j]);
    }
}

/// `a·b + c`, fused when `FMA`.
#[inline(always)]
fn madd<const FMA: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocked_product_matches_a_plain_product_on_every_isa() {
        let (rows, cols) = (37, 11);
        let entry = |r: usize, c: usize| ((r * 7 + c * 3) % 13) as f64 - 6.0;
        let matrix = BlockedMatrix::from_fn(rows, cols, entry);
        let x: Vec<f32> = (0..cols).map(|c| c as f32 * 0.5 - 2.0).collect();
        for isa in [Isa::Baseline, Isa::detect()] {
            let mut y = vec![f32::NAN; matrix.rows()];
            matrix.apply(isa, &x, &mut y);
            for (r, &value) in y.iter().enumerate().take(rows) {
                let expected: f64 = (0..cols).map(|c| entry(r, c) * f64::from(x[c])).sum();
                assert!(
                    (f64::from(value) - expected).abs() < 1e-4,
                    "row {r}: {value} vs {expected}"
                );
            }
            assert!(y[rows..].iter().all(|&v| v == 0.0));
        }
    }
}
