//! `hindsight completions SHELL` and `hindsight man`: shell completions and
//! manual pages, generated from the same command-line definition as
//! `--help` (clap_complete, clap_mangen), so they never fall behind it.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, CommandFactory};

use super::{Cli, ColorChoice};

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write hindsight.1 and a page per command (hindsight-check.1, ...) into this folder,
    /// instead of printing hindsight.1.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn completions(args: &CompletionsArgs) -> anyhow::Result<u8> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "hindsight", &mut script);
    super::print_raw(&script, "the completions")
}

pub fn man(args: &ManArgs, color: ColorChoice) -> anyhow::Result<u8> {
    let cmd = Cli::command();
    match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(cmd, dir)
                .with_context(|| format!("cannot write the manual pages into {}", dir.display()))?;
            let mut err = color.stream(std::io::stderr());
            let _ = std::io::Write::write_fmt(
                &mut err,
                format_args!(
                    "wrote hindsight.1 and a page per command into {}\n",
                    dir.display()
                ),
            );
            Ok(0)
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .context("cannot render the manual page")?;
            super::print_raw(&page, "the manual page")
        }
    }
}
