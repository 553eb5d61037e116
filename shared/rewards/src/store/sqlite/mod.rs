//! The embedded Rewards store: SQLite (bundled) in one file under `.data/`.
//! Write-ahead log with `synchronous=NORMAL`: a committed transaction is in
//! the log before the call returns, so it survives `kill -9` of the server
//! (a power cut may lose the last few). Every multi-row change is one
//! transaction. Calls run on the blocking pool, one connection behind a
//! mutex: SQLite serialises writers anyway.

mod send;

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use platform::store::{StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{ClaimRequest, Claimed, Conflict, Page, Paged, RewardsStore, WriteError};
use crate::domain::campaign::Campaign;
use crate::domain::captcha::Captcha;
use crate::domain::key::CampaignKey;
use crate::domain::reward::{
    CollectionTransaction, Reward, RewardStatus, SupplyCount, SupplyRemoval,
};
use crate::domain::role::Role;
use crate::domain::time::Timestamp;
use crate::domain::user::CampaignUser;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS campaigns (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    enabled INTEGER NOT NULL,
    body TEXT NOT NULL,
    wallet BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
    campaign_id TEXT NOT NULL REFERENCES campaigns(id),
    user TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, user)
);
CREATE INDEX IF NOT EXISTS users_by_user ON users (user);
CREATE TABLE IF NOT EXISTS keys (
    campaign_id TEXT NOT NULL REFERENCES campaigns(id),
    id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (campaign_id, id)
);
CREATE TABLE IF NOT EXISTS rewards (
    id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns(id),
    campaign_key TEXT,
    user TEXT,
    status TEXT NOT NULL,
    target TEXT NOT NULL,
    value TEXT NOT NULL,
    grp TEXT,
    priority INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    assigned_at INTEGER,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS rewards_of_campaign ON rewards (campaign_id, status, target, value, grp);
CREATE INDEX IF NOT EXISTS rewards_of_user ON rewards (user, assigned_at);
CREATE INDEX IF NOT EXISTS rewards_of_key ON rewards (campaign_key, assigned_at);
CREATE INDEX IF NOT EXISTS rewards_held ON rewards (campaign_key, user);
CREATE INDEX IF NOT EXISTS stock ON rewards (campaign_id, status, priority, created_at, id);
CREATE TABLE IF NOT EXISTS outbox (
    reward_id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_by_age ON outbox (created_at);
CREATE TABLE IF NOT EXISTS captchas (
    id TEXT PRIMARY KEY,
    answer TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS captchas_by_expiry ON captchas (expires_at);
CREATE TABLE IF NOT EXISTS transactions (
    id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS transactions_of_campaign ON transactions (campaign_id, created_at);
CREATE TABLE IF NOT EXISTS leases (
    campaign_id TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until INTEGER NOT NULL,
    recheck_at INTEGER
);
CREATE TABLE IF NOT EXISTS send_failures (
    reward_id TEXT PRIMARY KEY,
    n INTEGER NOT NULL
);
";

#[derive(Clone)]
pub struct SqliteRewards {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for SqliteRewards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SqliteRewards")
    }
}

fn failed(err: rusqlite::Error) -> StoreError {
    StoreError::Unavailable(format!("sqlite: {err}"))
}

fn json<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn parse<T: DeserializeOwned>(text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

fn sql_count(page: Page) -> (i64, i64) {
    (
        i64::try_from(page.limit).unwrap_or(i64::MAX),
        i64::try_from(page.offset).unwrap_or(i64::MAX),
    )
}

impl SqliteRewards {
    /// Opens (or creates) the database file.
    pub fn open(path: &Path) -> StoreResult<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        Self::with(Connection::open(path).map_err(failed)?)
    }

    /// A private database in memory (tests).
    pub fn in_memory() -> StoreResult<Self> {
        Self::with(Connection::open_in_memory().map_err(failed)?)
    }

    fn with(conn: Connection) -> StoreResult<Self> {
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(failed)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(failed)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(failed)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(failed)?;
        conn.execute_batch(SCHEMA).map_err(failed)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `work` on the blocking pool with the connection.
    async fn run<T, E>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = conn
                .lock()
                .map_err(|_| StoreError::Unavailable("sqlite connection poisoned".into()))?;
            work(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Unavailable(format!("sqlite task: {e}")))?
    }
}

fn user_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(String, String, String, i64, i64)> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
    ))
}

