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
}

/// The files `init` writes, relative to the knowledge base.
fn files(name: &str) -> Vec<(&'static str, String)> {
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
            include_str!("scaffold/workflow.yml").into(),
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
    let files = files(&name);
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
    println!("  hindsight new \"What happened\" -C {dir}    start a post-mortem");
    println!("  hindsight check {dir}    validate every post-mortem");
    Ok(0)
}
