//! `hindsight build`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use clap::Args;

use super::{ColorChoice, EXIT_PROBLEMS, EXIT_USAGE, Verbosity};
use crate::config::Visibility;
use crate::content::KnowledgeBase;
use crate::content::public::public_view;
use crate::diag::Counts;
use crate::diag::render;
use crate::site::{self, BuildOptions};
use crate::validate;

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The knowledge base: the folder with hindsight.toml, or any folder in it.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Where to write the site (default: public/ in the knowledge base). Hindsight only
    /// replaces a folder it created (it holds a .hindsight-site marker) or an empty one.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Include draft post-mortems (`-D` as in Hugo).
    #[arg(long, short = 'D')]
    pub drafts: bool,
    /// Override [site] base_url, e.g. https://example.github.io/postmortems/ for a sub-path.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Build a site to publish outside the company: public post-mortems only
    /// (`visibility = "public"`), without the fields `[public] redact` names.
    #[arg(long)]
    pub public: bool,
}

/// On SIGINT or SIGTERM during a build: remove the unfinished site (the
/// previous one stays as it was), then exit with 128 + the signal's number,
/// as a shell reports a process the signal killed. Without this, each
/// interrupted build would leave a staging folder of the site's size.
#[cfg(unix)]
fn clean_up_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;
    // If the handler cannot be installed a signal kills the build as
    // before, and the next build removes what it left.
    let Ok(mut signals) = Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            crate::site::output::abandon_all();
            eprintln!(
                "\ninterrupted: the unfinished site was removed; the previous one is untouched"
            );
            std::process::exit(128 + signal);
        }
    });
}

#[cfg(not(unix))]
fn clean_up_on_signals() {}

pub fn run(args: &BuildArgs, color: ColorChoice, verbosity: Verbosity) -> anyhow::Result<u8> {
    let started = Instant::now();
    clean_up_on_signals();
    if verbosity == Verbosity::Verbose {
        crate::site::Timings::enable();
    }
    let quiet = verbosity == Verbosity::Quiet;
    let mut err = color.stream(std::io::stderr());
    let timer = crate::site::Timings::start();
    let root = super::knowledge_base_root(&args.dir);
    let report = validate::check(&root);
    timer.lap("load and check");
    let mut report = match report {
        Ok(report) => report,
        Err(problems) => {
            for d in &problems {
                let _ = writeln!(err, "{}\n", render::human(d, true));
            }
            return Ok(EXIT_USAGE);
        }
    };
    let counts = Counts::of(&report.diagnostics);
    // Errors in full, as `check` shows them; warnings one line each, since
    // `check` on the pull request already explained them (in full with
    // --verbose, not at all with --quiet). One write, so thousands of
    // warnings cost nothing.
    let mut shown = String::new();
    for d in &report.diagnostics {
        if quiet && !d.is_error() {
            continue;
        }
        if d.is_error() || verbosity == Verbosity::Verbose {
            shown.push_str(&render::human(d, true));
            shown.push_str("\n\n");
        } else {
            shown.push_str(&render::short(d, true));
            shown.push('\n');
        }
    }
    let _ = err.write_all(shown.as_bytes());
    if counts.errors > 0 {
        let _ = writeln!(
            err,
            "{}\nnot building: fix the errors above (the previous site, if any, is untouched)",
            render::summary_line(counts, report.kb.files)
        );
        return Ok(EXIT_PROBLEMS);
    }
    // A public site is built from the public view alone, so no page can
    // show what it leaves out; the search index below keeps reading the
    // whole knowledge base: it stays on this machine, and `hindsight
    // search` reuses it.
    let public = args.public.then(|| {
        let view = public_view(&report.kb, &report.kb.config.public, args.drafts);
        if !quiet {
            let _ = writeln!(err, "{}", public_line(&report.kb, &view));
        }
        view
    });
    let options = BuildOptions {
        out: args.output.clone(),
        drafts: args.drafts,
        base_url: args.base_url.clone(),
        // What `check` computed for the published incidents, when the
        // site shows those (its lists number the whole knowledge base's
        // post-mortems, not the public view's).
        related: (!args.drafts && public.is_none()).then(|| std::mem::take(&mut report.related)),
        // A bar only where someone watches: on a terminal, and not --quiet.
        progress: (!quiet && std::io::stderr().is_terminal())
            .then(|| std::sync::Arc::new(Bar::default()) as std::sync::Arc<dyn site::Progress>),
        cache: None,
    };
    // The search index is written beside the site, on its own thread: the
    // two share nothing but the loaded knowledge base, and tantivy's
    // indexing (about 2 s of CPU on 10,000 post-mortems) fills the moments
    // the site leaves a core idle instead of coming after it. An index
    // that is up to date is only checked, in milliseconds.
    let kb = &report.kb;
    let site_kb = public.as_ref().unwrap_or(kb);
    let (built, index) = std::thread::scope(|scope| {
        let index = scope.spawn(|| {
            let started = Instant::now();
            let result =
                crate::search::index::ensure(kb, args.drafts, crate::search::index::Threads::One);
            (result, started.elapsed())
        });
        let built = site::build(site_kb, &options);
        (built, index.join())
    });
    let built = built?;
    timer.lap("site (and search index beside it)");
    // A failure is a warning: the site is built and is what matters.
    match index {
        Ok((result, took)) => {
            if std::env::var_os("HINDSIGHT_TIMINGS").is_some() {
                let _ = writeln!(err, "timing:   search index: {:.3} s", took.as_secs_f64());
            }
            if let Err(e) = result {
                let _ = writeln!(
                    err,
                    "\x1b[1;33mwarning\x1b[0m: the search index was not updated: {e:#}"
                );
            }
        }
        Err(panic) => std::panic::resume_unwind(panic),
    }
    if !built.absolute && !quiet {
        let _ = writeln!(
            err,
            "note: base_url `{}` is not an absolute URL, so the feeds have relative links and there is no sitemap.xml; \
             set [site] base_url (or --base-url) to where the site is published",
            args.base_url
                .as_deref()
                .unwrap_or(&report.kb.config.site.base_url)
        );
    }
    if !quiet {
        let warnings = match counts.warnings {
            0 => String::new(),
            1 => "; 1 warning".to_string(),
            n => format!("; {n} warnings"),
        };
        let _ = writeln!(
            err,
            "built {} incident{} into {} ({} files, {:.1} MB) in {:.2} s{warnings}",
            built.incidents,
            if built.incidents == 1 { "" } else { "s" },
            built.out.display(),
            built.files,
            built.bytes as f64 / 1e6,
            started.elapsed().as_secs_f64()
        );
    }
    // The process ends here: handing the memory back to the system at exit
    // is instant, freeing thousands of post-mortems one by one is not
    // (40 ms on 10,000).
    std::mem::forget(report);
    std::mem::forget(public);
    Ok(0)
}

