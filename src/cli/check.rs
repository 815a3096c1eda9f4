//! `hindsight check`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{ColorChoice, EXIT_PROBLEMS, EXIT_USAGE, Verbosity};
use crate::diag::render::{self, Format};
use crate::diag::{Counts, Diagnostic};
use crate::validate;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The knowledge base (the folder with hindsight.toml, or any folder in
    /// it), or post-mortem files: then only their problems are reported,
    /// still checked against the whole knowledge base (ids, root causes,
    /// links), as a pre-commit hook wants.
    #[arg(default_value = ".", value_name = "DIR | FILE.md")]
    pub paths: Vec<PathBuf>,
    /// Output format: human (rustc-style), json, or github (inline pull-request annotations).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail (exit 1) on warnings too, not only on errors. (No `-D`: to Hugo
    /// users, and in `build`, that means drafts.)
    #[arg(long)]
    pub deny_warnings: bool,
}

pub fn run(args: &CheckArgs, color: ColorChoice, verbosity: Verbosity) -> anyhow::Result<u8> {
    // Render into memory and write once: thousands of diagnostics are
    // written in one go, and colour is stripped in one place when stdout is
    // not a terminal or NO_COLOR is set.
    let mut buffer = Vec::new();
    let (root, only) = match target(&args.paths) {
        Ok(target) => target,
        Err(message) => {
            let mut err = color.stream(std::io::stderr());
            writeln!(err, "error: {message}")?;
            return Ok(EXIT_USAGE);
        }
    };
    let report = match validate::check(&root) {
        Ok(report) => report,
        Err(problems) => {
            write_fatal(args.format, &problems, color)?;
            return Ok(EXIT_USAGE);
        }
    };
    let (diagnostics, files) = match &only {
        None => (report.diagnostics, report.kb.files),
        Some(files) => {
            // The problems of those files, and those of no file (the whole
            // knowledge base's) that would fail any check.
            let wanted = |d: &Diagnostic| {
                d.primary.as_ref().is_none_or(|a| {
                    a.source
                        .path
                        .canonicalize()
                        .is_ok_and(|p| files.contains(&p))
                })
            };
            let kept = report.diagnostics.into_iter().filter(wanted).collect();
            (kept, files.len())
        }
    };
    let counts = Counts::of(&diagnostics);
    // --quiet: the errors alone, and no summary when there is none. Only
    // for people: the machine formats always carry everything.
    let quiet = verbosity == Verbosity::Quiet && args.format == Format::Human;
    let diagnostics: Vec<Diagnostic> = if quiet {
        diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect()
    } else {
        diagnostics
    };
    if !(quiet && diagnostics.is_empty()) {
        render::write_report(&mut buffer, args.format, &diagnostics, files, true)?;
    }
    let mut out = color.stream(std::io::stdout().lock());
    match out.write_all(&buffer).and_then(|()| out.flush()) {
        // `hindsight check | head` is not an error.
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(anyhow::Error::new(e).context("cannot write the report"));
        }
        _ => {}
    }
    let failed = counts.errors > 0 || (args.deny_warnings && counts.warnings > 0);
    Ok(if failed { EXIT_PROBLEMS } else { 0 })
}

/// The knowledge base to check and, when files were named, which ones
/// (canonical paths) to report on.
type Target = (PathBuf, Option<Vec<PathBuf>>);

fn target(paths: &[PathBuf]) -> Result<Target, String> {
    match paths {
        [dir] if !dir.is_file() => Ok((super::knowledge_base_root(dir), None)),
        files => {
            let mut roots = Vec::new();
            let mut canonical = Vec::new();
            for file in files {
                if !file.is_file() {
                    return Err(format!(
                        "`{}` is not a file: give one knowledge-base folder, or post-mortem files",
                        file.display()
                    ));
                }
                let parent = file.parent().filter(|p| !p.as_os_str().is_empty());
                let root = super::knowledge_base_root(parent.unwrap_or(Path::new(".")));
                let key = root.canonicalize().unwrap_or_else(|_| root.clone());
                if !roots.iter().any(|(k, _)| *k == key) {
                    roots.push((key, root));
                }
                canonical.push(
                    file.canonicalize()
                        .map_err(|e| format!("{}: {e}", file.display()))?,
                );
            }
            match roots.as_slice() {
                [(_, root)] => Ok((root.clone(), Some(canonical))),
                _ => Err(
                    "the files are in more than one knowledge base: check each on its own".into(),
                ),
            }
        }
    }
}

/// A problem that stops the check before it starts: shown on stderr for
/// people, and in the requested format on stdout for machines. Not both
/// for `github`: the job's log shows stdout and stderr together, so the
/// problem would be there twice, once as the annotation.
fn write_fatal(format: Format, problems: &[Diagnostic], color: ColorChoice) -> std::io::Result<()> {
    if format != Format::Github {
        let mut err = color.stream(std::io::stderr());
        for d in problems {
            writeln!(err, "{}", render::human(d, true))?;
        }
    }
    let mut out = std::io::stdout().lock();
    match format {
        Format::Human => Ok(()),
        Format::Json => out.write_all(render::json(problems, 0).as_bytes()),
        Format::Github => {
            for d in problems {
                out.write_all(render::github(d).as_bytes())?;
            }
            Ok(())
        }
        Format::Gitlab => out.write_all(render::gitlab(problems).as_bytes()),
    }
}
