//! One drop: positions, channels, steering vectors, echo strengths and beams.

use super::{
    GeometryError, Layout, SPEED_OF_LIGHT, direct_channel, path_gain, rzf, sin_angle, steering,
    user_channels, zf_sensing,
};
use crate::linalg::{C64, CMat, CVec};
use crate::params::{Params, SensingScale};
use crate::power::PowerProblem;
use crate::rng::NoiseRng;
use nalgebra::DVector;
use rand::Rng;

/// Everything about one drop that stays fixed across its frames.
#[derive(Debug, Clone)]
pub struct Scene {
    /// Node positions.
    pub layout: Layout,
    /// `H = [h_1..h_K]`, M x K.
    pub h: CMat,
    /// `G_r` (N1 x M) for RAP r at index r - 1, eq. (7).
    pub g: Vec<CMat>,
    /// Transmit steering vector `a(theta)` towards the target, eq. (5).
    pub a: CVec,
    /// Receive steering vector of node r towards the target: `b0(theta)` for the
    /// BS (eq. 6), `b1(phi_r)` for RAP r (eq. 9).
    pub b: Vec<CVec>,
    /// `E|alpha_r|^2` for node r, eq. (8) or the bistatic radar equation.
    pub alpha_var: Vec<f64>,
    /// Unit-norm beams `W~ = [w~_0, w~_1..w~_K]`, M x (K+1); column 0 senses.
    pub beams: CMat,
}

impl Scene {
    /// Draws a drop: the layout from `rng`, then the key of a bulk-normal
    /// generator ([`NoiseRng`], 32 bytes of `rng`) that draws the user
    /// channels and then one direct channel per RAP, in that order.
    pub fn draw<R: Rng + ?Sized>(p: &Params, rng: &mut R) -> Result<Scene, GeometryError> {
        let s = &p.system;
        let g = &p.geometry;
        let layout = Layout::draw(g, s.users, s.raps, rng)?;
        let dmin = g.min_distance_m.max(1.0);
        let dist = |q: [f64; 2], t: [f64; 2]| (q[0] - t[0]).hypot(q[1] - t[1]);
        let user_gain: Vec<f64> = layout
            .users
            .iter()
            .map(|&u| path_gain(dist(layout.bs, u), dmin))
            .collect();
        let normals = &mut NoiseRng::from_rng(rng);
        let h = user_channels(normals, s.tx_antennas, &user_gain);
        let g_r: Vec<CMat> = layout
            .raps
            .iter()
            .map(|&r| {
                direct_channel(
                    normals,
                    s.rap_antennas,
                    s.tx_antennas,
                    path_gain(dist(layout.bs, r), dmin),
                )
            })
            .collect();
        let axis = g.array_axis_rad;
        let a = steering(
            s.tx_antennas,
            s.spacing,
            sin_angle(layout.bs, layout.target, axis),
        );
        let b: Vec<CVec> = (0..p.nodes())
            .map(|r| {
                steering(
                    p.rx_antennas(r),
                    s.spacing,
                    sin_angle(layout.node(r), layout.target, axis),
                )
            })
            .collect();
        let d_tx = dist(layout.bs, layout.target).max(dmin);
        let alpha_var = (0..p.nodes())
            .map(|r| match p.sensing.scale {
                SensingScale::Paper { rcs_var } => rcs_var,
                SensingScale::Bistatic { rcs_m2, carrier_hz } => {
                    let lambda = SPEED_OF_LIGHT / carrier_hz;
                    let d_rx = dist(layout.node(r), layout.target).max(dmin);
                    lambda * lambda * rcs_m2
                        / ((4.0 * std::f64::consts::PI).powi(3) * d_tx * d_tx * d_rx * d_rx)
                }
            })
            .collect();
        let users = rzf(&h, p.rzf_lambda());
        let w0 = zf_sensing(&h, &a);
        let mut beams = CMat::zeros(s.tx_antennas, s.users + 1);
        beams.set_column(0, &w0);
        beams.columns_mut(1, s.users).copy_from(&users);
        Ok(Scene {
            layout,
            h,
            g: g_r,
            a,
            b,
            alpha_var,
            beams,
        })
    }

    /// Number of sensing nodes R + 1.
    pub fn nodes(&self) -> usize {
        self.b.len()
    }

    /// The drop's power allocation problem (gains of eq. 3 and eq. 32).
    pub fn power_problem(&self, p: &Params) -> PowerProblem {
        PowerProblem::from_beams(
            &self.h,
            &self.beams,
            &self.a,
            p.noise.comm_w,
            p.power.sinr,
            p.power.pmax_w,
            p.sensing.sensing_symbol,
        )
    }

    /// The precoder `W = [sqrt(p0) w~_0, ..., sqrt(pK) w~_K]`, eq. (1).
    pub fn precoder(&self, powers: &DVector<f64>) -> CMat {
        let mut w = self.beams.clone();
        for (j, mut col) in w.column_iter_mut().enumerate() {
            col.scale_mut(powers[j].max(0.0).sqrt());
        }
        w
    }

    /// `a^H W W^H a`: the transmit power that reaches the target direction per symbol.
    pub fn target_power(&self, w: &CMat) -> f64 {
        let v = w.adjoint() * &self.a;
        v.norm_squared()
    }

    /// Interference-plus-noise covariance at RAP r (1-based), `Q_r + sigma^2 I` with
    /// `Q_r = G_r W W^H G_r^H` (eq. 37).
    pub fn interference_covariance(&self, r: usize, w: &CMat, noise_w: f64) -> CMat {
        let gw = crate::linalg::mul(&self.g[r - 1], w);
        let mut q = crate::linalg::mul(&gw, &gw.adjoint());
        for i in 0..q.nrows() {
            q[(i, i)] += C64::new(noise_w, 0.0);
        }
        q
    }

    /// `(Q_r + sigma^2 I)^-1 b_r` (eq. 42's whitened filter, RAP r >= 1) by
    /// the Woodbury identity on `Q_r = A A^H`, `A = G_r W` (N1 x (K+1)):
    /// `(b - A (sigma^2 I + A^H A)^-1 A^H b) / sigma^2`, a (K+1)-square
    /// Cholesky instead of an N1-square one. Equal to solving with
    /// [`Scene::interference_covariance`] (tested); needs `noise_w > 0`.
    pub fn whitened(&self, r: usize, w: &CMat, noise_w: f64) -> CVec {
        self.whitened_with(r, &crate::linalg::mul(&self.g[r - 1], w), noise_w)
    }

    /// [`Scene::whitened`] with `A = G_r W` already computed.
    pub fn whitened_with(&self, r: usize, a: &CMat, noise_w: f64) -> CVec {
        let b = &self.b[r];
        // Cholesky reads the lower triangle only.
        let mut small = crate::linalg::gram_lower(a);
        for i in 0..small.nrows() {
            small[(i, i)] += C64::new(noise_w, 0.0);
        }
        let c = small
            .cholesky()
            .expect("sigma^2 I + A^H A is positive definite")
            .solve(&crate::linalg::ad_mul_vec(a, b));
        (b - crate::linalg::mul_vec(a, &c)).unscale(noise_w)
    }
}
