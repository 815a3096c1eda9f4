//! `hindsight import pagerduty|opsgenie|slack`: the timeline the pager and
//! the incident channel already recorded, as `## Timeline` items, printed
//! or merged into a post-mortem with `--into`.
//!
//! The sources are [`crate::import`]'s; this module reads the arguments,
//! finds the knowledge base around `--into`'s file (its template names the
//! sections) and writes the file back only when something was added, and
//! then atomically.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use jiff::Timestamp;

use super::{ColorChoice, EXIT_USAGE, Verbosity};
use crate::config::{CONFIG_FILE, Config};
use crate::import::{self, Event, Window};

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub source: Source,
}

#[derive(Debug, Subcommand)]
pub enum Source {
    /// PagerDuty incident log entries (GET /incidents/{id}/log_entries) as timeline items.
    ///
    /// FILE is the API's JSON: an object with a `log_entries` array, or an array of entries.
    /// Every entry is an item: its summary ("Acknowledged by Alice Chen"), a trigger with the
    /// incident's title, a note as "Author: note".
    Pagerduty(FileArgs),
    /// Opsgenie alert logs (GET /v2/alerts/{id}/logs) as timeline items.
    ///
    /// FILE is the API's JSON: an object with a `data` array, or an array of logs. Every log is
    /// an item, after its owner when that is a person ("alice@example.com: Alert acknowledged
    /// via web").
    Opsgenie(FileArgs),
    /// A Slack channel's messages, from a workspace export folder, as timeline items.
    ///
    /// EXPORT is the unzipped export: channels.json, users.json and a folder per channel with a
    /// YYYY-MM-DD.json per day. Every message is an item, "Alice Chen: text", with mentions,
    /// channel names and links as Slack shows them; joins and leaves are skipped.
    Slack(SlackArgs),
}

#[derive(Debug, Args)]
pub struct FileArgs {
    /// The exported JSON file.
    pub file: PathBuf,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct SlackArgs {
    /// The export's folder (unzip Slack's zip first).
    pub export: PathBuf,
    /// The incident's channel, by name (with or without `#`) or id.
    #[arg(long)]
    pub channel: String,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, Args)]
pub struct Common {
    /// Only events at or after this time: YYYY-MM-DD, "YYYY-MM-DD HH:MM" (UTC) or RFC 3339.
    #[arg(long, value_name = "WHEN", value_parser = since)]
    pub since: Option<Timestamp>,
    /// Only events up to this time, inclusive: a date is its whole day, HH:MM its whole minute.
    #[arg(long, value_name = "WHEN", value_parser = until)]
    pub until: Option<Timestamp>,
    /// Merge into this post-mortem's `## Timeline` list instead of printing the items.
    ///
    /// Only the list changes; items already there stay, an item already there is not added
    /// again, and the file is replaced atomically.
    #[arg(long, value_name = "FILE")]
    pub into: Option<PathBuf>,
}

fn since(s: &str) -> Result<Timestamp, String> {
    import::parse_bound(s, false)
}

fn until(s: &str) -> Result<Timestamp, String> {
    import::parse_bound(s, true)
}

pub fn run(args: &ImportArgs, color: ColorChoice, verbosity: Verbosity) -> anyhow::Result<u8> {
    let (events, common) = match &args.source {
        Source::Pagerduty(a) => {
            let json = import::read_json(&a.file)?;
            (import::pagerduty::events(&a.file, &json)?, &a.common)
        }
        Source::Opsgenie(a) => {
            let json = import::read_json(&a.file)?;
            (import::opsgenie::events(&a.file, &json)?, &a.common)
        }
        Source::Slack(a) => (import::slack::events(&a.export, &a.channel)?, &a.common),
    };
    if let (Some(s), Some(u)) = (common.since, common.until)
        && s >= u
    {
        bail!("--since is not before --until: the window is empty");
    }
    let window = Window {
        since: common.since,
        until: common.until,
    };
    let events = import::prepare(events, window);
    let mut err = color.stream(std::io::stderr());
    match &common.into {
        Some(file) => into(file, &events, color, verbosity),
        None => {
            if events.is_empty() && verbosity != Verbosity::Quiet {
                let _ = writeln!(err, "no events to import (none in the file, or the window)");
            }
            super::print(&import::render(&events), color, "the timeline")
        }
    }
}

/// Merges `events` into `file` and says what changed.
fn into(
    file: &Path,
    events: &[Event],
    color: ColorChoice,
    verbosity: Verbosity,
) -> anyhow::Result<u8> {
    let mut err = color.stream(std::io::stderr());
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let root = super::knowledge_base_root(dir);
    // The knowledge base's template names the sections (an alias of
    // "Timeline", the order); a file outside one is read with the defaults.
    let config = if root.join(CONFIG_FILE).is_file() {
        match Config::load(&root) {
            Ok((config, _)) => config,
            Err(problems) => {
                for d in &problems {
                    let _ = writeln!(err, "{}", crate::diag::render::human(d, true));
                }
                return Ok(EXIT_USAGE);
            }
        }
    } else {
        Config::default()
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let bom = bytes.starts_with("\u{feff}".as_bytes());
    let rel = PathBuf::from(file.file_name().unwrap_or_default());
    let (pm, problems) = crate::content::parse_file(file.to_path_buf(), &rel, bytes, &config);
    let Some(pm) = pm else {
        for d in problems
            .iter()
            .filter(|d| d.level == crate::diag::Level::Error)
        {
            let _ = writeln!(err, "{}", crate::diag::render::human(d, true));
        }
        bail!(
            "cannot merge into {}: it does not read as a post-mortem (see above); nothing was \
             changed",
            file.display()
        );
    };
    let merged = import::merge(&pm, &config, events).map_err(|m| {
        anyhow::anyhow!(
            "cannot merge into {}: {m}; nothing was changed",
            file.display()
        )
    })?;
    let quiet = verbosity == Verbosity::Quiet;
    if merged.added == 0 {
        if !quiet {
            let _ = writeln!(
                err,
                "{}: nothing to add ({} imported {} already in its timeline)",
                file.display(),
                merged.present,
                if merged.present == 1 {
                    "item is"
                } else {
                    "items are"
                }
            );
        }
        return Ok(0);
    }
    let mut text = merged.text;
    if bom {
        text.insert(0, '\u{feff}');
    }
    write_atomically(file, text.as_bytes())
        .with_context(|| format!("cannot write {}; it was not changed", file.display()))?;
    if !quiet {
        let _ = writeln!(
            err,
            "{}: added {} timeline {}{}{}",
            file.display(),
            merged.added,
            if merged.added == 1 { "item" } else { "items" },
            if merged.present > 0 {
                format!(" ({} already there)", merged.present)
            } else {
                String::new()
            },
            if merged.new_section {
                " in a new Timeline section"
            } else {
                ""
            }
        );
    }
    Ok(0)
}

/// Replaces `path` with `bytes` through a temporary file in the same folder
/// and a rename, so that a crash, a full disk or Ctrl-C leaves either the
/// old file or the new one, never half of one. The file keeps its
/// permissions; a link is followed, so the link stays a link.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.import-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::set_permissions(&tmp, std::fs::metadata(&target)?.permissions())?;
        std::fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
