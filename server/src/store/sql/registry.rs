use async_trait::async_trait;
use tokhai_core::protocol::FeedKind;

use super::{SqlStore, append_feed, first, placeholders};
use crate::feed;
use crate::store::api::RegistryStore;
use crate::store::types::*;
use crate::store::{Row, StoreError, Tx, Value, params};

type R<T> = Result<T, StoreError>;

const CP_COLS: &str = "id, parent_id, root_id, manager_id, name, kind, phone_hash, phone_sealed, scheme, province, \
     district, ward, latitude, longitude, street, description, default_stay_minutes, active, created_at, updated_at";

fn checkpoint(r: &Row) -> R<CheckpointRow> {
    Ok(CheckpointRow {
        id: r.i64(0)?,
        parent_id: r.opt_i64(1)?,
        root_id: r.i64(2)?,
        manager_id: r.i64(3)?,
        info: CheckpointInfo {
            name: r.text(4)?,
            kind: r.text(5)?,
            scheme: r.text(8)?,
            province: r.i64(9)?,
            district: r.opt_i64(10)?,
            ward: r.i64(11)?,
            latitude: r.opt_f64(12)?,
            longitude: r.opt_f64(13)?,
            street: r.text(14)?,
            description: r.text(15)?,
            default_stay_minutes: r.opt_i64(16)?,
        },
        phone_hash: r.bytes(6)?,
        phone_sealed: r.bytes(7)?,
        active: r.bool(17)?,
        created_at: r.i64(18)?,
        updated_at: r.i64(19)?,
    })
}

fn key_row(r: &Row) -> R<IssuerKeyRow> {
    Ok(IssuerKeyRow {
        key_id: r.i64(0)?,
        public_key: r.bytes(1)?,
        sealed_private: r.bytes(2)?,
        created_at: r.i64(3)?,
        retired_at: r.opt_i64(4)?,
    })
}

async fn load_checkpoint(tx: &mut Box<dyn Tx>, id: i64) -> R<CheckpointRow> {
    let sql = format!("SELECT {CP_COLS} FROM checkpoints WHERE id = $1");
    checkpoint(&first(tx.query(&sql, params![id]).await?)?)
}

async fn publish_checkpoint(tx: &mut Box<dyn Tx>, row: &CheckpointRow, now: Millis) -> R<()> {
    append_feed(
        tx,
        FeedKind::Checkpoint.as_str(),
        &row.id.to_string(),
        feed::body(&feed::directory_entry(row)),
        now,
    )
    .await
}

#[async_trait]
impl RegistryStore for SqlStore {
    async fn insert_checkpoint(&self, new: NewCheckpoint) -> R<CheckpointRow> {
        let mut tx = self.begin().await?;
        tx.lock_feed().await?;
        let root = match new.parent_id {
            Some(parent) => Some(load_checkpoint(&mut tx, parent).await?.root_id),
            None => None,
        };
        let i = new.info;
        let id = first(
            tx.query(
                "INSERT INTO checkpoints (parent_id, root_id, manager_id, name, kind, phone_hash, phone_sealed, \
                 scheme, province, district, ward, latitude, longitude, street, description, default_stay_minutes, \
                 active, created_at, updated_at) \
                 VALUES ($1, 0, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, TRUE, $16, $16) \
                 RETURNING id",
                params![
                    new.parent_id,
                    new.manager_id,
                    i.name,
                    i.kind,
                    new.phone_hash,
                    new.phone_sealed,
                    i.scheme,
                    i.province,
                    i.district,
                    i.ward,
                    i.latitude,
                    i.longitude,
                    i.street,
                    i.description,
                    i.default_stay_minutes,
                    new.now
                ],
            )
            .await?,
        )?
        .i64(0)?;
        tx.execute(
            "UPDATE checkpoints SET root_id = $2 WHERE id = $1",
            params![id, root.unwrap_or(id)],
        )
        .await?;
        let row = load_checkpoint(&mut tx, id).await?;
        publish_checkpoint(&mut tx, &row, new.now).await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn checkpoint(&self, id: i64) -> R<Option<CheckpointRow>> {
        let sql = format!("SELECT {CP_COLS} FROM checkpoints WHERE id = $1");
        self.query_opt(&sql, params![id])
            .await?
            .as_ref()
            .map(checkpoint)
            .transpose()
    }

    async fn checkpoint_stays(&self, ids: &[i64]) -> R<Vec<(i64, Option<i64>, Option<Millis>)>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let (list, params) = id_list(1, ids);
        // A deactivated checkpoint cannot be edited any more: its `updated_at` is when it was deactivated.
        let sql = format!(
            "SELECT id, default_stay_minutes, active, updated_at FROM checkpoints WHERE id IN ({list})"
        );
        self.query(&sql, params)
            .await?
            .iter()
            .map(|r| {
                let revoked = if r.bool(2)? { None } else { Some(r.i64(3)?) };
                Ok((r.i64(0)?, r.opt_i64(1)?, revoked))
            })
            .collect()
    }

