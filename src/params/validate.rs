//! Range checks of [`Params`], each violation named by its [`ParamKey`].

use super::key::Errors;
use super::{ParamError, ParamKey, Params, SensingScale};
use crate::detect::LocalFilter;
use crate::power::Policy;

impl Params {
    /// Checks every range; returns all violations, not just the first.
    pub fn validate(&self) -> Result<(), Vec<ParamError>> {
        let mut e = Errors::default();
        let s = &self.system;
        e.need(
            s.tx_antennas >= 1,
            ParamKey::TxAntennas,
            s.tx_antennas,
            "must be >= 1",
        );
        let n0 = s.bs_rx_antennas;
        e.need(n0 >= 1, ParamKey::BsRxAntennas, n0, "must be >= 1");
        let n1 = s.rap_antennas;
        e.need(n1 >= 1, ParamKey::RapAntennas, n1, "must be >= 1");
        e.need(
            s.users >= 1 && s.users <= s.tx_antennas,
            ParamKey::Users,
            s.users,
            &format!("must be in 1..={} (K <= M, paper Sec. II-A)", s.tx_antennas),
        );
        e.need(
            s.raps <= 1024,
            ParamKey::Raps,
            s.raps,
            "must be in 0..=1024",
        );
        let l = s.frame_symbols;
        e.need(l >= 1, ParamKey::FrameSymbols, l, "must be >= 1");
        e.need(
            s.spacing > 0.0 && s.spacing.is_finite(),
            ParamKey::Spacing,
            s.spacing,
            "must be > 0 (wavelengths)",
        );
        let g = &self.geometry;
        e.need(
            g.region_m > 0.0 && g.region_m.is_finite(),
            ParamKey::RegionM,
            g.region_m,
            "must be > 0",
        );
        e.need(
            g.min_distance_m >= 0.0 && g.min_distance_m < g.region_m / 2.0,
            ParamKey::MinDistanceM,
            g.min_distance_m,
            "must be in [0, region_m / 2)",
        );
        if let Some(r) = &g.raps {
            e.need(
                r.len() == s.raps,
                ParamKey::RapPositions,
                format!("{} positions", r.len()),
                &format!("must list system.raps = {} positions", s.raps),
            );
        }
        if let Some(u) = &g.users {
            e.need(
                u.len() == s.users,
                ParamKey::UserPositions,
                format!("{} positions", u.len()),
                &format!("must list system.users = {} positions", s.users),
            );
        }
        let p = &self.power;
        let pos = |x: f64| x > 0.0 && x.is_finite();
        e.need(pos(p.pmax_w), ParamKey::Pmax, p.pmax_w, "must be > 0 W");
        e.need(pos(p.sinr), ParamKey::Sinr, p.sinr, "must be > 0 (linear)");
        if let Policy::Algorithm1 { step_w } = p.policy {
            e.need(
                step_w > 0.0 && step_w < p.pmax_w,
                ParamKey::Step,
                step_w,
                "must be in (0, pmax) W",
            );
        }
        if let Some(l) = p.rzf_lambda {
            e.need(
                l >= 0.0 && l.is_finite(),
                ParamKey::RzfLambda,
                l,
                "must be >= 0",
            );
        }
        let se = &self.sensing;
        e.need(
            se.pfa > 0.0 && se.pfa < 1.0,
            ParamKey::Pfa,
            se.pfa,
            "must be in (0, 1)",
        );
        let nonneg = |x: f64| x >= 0.0 && x.is_finite();
        match se.scale {
            SensingScale::Paper { rcs_var } => e.need(
                nonneg(rcs_var),
                ParamKey::Rcs,
                rcs_var,
                "must be >= 0 (linear)",
            ),
            SensingScale::Bistatic { rcs_m2, carrier_hz } => {
                e.need(nonneg(rcs_m2), ParamKey::RcsM2, rcs_m2, "must be >= 0 m^2");
                let f = carrier_hz;
                e.need(pos(f), ParamKey::CarrierHz, f, "must be > 0 Hz");
            }
        }
        if se.local_filter == LocalFilter::Projection {
            e.need(
                s.raps == 0 || s.rap_antennas > s.tx_antennas,
                ParamKey::LocalFilter,
                "projection",
                "needs rap_antennas > tx_antennas (N1 > M) to leave a null space",
            );
        }
        let n = &self.noise;
        e.need(
            pos(n.comm_w),
            ParamKey::CommNoise,
            n.comm_w,
            "must be > 0 W",
        );
        let sn = n.sensing_w;
        e.need(pos(sn), ParamKey::SensingNoise, sn, "must be > 0 W");
        e.result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_defaults_are_valid() {
        Params::paper().validate().unwrap();
    }

    #[test]
    fn every_violation_is_reported_with_its_key() {
        let mut p = Params::paper();
        p.system.users = 17;
        p.sensing.pfa = 0.0;
        p.noise.sensing_w = -1.0;
        let errs = p.validate().unwrap_err();
        let keys: Vec<_> = errs.iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            [ParamKey::Users, ParamKey::Pfa, ParamKey::SensingNoise]
        );
        assert_eq!(
            errs[0].to_string(),
            "system.users = 17: must be in 1..=16 (K <= M, paper Sec. II-A)"
        );
        assert_eq!(errs[2].to_string(), "noise.sensing = -1: must be > 0 W");
    }
}
