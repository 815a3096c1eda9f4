//! The `hindsight` command line.

mod build;
mod check;
mod completions;
mod export;
mod import;
mod init;
mod new;
mod related;
mod search;
mod serve;
mod stats;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use build::BuildArgs;
pub use check::CheckArgs;
pub use completions::{CompletionsArgs, ManArgs};
pub use export::ExportArgs;
pub use import::ImportArgs;
pub use init::InitArgs;
pub use new::NewArgs;
pub use related::RelatedArgs;
pub use search::SearchArgs;
pub use serve::ServeArgs;
pub use stats::StatsArgs;

/// Hindsight turns a folder of blameless post-mortems (Markdown with TOML
/// front matter) into a checked, searchable knowledge base.
#[derive(Debug, Parser)]
#[command(name = "hindsight", version, max_term_width = 100)]
pub struct Cli {
    /// When to colour output: auto (a terminal, and NO_COLOR unset), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Print only what stops a command (errors); no warnings, progress or summary.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more: every warning in full, and where a build's time goes.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate every post-mortem against the file format and the team's template.
    ///
    /// Reports every problem in every file, rustc-style, with the line, a caret under the
    /// problem, the rule's name and a hint. Exit status: 0 clean, 1 errors (or warnings with
    /// --deny-warnings), 2 usage or config error.
    Check(CheckArgs),
    /// Build the static site: incident, root-cause and index pages, feeds.
    ///
    /// Checks first: errors stop the build and leave the previous site untouched. The site is
    /// written to a temporary folder and swapped in only when complete.
    Build(BuildArgs),
    /// Preview the site while writing: served on 127.0.0.1:1111, rebuilt on every change.
    ///
    /// Watches the post-mortems, root-causes.toml, hindsight.toml and the theme; after a
    /// change, open pages reload by themselves. A change that breaks `check` shows its
    /// errors over the page until it is fixed. Drafts are shown (--no-drafts: as `build`).
    /// Nothing is written to disk. Ctrl-C stops it.
    Serve(ServeArgs),
    /// Start a new post-mortem from the knowledge base's template.
    ///
    /// Writes YYYY-MM-DD-<slug>.md in the post-mortem folder ([content] dir, default
    /// postmortems/) from its _template.md (or the built-in template), prefilled with the
    /// title, today's date, severity and service. Never overwrites a file.
    New(NewArgs),
    /// Create a knowledge base that passes `check`.
    ///
    /// Writes hindsight.toml, root-causes.toml, postmortems/_template.md, an example
    /// post-mortem, .gitignore and a GitHub Actions workflow. Never overwrites a file.
    Init(InitArgs),
    /// Search past incidents: ranked hits with highlighted excerpts.
    ///
    /// Words match anywhere (title, summary, body, root causes, services, tags, learnings,
    /// action items), a title match weighing most; identifiers match whole and in parts
    /// (`payments` finds `payments-api`). Query syntax: "a phrase", +required, -excluded,
    /// field:word. Filters (--service, --severity, --root-cause, --tag, --since, --until)
    /// narrow the hits, and alone browse by them. Uses the index in .hindsight/index, built
    /// when missing or out of date. Works from any folder inside the knowledge base. Exit
    /// status: 0 (hits or none), 2 for a query that cannot be read or a usage error.
    Search(SearchArgs),
    /// List the incidents most like one: shared root causes first, then similar text.
    ///
    /// The same list as the incident's page. Incidents alike in text with no root-cause id in
    /// common are marked "possible recurrence". Exit status 2 for an unknown id.
    Related(RelatedArgs),
    /// The quarterly metrics in the terminal: incidents, response times, recurrence, action items.
    ///
    /// One quarter a row, then all time, with the numbers of the site's quarter pages (drafts
    /// counted, as there). --quarter 2025-Q1 shows one quarter in full with its top systemic
    /// learnings; --format json gives metrics.json's numbers, --format csv a row per quarter.
    /// Exit status 2 for a quarter without incidents.
    Stats(StatsArgs),
    /// Print the site's exports, filtered: `hindsight export action-items --status open`.
    ///
    /// The same rows as the files `build` writes (action-items.csv and .json), for a tracker
    /// import or a weekly review, without building the site.
    Export(ExportArgs),
    /// Timeline items from PagerDuty, Opsgenie or Slack: `hindsight import pagerduty FILE`.
    ///
    /// Prints `## Timeline` items in time order ("2025-06-02 14:05 UTC — Acknowledged by Alice
    /// Chen", then "14:09 — ..." while the day stays the same), in UTC, narrowed by --since and
    /// --until; --into merges them into a post-mortem's timeline, changing nothing else and
    /// adding nothing twice. Exit status 2 for a file that cannot be read or is not the tool's.
    Import(ImportArgs),
    /// Print a shell's completion script (bash, zsh, fish, elvish or powershell).
    ///
    /// For example `hindsight completions bash > ~/.local/share/bash-completion/completions/hindsight`.
    /// The guide's command-line page says where each shell looks for them.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one per command with --out.
    ///
    /// `hindsight man | man -l -` reads it; `hindsight man --out /usr/local/share/man/man1`
    /// installs it.
    Man(ManArgs),
}

/// Colour choice for `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    fn stream<W: anstream::stream::RawStream>(self, w: W) -> anstream::AutoStream<W> {
        let choice = match self {
            ColorChoice::Auto => anstream::ColorChoice::Auto,
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
        };
        anstream::AutoStream::new(w, choice)
    }
}

