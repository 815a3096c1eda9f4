//! `hindsight serve`: the site on a local port, rebuilt and reloaded as
//! the knowledge base changes (see [`crate::serve`]).

use std::path::PathBuf;

use clap::Args;

use super::Verbosity;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The knowledge base: the folder with hindsight.toml, or any folder in it.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The port to serve on (0: any free one).
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// The interface to listen on: 127.0.0.1 is this machine only, 0.0.0.0 every network.
    #[arg(long, short, default_value = "127.0.0.1")]
    pub interface: String,
    /// Open the site in the default browser.
    #[arg(long, short = 'O')]
    pub open: bool,
    /// Leave drafts out, as `build` does; by default serve shows them, since a post-mortem
    /// being written is usually one.
    #[arg(long)]
    pub no_drafts: bool,
}

pub fn run(args: &ServeArgs, verbosity: Verbosity) -> anyhow::Result<u8> {
    crate::serve::serve(&crate::serve::Options {
        root: super::knowledge_base_root(&args.dir),
        interface: args.interface.clone(),
        port: args.port,
        drafts: !args.no_drafts,
        open: args.open,
        quiet: verbosity == Verbosity::Quiet,
        verbose: verbosity == Verbosity::Verbose,
    })?;
    Ok(0)
}
