//! Restoring a station from a backup without forking its device's chain at the hub.
//!
//! A backup is an older copy of a device that kept working: after it was made, the device went
//! on writing, and much of that reached the hub. Writing on from the backup as the same device
//! would give the hub a second event for a `seq` it holds already (a fork, which freezes the
//! device), and the hub never sends a device its own events back (a pull skips them), so the
//! restored copy cannot catch up as that device either. So a restored station takes a **new
//! device identity** at once ([`adopt_new_identity`], before the restored file is put in place):
//!
//! - it can write at once, offline, as the new device (a new chain, a device code of its own);
//! - what it still holds of the old device's chain beyond what the hub has (the backup was made
//!   after events the device never managed to push) is pushed with the old device's token and
//!   key, kept aside for this ([`flush_predecessor`]), each event exactly as the old chain has
//!   it, so nothing the backup holds is lost and nothing forks;
//! - the old device's events that reached the hub after the backup come back by pull: to the
//!   new device they are another device's events, and the unit's feed carries them; the pull
//!   cursor and the pinned hub stay, so they arrive from where the backup's cursor stood;
//! - the new device is enrolled with a code for a new device (`casedesk-hub enroll-code --unit`
//!   without `--device`), until then sync says so ([`SyncError::RestoredNeedsEnrollment`]).

use std::path::{Path, PathBuf};

use casedesk_proto::sync::codes;
use casedesk_store::backup::{self, BackupSummary};
use casedesk_store::{BackupPolicy, BackupReason, DbKey, Store, StoreError};
use uuid::Uuid;

use crate::{HubEndpoint, SyncError, Transport, keys, signed_batch, verify_receipt};

/// Sync state keys of a restored station's previous identity.
pub mod restore_keys {
    /// The device id the restored file had (kept for the record).
    pub const PREDECESSOR: &str = "predecessor_device";
    /// Its hub token, until what this file holds of its chain has reached the hub.
    pub const PREDECESSOR_TOKEN: &str = "predecessor_token";
    /// Its signing key (hex seed), for the same pushes.
    pub const PREDECESSOR_KEY: &str = "predecessor_device_key";
    /// When the station was restored (milliseconds); cleared at the next enrollment.
    pub const RESTORED: &str = "restored_ms";
}
use restore_keys::*;

/// Gives a just-restored station (the file not yet in place) a new device identity and keeps
/// the old one's token and key for [`flush_predecessor`]. Returns the old device id.
pub fn adopt_new_identity(store: &mut Store) -> Result<Uuid, StoreError> {
    let token = store.sync_get(keys::TOKEN)?;
    let key = store.sync_get(keys::DEVICE_KEY)?;
    let old = store.require_station()?.device;
    // A file restored twice keeps the first predecessor that still has events to hand over.
    let (pred_token, pred_key, pred) = match (token, store.sync_get(PREDECESSOR_TOKEN)?) {
        (Some(t), _) => (Some(t), key, old.to_string()),
        (None, Some(t)) => (
            Some(t),
            store.sync_get(PREDECESSOR_KEY)?,
            store.sync_get(PREDECESSOR)?.unwrap_or_default(),
        ),
        (None, None) => (None, None, old.to_string()),
    };
    let now = store.now().timestamp_millis().to_string();
    let pairs = vec![
        (PREDECESSOR, Some(pred)),
        (PREDECESSOR_TOKEN, pred_token),
        (PREDECESSOR_KEY, pred_key),
        (RESTORED, Some(now)),
        (keys::TOKEN, None),
        (keys::DEVICE_KEY, None),
        (keys::ACKED, None),
        (keys::RECEIPT, None),
        (keys::BATCH_BYTES, None),
        (keys::LAST_ERROR_CODE, None),
        (keys::LAST_ERROR, None),
        (keys::FAILURES, Some("0".into())),
    ];
    store.take_new_device_identity(&pairs)
}

/// What [`restore_backup`] did.
#[derive(Clone, Debug)]
pub struct Restored {
    /// What the backup holds.
    pub summary: BackupSummary,
    /// The device id of the backup (no longer written as).
    pub old_device: Uuid,
    /// The device id the restored station writes as from now on.
    pub new_device: Uuid,
    /// Where the database the restore replaced was kept: a backup of it (`pre-restore`), or,
    /// when it could not be opened, the file itself moved aside.
    pub replaced: Option<PathBuf>,
}

