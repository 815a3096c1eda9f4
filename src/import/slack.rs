//! A Slack workspace export (the folder Slack's "Export data" zip unpacks
//! to): `channels.json` (and `groups.json` for private channels), `users.json`,
//! and a folder per channel with a `YYYY-MM-DD.json` per day, each an array
//! of messages.
//!
//! A message is an event said by someone: `Alice Chen: rolled back 4411`.
//! Slack's markup is turned into what it shows (`<@U123>` → `@Alice Chen`,
//! `<#C123|incidents>` → `#incidents`, `&amp;` → `&`) and links into
//! Markdown links. Joins, leaves and other housekeeping are skipped; thread
//! replies are kept, in time order, marked "(in thread)" since they
//! interleave with the channel.
//!
//! The zip itself is not read (no zip reader in the dependencies, and
//! `unzip` is everywhere): the error says to unzip it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use jiff::Timestamp;
use serde_json::Value;

use super::{Event, describe, escape, parse_json, str_at};

/// Message subtypes that are not events of the incident: people joining or
/// leaving the channel, and the channel's own bookkeeping.
const SKIPPED: &[&str] = &[
    "channel_join",
    "channel_leave",
    "group_join",
    "group_leave",
    "channel_archive",
    "channel_unarchive",
    "group_archive",
    "group_unarchive",
    "message_deleted",
    "message_changed",
    "message_replied",
    "tombstone",
];