/// How much `check` and `build` print besides their results (`--quiet`,
/// `--verbose`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// The knowledge base that `dir` is in: `dir` itself or the nearest folder
/// above it with a `hindsight.toml`, so that every command works from any
/// folder inside it, as `git` and `cargo` do. `dir` as given when there is
/// none: loading it then says what is missing.
///
/// The way up is spelled relative to `dir` (`..`, `../..`), not as an
/// absolute path: the files' paths in diagnostics stay relative to where
/// the command runs, which GitHub annotations need and people can click.
pub fn knowledge_base_root(dir: &std::path::Path) -> std::path::PathBuf {
    use crate::config::CONFIG_FILE;
    if dir.join(CONFIG_FILE).is_file() {
        return dir.to_path_buf();
    }
    let Ok(start) = dir.canonicalize() else {
        return dir.to_path_buf();
    };
    let mut up = if dir == std::path::Path::new(".") {
        std::path::PathBuf::new()
    } else {
        dir.to_path_buf()
    };
    for ancestor in start.ancestors().skip(1) {
        up.push("..");
        if ancestor.join(CONFIG_FILE).is_file() {
            // `postmortems/..` reads better as `.`, when it is the same
            // folder (it is not when `postmortems` is a link).
            let tidy = tidy(&up);
            return if tidy.canonicalize().is_ok_and(|t| t == ancestor) {
                tidy
            } else {
                up
            };
        }
    }
    dir.to_path_buf()
}

/// `path` with each `name/..` pair cancelled, `.` when nothing is left.
fn tidy(path: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out: Vec<Component> = Vec::new();
    for c in path.components() {
        match (c, out.last()) {
            (Component::CurDir, _) => {}
            (Component::ParentDir, Some(Component::Normal(_))) => {
                out.pop();
            }
            _ => out.push(c),
        }
    }
    if out.is_empty() {
        std::path::PathBuf::from(".")
    } else {
        out.iter().collect()
    }
}

/// The knowledge base at `root`, or its problems written to stderr (then
/// the command exits [`EXIT_USAGE`]): for the commands that read it without
/// checking it (`search`, `related`, `stats`).
fn load_or_report(root: &std::path::Path, color: ColorChoice) -> Option<crate::content::Loaded> {
    crate::content::load(root)
        .map_err(|problems| {
            let mut err = color.stream(std::io::stderr());
            for d in &problems {
                let _ = writeln!(err, "{}", crate::diag::render::human(d, true));
            }
        })
        .ok()
}

/// Writes a command's output to stdout (colour codes dropped unless
/// `color` allows them), and exits 0. A closed pipe (`| head`) is not an
/// error; anything else is, described as "cannot write `what`".
fn print(text: &str, color: ColorChoice, what: &str) -> anyhow::Result<u8> {
    write_out(
        &mut color.stream(std::io::stdout().lock()),
        text.as_bytes(),
        what,
    )
}

/// [`print`] for a file's bytes (a CSV or JSON export), written as they are.
fn print_raw(bytes: &[u8], what: &str) -> anyhow::Result<u8> {
    write_out(&mut std::io::stdout().lock(), bytes, what)
}

fn write_out(out: &mut impl Write, bytes: &[u8], what: &str) -> anyhow::Result<u8> {
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(e).context(format!("cannot write {what}")))
        }
        _ => Ok(0),
    }
}

/// Exit status for "it ran, and found errors".
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit status for a usage or configuration error (clap uses 2 too).
pub const EXIT_USAGE: u8 = 2;

/// Runs the command line and returns the process's exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = cli.color;
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    let result = match cli.command {
        Command::Check(args) => check::run(&args, color, verbosity),
        Command::Build(args) => build::run(&args, color, verbosity),
        Command::Serve(args) => serve::run(&args, verbosity),
        Command::New(args) => new::run(&args, color),
        Command::Init(args) => init::run(&args, color),
        Command::Search(args) => search::run(&args, color),
        Command::Related(args) => related::run(&args, color),
        Command::Stats(args) => stats::run(&args, color),
        Command::Export(args) => export::run(&args, color),
        Command::Import(args) => import::run(&args, color, verbosity),
        Command::Completions(args) => completions::completions(&args),
        Command::Man(args) => completions::man(&args, color),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            // `{:#}`: the whole chain of causes on one line, outermost first
            // ("cannot render atom.xml: template `feed.xml`: …").
            let mut err = color.stream(std::io::stderr());
            let _ = writeln!(err, "\x1b[1;31merror\x1b[0m: {error:#}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_knowledge_base_is_found_from_a_folder_inside_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("hindsight.toml"), "").unwrap();
        std::fs::create_dir_all(root.join("postmortems/2025")).unwrap();
        assert_eq!(knowledge_base_root(&root.join("postmortems/2025")), root);
        assert_eq!(
            tidy(std::path::Path::new("a/b/../..")),
            std::path::Path::new(".")
        );
        assert_eq!(
            tidy(std::path::Path::new("../../x/..")),
            std::path::Path::new("../..")
        );
        assert_eq!(knowledge_base_root(&root), root);

        let elsewhere = tempfile::tempdir().unwrap();
        assert_eq!(knowledge_base_root(elsewhere.path()), elsewhere.path());
    }
}
