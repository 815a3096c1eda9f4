//! `HINDSIGHT_TIMINGS`: where a build's time goes, phase by phase and by
//! kind of page, for benchmarking without a profiler (see `bench/README.md`).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Phase times on stderr when `HINDSIGHT_TIMINGS` is set: where a build's
/// time goes, for benchmarking without a profiler. The render phase is also
/// broken down by kind of page (`Profile`).
pub struct Timings(Option<(Cell<Instant>, Profile)>);

/// Time spent rendering and writing each kind of page, summed over threads.
#[derive(Default)]
pub struct Profile(Mutex<BTreeMap<&'static str, ProfileRow>>);

#[derive(Default)]
struct ProfileRow {
    pages: usize,
    render: Duration,
    write: Duration,
}

impl Profile {
    pub fn add(&self, kind: &'static str, render: Duration, write: Duration) {
        // One short lock per page; only taken when timings are on.
        let mut rows = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let row = rows.entry(kind).or_default();
        row.pages += 1;
        row.render += render;
        row.write += write;
    }

    pub fn print(&self) {
        let rows = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let mut rows: Vec<_> = rows.iter().collect();
        rows.sort_by_key(|(_, r)| std::cmp::Reverse(r.render + r.write));
        for (kind, r) in rows {
            eprintln!(
                "timing:   {kind} ({} page{}): render {:.3} s, write {:.3} s (CPU)",
                r.pages,
                if r.pages == 1 { "" } else { "s" },
                r.render.as_secs_f64(),
                r.write.as_secs_f64()
            );
        }
    }
}

/// `--verbose` turns timings on for the whole run, like `HINDSIGHT_TIMINGS`.
static ON: AtomicBool = AtomicBool::new(false);

impl Timings {
    /// Turns timings on for every `start` after this (`--verbose`).
    pub fn enable() {
        ON.store(true, Ordering::Relaxed);
    }

    pub fn start() -> Self {
        let on = ON.load(Ordering::Relaxed) || std::env::var_os("HINDSIGHT_TIMINGS").is_some();
        Timings(on.then(|| (Cell::new(Instant::now()), Profile::default())))
    }

    /// Where to record the render phase, when timings are on.
    pub fn profile(&self) -> Option<&Profile> {
        self.0.as_ref().map(|(_, profile)| profile)
    }

    pub fn lap(&self, what: &str) {
        if let Some((last, _)) = &self.0 {
            let now = Instant::now();
            eprintln!("timing: {what}: {:.3} s", (now - last.get()).as_secs_f64());
            last.set(now);
        }
    }
}
