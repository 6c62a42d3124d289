//! Minimal f64 complex arithmetic for building designs and evaluating responses.

use std::ops::{Add, Div, Mul, Sub};

/// A complex number in f64.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Complex {
    /// Real part.
    pub re: f64,
    /// Imaginary part.
    pub im: f64,
}

impl Complex {
    /// `re + j·im`.
    pub const fn new(re: f64, im: f64) -> Self {
        Self { re, im }
    }

    /// `e^{j·angle_rad}`.
    pub fn unit(angle_rad: f64) -> Self {
        Self::new(angle_rad.cos(), angle_rad.sin())
    }

    /// Complex conjugate.
    pub fn conj(self) -> Self {
        Self::new(self.re, -self.im)
    }

    /// Squared magnitude.
    pub fn norm_sqr(self) -> f64 {
        self.re * self.re + self.im * self.im
    }

    /// Multiplies by a real factor.
    pub fn scale(self, factor: f64) -> Self {
        Self::new(self.re * factor, self.im * factor)
    }
}

impl Add for Complex {
    type Output = Self;
    fn add(self, rhs: Self) -> Self {
        Self::new(self.re + rhs.re, self.im + rhs.im)
    }
}

impl Sub for Complex {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        Self::new(self.re - rhs.re, self.im - rhs.im)
    }
}

impl Mul for Complex {
    type Output = Self;
    fn mul(self, rhs: Self) -> Self {
        Self::new(
            self.re * rhs.re - self.im * rhs.im,
            self.re * rhs.im + self.im * rhs.re,
        )
    }
}

impl Div for Complex {
    type Output = Self;
    fn div(self, rhs: Self) -> Self {
        let d = rhs.norm_sqr();
        Self::new(
            (self.re * rhs.re + self.im * rhs.im) / d,
            (self.im * rhs.re - self.re * rhs.im) / d,
        )
    }
}

/// Responses at `e^{jω}` of a section's two state outputs for pole `p`:
/// the real part `(1/(1 − p·e^{−jω}) + 1/(1 − p̄·e^{−jω}))/2` and the imaginary part
/// `(1/(1 − p·e^{−jω}) − 1/(1 − p̄·e^{−jω}))/(2j)`.
pub(super) fn state_responses(pole: Complex, omega_rad: f64) -> (Complex, Complex) {
    let one = Complex::new(1.0, 0.0);
    let delay = Complex::unit(-omega_rad);
    let q = one / (one - pole * delay);
    let q_conj = one / (one - pole.conj() * delay);
    let sum = q + q_conj;
    let difference = q - q_conj;
    (
        sum.scale(0.5),
        Complex::new(difference.im * 0.5, -difference.re * 0.5),
    )
}
