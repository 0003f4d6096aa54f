//! The listings' query plans, the cases both backends check: every order of the folder and
//! trash listings, with and without the deleter filter every user who is not an administrator
//! has, reads an index in that order and stops after a page. None sorts the whole folder or
//! bin, so a page of a bin of millions costs a page. Each backend says how it reads a plan and
//! what "reads that index in order" looks like in it (`sqlite::plans`, `postgres::plans`),
//! and checks its own name search there.

use super::{Dialect, Sql};
use crate::query::{push_children_listing, push_trash_listing, NameSearch};
use salvage_core::store::{ChildCursor, ChildOrder, ChildSort, TrashCursor, TrashFilter, TrashOrder, TrashSort};

/// How a backend explains a statement.
pub(crate) trait Planner {
    /// What asks for a statement's plan instead of running it.
    const EXPLAIN: &'static str;
    const DIALECT: &'static Dialect;
    /// The plan of the statement, as text.
    async fn plan(&self, sql: Sql) -> String;
    /// Fails unless `plan` reads `index` in its order, without sorting.
    fn assert_reads_in_order(plan: &str, index: &str, what: &str);
}

pub(crate) async fn every_listing_order_reads_an_index_in_that_order<P: Planner>(planner: &P) {
    let by_deleter = TrashFilter {
        deleted_by: Some(7),
        ..TrashFilter::default()
    };
    for sort in TrashSort::ALL {
        let (index, key) = match sort.by {
            TrashOrder::DeletedAt => ("trash_by_time", "1772355600000"),
            TrashOrder::Name => ("trash_by_name", "report.pdf"),
            TrashOrder::Size => ("trash_by_size", "4096"),
        };
        let cursor: TrashCursor = format!("{}.5.{key}", sort.as_str()).parse().unwrap();
        for (filter, index) in [
            (&TrashFilter::default(), index.to_owned()),
            (
                &by_deleter,
                index.replace("trash_by_", "trash_by_deleter_").replace("_time", ""),
            ),
        ] {
            for after in [None, Some(&cursor)] {
                let mut q = Sql::new(P::DIALECT, P::EXPLAIN);
                push_trash_listing(&mut q, 1, filter, NameSearch::Like, sort, after, 51).unwrap();
                let what = format!("the bin by {} ({filter:?}, after {after:?})", sort.as_str());
                P::assert_reads_in_order(&planner.plan(q).await, &index, &what);
            }
        }
    }
    for by in ChildOrder::ALL {
        let (index, key) = match by {
            ChildOrder::Name => ("nodes_live_names", "report.pdf"),
            ChildOrder::Modified => ("nodes_live_by_modified", "1772355600000"),
            ChildOrder::Size => ("nodes_live_by_size", "4096"),
            ChildOrder::Type => ("nodes_live_by_type", "1.report.pdf"),
        };
        for sort in [ChildSort::new(by, false), ChildSort::new(by, true)] {
            let cursor: ChildCursor = format!("{}.5.{key}", sort.as_str()).parse().unwrap();
            for after in [None, Some(&cursor)] {
                let mut q = Sql::new(P::DIALECT, P::EXPLAIN);
                push_children_listing(&mut q, P::DIALECT.parent_key, 1, Some(3), sort, after, 101).unwrap();
                let what = format!("a folder by {} (after {after:?})", sort.as_str());
                P::assert_reads_in_order(&planner.plan(q).await, index, &what);
            }
        }
    }
}
