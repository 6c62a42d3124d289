//! Numeric helpers at the bottom of the crate: dB to linear gain, and the one constant of the
//! STFT's geometry that the vectorized kernels need. Imports nothing from the crate.

/// Frames that overlap every output sample of the STFT (75 % overlap: hop = N / 4).
pub const OVERLAP: usize = 4;

/// `log2(10) / 20`: multiplies dB to give a base-2 exponent.
const DB_TO_LOG2: f32 = 0.166_096_4;
/// Exponents are clamped to this magnitude so `2^x` stays a normal f32.
const MAX_LOG2_GAIN: f32 = 126.0;
/// 1.5 · 2^23: adding it to a float of magnitude < 2^22 rounds it to the nearest integer,
/// which then sits in the low mantissa bits (no float → int conversion, so it vectorizes).
const ROUND_MAGIC: f32 = 12_582_912.0;
/// IEEE-754 single precision exponent bias.
const F32_EXPONENT_BIAS: i32 = 127;
/// Bits of the f32 mantissa.
const F32_MANTISSA_BITS: u32 = 23;
/// Taylor coefficients of `2^f = e^(f ln 2)`: `(ln 2)^n / n!` for n = 1..=7.
const EXP2_COEFFS: [f32; 7] = [
    std::f32::consts::LN_2,
    0.240_226_5,
    0.055_504_11,
    0.009_618_129,
    0.001_333_355_8,
    0.000_154_035_3,
    0.000_015_252_73,
];

/// Converts a gain in dB to a linear gain, vectorizable and within 1e-6 relative of
/// `10^(db/20)`; exactly 1.0 at 0 dB.
#[inline(always)]
pub fn db_to_gain(gain_db: f32) -> f32 {
    let log2_gain = (gain_db * DB_TO_LOG2).clamp(-MAX_LOG2_GAIN, MAX_LOG2_GAIN);
    let shifted = log2_gain + ROUND_MAGIC;
    let whole = shifted - ROUND_MAGIC;
    let frac = log2_gain - whole; // in [-0.5, 0.5]
    let mut poly = EXP2_COEFFS[6];
    for &coeff in EXP2_COEFFS[..6].iter().rev() {
        poly = poly * frac + coeff;
    }
    let mantissa = poly * frac + 1.0;
    let whole = shifted.to_bits() as i32 - ROUND_MAGIC.to_bits() as i32;
    let scale = f32::from_bits(((whole + F32_EXPONENT_BIAS) as u32) << F32_MANTISSA_BITS);
    mantissa * scale
}

/// Solves the augmented system `rows` (each row n coefficients and the right-hand side) by
/// Gaussian elimination with partial pivoting; a singular column gives 0.
pub fn solve_linear(rows: &mut [Vec<f64>]) -> Vec<f64> {
    let n = rows.len();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|&a, &b| rows[a][col].abs().total_cmp(&rows[b][col].abs()))
            .unwrap_or(col);
        rows.swap(col, pivot);
        let head = rows[col][col];
        if head.abs() < f64::EPSILON {
            continue;
        }
        let (upper, lower) = rows.split_at_mut(col + 1);
        let pivot_row = &upper[col];
        for row in lower.iter_mut() {
            let factor = row[col] / head;
            if factor != 0.0 {
                for (value, &pivot_value) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                    *value -= factor * pivot_value;
                }
            }
        }
    }
    let mut solution = vec![0.0; n];
    for row in (0..n).rev() {
        let head = rows[row][row];
        if head.abs() < f64::EPSILON {
            continue;
        }
        let known: f64 = (row + 1..n).map(|k| rows[row][k] * solution[k]).sum();
        solution[row] = (rows[row][n] - known) / head;
    }
    solution
}
