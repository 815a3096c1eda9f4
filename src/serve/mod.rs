//! `hindsight serve`: the site on a local port, rebuilt when the knowledge
//! base, its theme or its config change, open pages reloaded by themselves.
//!
//! Nothing is written to disk. Each generation checks the knowledge base,
//! plans the site ([`crate::site::with_plan`], the same plan `build`
//! writes) and renders a file only when a browser asks for it, so a change
//! costs a check and a plan, not a whole site. A change that breaks `check`
//! keeps the last good site and lays its errors over every page until they
//! are fixed.
//!
//! Three kinds of thread: one accepts connections, one per open page holds
//! its event stream ([`events`]), and the main one owns the site: requests
//! and changes reach it through one channel, so a request never sees a
//! half-made site.

mod events;
mod http;
mod watch;

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::diag::render;
use crate::site::{BuildCache, BuildOptions, Plan, Timings};
use crate::validate::{self, Report};
use events::Clients;
use http::Pages;

/// How to serve.
#[derive(Clone, Debug)]
pub struct Options {
    /// The knowledge base's root (the folder with `hindsight.toml`).
    pub root: PathBuf,
    /// The interface to listen on (`127.0.0.1`: this machine only).
    pub interface: String,
    /// The port; 0 lets the system choose one.
    pub port: u16,
    /// Include draft post-mortems (an author previews theirs).
    pub drafts: bool,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Print errors only.
    pub quiet: bool,
    /// Print each request too.
    pub verbose: bool,
}

/// What the main thread is told.
pub(crate) enum Event {
    /// A browser asks for a file.
    Request(tiny_http::Request),
    /// Something in the knowledge base changed.
    Changed,
}

/// A knowledge base as last loaded: one that passed `check`, or the text of
/// what stops it (errors, or a config that cannot be read).
enum State {
    Good(Box<Report>),
    Broken(String),
}

/// What one generation keeps for the next, so that a save redoes only what
/// it changed: each file's parse and the rules about it, and what the site
/// keeps ([`BuildCache`]).
#[derive(Default)]
struct Kept {
    check: validate::CheckCache,
    build: Arc<BuildCache>,
}

/// How long the files must be quiet after a change before the rebuild: an
/// editor's save is often several events (write a temporary file, rename it
/// over the old one), and `git checkout` is hundreds.
const SETTLE: Duration = Duration::from_millis(30);

/// Serves until the process is stopped (Ctrl-C). Errors only for what stops
/// it from starting: a port that is taken, a folder that cannot be watched.
pub fn serve(options: &Options) -> anyhow::Result<()> {
    let server =
        tiny_http::Server::http((options.interface.as_str(), options.port)).map_err(|e| {
            anyhow::anyhow!(
                "cannot listen on {}:{}: {e} (choose another with --port)",
                options.interface,
                options.port
            )
        })?;
    let address = server
        .server_addr()
        .to_ip()
        .context("the server has no IP address")?;
    let url = format!("http://{address}/");
    let clients = Arc::new(Clients::default());
    let (tx, rx) = std::sync::mpsc::channel();
    accept(server, tx.clone(), Arc::clone(&clients));
    // Kept alive for as long as we serve: dropping it stops the watching.
    let _watcher = watch::start(&options.root, tx)?;
    stop_on_signals();

    let started = Instant::now();
    let mut kept = Kept::default();
    let mut state = load(options, &mut kept);
    if !options.quiet {
        eprintln!(
            "serving {} at {url}{} — Ctrl-C stops",
            options.root.display(),
            if options.drafts {
                " (drafts included; --no-drafts to leave them out)"
            } else {
                ""
            }
        );
    }
    tell(&state, started, options.quiet);
    if options.open {
        open_browser(&url);
    }
    loop {
        state = match state {
            State::Good(mut report) => {
                match serve_site(&mut report, options, &mut kept, &rx, &clients) {
                    Ok(Some(next)) => {
                        // Freeing thousands of post-mortems takes tens of
                        // milliseconds; the next site need not wait for it.
                        std::thread::spawn(move || drop(report));
                        next
                    }
                    Ok(None) => return Ok(()),
                    Err(e) => State::Broken(format!("error: the site cannot be made: {e:#}")),
                }
            }
            State::Broken(text) => match serve_errors(&text, options, &mut kept, &rx, &clients) {
                Some(next) => next,
                None => return Ok(()),
            },
        };
    }
}

