//! `hindsight init`: scaffold a knowledge base that passes `check`.

use std::path::PathBuf;

use clap::Args;

use super::ColorChoice;
use super::new::{BUILTIN_TEMPLATE, write_new};
use crate::config::CONFIG_FILE;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to create the knowledge base (created if missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The git repository CI installs Hindsight from (Hindsight's, or your
    /// team's copy of it), written into the GitHub workflow.
    #[arg(long, value_name = "GIT_URL")]
    pub install_from: Option<String>,
    /// The release tag CI builds from that repository.
    #[arg(long, value_name = "TAG", default_value = concat!("v", env!("CARGO_PKG_VERSION")))]
    pub install_tag: String,
}

/// Where CI installs Hindsight from.
struct Install<'a> {
    /// A git URL; empty when not known yet (the workflow then stops with a
    /// message that says what to set).
    from: &'a str,
    tag: &'a str,
}

/// A repository URL or tag that can sit in a double-quoted YAML string and
/// a shell word unchanged: no quotes, escapes, expansions or spaces.
fn plain(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\\' | '$' | '`' | '\''))
}

/// The files `init` writes, relative to the knowledge base.
fn files(name: &str, install: &Install) -> Vec<(&'static str, String)> {
    vec![
        (
            CONFIG_FILE,
            include_str!("scaffold/hindsight.toml").replace("{{name}}", name),
        ),
        (
            "root-causes.toml",
            include_str!("scaffold/root-causes.toml").into(),
        ),
        ("postmortems/_template.md", BUILTIN_TEMPLATE.into()),
        (
            "postmortems/2025-03-14-checkout-db-pool-exhaustion.md",
            include_str!("scaffold/example.md").into(),
        ),
        (".gitignore", include_str!("scaffold/gitignore").into()),
        (
            ".github/workflows/hindsight.yml",
            include_str!("scaffold/workflow.yml")
                .replace("{{install_from}}", install.from)
                .replace("{{tag}}", install.tag),
        ),
    ]
}

pub fn run(args: &InitArgs, _color: ColorChoice) -> anyhow::Result<u8> {
    let name = args
        .dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| {
            args.dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "Our".into())
        .replace(['"', '\\'], "");
    let from = args
        .install_from
        .as_deref()
        .unwrap_or(env!("CARGO_PKG_REPOSITORY"));
    for (what, value) in [
        ("--install-from", from),
        ("--install-tag", args.install_tag.as_str()),
    ] {
        if !value.is_empty() && !plain(value) {
            anyhow::bail!(
                "{what} `{value}` is not a plain URL or tag (no spaces, quotes, `$` or backslashes)"
            );
        }
    }
    let install = Install {
        from,
        tag: &args.install_tag,
    };
    let files = files(&name, &install);
    // Refuse before writing anything, so a second `init` changes nothing.
    let existing: Vec<String> = files
        .iter()
        .map(|(rel, _)| args.dir.join(rel))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        anyhow::bail!(
            "not overwriting what is already there: {}",
            existing.join(", ")
        );
    }
    for (rel, text) in &files {
        write_new(&args.dir.join(rel), text)?;
    }
    let dir = args.dir.display();
    println!("created a knowledge base in {dir}");
    println!();
    println!("next:");
    println!("  hindsight new \"What happened\" {dir}    start a post-mortem");
    println!("  hindsight check {dir}    validate every post-mortem");
    if install.from.is_empty() {
        println!();
        println!(
            "note: .github/workflows/hindsight.yml does not know where to install Hindsight from yet:"
        );
        println!(
            "      set HINDSIGHT_GIT in it to Hindsight's git repository, or run init with --install-from URL"
        );
    }
    Ok(0)
}
