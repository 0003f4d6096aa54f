//! The sortable column headers of the folder and recycle-bin tables. Each header is a link to
//! the first page of the same listing in that column's order, with the filters kept; on the
//! column the table is sorted by, the link reverses the order and the header carries
//! `aria-sort`. Plain links, so they work from the keyboard and without scripts.

/// One sortable `<th>`.
pub(super) struct SortHeader {
    pub(super) label: &'static str,
    pub(super) href: String,
    /// `ascending` or `descending`, on the column the table is sorted by.
    pub(super) aria_sort: Option<&'static str>,
    /// The visible mark of the active column's direction (hidden from screen readers, which
    /// read `aria-sort`).
    pub(super) arrow: &'static str,
    /// What following the link does, for screen readers: "sort by size, largest first".
    pub(super) action: String,
    /// A column of numbers, aligned right.
    pub(super) numeric: bool,
}

impl SortHeader {
    /// The header of a column that sorts `first` when chosen and `reverse` when chosen again;
    /// `current` is the page's order and `href` makes a link to an order. `words` says an order
    /// in words ("size, largest first").
    pub(super) fn new<S: Copy + PartialEq>(
        label: &'static str,
        current: S,
        first: S,
        reverse: S,
        descending: impl Fn(S) -> bool,
        words: impl Fn(S) -> &'static str,
        href: impl Fn(S) -> String,
    ) -> SortHeader {
        let active = current == first || current == reverse;
        let next = if current == first { reverse } else { first };
        SortHeader {
            label,
            href: href(next),
            aria_sort: active.then(|| if descending(current) { "descending" } else { "ascending" }),
            arrow: match (active, descending(current)) {
                (false, _) => "",
                (true, false) => "\u{25b2}",
                (true, true) => "\u{25bc}",
            },
            action: format!("sort by {}", words(next)),
            numeric: false,
        }
    }

    pub(super) fn numeric(mut self) -> SortHeader {
        self.numeric = true;
        self
    }
}