fn to_user(
    (campaign_id, user, role, created, updated): (String, String, String, i64, i64),
) -> StoreResult<CampaignUser> {
    Ok(CampaignUser {
        campaign_id,
        user,
        role: Role::parse(&role).ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
        created_at: Timestamp(created),
        updated_at: Timestamp(updated),
    })
}

const USER_COLUMNS: &str = "campaign_id, user, role, created_at, updated_at";

fn find_user(
    conn: &Connection,
    campaign_id: &str,
    user: &str,
) -> StoreResult<Option<CampaignUser>> {
    conn.query_row(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE campaign_id = ?1 AND user = ?2"),
        params![campaign_id, user],
        user_row,
    )
    .optional()
    .map_err(failed)?
    .map(to_user)
    .transpose()
}

fn owners(conn: &Connection, campaign_id: &str) -> StoreResult<i64> {
    conn.query_row(
        "SELECT COUNT(*) FROM users WHERE campaign_id = ?1 AND role = 'owner'",
        params![campaign_id],
        |row| row.get(0),
    )
    .map_err(failed)
}

fn bodies<T: DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    args: impl rusqlite::Params,
) -> StoreResult<Vec<T>> {
    let mut statement = conn.prepare_cached(sql).map_err(failed)?;
    let texts = statement
        .query_map(args, |row| row.get::<_, String>(0))
        .map_err(failed)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(failed)?;
    texts.iter().map(|t| parse(t)).collect()
}

