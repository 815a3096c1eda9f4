//! "Did you mean …?" for misspelt keys, ids and names.

/// The candidates nearest to `word` by edit distance, only those close
/// enough to be a plausible typo (about a third of the word's length), and
/// only the nearest: when more than two are equally near (`SEV-9` is as near
/// to `SEV-1` as to `SEV-5`), a guess would be noise, so there is none. Ties
/// keep the candidates' order, so output is deterministic.
pub fn did_you_mean<'a, I>(word: &str, candidates: I) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let word_lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let d = strsim::damerau_levenshtein(&word_lower, &c.to_lowercase());
            (d <= limit && c != word).then_some((d, c))
        })
        .collect();
    scored.sort_by_key(|&(d, _)| d);
    scored.dedup_by_key(|&mut (_, c)| c);
    let Some(&(best, _)) = scored.first() else {
        return Vec::new();
    };
    let nearest: Vec<&str> = scored
        .into_iter()
        .take_while(|&(d, _)| d == best)
        .map(|(_, c)| c)
        .collect();
    if nearest.len() > 2 {
        Vec::new()
    } else {
        nearest
    }
}

/// The help for a misspelt `word`: "did you mean …?" with the nearest
/// `candidates` ([`did_you_mean`]), or `fallback()` when none is near enough.
pub fn help<'a, I>(word: &str, candidates: I, fallback: impl FnOnce() -> String) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    help_line(&did_you_mean(word, candidates)).unwrap_or_else(fallback)
}

/// A help line for the suggestions, or `None` when there are none.
fn help_line(suggestions: &[&str]) -> Option<String> {
    match suggestions {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        many => Some(format!(
            "did you mean one of {}?",
            many.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let keys = ["title", "tags", "severity", "services"];
        assert_eq!(did_you_mean("titel", keys), vec!["title"]);
        assert_eq!(did_you_mean("sevrity", keys), vec!["severity"]);
        assert!(did_you_mean("zzzzzz", keys).is_empty());
        let sevs = ["SEV-1", "SEV-2", "SEV-3", "SEV-4"];
        assert!(did_you_mean("SEV-9", sevs).is_empty());
        assert_eq!(did_you_mean("sev-2", sevs), vec!["SEV-2"]);
        assert_eq!(help_line(&["a"]).unwrap(), "did you mean `a`?");
        assert_eq!(
            help("sevrity", keys, || "x".into()),
            "did you mean `severity`?"
        );
        assert_eq!(
            help("zzzzzz", keys, || "known keys: …".into()),
            "known keys: …"
        );
    }
}
