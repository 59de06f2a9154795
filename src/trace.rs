//! Message-flow traces: the engine's `tracing` events captured per drop and
//! written as JSON lines or as a Chrome/Perfetto trace in simulated time.