    async fn checkpoint_areas(&self, ids: &[i64]) -> R<Vec<(i64, i64, i64)>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let (list, params) = id_list(1, chunk);
            let sql = format!("SELECT id, province, ward FROM checkpoints WHERE id IN ({list})");
            for r in self.query(&sql, params).await? {
                out.push((r.i64(0)?, r.i64(1)?, r.i64(2)?));
            }
        }
        Ok(out)
    }

    async fn revoked_checkpoints(&self) -> R<Vec<i64>> {
        let rows = self
            .query("SELECT id FROM checkpoints WHERE NOT active ORDER BY id", vec![])
            .await?;
        rows.iter().map(|r| r.i64(0)).collect()
    }

    async fn checkpoints_managed_by(&self, account_id: i64) -> R<Vec<CheckpointRow>> {
        let sql = format!("SELECT {CP_COLS} FROM checkpoints WHERE manager_id = $1 ORDER BY id");
        self.query(&sql, params![account_id])
            .await?
            .iter()
            .map(checkpoint)
            .collect()
    }

    async fn checkpoint_tree(&self, root_id: i64) -> R<Vec<CheckpointRow>> {
        let sql = format!("SELECT {CP_COLS} FROM checkpoints WHERE root_id = $1 ORDER BY id");
        self.query(&sql, params![root_id])
            .await?
            .iter()
            .map(checkpoint)
            .collect()
    }

    async fn update_checkpoint_info(&self, id: i64, i: CheckpointInfo, now: Millis) -> R<CheckpointRow> {
        let mut tx = self.begin().await?;
        tx.lock_feed().await?;
        let n = tx
            .execute(
                "UPDATE checkpoints SET name = $2, kind = $3, scheme = $4, province = $5, district = $6, ward = $7, \
                 latitude = $8, longitude = $9, street = $10, description = $11, default_stay_minutes = $12, \
                 updated_at = $13 WHERE id = $1",
                params![
                    id,
                    i.name,
                    i.kind,
                    i.scheme,
                    i.province,
                    i.district,
                    i.ward,
                    i.latitude,
                    i.longitude,
                    i.street,
                    i.description,
                    i.default_stay_minutes,
                    now
                ],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        let row = load_checkpoint(&mut tx, id).await?;
        publish_checkpoint(&mut tx, &row, now).await?;
        tx.commit().await?;
        Ok(row)
    }

    async fn deactivate_checkpoint(&self, id: i64, now: Millis) -> R<Vec<i64>> {
        let mut tx = self.begin().await?;
        tx.lock_feed().await?;
        let root = load_checkpoint(&mut tx, id).await?.root_id;
        // The subtree of `id`: walk down from it within its tree.
        let sql = format!("SELECT {CP_COLS} FROM checkpoints WHERE root_id = $1");
        let tree: Vec<CheckpointRow> = tx
            .query(&sql, params![root])
            .await?
            .iter()
            .map(checkpoint)
            .collect::<R<_>>()?;
        let mut ids = vec![id];
        let mut i = 0;
        while let Some(&parent) = ids.get(i) {
            ids.extend(tree.iter().filter(|c| c.parent_id == Some(parent)).map(|c| c.id));
            i += 1;
        }
        let mut revoked = Vec::new();
        for &cid in &ids {
            let n = tx
                .execute(
                    "UPDATE checkpoints SET active = FALSE, updated_at = $2 WHERE id = $1 AND active",
                    params![cid, now],
                )
                .await?;
            if n > 0 {
                let row = load_checkpoint(&mut tx, cid).await?;
                publish_checkpoint(&mut tx, &row, now).await?;
                let body = feed::body(&feed::revocation_entry(cid, now));
                append_feed(
                    &mut tx,
                    FeedKind::Revocation.as_str(),
                    &cid.to_string(),
                    body,
                    now,
                )
                .await?;
                revoked.push(cid);
            }
        }
        tx.commit().await?;
        Ok(revoked)
    }

    async fn add_staff(&self, s: StaffRow) -> R<()> {
        self.execute(
            "INSERT INTO checkpoint_staff (root_id, phone_hash, phone_sealed, added_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (root_id, phone_hash) DO NOTHING",
            params![s.root_id, s.phone_hash, s.phone_sealed, s.added_at],
        )
        .await
        .map(|_| ())
    }

    async fn remove_staff(&self, root_id: i64, phone_hash: &[u8]) -> R<bool> {
        let n = self
            .execute(
                "DELETE FROM checkpoint_staff WHERE root_id = $1 AND phone_hash = $2",
                params![root_id, phone_hash],
            )
            .await?;
        Ok(n > 0)
    }

    async fn staff(&self, root_id: i64) -> R<Vec<StaffRow>> {
        let rows = self
            .query(
                "SELECT root_id, phone_hash, phone_sealed, added_at FROM checkpoint_staff WHERE root_id = $1 \
                 ORDER BY added_at",
                params![root_id],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(StaffRow {
                    root_id: r.i64(0)?,
                    phone_hash: r.bytes(1)?,
                    phone_sealed: r.bytes(2)?,
                    added_at: r.i64(3)?,
                })
            })
            .collect()
    }

    async fn staff_roots(&self, phone_hash: &[u8]) -> R<Vec<i64>> {
        let rows = self
            .query(
                "SELECT root_id FROM checkpoint_staff WHERE phone_hash = $1 ORDER BY root_id",
                params![phone_hash],
            )
            .await?;
        rows.iter().map(|r| r.i64(0)).collect()
    }

    async fn issuer_keys(&self) -> R<Vec<IssuerKeyRow>> {
        let rows = self
            .query(
                "SELECT key_id, public_key, sealed_private, created_at, retired_at FROM issuer_keys ORDER BY key_id",
                vec![],
            )
            .await?;
        rows.iter().map(key_row).collect()
    }

    async fn insert_issuer_key(&self, key: IssuerKeyRow) -> R<()> {
        let mut tx = self.begin().await?;
        tx.lock_feed().await?;
        tx.execute(
            "INSERT INTO issuer_keys (key_id, public_key, sealed_private, created_at, retired_at) \
             VALUES ($1, $2, $3, $4, $5)",
            params![
                key.key_id,
                key.public_key.clone(),
                key.sealed_private.clone(),
                key.created_at,
                key.retired_at
            ],
        )
        .await?;
        append_feed(
            &mut tx,
            FeedKind::IssuerKey.as_str(),
            &key.key_id.to_string(),
            feed::issuer_key_body(&key),
            key.created_at,
        )
        .await?;
        tx.commit().await
    }

    async fn retire_issuer_key(&self, key_id: i64, at: Millis) -> R<()> {
        let mut tx = self.begin().await?;
        tx.lock_feed().await?;
        tx.execute(
            "UPDATE issuer_keys SET retired_at = $2 WHERE key_id = $1 AND retired_at IS NULL",
            params![key_id, at],
        )
        .await?;
        let row = key_row(&first(
            tx.query(
                "SELECT key_id, public_key, sealed_private, created_at, retired_at FROM issuer_keys WHERE key_id = $1",
                params![key_id],
            )
            .await?,
        )?)?;
        append_feed(
            &mut tx,
            FeedKind::IssuerKey.as_str(),
            &key_id.to_string(),
            feed::issuer_key_body(&row),
            at,
        )
        .await?;
        tx.commit().await
    }

    async fn feed_since(&self, after: i64, limit: i64) -> R<Vec<FeedItem>> {
        let rows = self
            .query(
                "SELECT seq, kind, item_key, body FROM feed WHERE seq > $1 ORDER BY seq LIMIT $2",
                params![after, limit],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(FeedItem {
                    seq: r.i64(0)?,
                    kind: r.text(1)?,
                    key: r.text(2)?,
                    body: r.text(3)?,
                })
            })
            .collect()
    }
}

/// `IN` list parameters for checkpoint ids, starting at `$first`.
pub(super) fn id_list(first: usize, ids: &[i64]) -> (String, Vec<Value>) {
    (
        placeholders(first, ids.len()),
        ids.iter().map(|&i| Value::I64(i)).collect(),
    )
}