fn scalar(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> StoreResult<i64> {
    conn.query_row(sql, args, |row| row.get(0)).map_err(failed)
}

#[async_trait]
impl RewardsStore for SqliteRewards {
    async fn create_campaign(
        &self,
        campaign: &Campaign,
        sealed_wallet: &[u8],
        owner: &CampaignUser,
        master: &CampaignKey,
    ) -> StoreResult<()> {
        let (campaign, wallet, owner, master) = (
            campaign.clone(),
            sealed_wallet.to_vec(),
            owner.clone(),
            master.clone(),
        );
        self.run(move |conn| {
            let tx = conn.transaction().map_err(failed)?;
            tx.execute(
                "INSERT INTO campaigns (id, created_at, enabled, body, wallet) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![campaign.id, campaign.created_at.ms(), campaign.enabled, json(&campaign)?, wallet],
            )
            .map_err(failed)?;
            tx.execute(
                "INSERT INTO users (campaign_id, user, role, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![owner.campaign_id, owner.user, owner.role.as_str(), owner.created_at.ms(), owner.updated_at.ms()],
            )
            .map_err(failed)?;
            tx.execute(
                "INSERT INTO keys (campaign_id, id, created_at, body) VALUES (?1, ?2, ?3, ?4)",
                params![master.campaign_id, master.id, master.created_at.ms(), json(&master)?],
            )
            .map_err(failed)?;
            tx.commit().map_err(failed)
        })
        .await
    }

    async fn campaign(&self, id: &str) -> StoreResult<Option<Campaign>> {
        let id = id.to_string();
        self.run(move |conn| {
            Ok(bodies(
                conn,
                "SELECT body FROM campaigns WHERE id = ?1",
                params![id],
            )?
            .pop())
        })
        .await
    }

    async fn sealed_wallet(&self, campaign_id: &str) -> StoreResult<Option<Vec<u8>>> {
        let id = campaign_id.to_string();
        self.run(move |conn| {
            conn.query_row(
                "SELECT wallet FROM campaigns WHERE id = ?1",
                params![id],
                |row| row.get(0),
            )
            .optional()
            .map_err(failed)
        })
        .await
    }

    async fn campaigns_of(
        &self,
        user: &str,
        enabled: Option<bool>,
        page: Page,
    ) -> StoreResult<Paged<Campaign>> {
        let user = user.to_string();
        self.run(move |conn| {
            let (limit, offset) = sql_count(page);
            let filter = "FROM campaigns c JOIN users u ON u.campaign_id = c.id \
                          WHERE u.user = ?1 AND (?2 IS NULL OR c.enabled = ?2)";
            let items = bodies(
                conn,
                &format!(
                    "SELECT c.body {filter} ORDER BY c.created_at DESC, c.id LIMIT ?3 OFFSET ?4"
                ),
                params![user, enabled, limit, offset],
            )?;
            let total = scalar(
                conn,
                &format!("SELECT COUNT(*) {filter}"),
                params![user, enabled],
            )?;
            Ok(Paged {
                items,
                total: count(total),
            })
        })
        .await
    }

    async fn update_campaign(&self, before: &Campaign, after: &Campaign) -> Result<(), WriteError> {
        let (before, after) = (before.clone(), after.clone());
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(failed)?;
            let stored: Campaign = bodies(
                &tx,
                "SELECT body FROM campaigns WHERE id = ?1",
                params![before.id],
            )?
            .pop()
            .ok_or(WriteError::Missing)?;
            if stored != before {
                return Err(WriteError::Stale);
            }
            if after.chain_id != before.chain_id {
                let rewards = scalar(
                    &tx,
                    "SELECT COUNT(*) FROM rewards WHERE campaign_id = ?1",
                    params![before.id],
                )?;
                if rewards > 0 {
                    return Err(Conflict::ChainLocked.into());
                }
            }
            tx.execute(
                "UPDATE campaigns SET enabled = ?2, body = ?3 WHERE id = ?1",
                params![after.id, after.enabled, json(&after)?],
            )
            .map_err(failed)?;
            tx.commit().map_err(failed)?;
            Ok(())
        })
        .await
    }

    async fn role(&self, campaign_id: &str, user: &str) -> StoreResult<Option<Role>> {
        let (campaign_id, user) = (campaign_id.to_string(), user.to_string());
        self.run(move |conn| Ok(find_user(conn, &campaign_id, &user)?.map(|u| u.role)))
            .await
    }

    async fn users(&self, campaign_id: &str) -> StoreResult<Vec<CampaignUser>> {
        let campaign_id = campaign_id.to_string();
        self.run(move |conn| {
            let mut statement = conn
                .prepare_cached(&format!(
                    "SELECT {USER_COLUMNS} FROM users WHERE campaign_id = ?1 ORDER BY created_at, user"
                ))
                .map_err(failed)?;
            let rows = statement
                .query_map(params![campaign_id], user_row)
                .map_err(failed)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(failed)?;
            rows.into_iter().map(to_user).collect()
        })
        .await
    }

    async fn user(&self, campaign_id: &str, user: &str) -> StoreResult<Option<CampaignUser>> {
        let (campaign_id, user) = (campaign_id.to_string(), user.to_string());
        self.run(move |conn| find_user(conn, &campaign_id, &user))
            .await
    }

    async fn add_user(&self, user: &CampaignUser) -> Result<(), WriteError> {
        let user = user.clone();
        self.run(move |conn| {
            let inserted = conn
                .execute(
                    "INSERT INTO users (campaign_id, user, role, created_at, updated_at) \
                     SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM campaigns WHERE id = ?1) \
                     ON CONFLICT DO NOTHING",
                    params![user.campaign_id, user.user, user.role.as_str(), user.created_at.ms(), user.updated_at.ms()],
                )
                .map_err(failed)?;
            if inserted == 1 {
                return Ok(());
            }
            match find_user(conn, &user.campaign_id, &user.user)? {
                Some(_) => Err(Conflict::UserExists.into()),
                None => Err(WriteError::Missing),
            }
        })
        .await
    }

    async fn change_role(
        &self,
        campaign_id: &str,
        user: &str,
        role: Role,
        now: Timestamp,
    ) -> Result<CampaignUser, WriteError> {
        let (campaign_id, user) = (campaign_id.to_string(), user.to_string());
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(failed)?;
            let mut found = find_user(&tx, &campaign_id, &user)?.ok_or(WriteError::Missing)?;
            if found.role == Role::Owner && role != Role::Owner && owners(&tx, &campaign_id)? <= 1 {
                return Err(Conflict::LastOwner.into());
            }
            tx.execute(
                "UPDATE users SET role = ?3, updated_at = ?4 WHERE campaign_id = ?1 AND user = ?2",
                params![campaign_id, user, role.as_str(), now.ms()],
            )
            .map_err(failed)?;
            tx.commit().map_err(failed)?;
            found.role = role;
            found.updated_at = now;
            Ok(found)
        })
        .await
    }

    async fn remove_user(&self, campaign_id: &str, user: &str) -> Result<CampaignUser, WriteError> {
        let (campaign_id, user) = (campaign_id.to_string(), user.to_string());
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(failed)?;
            let found = find_user(&tx, &campaign_id, &user)?.ok_or(WriteError::Missing)?;
            if found.role == Role::Owner && owners(&tx, &campaign_id)? <= 1 {
                return Err(Conflict::LastOwner.into());
            }
            tx.execute(
                "DELETE FROM users WHERE campaign_id = ?1 AND user = ?2",
                params![campaign_id, user],
            )
            .map_err(failed)?;
            tx.commit().map_err(failed)?;
            Ok(found)
        })
        .await
    }

    async fn keys(&self, campaign_id: &str) -> StoreResult<Vec<CampaignKey>> {
        let campaign_id = campaign_id.to_string();
        self.run(move |conn| {
            bodies(
                conn,
                "SELECT body FROM keys WHERE campaign_id = ?1 ORDER BY created_at, id",
                params![campaign_id],
            )
        })
        .await
    }

    async fn key(&self, campaign_id: &str, key_id: &str) -> StoreResult<Option<CampaignKey>> {
        let (campaign_id, key_id) = (campaign_id.to_string(), key_id.to_string());
        self.run(move |conn| {
            Ok(bodies(
                conn,
                "SELECT body FROM keys WHERE campaign_id = ?1 AND id = ?2",
                params![campaign_id, key_id],
            )?
            .pop())
        })
        .await
    }

    async fn keys_by_id(&self, ids: &[(String, String)]) -> StoreResult<Vec<CampaignKey>> {
        let ids = ids.to_vec();
        self.run(move |conn| {
            let mut out = Vec::with_capacity(ids.len());
            for (campaign_id, key_id) in ids {
                out.extend(bodies::<CampaignKey>(
                    conn,
                    "SELECT body FROM keys WHERE campaign_id = ?1 AND id = ?2",
                    params![campaign_id, key_id],
                )?);
            }
            Ok(out)
        })
        .await
    }

    async fn add_key(&self, key: &CampaignKey) -> StoreResult<()> {
        let key = key.clone();
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO keys (campaign_id, id, created_at, body) VALUES (?1, ?2, ?3, ?4)",
                params![key.campaign_id, key.id, key.created_at.ms(), json(&key)?],
            )
            .map_err(failed)?;
            Ok(())
        })
        .await
    }

    async fn update_key(
        &self,
        before: &CampaignKey,
        after: &CampaignKey,
    ) -> Result<(), WriteError> {
        let (before, after) = (before.clone(), after.clone());
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(failed)?;
            let stored: CampaignKey = bodies(
                &tx,
                "SELECT body FROM keys WHERE campaign_id = ?1 AND id = ?2",
                params![before.campaign_id, before.id],
            )?
            .pop()
            .ok_or(WriteError::Missing)?;
            if stored != before {
                return Err(WriteError::Stale);
            }
            tx.execute(
                "UPDATE keys SET body = ?3 WHERE campaign_id = ?1 AND id = ?2",
                params![after.campaign_id, after.id, json(&after)?],
            )
            .map_err(failed)?;
            tx.commit().map_err(failed)?;
            Ok(())
        })
        .await
    }

    async fn remove_key(&self, campaign_id: &str, key_id: &str) -> Result<CampaignKey, WriteError> {
        let (campaign_id, key_id) = (campaign_id.to_string(), key_id.to_string());
        self.run(move |conn| {
            let body: Option<String> = conn
                .query_row(
                    "DELETE FROM keys WHERE campaign_id = ?1 AND id = ?2 RETURNING body",
                    params![campaign_id, key_id],
                    |row| row.get(0),
                )
                .optional()
                .map_err(failed)?;
            match body {
                Some(text) => Ok(parse(&text)?),
                None => Err(WriteError::Missing),
            }
        })
        .await
    }

    async fn add_supply(
        &self,
        campaign_id: &str,
        chain_id: u64,
        rows: &[Reward],
    ) -> Result<(), WriteError> {
        let (campaign_id, rows) = (campaign_id.to_string(), rows.to_vec());
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(failed)?;
            // The chain is checked in the transaction: a PATCH of chain_id
            // cannot slip between the read of the campaign and these rows.
            let stored: Option<String> = tx
                .query_row("SELECT body FROM campaigns WHERE id = ?1", params![campaign_id], |row| row.get(0))
                .optional()
                .map_err(failed)?;
            let campaign: Campaign = parse(&stored.ok_or(WriteError::Missing)?)?;
            if campaign.chain_id != chain_id {
                return Err(Conflict::ChainLocked.into());
            }
            {
                let mut insert = tx
                    .prepare_cached(
                        "INSERT INTO rewards (id, campaign_id, campaign_key, user, status, target, value, grp, \
                         priority, created_at, assigned_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    )
                    .map_err(failed)?;
                for r in &rows {
                    insert
                        .execute(params![
                            r.id,
                            r.campaign_id,
                            r.campaign_key,
                            r.user,
                            r.status.as_str(),
                            r.target,
                            r.value,
                            r.group,
                            r.priority,
                            r.created_at.ms(),
                            r.assigned_at.map(Timestamp::ms),
                            json(r)?
                        ])
                        .map_err(failed)?;
                }
            }
            tx.commit().map_err(failed)?;
            Ok(())
        })
        .await
    }

    async fn supply(&self, campaign_id: &str) -> StoreResult<Vec<SupplyCount>> {
        let campaign_id = campaign_id.to_string();
        self.run(move |conn| {
            let mut statement = conn
                .prepare_cached(
                    "SELECT target, value, grp, status, COUNT(*) FROM rewards WHERE campaign_id = ?1 \
                     GROUP BY target, value, grp, status",
                )
                .map_err(failed)?;
            let rows = statement
                .query_map(params![campaign_id], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, Option<String>>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, i64>(4)?,
                    ))
                })
                .map_err(failed)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(failed)?;
            let mut counts = Vec::with_capacity(rows.len());
            for (target, value, group, status, n) in &rows {
                let status = RewardStatus::parse(status)
                    .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?;
                counts.push((target.as_str(), value.as_str(), group.as_deref(), status, count(*n)));
            }
            Ok(SupplyCount::tally(counts))
        })
        .await
    }

    async fn remove_supply(&self, campaign_id: &str, removal: &SupplyRemoval) -> StoreResult<u64> {
        let (campaign_id, removal) = (campaign_id.to_string(), removal.clone());
        self.run(move |conn| {
            let limit = removal.quantity.map_or(-1, i64::from);
            let removed = conn
                .execute(
                    "DELETE FROM rewards WHERE id IN (SELECT id FROM rewards WHERE campaign_id = ?1 \
                     AND status = 'unassigned' AND target = ?2 AND value = ?3 AND grp IS ?4 \
                     ORDER BY priority DESC, created_at DESC, id LIMIT ?5)",
                    params![campaign_id, removal.target, removal.value, removal.group, limit],
                )
                .map_err(failed)?;
            Ok(removed as u64)
        })
        .await
    }

    async fn reward(&self, id: &str) -> StoreResult<Option<Reward>> {
        let id = id.to_string();
        self.run(move |conn| {
            Ok(bodies(conn, "SELECT body FROM rewards WHERE id = ?1", params![id])?.pop())
        })
        .await
    }

    async fn rewards_of_key(
        &self,
        campaign_id: &str,
        key_id: &str,
        page: Page,
    ) -> StoreResult<Paged<Reward>> {
        let (campaign_id, key_id) = (campaign_id.to_string(), key_id.to_string());
        self.run(move |conn| {
            let (limit, offset) = sql_count(page);
            let filter = "FROM rewards WHERE campaign_key = ?1 AND campaign_id = ?2";
            let items = bodies(
                conn,
                &format!("SELECT body {filter} ORDER BY assigned_at DESC, id LIMIT ?3 OFFSET ?4"),
                params![key_id, campaign_id, limit, offset],
            )?;
            let total = scalar(
                conn,
                &format!("SELECT COUNT(*) {filter}"),
                params![key_id, campaign_id],
            )?;
            Ok(Paged {
                items,
                total: count(total),
            })
        })
        .await
    }

    async fn rewards_of_user(
        &self,
        user: &str,
        status: Option<RewardStatus>,
        page: Page,
    ) -> StoreResult<Paged<Reward>> {
        let user = user.to_string();
        let status = status.map(RewardStatus::as_str);
        self.run(move |conn| {
            let (limit, offset) = sql_count(page);
            let filter = "FROM rewards WHERE user = ?1 AND (?2 IS NULL OR status = ?2)";
            let items = bodies(
                conn,
                &format!("SELECT body {filter} ORDER BY assigned_at DESC, id LIMIT ?3 OFFSET ?4"),
                params![user, status, limit, offset],
            )?;
            let total = scalar(
                conn,
                &format!("SELECT COUNT(*) {filter}"),
                params![user, status],
            )?;
            Ok(Paged {
                items,
                total: count(total),
            })
        })
        .await
    }

    async fn held(&self, campaign_id: &str, key_id: &str, user: &str) -> StoreResult<Vec<Reward>> {
        let (campaign_id, key_id, user) = (
            campaign_id.to_string(),
            key_id.to_string(),
            user.to_string(),
        );
        self.run(move |conn| {
            bodies(
                conn,
                "SELECT body FROM rewards WHERE campaign_key = ?1 AND user = ?2 AND campaign_id = ?3 \
                 ORDER BY assigned_at DESC, id",
                params![key_id, user, campaign_id],
            )
        })
        .await
    }

    async fn held_count(&self, campaign_id: &str, key_id: &str, user: &str) -> StoreResult<u64> {
        let (campaign_id, key_id, user) = (
            campaign_id.to_string(),
            key_id.to_string(),
            user.to_string(),
        );
        self.run(move |conn| {
            let held = scalar(
                conn,
                "SELECT COUNT(*) FROM rewards WHERE campaign_key = ?1 AND user = ?2 AND campaign_id = ?3",
                params![key_id, user, campaign_id],
            )?;
            Ok(count(held))
        })
        .await
    }

    async fn claim(&self, request: &ClaimRequest) -> StoreResult<Claimed> {
        let request = request.clone();
        self.run(move |conn| {
            // One immediate transaction: no other writer runs between the
            // count, the choice of the row and its update.
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(failed)?;
            if let Some(limit) = request.limit {
                let held = scalar(
                    &tx,
                    "SELECT COUNT(*) FROM rewards WHERE campaign_key = ?1 AND user = ?2 AND campaign_id = ?3",
                    params![request.key_id, request.user, request.campaign_id],
                )?;
                if count(held) >= limit {
                    return Ok(Claimed::AtLimit);
                }
            }
            let filter = &request.filter;
            let stock: Option<String> = tx
                .query_row(
                    "SELECT body FROM rewards WHERE campaign_id = ?1 AND status = 'unassigned' \
                     AND (?2 IS NULL OR grp = ?2) AND (?3 IS NULL OR target = ?3) AND (?4 IS NULL OR value = ?4) \
                     ORDER BY priority, created_at, id LIMIT 1",
                    params![request.campaign_id, filter.group, filter.target, filter.value],
                    |row| row.get(0),
                )
                .optional()
                .map_err(failed)?;
            let Some(stock) = stock else {
                return Ok(Claimed::NoStock);
            };
            let mut reward: Reward = parse(&stock)?;
            reward.status = RewardStatus::Assigned;
            reward.user = Some(request.user.clone());
            reward.campaign_key = Some(request.key_id.clone());
            reward.assigned_at = Some(request.now);
            reward.updated_at = request.now;
            tx.execute(
                "UPDATE rewards SET status = 'assigned', user = ?2, campaign_key = ?3, assigned_at = ?4, body = ?5 \
                 WHERE id = ?1 AND status = 'unassigned'",
                params![reward.id, request.user, request.key_id, request.now.ms(), json(&reward)?],
            )
            .map_err(failed)?;
            tx.execute(
                "INSERT INTO outbox (reward_id, created_at) VALUES (?1, ?2)",
                params![reward.id, request.now.ms()],
            )
            .map_err(failed)?;
            tx.commit().map_err(failed)?;
            Ok(Claimed::Assigned(Box::new(reward)))
        })
        .await
    }

    async fn unsent(&self, before: Timestamp, limit: usize) -> StoreResult<Vec<Reward>> {
        self.run(move |conn| {
            bodies(
                conn,
                "SELECT r.body FROM outbox o JOIN rewards r ON r.id = o.reward_id \
                 WHERE o.created_at < ?1 ORDER BY o.created_at, o.reward_id LIMIT ?2",
                params![before.ms(), i64::try_from(limit).unwrap_or(i64::MAX)],
            )
        })
        .await
    }

    async fn mark_sent(&self, rewards: &[(String, String)]) -> StoreResult<()> {
        let ids: Vec<String> = rewards.iter().map(|(_, id)| id.clone()).collect();
        self.run(move |conn| {
            let tx = conn.transaction().map_err(failed)?;
            {
                let mut delete = tx
                    .prepare_cached("DELETE FROM outbox WHERE reward_id = ?1")
                    .map_err(failed)?;
                for id in &ids {
                    delete.execute(params![id]).map_err(failed)?;
                }
            }
            tx.commit().map_err(failed)
        })
        .await
    }

    async fn add_captcha(&self, captcha: &Captcha) -> StoreResult<()> {
        let captcha = captcha.clone();
        self.run(move |conn| {
            conn.execute(
                "INSERT INTO captchas (id, answer, expires_at) VALUES (?1, ?2, ?3)",
                params![captcha.id, captcha.answer, captcha.expires_at.ms()],
            )
            .map_err(failed)?;
            Ok(())
        })
        .await
    }

    async fn take_captcha(&self, id: &str) -> StoreResult<Option<Captcha>> {
        let id = id.to_string();
        self.run(move |conn| {
            conn.query_row(
                "DELETE FROM captchas WHERE id = ?1 RETURNING id, answer, expires_at",
                params![id],
                |row| {
                    Ok(Captcha {
                        id: row.get(0)?,
                        answer: row.get(1)?,
                        expires_at: Timestamp(row.get(2)?),
                    })
                },
            )
            .optional()
            .map_err(failed)
        })
        .await
    }

    async fn purge_captchas(&self, now: Timestamp) -> StoreResult<u64> {
        self.run(move |conn| {
            let purged = conn
                .execute(
                    "DELETE FROM captchas WHERE expires_at < ?1",
                    params![now.ms()],
                )
                .map_err(failed)?;
            Ok(purged as u64)
        })
        .await
    }

    async fn transactions(
        &self,
        campaign_id: &str,
        page: Page,
    ) -> StoreResult<Paged<CollectionTransaction>> {
        let campaign_id = campaign_id.to_string();
        self.run(move |conn| {
            let (limit, offset) = sql_count(page);
            let items = bodies(
                conn,
                "SELECT body FROM transactions WHERE campaign_id = ?1 ORDER BY created_at DESC, id LIMIT ?2 OFFSET ?3",
                params![campaign_id, limit, offset],
            )?;
            let total = scalar(conn, "SELECT COUNT(*) FROM transactions WHERE campaign_id = ?1", params![campaign_id])?;
            Ok(Paged { items, total: count(total) })
        })
        .await
    }
}
