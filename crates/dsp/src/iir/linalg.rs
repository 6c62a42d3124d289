//! Small dense f64 linear algebra used only while building a design (allocation allowed).

/// Row-major dense matrix.
pub(super) struct Matrix {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Entries, `data[r * cols + c]`.
    pub data: Vec<f64>,
}

impl Matrix {
    /// A zero matrix of the given shape.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    /// Entry at `(row, col)`.
    pub fn at(&self, row: usize, col: usize) -> f64 {
        self.data[row * self.cols + col]
    }

    /// Mutable entry at `(row, col)`.
    pub fn at_mut(&mut self, row: usize, col: usize) -> &mut f64 {
        &mut self.data[row * self.cols + col]
    }
}

/// Regularised least-squares pseudo-inverse `(AᵀA + diag(ridge))⁻¹ Aᵀ` (shape `cols × rows`).
///
/// Uses the normal equations with a Cholesky factorisation; `ridge` is added to the diagonal
/// and keeps the solution bounded when basis columns are nearly dependent.
pub(super) fn ridge_pseudo_inverse(a: &Matrix, ridge: &[f64]) -> Matrix {
    let n = a.cols;
    let mut normal = Matrix::zeros(n, n);
    for r in 0..a.rows {
        let row = &a.data[r * n..(r + 1) * n];
        for i in 0..n {
            let ri = row[i];
            if ri == 0.0 {
                continue;
            }
            for (j, &rj) in row.iter().enumerate().take(i + 1) {
                *normal.at_mut(i, j) += ri * rj;
            }
        }
    }
    for (i, &r) in ridge.iter().enumerate().take(n) {
        *normal.at_mut(i, i) += r;
    }
    let lower = cholesky(&normal);
    // Solve (L Lᵀ) X = Aᵀ column by column (each column of Aᵀ is a row of A).
    let mut pinv = Matrix::zeros(n, a.rows);
    let mut column = vec![0.0; n];
    for r in 0..a.rows {
        column.copy_from_slice(&a.data[r * n..(r + 1) * n]);
        for i in 0..n {
            let v = column[i] - (0..i).map(|k| lower.at(i, k) * column[k]).sum::<f64>();
            column[i] = v / lower.at(i, i);
        }
        for i in (0..n).rev() {
            let v = column[i] - (i + 1..n).map(|k| lower.at(k, i) * column[k]).sum::<f64>();
            column[i] = v / lower.at(i, i);
        }
        for (i, &v) in column.iter().enumerate() {
            *pinv.at_mut(i, r) = v;
        }
    }
    pinv
}

/// Lower Cholesky factor of a symmetric positive-definite matrix (only its lower half is read).
fn cholesky(m: &Matrix) -> Matrix {
    let n = m.rows;
    let mut l = Matrix::zeros(n, n);
    for i in 0..n {
        for j in 0..=i {
            let mut sum = m.at(i, j);
            for k in 0..j {
                sum -= l.at(i, k) * l.at(j, k);
            }
            if i == j {
                // Ridge keeps the pivot positive; guard anyway so a degenerate design stays finite.
                *l.at_mut(i, i) = sum.max(f64::MIN_POSITIVE).sqrt();
            } else {
                *l.at_mut(i, j) = sum / l.at(j, j);
            }
        }
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudo_inverse_recovers_an_exact_least_squares_solution() {
        // Overdetermined consistent system: A x = b with x = [1, -2].
        let mut a = Matrix::zeros(3, 2);
        a.data.copy_from_slice(&[1.0, 0.0, 1.0, 1.0, 0.0, 2.0]);
        let b = [1.0, -1.0, -4.0];
        let p = ridge_pseudo_inverse(&a, &[0.0, 0.0]);
        for (i, expected) in [1.0, -2.0].iter().enumerate() {
            let x: f64 = (0..3).map(|r| p.at(i, r) * b[r]).sum();
            assert!((x - expected).abs() < 1e-12, "x[{i}] = {x}");
        }
    }
}
