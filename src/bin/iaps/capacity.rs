//! `iaps capacity`: the backhaul rate each report type needs, per node and
//! per shared segment, for every distinct setup of a scenario.

use crate::{CapacityCmd, run::load, say};
use anyhow::Result;
use iaps::network::capacity::{Need, NeedLink, needs};
use iaps::results::{bit_rate, csv_quote, float_cell};
use serde_json::json;

/// The points of a scenario that need the same rates: their variants (in
/// order, once each) and how many points they are.
struct Setup {
    needs: Vec<Need>,
    variants: Vec<String>,
    points: usize,
    frame_interval_s: f64,
    deadline_s: f64,
}

/// Groups the points of the scenario by what they need.
fn setups(a: &CapacityCmd) -> Result<(String, Vec<Setup>)> {
    let sc = load(&a.scenario, &a.sets)?;
    let mut out: Vec<Setup> = Vec::new();
    for p in sc.points()? {
        let s = &p.setup;
        let n = needs(&s.params, &s.net, s.run.frames);
        let same = out.iter_mut().find(|g| {
            g.needs == n
                && g.frame_interval_s == s.net.frame_interval_s
                && g.deadline_s == s.net.deadline_s
        });
        let g = match same {
            Some(g) => g,
            None => {
                out.push(Setup {
                    needs: n,
                    variants: Vec::new(),
                    points: 0,
                    frame_interval_s: s.net.frame_interval_s,
                    deadline_s: s.net.deadline_s,
                });
                out.last_mut().expect("just pushed")
            }
        };
        g.points += 1;
        if !g.variants.contains(&p.variant) {
            g.variants.push(p.variant.clone());
        }
    }
    Ok((format!("{} ({})", sc.name, sc.origin), out))
}

/// Where a need is: `bs`, `rap3`, `segment 0`, `downlink`.
fn place(n: &Need) -> String {
    match n.link {
        NeedLink::Uplink => n.node.map_or_else(String::new, |id| id.to_string()),
        NeedLink::Segment(i) => format!("segment {i}"),
        NeedLink::Downlink => "each downlink".into(),
    }
}

/// `iaps capacity`: a table per setup (default), or CSV or JSON.
pub fn capacity(a: &CapacityCmd) -> Result<()> {
    let (name, setups) = setups(a)?;
    if a.json {
        let doc = json!({
            "scenario": name,
            "setups": setups.iter().map(|g| json!({
                "variants": g.variants,
                "points": g.points,
                "frame_interval_s": g.frame_interval_s,
                "deadline_s": g.deadline_s,
                "needs": g.needs.iter().map(|n| json!({
                    "report": n.report,
                    "link": place(n),
                    "bytes_per_frame": n.bytes,
                    "stable_bps": n.stable_bps,
                    "deadline_bps": n.deadline_bps.is_finite().then_some(n.deadline_bps),
                    "needed_bps": n.needed_bps().is_finite().then_some(n.needed_bps()),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        say::out(&serde_json::to_string_pretty(&doc)?);
        return Ok(());
    }
    if a.csv {
        say::out("setup,variants,report,link,bytes_per_frame,stable_bps,deadline_bps,needed_bps");
        for (i, g) in setups.iter().enumerate() {
            let variants = g.variants.join("; ");
            for n in &g.needs {
                let cells = [
                    i.to_string(),
                    variants.clone(),
                    n.report.clone(),
                    place(n),
                    n.bytes.to_string(),
                    float_cell(n.stable_bps),
                    float_cell(n.deadline_bps),
                    float_cell(n.needed_bps()),
                ];
                let quoted: Vec<_> = cells.iter().map(|c| csv_quote(c)).collect();
                say::out(&quoted.join(","));
            }
        }
        return Ok(());
    }
    say::out(&format!("{name}: the backhaul rate each report needs"));
    for (i, g) in setups.iter().enumerate() {
        say::out("");
        say::out(&format!(
            "setup {} of {}: {} point(s), variants: {}; a frame every {} s, decided within {} s",
            i + 1,
            setups.len(),
            g.points,
            g.variants.join(", "),
            float_cell(g.frame_interval_s),
            float_cell(g.deadline_s)
        ));
        say::out(&format!(
            "  {:<24} {:<14} {:>12} {:>16} {:>16} {:>16}",
            "report", "link", "bytes/frame", "stable", "on time", "needed"
        ));
        for (report, link, bytes, n) in collapsed(&g.needs) {
            say::out(&format!(
                "  {report:<24} {link:<14} {bytes:>12} {:>16} {:>16} {:>16}",
                bit_rate(n.stable_bps),
                bit_rate(n.deadline_bps),
                bit_rate(n.needed_bps())
            ));
        }
    }
    say::out("");
    say::out(
        "stable: 8 x bytes per frame interval; on time: 8 x bytes within the deadline after \
         the worst-case propagation and the link's latency; needed: the larger. Bytes include \
         the link header and, with backhaul.mtu_bytes, one packet header per packet.",
    );
    Ok(())
}

/// The rows of a table: by report (in order of first appearance), then
/// each run of nodes that need the same (`rap1..rap10`), then the segments
/// and the downlink.
fn collapsed(needs: &[Need]) -> Vec<(String, String, u64, &Need)> {
    let mut reports: Vec<&str> = Vec::new();
    for n in needs {
        if !reports.contains(&n.report.as_str()) {
            reports.push(&n.report);
        }
    }
    let mut out = Vec::new();
    for r in reports {
        let rows: Vec<&Need> = needs.iter().filter(|n| n.report == r).collect();
        let mut i = 0;
        while i < rows.len() {
            let n = rows[i];
            let mut j = i + 1;
            while n.link == NeedLink::Uplink
                && j < rows.len()
                && rows[j].link == NeedLink::Uplink
                && (rows[j].bytes, rows[j].stable_bps, rows[j].deadline_bps)
                    == (n.bytes, n.stable_bps, n.deadline_bps)
            {
                j += 1;
            }
            let link = if j > i + 1 {
                format!("{}..{}", place(n), place(rows[j - 1]))
            } else {
                place(n)
            };
            out.push((r.to_string(), link, n.bytes, n));
            i = j;
        }
    }
    out
}
