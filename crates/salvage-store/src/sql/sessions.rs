//! Sessions, and the login throttle's counters (`salvage_core::throttle`).

use super::stmt::Arg;
use super::SqlTx;
use crate::rows::{ms, time, Columns};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use salvage_core::model::Session;
use salvage_core::store::SessionsTx;
use salvage_core::throttle::{CounterKey, LoginCounter};
use salvage_core::Result;

const COUNTER_COLUMNS: &str = "account, address, failures, locked_until, expires_at";

fn counter(row: &impl Columns) -> LoginCounter {
    LoginCounter {
        key: CounterKey {
            account: row.text("account"),
            address: row.text("address"),
        },
        failures: row.int("failures"),
        locked_until: row.opt_int("locked_until").map(time),
        expires_at: time(row.int("expires_at")),
    }
}

#[async_trait]
impl SessionsTx for SqlTx {
    async fn insert_session(&mut self, ticket_hash: &str, s: &Session) -> Result<()> {
        let sql = self
            .sql(
                "INSERT INTO sessions (ticket_hash, user_id, tenant_id, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .arg(ticket_hash)
            .arg(s.user_id)
            .arg(s.tenant_id)
            .arg(ms(s.created_at))
            .arg(ms(s.expires_at));
        self.run(sql).await.map(drop)
    }

    async fn session(&mut self, ticket_hash: &str) -> Result<Option<Session>> {
        let sql = self
            .sql("SELECT * FROM sessions WHERE ticket_hash = $1")
            .arg(ticket_hash);
        Ok(self.row(sql).await?.map(|r| Session {
            user_id: r.int("user_id"),
            tenant_id: r.int("tenant_id"),
            created_at: time(r.int("created_at")),
            expires_at: time(r.int("expires_at")),
        }))
    }

    async fn extend_session(&mut self, ticket_hash: &str, expires_at: DateTime<Utc>) -> Result<()> {
        let sql = self
            .sql("UPDATE sessions SET expires_at = $1 WHERE ticket_hash = $2")
            .arg(ms(expires_at))
            .arg(ticket_hash);
        self.run(sql).await.map(drop)
    }

    async fn delete_session(&mut self, ticket_hash: &str) -> Result<()> {
        let sql = self.sql("DELETE FROM sessions WHERE ticket_hash = $1").arg(ticket_hash);
        self.run(sql).await.map(drop)
    }

    async fn delete_expired_sessions(&mut self, now: DateTime<Utc>) -> Result<u64> {
        let sql = self.sql("DELETE FROM sessions WHERE expires_at <= $1").arg(ms(now));
        self.run(sql).await
    }

    async fn login_counters(&mut self, keys: &[CounterKey]) -> Result<Vec<LoginCounter>> {
        // One primary-key seek per key.
        let mut sql = self.sql(format!("SELECT {COUNTER_COLUMNS} FROM login_counters WHERE 1 = 0"));
        for key in keys {
            sql.push(" OR (account = ")
                .push_bind(&key.account)
                .push(" AND address = ")
                .push_bind(&key.address)
                .push(")");
        }
        Ok(self.rows(sql).await?.iter().map(counter).collect())
    }

    async fn put_login_counters(&mut self, new: &[LoginCounter]) -> Result<()> {
        if new.is_empty() {
            return Ok(());
        }
        let mut sql = self.sql(format!("INSERT INTO login_counters ({COUNTER_COLUMNS}) "));
        sql.values(new, |c| {
            vec![
                Arg::from(&c.key.account),
                Arg::from(&c.key.address),
                Arg::from(c.failures),
                Arg::from(c.locked_until.map(ms)),
                Arg::from(ms(c.expires_at)),
            ]
        });
        sql.push(
            " ON CONFLICT (account, address) DO UPDATE SET failures = excluded.failures, \
             locked_until = excluded.locked_until, expires_at = excluded.expires_at",
        );
        self.run(sql).await.map(drop)
    }

    async fn delete_login_counter(&mut self, key: &CounterKey) -> Result<()> {
        let sql = self
            .sql("DELETE FROM login_counters WHERE account = $1 AND address = $2")
            .arg(&key.account)
            .arg(&key.address);
        self.run(sql).await.map(drop)
    }

    async fn delete_expired_login_counters(&mut self, now: DateTime<Utc>) -> Result<u64> {
        // From the expiry index.
        let sql = self
            .sql("DELETE FROM login_counters WHERE expires_at <= $1")
            .arg(ms(now));
        self.run(sql).await
    }

    async fn delete_soonest_login_counters(&mut self, n: u64) -> Result<u64> {
        // The `n` counters closest to being forgotten, from the expiry index.
        let sql = self
            .sql(
                "DELETE FROM login_counters WHERE (account, address) IN \
                 (SELECT account, address FROM login_counters ORDER BY expires_at LIMIT $1)",
            )
            .arg(i64::try_from(n).unwrap_or(i64::MAX));
        self.run(sql).await
    }

    async fn count_login_counters(&mut self) -> Result<u64> {
        let sql = self.sql("SELECT count(*) FROM login_counters");
        Ok(self.ints(sql).await?.first().copied().unwrap_or(0) as u64)
    }
}
