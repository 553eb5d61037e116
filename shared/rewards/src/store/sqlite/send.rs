//! The sender's side of the embedded store: transactions (their body is the
//! sender's whole `Outgoing`), reward moves, leases and failure counts. A
//! change of several rows is one transaction.

use async_trait::async_trait;
use platform::store::StoreResult;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use super::{SqliteRewards, bodies, failed, json, parse};
use crate::domain::reward::{Reward, RewardStatus};
use crate::domain::time::Timestamp;
use crate::send::{Outgoing, Pending, RewardMove, SendStore};

const OPEN: &str = "json_extract(body, '$.status') IN ('assigned', 'sending', 'success')";

fn read_reward(tx: &Transaction<'_>, id: &str) -> StoreResult<Option<Reward>> {
    let body: Option<String> = tx
        .query_row(
            "SELECT body FROM rewards WHERE id = ?1",
            params![id],
            |row| row.get(0),
        )
        .optional()
        .map_err(failed)?;
    body.map(|b| parse(&b)).transpose()
}

fn write_reward(tx: &Transaction<'_>, reward: &Reward) -> StoreResult<()> {
    tx.execute(
        "UPDATE rewards SET status = ?2, body = ?3 WHERE id = ?1",
        params![reward.id, reward.status.as_str(), json(reward)?],
    )
    .map_err(failed)?;
    Ok(())
}

fn write_transaction(tx: &Transaction<'_>, out: &Outgoing) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO transactions (id, campaign_id, created_at, body) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (id) DO UPDATE SET body = excluded.body",
        params![
            out.row.id,
            out.row.campaign_id,
            out.row.created_at.ms(),
            json(out)?
        ],
    )
    .map_err(failed)?;
    Ok(())
}

/// Applies `change` to each reward of `ids` that `keep` accepts, in one
/// transaction.
fn change_rewards(
    conn: &mut rusqlite::Connection,
    ids: &[String],
    keep: impl Fn(&Reward) -> bool,
    change: impl Fn(&mut Reward),
) -> StoreResult<()> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(failed)?;
    for id in ids {
        if let Some(mut reward) = read_reward(&tx, id)?
            && keep(&reward)
        {
            change(&mut reward);
            write_reward(&tx, &reward)?;
        }
    }
    tx.commit().map_err(failed)
}

