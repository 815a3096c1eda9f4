//! `hindsight new`: start a post-mortem from the template.

use anyhow::Context as _;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;
use jiff::civil::Date;

use super::ColorChoice;
use crate::config::Config;
use crate::content::is_kebab_case;
use crate::text::file_slug;

/// The template used when a knowledge base has no `postmortems/_template.md`.
pub const BUILTIN_TEMPLATE: &str = include_str!("scaffold/template.md");

#[derive(Debug, Args)]
pub struct NewArgs {
    /// What happened, in a line (becomes the title and the file name).
    pub title: String,
    /// Severity, one of the configured levels (default: the third, e.g. SEV-3).
    #[arg(long, short)]
    pub severity: Option<String>,
    /// An affected service, kebab-case.
    #[arg(long = "service")]
    pub service: Option<String>,
    /// The day the incident started (default: today), as YYYY-MM-DD.
    #[arg(long)]
    pub date: Option<Date>,
    /// The knowledge base: the folder with hindsight.toml.
    #[arg(long, short = 'C', default_value = ".")]
    pub dir: PathBuf,
}

pub fn run(args: &NewArgs, _color: ColorChoice) -> anyhow::Result<u8> {
    let (config, _) = Config::load(&args.dir).map_err(|problems| {
        let message = problems
            .iter()
            .map(|d| match &d.help {
                Some(help) => format!("{}\n  help: {help}", d.message),
                None => d.message.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        anyhow::anyhow!(message)
    })?;
    let title = args.title.trim();
    if title.is_empty() || title.chars().count() > 160 {
        anyhow::bail!("the title must be 1 to 160 characters");
    }
    let severities = &config.template.severities;
    let severity = match &args.severity {
        Some(s) if severities.contains(s) => s.clone(),
        Some(s) => {
            anyhow::bail!(
                "`{s}` is not a configured severity; use one of {}",
                severities.join(", ")
            );
        }
        None => severities
            .get(2)
            .or(severities.last())
            .cloned()
            .unwrap_or_default(),
    };
    let service = args
        .service
        .clone()
        .unwrap_or_else(|| "affected-service".into());
    if !is_kebab_case(&service) {
        anyhow::bail!(
            "`{service}` is not kebab-case (lowercase letters, digits and single dashes)"
        );
    }
    let date = args
        .date
        .unwrap_or_else(|| jiff::ZonedDateTime::now().date());
    let dir = args.dir.join(&config.content.dir);
    // As `check` and `build` do: the post-mortem folder (links and `..`
    // resolved, even where it does not exist yet) is inside the root.
    let resolve = crate::site::output::resolve;
    if !resolve(&dir).starts_with(resolve(&args.dir)) {
        anyhow::bail!(
            "the post-mortem folder `{}` (`[content] dir`) is outside the knowledge base; not writing there",
            config.content.dir.display()
        );
    }
    let template = match std::fs::read_to_string(dir.join("_template.md")) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BUILTIN_TEMPLATE.to_string(),
        Err(e) => {
            return Err(anyhow::Error::new(e).context(format!(
                "cannot read {}",
                dir.join("_template.md").display()
            )));
        }
    };
    let text = fill(&template, title, date, &severity, &service);
    let path = dir.join(format!("{date}-{}.md", file_slug(title)));
    write_new(&path, &text)?;
    println!("{}", path.display());
    Ok(0)
}

/// Writes a file that must not exist yet.
pub(crate) fn write_new(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => {
                anyhow::anyhow!("{} already exists; not overwriting it", path.display())
            }
            _ => anyhow::Error::new(e).context(format!("cannot create {}", path.display())),
        })?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Fills `{{title}}`, `{{date}}`, `{{severity}}` and `{{service}}`. Inside
/// the front matter, values are escaped for TOML strings, so a title with
/// quotes or backslashes stays valid.
pub fn fill(template: &str, title: &str, date: Date, severity: &str, service: &str) -> String {
    let date = date.to_string();
    let toml_escaped = |s: &str| {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
                c => out.push(c),
            }
        }
        out
    };
    let replace = |part: &str, escape: bool| {
        let value = |s: &str| {
            if escape {
                toml_escaped(s)
            } else {
                s.to_string()
            }
        };
        part.replace("{{title}}", &value(title))
            .replace("{{date}}", &date)
            .replace("{{severity}}", &value(severity))
            .replace("{{service}}", &value(service))
    };
    // The front matter ends at the second `+++` line.
    let end = template
        .match_indices("\n+++")
        .next()
        .map_or(0, |(i, _)| i + 1);
    format!(
        "{}{}",
        replace(&template[..end], true),
        replace(&template[end..], false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_escapes_front_matter_only() {
        let t = "+++\ntitle = \"{{title}}\"\n+++\n# {{title}}\n";
        let out = fill(
            t,
            "a \"quoted\" \\ title",
            Date::constant(2025, 1, 2),
            "SEV-1",
            "x",
        );
        assert_eq!(
            out,
            "+++\ntitle = \"a \\\"quoted\\\" \\\\ title\"\n+++\n# a \"quoted\" \\ title\n"
        );
    }
}
