//! Pagination of list pages: `[site] paginate_by` items a page, the first
//! page at the list's own URL and the others at `page/2/`, `page/3/`…
//! under it, as Zola and Hugo paginate sections and taxonomies. Every page
//! is a page of its own (in the sitemap); the template gets a
//! [`Paginator`] to link them.

use serde::Serialize;

use super::views::Urls;

/// The path of page `number` (from 1) of the list at `base` (a folder,
/// `services/checkout-api/`).
pub fn path(base: &str, number: usize) -> String {
    if number <= 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

/// One page of a list: where it is written, which of the list's items it
/// shows (by position), and its [`Paginator`].
pub struct Page {
    pub path: String,
    pub items: std::ops::Range<usize>,
    pub paginator: Paginator,
}

/// The pages of the list of `items` items at `base`, at most `per_page`
/// (at least 1) a page. An empty list is one empty page: the list's URL is
/// always a page.
pub fn pages(urls: &Urls, base: &str, items: usize, per_page: usize) -> Vec<Page> {
    let per_page = per_page.max(1);
    let total = items.div_ceil(per_page).max(1);
    (1..=total)
        .map(|number| Page {
            path: path(base, number),
            items: (number - 1) * per_page..(number * per_page).min(items),
            paginator: Paginator::new(urls, base, number, total, items, per_page),
        })
        .collect()
}

/// Where a page is among the pages of its list: `paginator` in templates.
#[derive(Clone, Debug, Serialize)]
pub struct Paginator {
    /// This page's number, from 1.
    pub current: usize,
    /// How many pages the list has.
    pub total: usize,
    /// How many items the list has, on all its pages.
    pub items: usize,
    /// The items on this page, by position in the whole list (from 1).
    pub first_item: usize,
    pub last_item: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    /// Links to pages, for a page bar: the first, the last and the two on
    /// each side of this one; `null` where pages are left out between.
    pub links: Vec<Option<PageLink>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

impl Paginator {
    /// Page `current` of `total` of the list at `base`, of `items` items
    /// with `per_page` a page.
    pub fn new(
        urls: &Urls,
        base: &str,
        current: usize,
        total: usize,
        items: usize,
        per_page: usize,
    ) -> Paginator {
        let url = |n: usize| urls.page(&path(base, n));
        let per_page = per_page.max(1);
        let mut links = Vec::new();
        let mut last_shown = 0;
        for n in 1..=total {
            let near = n.abs_diff(current) <= 2;
            if n == 1 || n == total || near {
                if n > last_shown + 1 {
                    links.push(None);
                }
                links.push(Some(PageLink {
                    number: n,
                    url: url(n),
                    current: n == current,
                }));
                last_shown = n;
            }
        }
        Paginator {
            current,
            total,
            items,
            first_item: if items == 0 {
                0
            } else {
                (current - 1) * per_page + 1
            },
            last_item: (current * per_page).min(items),
            previous: (current > 1).then(|| url(current - 1)),
            next: (current < total).then(|| url(current + 1)),
            links,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_page_is_the_list_and_the_others_are_under_it() {
        assert_eq!(path("tags/tls/", 1), "tags/tls/");
        assert_eq!(path("tags/tls/", 3), "tags/tls/page/3/");
        let urls = Urls::new("/");
        let cut = pages(&urls, "tags/tls/", 7, 3);
        assert_eq!(cut.len(), 3);
        assert_eq!(cut[2].items, 6..7);
        assert_eq!(cut[2].path, "tags/tls/page/3/");
        assert_eq!(cut[2].paginator.current, 3);
        let empty = pages(&urls, "tags/tls/", 0, 3);
        assert_eq!((empty.len(), empty[0].items.clone()), (1, 0..0));
        assert_eq!(empty[0].path, "tags/tls/");
        assert_eq!(
            pages(&urls, "tags/tls/", 7, 0).len(),
            7,
            "at least one a page"
        );
    }

    #[test]
    fn the_bar_links_the_ends_and_the_neighbours() {
        let urls = Urls::new("/kb/");
        let p = Paginator::new(&urls, "tags/tls/", 6, 12, 115, 10);
        let shown: Vec<Option<usize>> = p
            .links
            .iter()
            .map(|l| l.as_ref().map(|l| l.number))
            .collect();
        assert_eq!(
            shown,
            [
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(12)
            ]
        );
        assert_eq!(p.previous.as_deref(), Some("/kb/tags/tls/page/5/"));
        assert_eq!(p.next.as_deref(), Some("/kb/tags/tls/page/7/"));
        assert_eq!((p.first_item, p.last_item), (51, 60));
        let last = Paginator::new(&urls, "tags/tls/", 12, 12, 115, 10);
        assert_eq!((last.first_item, last.last_item), (111, 115));
        assert_eq!(last.next, None);
        let first = Paginator::new(&urls, "tags/tls/", 1, 12, 115, 10);
        assert_eq!(first.previous, None);
        assert_eq!(first.links[0].as_ref().unwrap().url, "/kb/tags/tls/");
    }
}