/// `public build: 12 of 30 post-mortems (18 internal left out); redacted:
/// authors, action_items.owner`: what a public build publishes, said before
/// it does, so a wrong `visibility` or `redact` shows in the build log.
fn public_line(kb: &KnowledgeBase, view: &KnowledgeBase) -> String {
    let (all, shown) = (kb.postmortems.len(), view.postmortems.len());
    let internal = kb
        .postmortems
        .iter()
        .filter(|pm| pm.visibility != Visibility::Public)
        .count();
    // Public drafts, without --drafts.
    let drafts = match all - shown - internal {
        0 => String::new(),
        1 => ", 1 public draft".to_string(),
        n => format!(", {n} public drafts"),
    };
    let redact = &kb.config.public.redact;
    let redacted = if redact.is_empty() {
        "nothing".to_string()
    } else {
        redact
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "public build: {shown} of {all} post-mortems ({internal} internal{drafts} left out); redacted: {redacted}"
    )
}

/// The build's progress bar on stderr (indicatif): files rendered of all.
#[derive(Default)]
struct Bar(std::sync::OnceLock<indicatif::ProgressBar>);

impl site::Progress for Bar {
    fn start(&self, files: usize) {
        let bar = indicatif::ProgressBar::new(files as u64).with_style(
            indicatif::ProgressStyle::with_template(
                "{prefix:>10} [{bar:30}] {human_pos}/{human_len} files ({eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_prefix("rendering");
        let _ = self.0.set(bar);
    }

    fn done(&self) {
        if let Some(bar) = self.0.get() {
            bar.inc(1);
        }
    }

    fn finish(&self) {
        // Gone before the summary line, which says the same and more.
        if let Some(bar) = self.0.get() {
            bar.finish_and_clear();
        }
    }
}
