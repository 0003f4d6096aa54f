//! The login throttle's counters (`salvage_core::throttle`), written once for both backends:
//! `QueryBuilder` spells each backend's placeholders.

use crate::rows::{ms, time};
use salvage_core::throttle::{CounterKey, LoginCounter};
use sqlx::{ColumnIndex, Database, Decode, Encode, QueryBuilder, Row, Type};

const COLUMNS: &str = "account, address, failures, locked_until, expires_at";

pub(crate) const COUNT: &str = "SELECT count(*) FROM login_counters";

/// The counters with these keys: one primary-key seek each.
pub(crate) fn select<'a, DB>(keys: &'a [CounterKey]) -> QueryBuilder<'a, DB>
where
    DB: Database,
    &'a str: Encode<'a, DB> + Type<DB>,
{
    let mut q = QueryBuilder::new(format!("SELECT {COLUMNS} FROM login_counters WHERE 1 = 0"));
    for key in keys {
        q.push(" OR (account = ")
            .push_bind(key.account.as_str())
            .push(" AND address = ")
            .push_bind(key.address.as_str())
            .push(")");
    }
    q
}

pub(crate) fn upsert<'a, DB>(counters: &'a [LoginCounter]) -> QueryBuilder<'a, DB>
where
    DB: Database,
    i64: Encode<'a, DB> + Type<DB>,
    Option<i64>: Encode<'a, DB> + Type<DB>,
    &'a str: Encode<'a, DB> + Type<DB>,
{
    let mut q = QueryBuilder::new(format!("INSERT INTO login_counters ({COLUMNS}) "));
    q.push_values(counters, |mut row, c| {
        row.push_bind(c.key.account.as_str())
            .push_bind(c.key.address.as_str())
            .push_bind(c.failures)
            .push_bind(c.locked_until.map(ms))
            .push_bind(ms(c.expires_at));
    });
    q.push(
        " ON CONFLICT (account, address) DO UPDATE SET failures = excluded.failures, \
         locked_until = excluded.locked_until, expires_at = excluded.expires_at",
    );
    q
}

pub(crate) fn delete<'a, DB>(key: &'a CounterKey) -> QueryBuilder<'a, DB>
where
    DB: Database,
    &'a str: Encode<'a, DB> + Type<DB>,
{
    let mut q = QueryBuilder::new("DELETE FROM login_counters WHERE account = ");
    q.push_bind(key.account.as_str())
        .push(" AND address = ")
        .push_bind(key.address.as_str());
    q
}

/// Forgotten counters, from the expiry index.
pub(crate) fn delete_expired<'a, DB>(now: chrono::DateTime<chrono::Utc>) -> QueryBuilder<'a, DB>
where
    DB: Database,
    i64: Encode<'a, DB> + Type<DB>,
{
    let mut q = QueryBuilder::new("DELETE FROM login_counters WHERE expires_at <= ");
    q.push_bind(ms(now));
    q
}

/// The `n` counters closest to being forgotten, from the expiry index.
pub(crate) fn delete_soonest<'a, DB>(n: u64) -> QueryBuilder<'a, DB>
where
    DB: Database,
    i64: Encode<'a, DB> + Type<DB>,
{
    let mut q = QueryBuilder::new(
        "DELETE FROM login_counters WHERE (account, address) IN \
         (SELECT account, address FROM login_counters ORDER BY expires_at LIMIT ",
    );
    q.push_bind(i64::try_from(n).unwrap_or(i64::MAX)).push(")");
    q
}

pub(crate) fn counter<'r, R>(row: &'r R) -> LoginCounter
where
    R: Row,
    &'static str: ColumnIndex<R>,
    String: Decode<'r, R::Database> + Type<R::Database>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
{
    LoginCounter {
        key: CounterKey {
            account: row.get("account"),
            address: row.get("address"),
        },
        failures: row.get("failures"),
        locked_until: row.get::<Option<i64>, _>("locked_until").map(time),
        expires_at: time(row.get("expires_at")),
    }
}