/// Serves the site of `report` until a change gives a new knowledge base
/// that passes `check` (returned), laying the errors of any broken one
/// over its pages meanwhile. `None` when the channel closes.
fn serve_site(
    report: &mut Report,
    options: &Options,
    kept: &mut Kept,
    rx: &Receiver<Event>,
    clients: &Clients,
) -> anyhow::Result<Option<State>> {
    let build = BuildOptions {
        drafts: options.drafts,
        // Links from the server's root, whatever the published base URL.
        base_url: Some("/".into()),
        // The site computes its related incidents: the check that serving
        // runs leaves them out.
        cache: Some(Arc::clone(&kept.build)),
        ..BuildOptions::default()
    };
    crate::site::with_plan(&report.kb, &build, &Timings::start(), |plan: &Plan<'_>| {
        let mut pages = Pages::new(plan, options.verbose);
        let mut overlay: Option<String> = None;
        let mut generation = clients.next_generation();
        loop {
            match rx.recv() {
                Ok(Event::Request(request)) => {
                    pages.respond(request, generation, overlay.as_deref())
                }
                Ok(Event::Changed) => {
                    if !settle(rx, |r| pages.respond(r, generation, overlay.as_deref())) {
                        return Ok(None);
                    }
                    let started = Instant::now();
                    let state = load(options, kept);
                    tell(&state, started, options.quiet);
                    match state {
                        good @ State::Good(_) => return Ok(Some(good)),
                        State::Broken(text) => {
                            overlay = Some(text);
                            generation = clients.next_generation();
                        }
                    }
                }
                Err(_) => return Ok(None),
            }
        }
    })
}

/// Serves the errors that stop the knowledge base from building, on every
/// page, until a change fixes them. `None` when the channel closes.
fn serve_errors(
    text: &str,
    options: &Options,
    kept: &mut Kept,
    rx: &Receiver<Event>,
    clients: &Clients,
) -> Option<State> {
    let generation = clients.next_generation();
    loop {
        match rx.recv().ok()? {
            Event::Request(request) => {
                http::respond_broken(request, generation, text, options.verbose)
            }
            Event::Changed => {
                if !settle(rx, |r| {
                    http::respond_broken(r, generation, text, options.verbose)
                }) {
                    return None;
                }
                let started = Instant::now();
                let state = load(options, kept);
                tell(&state, started, options.quiet);
                return Some(state);
            }
        }
    }
}

/// Waits until no change has come for [`SETTLE`], answering requests
/// meanwhile with `respond`. `false` when the channel closes.
fn settle(rx: &Receiver<Event>, mut respond: impl FnMut(tiny_http::Request)) -> bool {
    let mut quiet_from = Instant::now();
    loop {
        let left = SETTLE.saturating_sub(quiet_from.elapsed());
        match rx.recv_timeout(left) {
            Ok(Event::Changed) => quiet_from = Instant::now(),
            Ok(Event::Request(request)) => respond(request),
            Err(RecvTimeoutError::Timeout) => return true,
            Err(RecvTimeoutError::Disconnected) => return false,
        }
    }
}

/// Loads and checks the knowledge base.
fn load(options: &Options, kept: &mut Kept) -> State {
    match validate::check_cached(&options.root, &mut kept.check) {
        Err(problems) => State::Broken(rendered(problems.iter())),
        Ok(report) if report.diagnostics.iter().any(|d| d.is_error()) => {
            State::Broken(rendered(report.diagnostics.iter().filter(|d| d.is_error())))
        }
        Ok(report) => State::Good(Box::new(report)),
    }
}

/// Diagnostics as `check` prints them, without colour: the overlay's text.
fn rendered<'d>(diagnostics: impl Iterator<Item = &'d crate::diag::Diagnostic>) -> String {
    let all: Vec<String> = diagnostics.map(|d| render::human(d, false)).collect();
    all.join("\n\n")
}

/// One line on the terminal per load; the errors in full, since the
/// author may be looking at the terminal rather than the browser.
fn tell(state: &State, started: Instant, quiet: bool) {
    let mut err = std::io::stderr().lock();
    match state {
        State::Good(report) => {
            if !quiet {
                let warnings = report
                    .diagnostics
                    .iter()
                    .filter(|d| d.level == crate::diag::Level::Warning)
                    .count();
                let _ = writeln!(
                    err,
                    "{} post-mortems checked in {:.2} s{}",
                    report.kb.postmortems.len(),
                    started.elapsed().as_secs_f64(),
                    match warnings {
                        0 => String::new(),
                        1 => "; 1 warning (hindsight check shows it)".into(),
                        n => format!("; {n} warnings (hindsight check shows them)"),
                    }
                );
            }
        }
        State::Broken(text) => {
            let _ = writeln!(
                err,
                "{text}\n\nthe browser shows these until they are fixed; serving the last site that built"
            );
        }
    }
}

/// Hands every connection to the main thread, except the event streams,
/// which each hold a thread of their own for as long as the page is open.
fn accept(server: tiny_http::Server, tx: Sender<Event>, clients: Arc<Clients>) {
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            if request.url() == events::PATH {
                events::stream(request, Arc::clone(&clients));
            } else if tx.send(Event::Request(request)).is_err() {
                return;
            }
        }
    });
}

/// Ctrl-C (or SIGTERM) ends the process at once: serving writes nothing to
/// disk, so there is nothing to finish or clean up; say so and exit 0.
#[cfg(unix)]
fn stop_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if signals.forever().next().is_some() {
            eprintln!("\nstopped");
            std::process::exit(0);
        }
    });
}

#[cfg(not(unix))]
fn stop_on_signals() {}

/// Opens `url` in the default browser; a note if none can be started.
fn open_browser(url: &str) {
    let (program, args): (&str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let spawned = std::process::Command::new(program)
        .args(args)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Err(e) = spawned {
        eprintln!("note: cannot open a browser ({program}: {e}); open {url}");
    }
}