/// The messages of `channel` (a name, with or without `#`, or an id) in the
/// export at `dir`.
pub fn events(dir: &Path, channel: &str) -> anyhow::Result<Vec<Event>> {
    if dir.is_file() {
        bail!(
            "{} is a file: give the export's folder (unzip it first, e.g. `unzip {} -d \
             slack-export`)",
            dir.display(),
            dir.display()
        );
    }
    if !dir.is_dir() {
        bail!("{}: no such folder", dir.display());
    }
    let wanted = channel.trim().trim_start_matches('#');
    let mut channels: Vec<(String, String)> = Vec::new();
    for list in ["channels.json", "groups.json"] {
        let path = dir.join(list);
        if !path.is_file() {
            continue;
        }
        let json = super::read_json(&path)?;
        let Value::Array(items) = &json else {
            bail!(
                "{}: expected an array of channels, found {}",
                path.display(),
                describe(&json)
            );
        };
        for c in items {
            if let (Some(id), Some(name)) = (str_at(c, &["id"]), str_at(c, &["name"])) {
                channels.push((id.to_string(), name.to_string()));
            }
        }
    }
    if channels.is_empty() && !dir.join("channels.json").is_file() {
        bail!(
            "{}: expected a Slack export folder, with channels.json and a folder per channel",
            dir.display()
        );
    }
    let name = channels
        .iter()
        .find(|(id, name)| name.eq_ignore_ascii_case(wanted) || id == wanted)
        .map(|(_, name)| name.clone())
        .or_else(|| dir.join(wanted).is_dir().then(|| wanted.to_string()));
    let Some(name) = name else {
        let mut names: Vec<&str> = channels.iter().map(|(_, n)| n.as_str()).collect();
        names.sort_unstable();
        bail!(
            "{}: no channel `{wanted}` in the export; it has {}",
            dir.display(),
            if names.is_empty() {
                "none".to_string()
            } else {
                names
                    .iter()
                    .map(|n| format!("#{n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
    };
    let folder = dir.join(&name);
    if !folder.is_dir() {
        bail!(
            "{}: channel #{name} has no folder of messages in the export",
            dir.display()
        );
    }
    let users = users(dir)?;
    let channel_names: HashMap<String, String> = channels.into_iter().collect();

    let mut days: Vec<PathBuf> = std::fs::read_dir(&folder)
        .with_context(|| format!("cannot read {}", folder.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
        .collect();
    // Day order: the sort by time after is stable, so messages of the same
    // second keep the export's order.
    days.sort();
    let mut out = Vec::new();
    for day in &days {
        let bytes = std::fs::read(day).with_context(|| format!("cannot read {}", day.display()))?;
        let json = parse_json(day, &bytes)?;
        let Value::Array(messages) = &json else {
            bail!(
                "{}: expected an array of messages (a day of a Slack export), found {}",
                day.display(),
                describe(&json)
            );
        };
        for (i, m) in messages.iter().enumerate() {
            if let Some(e) = message(m, &users, &channel_names)
                .map_err(|e| anyhow::anyhow!("{}: message {}: {e}", day.display(), i + 1))?
            {
                out.push(e);
            }
        }
    }
    Ok(out)
}

/// User id → the name people know them by, from `users.json` when the
/// export has it.
fn users(dir: &Path) -> anyhow::Result<HashMap<String, String>> {
    let path = dir.join("users.json");
    let mut map = HashMap::new();
    if !path.is_file() {
        return Ok(map);
    }
    let json = super::read_json(&path)?;
    let Value::Array(list) = &json else {
        bail!(
            "{}: expected an array of users, found {}",
            path.display(),
            describe(&json)
        );
    };
    for u in list {
        let Some(id) = str_at(u, &["id"]) else {
            continue;
        };
        let name = str_at(u, &["profile", "real_name"])
            .or_else(|| str_at(u, &["real_name"]))
            .or_else(|| str_at(u, &["profile", "display_name"]))
            .or_else(|| str_at(u, &["name"]));
        if let Some(name) = name {
            map.insert(id.to_string(), name.to_string());
        }
    }
    Ok(map)
}

/// `ts` (`"1717426800.000200"`, seconds since the epoch) as an instant.
fn ts(s: &str) -> Option<Timestamp> {
    let (secs, frac) = s.split_once('.').unwrap_or((s, ""));
    let secs: i64 = secs.parse().ok()?;
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let nanos: i32 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<9}").parse().ok()?
    };
    Timestamp::new(secs, nanos).ok()
}

/// One message as an event; `None` for what is not one (a join, an empty
/// message).
fn message(
    m: &Value,
    users: &HashMap<String, String>,
    channels: &HashMap<String, String>,
) -> Result<Option<Event>, String> {
    if !m.is_object() {
        return Err(format!("expected a message object, found {}", describe(m)));
    }
    if str_at(m, &["type"]).is_some_and(|t| t != "message")
        || str_at(m, &["subtype"]).is_some_and(|s| SKIPPED.contains(&s))
        || m.get("hidden").and_then(Value::as_bool) == Some(true)
    {
        return Ok(None);
    }
    let Some(stamp) = str_at(m, &["ts"]) else {
        return Err("no `ts`".into());
    };
    let Some(at) = ts(stamp) else {
        return Err(format!("cannot read `ts` `{stamp}` as seconds since 1970"));
    };
    let user = str_at(m, &["user"]);
    let who = str_at(m, &["user_profile", "real_name"])
        .or_else(|| str_at(m, &["user_profile", "display_name"]))
        .or_else(|| user.and_then(|u| users.get(u).map(String::as_str)))
        .or_else(|| str_at(m, &["username"]))
        .or_else(|| str_at(m, &["bot_profile", "name"]))
        .or(user);
    let raw = str_at(m, &["text"]).unwrap_or("");
    let mut said = decode(raw, users, channels);
    if said.trim().is_empty() {
        // A file or an attachment without words: say what was shared.
        let shared = m
            .get("files")
            .and_then(Value::as_array)
            .and_then(|f| f.first())
            .and_then(|f| str_at(f, &["title"]).or_else(|| str_at(f, &["name"])));
        match shared {
            Some(title) => said = format!("shared {}", escape(title)),
            None => return Ok(None),
        }
    }
    let in_thread = str_at(m, &["thread_ts"]).is_some_and(|t| t != stamp);
    // "<@U123> set the channel topic: ..." names its author already.
    let names_self = user.is_some_and(|u| raw.starts_with(&format!("<@{u}")));
    let text = match who {
        Some(_) if names_self => said,
        Some(who) if in_thread => format!("{} (in thread): {said}", escape(who)),
        Some(who) => format!("{}: {said}", escape(who)),
        None => said,
    };
    Ok(Some(Event::new(at, &text)))
}

/// Slack's `&amp;` `&lt;` `&gt;` escapes undone.
fn entities(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Slack message markup as Markdown: mentions by name, links as links,
/// the rest as plain text (escaped where Markdown would read HTML).
fn decode(
    text: &str,
    users: &HashMap<String, String>,
    channels: &HashMap<String, String>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let Some(len) = rest[open..].find('>') else {
            break;
        };
        out.push_str(&escape(&entities(&rest[..open])));
        let inner = &rest[open + 1..open + len];
        out.push_str(&markup(inner, users, channels));
        rest = &rest[open + len + 1..];
    }
    out.push_str(&escape(&entities(rest)));
    out
}

/// One `<...>` of Slack markup.
fn markup(
    inner: &str,
    users: &HashMap<String, String>,
    channels: &HashMap<String, String>,
) -> String {
    let (target, label) = match inner.split_once('|') {
        Some((t, l)) => (t, Some(entities(l))),
        None => (inner, None),
    };
    let label = label.filter(|l| !l.trim().is_empty());
    if let Some(id) = target.strip_prefix('@') {
        let name = label
            .map(|l| l.trim_start_matches('@').to_string())
            .or_else(|| users.get(id).cloned())
            .unwrap_or_else(|| id.to_string());
        return format!("@{}", escape(&name));
    }
    if let Some(id) = target.strip_prefix('#') {
        let name = label
            .or_else(|| channels.get(id).cloned())
            .unwrap_or_else(|| id.to_string());
        return format!("#{}", escape(&name));
    }
    if let Some(special) = target.strip_prefix('!') {
        return match (special, label) {
            (_, Some(l)) => escape(&l),
            ("here" | "channel" | "everyone", None) => format!("@{special}"),
            (other, None) => escape(other),
        };
    }
    let url = entities(target);
    match label {
        Some(label) => {
            let label = escape(&label).replace('[', "\\[").replace(']', "\\]");
            if url.contains([' ', '(', ')', '<', '>']) {
                format!(
                    "[{label}]({})",
                    url.replace(' ', "%20")
                        .replace('(', "%28")
                        .replace(')', "%29")
                        .replace('<', "%3C")
                        .replace('>', "%3E")
                )
            } else {
                format!("[{label}]({url})")
            }
        }
        None if url.contains(':') && !url.contains([' ', '<', '>']) => format!("<{url}>"),
        None => escape(&url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_reads_as_slack_shows_it() {
        let users = HashMap::from([("U1".to_string(), "Alice Chen".to_string())]);
        let channels = HashMap::from([("C9".to_string(), "deploys".to_string())]);
        assert_eq!(
            decode(
                "<@U1> see <#C9> and <#C8|ops>: <https://x.io/a?b=1&amp;c=2|the graph> &lt;p99&gt; &amp; <!here> <https://y.io>",
                &users,
                &channels
            ),
            "@Alice Chen see #deploys and #ops: [the graph](https://x.io/a?b=1&c=2) \\<p99> & @here <https://y.io>"
        );
        assert_eq!(decode("a < b, no tag", &users, &channels), "a < b, no tag");
    }

    #[test]
    fn ts_keeps_microseconds() {
        let t = ts("1717426800.000200").unwrap();
        assert_eq!(t.as_second(), 1_717_426_800);
        assert_eq!(t.subsec_microsecond(), 200);
        assert!(ts("17x").is_none());
        assert!(ts("1.2.3").is_none());
        assert!(ts("99999999999999999999").is_none());
    }

    #[test]
    fn joins_are_skipped_and_authors_named() {
        let users = HashMap::from([("U1".to_string(), "Alice Chen".to_string())]);
        let none = HashMap::new();
        let join = serde_json::json!({"type": "message", "subtype": "channel_join",
            "ts": "1.0", "user": "U1", "text": "<@U1> has joined the channel"});
        assert_eq!(message(&join, &users, &none), Ok(None));
        let said = serde_json::json!({"type": "message", "ts": "1717426800.000200",
            "user": "U1", "text": "rolled back\ndeploy 4411"});
        assert_eq!(
            message(&said, &users, &none).unwrap().unwrap().text,
            "Alice Chen: rolled back deploy 4411"
        );
        assert!(message(&serde_json::json!({"text": "x"}), &users, &none).is_err());
    }
}