#[async_trait]
impl SendStore for SqliteRewards {
    async fn lease(
        &self,
        campaign_id: &str,
        holder: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> StoreResult<bool> {
        let (campaign_id, holder) = (campaign_id.to_string(), holder.to_string());
        self.run(move |conn| {
            let changed = conn
                .execute(
                    "INSERT INTO leases (campaign_id, holder, until) VALUES (?1, ?2, ?4) \
                     ON CONFLICT (campaign_id) DO UPDATE SET holder = ?2, until = ?4 \
                     WHERE leases.until <= ?3 OR leases.holder = ?2",
                    params![campaign_id, holder, now.ms(), until.ms()],
                )
                .map_err(failed)?;
            Ok(changed == 1)
        })
        .await
    }

    async fn release(&self, campaign_id: &str, holder: &str) -> StoreResult<()> {
        let (campaign_id, holder) = (campaign_id.to_string(), holder.to_string());
        self.run(move |conn| {
            conn.execute(
                "UPDATE leases SET until = 0 WHERE campaign_id = ?1 AND holder = ?2",
                params![campaign_id, holder],
            )
            .map_err(failed)?;
            Ok(())
        })
        .await
    }

    async fn open_transactions(&self, campaign_id: &str) -> StoreResult<Vec<Outgoing>> {
        let campaign_id = campaign_id.to_string();
        self.run(move |conn| {
            bodies(
                conn,
                &format!("SELECT body FROM transactions WHERE campaign_id = ?1 AND {OPEN} ORDER BY created_at, id"),
                params![campaign_id],
            )
        })
        .await
    }

    async fn pending(&self, campaign_id: &str, limit: usize) -> StoreResult<Vec<Pending>> {
        let campaign_id = campaign_id.to_string();
        self.run(move |conn| {
            let mut statement = conn
                .prepare_cached(
                    "SELECT r.body, COALESCE(f.n, 0) FROM rewards r \
                     LEFT JOIN send_failures f ON f.reward_id = r.id \
                     WHERE r.campaign_id = ?1 AND r.status = 'assigned' \
                     AND json_extract(r.body, '$.transaction_id') IS NULL \
                     ORDER BY r.assigned_at, r.id LIMIT ?2",
                )
                .map_err(failed)?;
            let rows = statement
                .query_map(
                    params![campaign_id, i64::try_from(limit).unwrap_or(i64::MAX)],
                    |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)),
                )
                .map_err(failed)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(failed)?;
            rows.iter()
                .map(|(body, n)| {
                    Ok(Pending {
                        reward: parse(body)?,
                        failures: u32::try_from(*n).unwrap_or(u32::MAX),
                    })
                })
                .collect()
        })
        .await
    }

    async fn reserve(&self, out: &Outgoing) -> StoreResult<bool> {
        let out = out.clone();
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(failed)?;
            for id in &out.reward_ids {
                let Some(mut reward) = read_reward(&tx, id)? else {
                    return Ok(false);
                };
                let ours = reward.transaction_id.as_deref() == Some(out.row.id.as_str());
                if reward.status != RewardStatus::Assigned
                    || !(ours || reward.transaction_id.is_none())
                {
                    return Ok(false);
                }
                reward.transaction_id = Some(out.row.id.clone());
                reward.updated_at = out.row.created_at;
                write_reward(&tx, &reward)?;
            }
            write_transaction(&tx, &out)?;
            tx.commit().map_err(failed)?;
            Ok(true)
        })
        .await
    }

    async fn save(&self, out: &Outgoing, rewards: Option<&RewardMove>) -> StoreResult<()> {
        let (out, change) = (out.clone(), rewards.cloned());
        self.run(move |conn| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(failed)?;
            write_transaction(&tx, &out)?;
            if let Some(change) = change {
                for id in &out.reward_ids {
                    let Some(mut reward) = read_reward(&tx, id)? else {
                        continue;
                    };
                    if reward.transaction_id.as_deref() != Some(out.row.id.as_str())
                        || reward.status == RewardStatus::Rejected
                    {
                        continue;
                    }
                    reward.status = change.status;
                    reward.transaction_hash = change.transaction_hash.clone();
                    reward.block_number = change.block_number;
                    reward.updated_at = change.now;
                    write_reward(&tx, &reward)?;
                }
            }
            tx.commit().map_err(failed)
        })
        .await
    }

    async fn unreserve(
        &self,
        out: &Outgoing,
        reward_ids: &[String],
        now: Timestamp,
    ) -> StoreResult<()> {
        let (transaction_id, ids) = (out.row.id.clone(), reward_ids.to_vec());
        self.run(move |conn| {
            change_rewards(
                conn,
                &ids,
                |r| {
                    r.transaction_id.as_deref() == Some(transaction_id.as_str())
                        && r.status != RewardStatus::Rejected
                },
                |r| {
                    r.status = RewardStatus::Assigned;
                    r.transaction_id = None;
                    r.transaction_hash = None;
                    r.block_number = None;
                    r.updated_at = now;
                },
            )
        })
        .await
    }

    async fn reject(&self, reward_ids: &[String], reason: &str, now: Timestamp) -> StoreResult<()> {
        let (ids, reason) = (reward_ids.to_vec(), reason.to_string());
        self.run(move |conn| {
            change_rewards(
                conn,
                &ids,
                |r| matches!(r.status, RewardStatus::Assigned | RewardStatus::Sending),
                |r| {
                    r.status = RewardStatus::Rejected;
                    r.error_message = Some(reason.clone());
                    r.updated_at = now;
                },
            )
        })
        .await
    }

    async fn note_failures(&self, reward_ids: &[String]) -> StoreResult<Vec<u32>> {
        let ids = reward_ids.to_vec();
        self.run(move |conn| {
            let tx = conn.transaction().map_err(failed)?;
            let mut counts = Vec::with_capacity(ids.len());
            for id in &ids {
                let n: i64 = tx
                    .query_row(
                        "INSERT INTO send_failures (reward_id, n) VALUES (?1, 1) \
                         ON CONFLICT (reward_id) DO UPDATE SET n = n + 1 RETURNING n",
                        params![id],
                        |row| row.get(0),
                    )
                    .map_err(failed)?;
                counts.push(u32::try_from(n).unwrap_or(u32::MAX));
            }
            tx.commit().map_err(failed)?;
            Ok(counts)
        })
        .await
    }

    async fn book_recheck(
        &self,
        campaign_id: &str,
        now: Timestamp,
        at: Timestamp,
        after: Option<Timestamp>,
    ) -> StoreResult<bool> {
        let campaign_id = campaign_id.to_string();
        self.run(move |conn| {
            let changed = match after {
                None => conn.execute(
                    "INSERT INTO leases (campaign_id, holder, until, recheck_at) VALUES (?1, '', 0, ?3) \
                     ON CONFLICT (campaign_id) DO UPDATE SET recheck_at = ?3 \
                     WHERE leases.recheck_at IS NULL OR leases.recheck_at <= ?2",
                    params![campaign_id, now.ms(), at.ms()],
                ),
                Some(after) => conn.execute(
                    "UPDATE leases SET recheck_at = ?2 WHERE campaign_id = ?1 AND recheck_at = ?3",
                    params![campaign_id, at.ms(), after.ms()],
                ),
            }
            .map_err(failed)?;
            Ok(changed == 1)
        })
        .await
    }

    async fn campaigns_with_work(&self) -> StoreResult<Vec<String>> {
        self.run(move |conn| {
            let mut statement = conn
                .prepare(&format!(
                    "SELECT campaign_id FROM rewards WHERE status = 'assigned' \
                     UNION SELECT campaign_id FROM transactions WHERE {OPEN}"
                ))
                .map_err(failed)?;
            let ids = statement
                .query_map([], |row| row.get::<_, String>(0))
                .map_err(failed)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(failed)?;
            Ok(ids)
        })
        .await
    }
}
