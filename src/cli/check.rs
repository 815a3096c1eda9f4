//! `hindsight check`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{ColorChoice, EXIT_PROBLEMS, EXIT_USAGE};
use crate::diag::render::{self, Format};
use crate::diag::{Counts, Diagnostic};
use crate::validate;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The knowledge base: the folder with hindsight.toml, or any folder in it.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Output format: human (rustc-style), json, or github (inline pull-request annotations).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail (exit 1) on warnings too, not only on errors. (No `-D`: to Hugo
    /// users, and in `build`, that means drafts.)
    #[arg(long)]
    pub deny_warnings: bool,
}

pub fn run(args: &CheckArgs, color: ColorChoice) -> anyhow::Result<u8> {
    // Render into memory and write once: thousands of diagnostics are
    // written in one go, and colour is stripped in one place when stdout is
    // not a terminal or NO_COLOR is set.
    let mut buffer = Vec::new();
    let root = super::knowledge_base_root(&args.dir);
    let report = match validate::check(&root) {
        Ok(report) => report,
        Err(problems) => {
            write_fatal(args.format, &problems, color)?;
            return Ok(EXIT_USAGE);
        }
    };
    render::write_report(
        &mut buffer,
        args.format,
        &report.diagnostics,
        report.kb.files,
        true,
    )
    .and_then(|()| {
        let mut out = color.stream(std::io::stdout().lock());
        out.write_all(&buffer)?;
        out.flush()
    })
    .or_else(|e| match e.kind() {
        // `hindsight check | head` is not an error.
        std::io::ErrorKind::BrokenPipe => Ok(()),
        _ => Err(anyhow::Error::new(e).context("cannot write the report")),
    })?;
    let counts = Counts::of(&report.diagnostics);
    let failed = counts.errors > 0 || (args.deny_warnings && counts.warnings > 0);
    Ok(if failed { EXIT_PROBLEMS } else { 0 })
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
    }
}
