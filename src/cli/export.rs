//! `hindsight export action-items`: the site's action-item export, in the
//! terminal and filtered, for a tracker import or a weekly review.
//!
//! The rows are [`crate::site::exports`]'s, the ones `build` writes to
//! `action-items.csv` and `action-items.json`; without filters the output is
//! those files byte for byte.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{ColorChoice, EXIT_USAGE};
use crate::analysis::{Analysis, Selection};
use crate::content::ItemStatus;
use crate::site::exports::{ItemRow, item_rows, items_csv, items_json};
use crate::site::views::Urls;

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub what: Export,
}

#[derive(Debug, Subcommand)]
pub enum Export {
    /// Every action item with its incident, as the site's action-items.csv and .json.
    ///
    /// Oldest incident first, each incident's items in its file's order. Filters narrow the
    /// rows; without them the output is the site's file byte for byte.
    ActionItems(ActionItemsArgs),
}

/// Output formats of `export action-items`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// action-items.csv: a header row, then one row per item.
    Csv,
    /// action-items.json: an array of objects, one per item.
    Json,
}

/// Which items `--status` keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFilter {
    /// Not finished: `open` or `in-progress` (the site's "Open action items").
    Open,
    /// `in-progress` only.
    InProgress,
    /// `done` only.
    Done,
    /// `wont-fix` only.
    WontFix,
    /// Finished: `done` or `wont-fix`.
    Closed,
}

impl StatusFilter {
    fn keeps(self, status: ItemStatus) -> bool {
        match self {
            StatusFilter::Open => !status.is_closed(),
            StatusFilter::InProgress => status == ItemStatus::InProgress,
            StatusFilter::Done => status == ItemStatus::Done,
            StatusFilter::WontFix => status == ItemStatus::WontFix,
            StatusFilter::Closed => status.is_closed(),
        }
    }
}

#[derive(Debug, Args)]
pub struct ActionItemsArgs {
    /// The knowledge base, or any folder inside it.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Only items with this status.
    #[arg(long, value_enum)]
    pub status: Option<StatusFilter>,
    /// Only items past their due date and not finished.
    #[arg(long)]
    pub overdue: bool,
    /// Only items whose owner contains this, ignoring case (`alice` finds `Alice Ng`).
    #[arg(long)]
    pub owner: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,
    /// Include the items of draft post-mortems, as `build --drafts` does.
    #[arg(long)]
    pub drafts: bool,
    /// The site's address for the incident links (default: `[site] base_url`).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
}

pub fn run(args: &ExportArgs, color: ColorChoice) -> anyhow::Result<u8> {
    match &args.what {
        Export::ActionItems(args) => action_items(args, color),
    }
}

fn action_items(args: &ActionItemsArgs, color: ColorChoice) -> anyhow::Result<u8> {
    let root = super::knowledge_base_root(&args.dir);
    let Some(loaded) = super::load_or_report(&root, color) else {
        return Ok(EXIT_USAGE);
    };
    let kb = &loaded.kb;
    let analysis = Analysis::new(
        kb,
        Selection {
            drafts: args.drafts,
        },
        crate::analysis::today(),
    );
    let urls = Urls::new(args.base_url.as_deref().unwrap_or(&kb.config.site.base_url));
    let owner = args.owner.as_deref().map(str::to_lowercase);
    let rows: Vec<ItemRow> = item_rows(kb, &analysis, &urls)
        .into_iter()
        .filter(|r| args.status.is_none_or(|s| s.keeps(r.item.status)))
        .filter(|r| !args.overdue || r.item.overdue)
        .filter(|r| {
            owner.as_deref().is_none_or(|o| {
                r.item
                    .owner
                    .as_deref()
                    .is_some_and(|owner| owner.to_lowercase().contains(o))
            })
        })
        .collect();
    let bytes = match args.format {
        Format::Csv => items_csv(&rows, &urls)?,
        Format::Json => items_json(&rows)?,
    };
    super::print_raw(&bytes, "the action items")
}
