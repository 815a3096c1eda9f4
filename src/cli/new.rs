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
pub use crate::content::BUILTIN_TEMPLATE;

#[derive(Debug, Args)]
pub struct NewArgs {
    /// What happened, in a line (becomes the title and the file name).
    pub title: String,
    /// Severity, one of the configured levels (default: the third, e.g. SEV-3).
    #[arg(long, short)]
    pub severity: Option<String>,
    /// An affected service, kebab-case; give it once per service.
    #[arg(long = "service", value_name = "SERVICE")]
    pub services: Vec<String>,
    /// The day the incident started (default: today), as YYYY-MM-DD.
    #[arg(long)]
    pub date: Option<Date>,
    /// The knowledge base: the folder with hindsight.toml, or any folder in
    /// it (default: the current one).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The knowledge base, as a flag (the older spelling of DIR).
    #[arg(
        short = 'C',
        long = "dir",
        hide = true,
        conflicts_with = "dir",
        value_name = "DIR"
    )]
    pub dir_flag: Option<PathBuf>,
}

pub fn run(args: &NewArgs, _color: ColorChoice) -> anyhow::Result<u8> {
    let given = args
        .dir
        .as_deref()
        .or(args.dir_flag.as_deref())
        .unwrap_or(Path::new("."));
    let root = super::knowledge_base_root(given);
    let (config, _) = Config::load(&root).map_err(|problems| {
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
    let services = if args.services.is_empty() {
        vec!["affected-service".to_string()]
    } else {
        args.services.clone()
    };
    if let Some(service) = services.iter().find(|s| !is_kebab_case(s)) {
        anyhow::bail!(
            "`{service}` is not kebab-case (lowercase letters, digits and single dashes)"
        );
    }
    let date = args
        .date
        .unwrap_or_else(|| jiff::ZonedDateTime::now().date());
    let dir = root.join(&config.content.dir);
    // As `check` and `build` do: the post-mortem folder (links and `..`
    // resolved, even where it does not exist yet) is inside the root.
    let resolve = crate::site::output::resolve;
    if !resolve(&dir).starts_with(resolve(&root)) {
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
    let text = fill(&template, title, date, &severity, &services);
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
/// quotes or backslashes stays valid. Several services fill `"{{service}}"`
/// as several strings (`"a", "b"`: the template's `services =
/// ["{{service}}"]` becomes a list of them), and the body's `{{service}}` as
/// `a, b`.
pub fn fill(
    template: &str,
    title: &str,
    date: Date,
    severity: &str,
    services: &[String],
) -> String {
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
        let service = if escape {
            services
                .iter()
                .map(|s| value(s))
                .collect::<Vec<_>>()
                .join("\", \"")
        } else {
            services.join(", ")
        };
        part.replace("{{title}}", &value(title))
            .replace("{{date}}", &date)
            .replace("{{severity}}", &value(severity))
            .replace("{{service}}", &service)
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
            &["x".to_string()],
        );
        assert_eq!(
            out,
            "+++\ntitle = \"a \\\"quoted\\\" \\\\ title\"\n+++\n# a \"quoted\" \\ title\n"
        );
    }
}
