//! The live `tracing` rendering (what `RUST_LOG=iaps::sim=debug` prints)
//! carries exactly the events the engine records, with the same fields. In a
//! file of its own: `tracing`'s callsite cache is process-wide, and other
//! tests running drops without a subscriber at the same time would race it.

use iaps::network::{NetParams, PointSpec, RunOutput, SymbolDelivery, run_drops};
use iaps::node::ReportPolicy;
use iaps::presets::{default_params, link};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

fn run() -> RunOutput {
    let mut up = link(Some(10e6));
    up.loss = 0.2;
    let net = NetParams {
        uplinks: vec![up],
        downlinks: vec![link(Some(10e6))],
        report: vec![
            ReportPolicy::Samples,
            ReportPolicy::Adaptive,
            ReportPolicy::Decision,
        ],
        symbols: SymbolDelivery::Downlink,
        ..NetParams::default()
    };
    let mut spec = PointSpec::new(&default_params(-16.0), &net, 8, 3);
    spec.record_trace = true;
    run_drops(&spec, 2, 1, |_| {}).unwrap()
}

/// A `tracing` layer that keeps the name and fields of every engine event.
#[derive(Clone, Default)]
struct Keep(Arc<Mutex<Vec<BTreeMap<String, String>>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Keep {
    fn on_event(&self, e: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct V<'a>(&'a mut BTreeMap<String, String>);
        impl tracing::field::Visit for V<'_> {
            fn record_debug(&mut self, f: &tracing::field::Field, v: &dyn std::fmt::Debug) {
                self.0.insert(f.name().into(), format!("{v:?}"));
            }
        }
        if e.metadata().target() == iaps::trace::TARGET {
            let mut fields = BTreeMap::new();
            e.record(&mut V(&mut fields));
            self.0.lock().unwrap().push(fields);
        }
    }
}

#[test]
fn live_tracing_emits_the_recorded_events() {
    use tracing_subscriber::layer::SubscriberExt;
    let keep = Keep::default();
    let sub = tracing_subscriber::registry().with(keep.clone());
    let out = tracing::subscriber::with_default(sub, run);
    let seen = keep.0.lock().unwrap();
    let recorded: Vec<_> = out
        .traces
        .iter()
        .flat_map(|(id, ev)| ev.iter().map(|e| e.line(*id)))
        .collect();
    assert_eq!(seen.len(), recorded.len());
    for (f, l) in seen.iter().zip(&recorded) {
        assert_eq!(f["message"], l.event);
        assert_eq!(f["node"], l.node);
        assert_eq!(f["link"], l.link);
        assert_eq!(f["frame"], l.frame.to_string());
        assert_eq!(f["drop"], l.drop.to_string());
    }
}