/// Restores the station file `live` from `backup`, which `backup_key` opens (None: a plain
/// backup). Every connection to `live` must be closed. In order: the backup is checked and
/// copied beside `live` (nothing changes when it is damaged or the key is wrong); the copy takes
/// a new device identity ([`adopt_new_identity`]); the current database is backed up with
/// `live_key` into `policy` (or moved aside when it cannot be opened, e.g. damaged); then the
/// copy replaces it.
pub fn restore_backup(
    backup: &Path,
    backup_key: Option<&DbKey>,
    live: &Path,
    live_key: Option<&DbKey>,
    policy: &BackupPolicy,
) -> Result<Restored, StoreError> {
    let (staged, summary) = backup::stage_restore(backup, backup_key, live)?;
    let adopted = (|| -> Result<(Uuid, Uuid), StoreError> {
        let mut s = match backup_key {
            Some(k) => Store::open_encrypted(&staged, k, None)?,
            None => Store::open(&staged)?,
        };
        let old = adopt_new_identity(&mut s)?;
        let new = s.require_station()?.device;
        Ok((old, new))
    })();
    let (old_device, new_device) = match adopted {
        Ok(ids) => ids,
        Err(e) => {
            let _ = casedesk_store::crypt::remove_db_files(&staged);
            return Err(e);
        }
    };
    let replaced = match casedesk_store::crypt::file_kind(live)? {
        casedesk_store::crypt::FileKind::Missing => None,
        _ => {
            let copied = (|| -> Result<Option<PathBuf>, StoreError> {
                let s = match live_key {
                    Some(k) => Store::open_encrypted(live, k, None)?,
                    None => Store::open(live)?,
                };
                let out = s.backup(policy, BackupReason::PreRestore)?;
                Ok(out.written.first().map(|b| b.path.clone()))
            })();
            match copied {
                Ok(p) => p,
                Err(_) => {
                    // Unreadable (the reason for restoring, often): kept as it is, aside.
                    let stamp = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs());
                    let aside = casedesk_store::crypt::sibling(live, &format!(".replaced-{stamp}"));
                    std::fs::rename(live, &aside)?;
                    for s in ["-wal", "-shm"] {
                        let side = casedesk_store::crypt::sibling(live, s);
                        if side.exists() {
                            std::fs::rename(&side, casedesk_store::crypt::sibling(&aside, s))?;
                        }
                    }
                    Some(aside)
                }
            }
        }
    };
    backup::commit_restore(&staged, live)?;
    Ok(Restored { summary, old_device, new_device, replaced })
}

/// Whether this station was restored and its new identity is not enrolled yet.
pub fn needs_enrollment(store: &Store) -> Result<bool, StoreError> {
    Ok(store.sync_get(RESTORED)?.is_some() && store.sync_get(keys::TOKEN)?.is_none())
}

/// The previous identity whose chain still has to reach the hub: its device id and token.
pub fn pending_predecessor(store: &Store) -> Result<Option<(Uuid, String)>, StoreError> {
    let (Some(dev), Some(token)) =
        (store.sync_get(PREDECESSOR)?, store.sync_get(PREDECESSOR_TOKEN)?)
    else {
        return Ok(None);
    };
    let dev =
        Uuid::parse_str(&dev).map_err(|e| StoreError::integrity(format!("{PREDECESSOR}: {e}")))?;
    Ok(Some((dev, token)))
}

/// The hub endpoint this station knows (the enrollment's), without a token.
pub fn hub_endpoint(store: &Store) -> Result<Option<HubEndpoint>, StoreError> {
    let Some(url) = store.sync_get(keys::HUB)? else { return Ok(None) };
    Ok(Some(HubEndpoint {
        url,
        fingerprint: store.sync_get(keys::FINGERPRINT)?,
        allow_plain_http: store.sync_get(keys::ALLOW_PLAIN_HTTP)?.as_deref() == Some("1"),
    }))
}

/// What a flush did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flushed {
    /// Events of the old device the hub did not have, pushed now.
    pub pushed: u64,
    /// The hub had more of the old device than this file (those come back by pull).
    pub hub_ahead: bool,
}

/// Pushes what this file holds of the previous device's chain beyond what the hub has, through
/// `t` (a transport with the previous device's token), then forgets that token. Events go as
/// the old chain has them: a hub that holds the same seqs answers with duplicates, never a fork.
pub fn flush_predecessor(
    store: &mut Store,
    device: Uuid,
    t: &mut dyn Transport,
) -> Result<Flushed, SyncError> {
    let mut out = Flushed::default();
    // What this file holds of the old chain (reported to the console like any device's head).
    let (held, _) = store.head_of(device)?;
    let status = match t.status(held) {
        Ok(s) => s,
        Err(SyncError::Hub { body, .. })
            if body.code == codes::UNAUTHORIZED || body.code == codes::TOKEN_REVOKED =>
        {
            // The old identity was revoked at the hub: nothing more can go out under it.
            forget_predecessor(store)?;
            return Ok(out);
        }
        Err(e) => return Err(e),
    };
    if status.device != device {
        return Err(SyncError::Protocol(format!("hub answered for device {}", status.device)));
    }
    let hub_key = store.sync_get(keys::HUB_KEY)?;
    let key = store
        .sync_get(PREDECESSOR_KEY)?
        .and_then(|k| casedesk_proto::sign::SecretKey::from_seed_hex(&k));
    let (head, _) = store.head_of(device)?;
    out.hub_ahead = status.acked_seq > head;
    let mut acked = status.acked_seq;
    while acked < head {
        let events = store.device_events_after(
            device,
            acked,
            casedesk_proto::limits::MIN_BATCH_BYTES,
            casedesk_proto::limits::MAX_BATCH_EVENTS,
        )?;
        if events.is_empty() {
            break;
        }
        let receipt = t.push(&signed_batch(key.as_ref(), device, events))?;
        if let Some(k) = &hub_key {
            verify_receipt(k, &receipt)?;
        }
        if receipt.acked_seq <= acked {
            return Err(SyncError::Protocol(format!("receipt did not advance past {acked}")));
        }
        acked = receipt.acked_seq;
        out.pushed += u64::from(receipt.stored);
    }
    forget_predecessor(store)?;
    Ok(out)
}

fn forget_predecessor(store: &mut Store) -> Result<(), StoreError> {
    store.sync_set(&[(PREDECESSOR_TOKEN, None), (PREDECESSOR_KEY, None)])
}
