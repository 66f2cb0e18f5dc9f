//! The transparency log as workflows (存证日志): appending what the triggers
//! queued, signing checkpoints, proving inclusion and consistency to anyone,
//! accepting witnesses' cosignatures, and verifying the whole log from the
//! records up — the check that finds a row changed or deleted behind pocnet's
//! back.

use crate::{Caller, Context, Error, Result};
use pocnet_evidence::note::{open_note, Algorithm, Checkpoint, Verifier};
use pocnet_evidence::tree::{self, TileMap};
use pocnet_evidence::{leaf_hash, sm3_leaf_digest, Hash};
use pocnet_store::evidence::checkpoints::{self, StoredCheckpoint};
use pocnet_store::evidence::keys;
use pocnet_store::evidence::log::{self as store_log, Head, LeafKind};
use serde::Serialize;

/// Records appended per transaction.
pub const BATCH: usize = 5_000;

fn proof_failed(e: tree::TreeError) -> Error {
    match e {
        tree::TreeError::IndexOutOfRange { .. } | tree::TreeError::BadSizes { .. } => {
            pocnet_domain::FieldError::new("size", "out_of_range", "序号或规模超出日志范围").into()
        }
        e => Error::Internal(e.to_string()),
    }
}

/// Appends everything queued, batch by batch; returns the tree after.
pub async fn sequence(ctx: &Context) -> Result<Head> {
    loop {
        let s = store_log::sequence(ctx.store(), ctx.now(), BATCH).await?;
        if s.appended == 0 && s.missing == 0 {
            return Ok(s.head);
        }
    }
}

/// Publishes the notary's public keys (the well-known list), retiring any others.
pub async fn publish_keys(ctx: &Context) -> Result<()> {
    let notary = ctx.notary()?;
    keys::publish_current(ctx.store().pool(), &notary.published(), ctx.now()).await?;
    Ok(())
}

/// Appends what is queued and signs a checkpoint of the tree if it grew since the last one
/// (the last one otherwise); `None` while the log is empty.
pub async fn checkpoint(ctx: &Context) -> Result<Option<StoredCheckpoint>> {
    let head = sequence(ctx).await?;
    let pool = ctx.store().pool();
    let latest = checkpoints::latest(pool).await?;
    if latest.is_none() {
        // The first checkpoint: the keys it is signed with are published first.
        publish_keys(ctx).await?;
    }
    if head.size == 0 || latest.as_ref().is_some_and(|c| c.size >= head.size) {
        return Ok(latest);
    }
    let note = ctx.notary()?.sign_checkpoint(head.size, head.root)?;
    checkpoints::keep(pool, head.size, &head.root, &note, ctx.now()).await?;
    Ok(Some(checkpoints::get(pool, head.size).await?))
}

/// What the log looks like now (public).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LogState {
    /// The log's origin (its name in checkpoints).
    pub origin: String,
    /// Leaves appended.
    pub size: u64,
    /// The tree's root now (base64).
    pub root: String,
    /// Records written but not yet appended (the sequencer takes them within seconds).
    pub queued: i64,
    /// The newest signed checkpoint, if any.
    pub checkpoint: Option<CheckpointView>,
    /// Every public key this installation has signed with.
    pub keys: Vec<keys::PublishedKey>,
}

/// A signed checkpoint as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckpointView {
    /// Tree size.
    pub size: u64,
    /// Root (base64).
    pub root: String,
    /// The signed note, with witnesses' cosignatures appended.
    pub note: String,
    /// When it was signed (UTC).
    pub signed_at: String,
    /// Witnesses that cosigned it, by name.
    pub witnesses: Vec<String>,
}

async fn view(ctx: &Context, c: StoredCheckpoint) -> Result<CheckpointView> {
    let cosigs = if c.witnessed_by > 0 { checkpoints::cosignatures(ctx.store().pool(), c.size).await? } else { Vec::new() };
    let mut note = c.note.clone();
    for s in &cosigs {
        note.push_str(&s.line);
        if !s.line.ends_with('\n') {
            note.push('\n');
        }
    }
    Ok(CheckpointView { size: c.size, root: c.root.to_base64(), note, signed_at: c.signed_at, witnesses: cosigs.into_iter().map(|s| s.witness_name).collect() })
}

/// The log now.
pub async fn state(ctx: &Context) -> Result<LogState> {
    let pool = ctx.store().pool();
    let head = store_log::head(pool).await?;
    let checkpoint = match checkpoints::latest(pool).await? {
        Some(c) => Some(view(ctx, c).await?),
        None => None,
    };
    Ok(LogState {
        origin: ctx.notary()?.origin().to_owned(),
        size: head.size,
        root: head.root.to_base64(),
        queued: store_log::queued(pool).await?,
        checkpoint,
        keys: keys::published(pool).await?,
    })
}

/// Signed checkpoints, newest first, below `before` (keyset pages of `limit`).
pub async fn checkpoints_page(ctx: &Context, before: Option<u64>, limit: i64) -> Result<Vec<CheckpointView>> {
    let mut out = Vec::new();
    for c in checkpoints::list(ctx.store().pool(), before, limit.clamp(1, 100)).await? {
        out.push(view(ctx, c).await?);
    }
    Ok(out)
}

/// The checkpoint of `size`, with its cosignatures.
pub async fn checkpoint_of(ctx: &Context, size: u64) -> Result<CheckpointView> {
    view(ctx, checkpoints::get(ctx.store().pool(), size).await?).await
}

/// Signs a checkpoint now (the bureau; the server also does so by itself).
pub async fn sign_now(ctx: &Context, caller: &Caller) -> Result<Option<CheckpointView>> {
    caller.require(&[pocnet_domain::role::Role::Bureau])?;
    match checkpoint(ctx).await? {
        Some(c) => Ok(Some(view(ctx, c).await?)),
        None => Ok(None),
    }
}

/// A proof (hashes base64, in RFC 9162 order).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Proof {
    /// The leaf's index (inclusion) or the older size (consistency).
    pub from: u64,
    /// The tree size the proof is for.
    pub size: u64,
    /// The proof's hashes, base64.
    pub hashes: Vec<String>,
}

async fn tree_size_checked(ctx: &Context, size: u64) -> Result<()> {
    let head = store_log::head(ctx.store().pool()).await?;
    if size == 0 || size > head.size {
        return Err(pocnet_domain::FieldError::new("size", "out_of_range", "规模须在1至当前日志规模之间").into());
    }
    Ok(())
}

/// The inclusion proof of leaf `index` in the tree of `size` leaves (anyone: hashes only).
pub async fn inclusion(ctx: &Context, index: u64, size: u64) -> Result<Proof> {
    tree_size_checked(ctx, size).await?;
    let needed = tree::tiles_needed_for_inclusion(index, size).map_err(proof_failed)?;
    let map = store_log::tiles_of(ctx.store().pool(), ctx.store().backend(), &needed).await?;
    let hashes = tree::inclusion_proof(&map, index, size).map_err(proof_failed)?;
    Ok(Proof { from: index, size, hashes: hashes.iter().map(Hash::to_base64).collect() })
}

/// The consistency proof between the trees of `old` and `new` leaves (anyone).
pub async fn consistency(ctx: &Context, old: u64, new: u64) -> Result<Proof> {
    tree_size_checked(ctx, new).await?;
    let needed = tree::tiles_needed_for_consistency(old, new).map_err(proof_failed)?;
    let map = store_log::tiles_of(ctx.store().pool(), ctx.store().backend(), &needed).await?;
    let hashes = tree::consistency_proof(&map, old, new).map_err(proof_failed)?;
    Ok(Proof { from: old, size: new, hashes: hashes.iter().map(Hash::to_base64).collect() })
}

/// A leaf as the bureau sees it: which record, its hashes and the entry they commit to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LeafView {
    /// Index.
    pub index: u64,
    /// `audit`, `blob` or `document`.
    pub kind: String,
    /// Chinese label of the kind.
    pub kind_label: String,
    /// The record: an audit event's id, a file's SHA-256, a document's id.
    pub reference: String,
    /// SHA-256 leaf hash (hex).
    pub leaf_hash: String,
    /// SM3 digest (hex).
    pub sm3: String,
    /// When appended (UTC).
    pub sequenced_at: String,
    /// The entry as rebuilt from the record now (canonical JSON); `None` if the record is gone.
    pub entry: Option<String>,
    /// Whether the record still hashes to the leaf.
    pub intact: bool,
}

/// A leaf with its record (the bureau: entries carry the audit trail's contents).
pub async fn leaf(ctx: &Context, caller: &Caller, index: u64) -> Result<LeafView> {
    caller.require(&[pocnet_domain::role::Role::Bureau])?;
    let pool = ctx.store().pool();
    let l = store_log::leaf(pool, index).await?;
    let mut conn = pool.acquire().await.map_err(pocnet_store::StoreError::from)?;
    let entry = store_log::entries(&mut conn, ctx.store().backend() == pocnet_store::Backend::Sqlite, &[(l.kind, l.reference.clone())]).await?.pop().flatten();
    let intact = entry.as_ref().is_some_and(|e| leaf_hash(e) == l.leaf_hash && sm3_leaf_digest(e) == l.sm3);
    Ok(LeafView {
        index: l.index,
        kind: l.kind.as_str().to_owned(),
        kind_label: l.kind.label_zh().to_owned(),
        reference: l.reference,
        leaf_hash: l.leaf_hash.to_hex(),
        sm3: hex_of(&l.sm3),
        sequenced_at: l.sequenced_at,
        entry: entry.map(|e| String::from_utf8_lossy(&e).into_owned()),
        intact,
    })
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Accepts witnesses' cosignatures of the checkpoint of `size`: `lines` holds one or more
/// signature lines (`— name base64`, C2SP tlog-cosignature v1); each must verify with a
/// witness the bureau listed. Returns the names of the witnesses whose cosignature was kept.
pub async fn add_cosignatures(ctx: &Context, size: u64, lines: &str) -> Result<Vec<String>> {
    let pool = ctx.store().pool();
    let cp = checkpoints::get(pool, size).await?;
    let witnesses = keys::witnesses(pool).await?;
    let verifiers: Vec<(i64, String, Verifier)> =
        witnesses.iter().filter_map(|w| Verifier::parse(w.vkeys.trim()).ok().map(|v| (w.id, w.name.clone(), v))).collect();
    let trusted: Vec<Verifier> = verifiers.iter().map(|(_, _, v)| v.clone()).collect();
    let body = Checkpoint::parse(&pocnet_evidence::note::Note::parse(&cp.note).map_err(|e| Error::Internal(e.to_string()))?.text).map_err(|e| Error::Internal(e.to_string()))?;
    let submitted: Vec<&str> = lines.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if submitted.is_empty() {
        return Err(pocnet_domain::FieldError::new("cosignature", "required", "请提交见证方的联署签名行").into());
    }
    let note = format!("{}\n{}\n", body.to_text(), submitted.join("\n"));
    let opened = open_note(&note, &trusted).map_err(|e| match e {
        pocnet_evidence::note::NoteError::NoTrustedSignature => pocnet_domain::FieldError::new("cosignature", "untrusted", "联署签名不属于局方登记的任何见证方").into(),
        e => Error::from(pocnet_domain::FieldError::new("cosignature", "invalid", format!("联署签名无效：{e}"))),
    })?;
    let mut kept = Vec::new();
    for v in opened.verified.iter().filter(|v| v.algorithm == Algorithm::CosignatureV1) {
        let Some((id, name, _)) = verifiers.iter().find(|(_, _, w)| w.name() == v.name && w.key_id() == v.key_id) else { continue };
        let line = submitted.iter().find(|l| l.contains(&v.name)).copied().unwrap_or_default();
        let at = i64::try_from(v.timestamp.unwrap_or(0)).unwrap_or(i64::MAX);
        if checkpoints::keep_cosignature(pool, size, *id, &format!("{line}\n"), at, ctx.now()).await? {
            kept.push(name.clone());
        }
    }
    if kept.is_empty() && !opened.verified.iter().any(|v| v.algorithm == Algorithm::CosignatureV1) {
        return Err(pocnet_domain::FieldError::new("cosignature", "not_cosignature", "须为 cosignature/v1 类型的见证联署签名").into());
    }
    Ok(kept)
}

/// What the full verification found.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Verification {
    /// Leaves checked.
    pub leaves: u64,
    /// Signed checkpoints checked (signature and root).
    pub checkpoints: u64,
    /// Every problem, in leaf order; empty when the log is intact.
    pub problems: Vec<Problem>,
}

/// One problem the verification found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// The leaf (or the checkpoint's size) it concerns.
    pub index: u64,
    /// Stable code: `leaf_missing`, `record_missing`, `record_changed`, `file_changed`,
    /// `tile_changed`, `root_mismatch`, `checkpoint_signature`, `checkpoint_root`.
    pub code: String,
    /// Chinese description.
    pub message: String,
}

impl Verification {
    /// Whether nothing was found.
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }

    fn problem(&mut self, index: u64, code: &str, message: String) {
        self.problems.push(Problem { index, code: code.to_owned(), message });
    }
}

/// Leaves read per query of the full verification.
const CHUNK: i64 = 10_000;

/// Recomputes the whole log from the records: each leaf from its record as it is now (and each
/// file from its bytes), the tree from the leaves, every tile and the head from the tree, and
/// every checkpoint's root and signature (with every key this installation ever published).
/// Reports `(done, total)` as it goes.
pub async fn verify(ctx: &Context, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<Verification> {
    let pool = ctx.store().pool();
    let sqlite = ctx.store().backend() == pocnet_store::Backend::Sqlite;
    let head = store_log::head(pool).await?;
    let stored_checkpoints = checkpoints::all(pool).await?;
    let mut out = Verification::default();
    let mut rebuilt = TileMap::new();
    let mut size = 0u64;
    let mut next_checkpoint = stored_checkpoints.iter().peekable();
    let published: Vec<Verifier> = keys::published(pool).await?.iter().filter_map(|k| Verifier::parse(&k.vkey).ok()).collect();
    let mut conn = pool.acquire().await.map_err(pocnet_store::StoreError::from)?;
    loop {
        let leaves = store_log::leaves_from(pool, size, CHUNK).await?;
        if leaves.is_empty() {
            break;
        }
        let items: Vec<(LeafKind, String)> = leaves.iter().map(|l| (l.kind, l.reference.clone())).collect();
        let found = store_log::entries(&mut conn, sqlite, &items).await?;
        let mut hashes = Vec::with_capacity(leaves.len());
        for (l, entry) in leaves.iter().zip(&found) {
            if l.index != size + hashes.len() as u64 {
                // A leaf row is gone: the rest cannot be placed; report and stop.
                out.problem(size + hashes.len() as u64, "leaf_missing", format!("第 {} 号叶子缺失（日志记录被删除）", size + hashes.len() as u64));
                out.leaves = size + hashes.len() as u64;
                return Ok(out);
            }
            match entry {
                None => out.problem(l.index, "record_missing", format!("第 {} 号叶子对应的{}（{}）已不存在", l.index, l.kind.label_zh(), l.reference)),
                Some(e) if leaf_hash(e) != l.leaf_hash || sm3_leaf_digest(e) != l.sm3 => {
                    out.problem(l.index, "record_changed", format!("第 {} 号叶子对应的{}（{}）已被改动，与存证时不符", l.index, l.kind.label_zh(), l.reference));
                }
                Some(_) => {}
            }
            if l.kind == LeafKind::Blob && store_log::blob_digest(pool, &l.reference).await?.is_some_and(|d| d != l.reference) {
                out.problem(l.index, "file_changed", format!("第 {} 号叶子对应的文件内容已被改动（SHA-256 不再是 {}）", l.index, l.reference));
            }
            hashes.push(l.leaf_hash);
        }
        let appended = tree::append(&rebuilt, size, &hashes).map_err(|e| Error::Internal(e.to_string()))?;
        rebuilt.apply(&appended);
        // Each checkpoint reached is checked against the tree rebuilt so far.
        while let Some(c) = next_checkpoint.peek() {
            if c.size > appended.new_size {
                break;
            }
            let root = tree::tree_hash(&rebuilt, c.size).map_err(|e| Error::Internal(e.to_string()))?;
            if root != c.root {
                out.problem(c.size, "checkpoint_root", format!("规模 {} 的签名检查点与日志重算的根不符", c.size));
            }
            match Checkpoint::open(&c.note, &published) {
                Ok((body, _)) if body.size == c.size && body.root == root => {}
                Ok(_) => out.problem(c.size, "checkpoint_root", format!("规模 {} 的签名检查点所载的根与日志不符", c.size)),
                Err(e) => out.problem(c.size, "checkpoint_signature", format!("规模 {} 的检查点签名无法用本机公布的公钥验证：{e}", c.size)),
            }
            out.checkpoints += 1;
            next_checkpoint.next();
        }
        size = appended.new_size;
        progress(size, head.size);
    }
    out.leaves = size;
    for c in next_checkpoint {
        out.problem(c.size, "checkpoint_root", format!("规模 {} 的签名检查点超出现存的叶子（日志被截短）", c.size));
    }
    if size != head.size {
        out.problem(size, "root_mismatch", format!("日志头记载 {} 个叶子，实有 {}", head.size, size));
    } else if size > 0 && tree::tree_hash(&rebuilt, size).ok() != Some(head.root) {
        out.problem(size, "root_mismatch", "日志头的根与重算的根不符".to_owned());
    }
    // Every stored tile must be the one the leaves give.
    for level in 0..=8u8 {
        let mut after = -1;
        loop {
            let tiles = store_log::tiles_of_level(pool, level, after, 1000).await?;
            let Some(last) = tiles.last().map(|(i, _)| *i) else { break };
            for (idx, stored) in &tiles {
                let expected = rebuilt.get(level, u64::try_from(*idx).unwrap_or(u64::MAX));
                if expected.is_none_or(|e| !e.starts_with(stored) || stored.len() % 32 != 0) {
                    out.problem(u64::try_from(*idx).unwrap_or(0) * 256u64.pow(u32::from(level) + 1), "tile_changed", format!("第 {level} 层第 {idx} 块哈希瓦片与重算结果不符"));
                }
            }
            after = last;
        }
    }
    Ok(out)
}

/// A witness as the bureau enters it.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct WitnessInput {
    /// Who it is (e.g. 浙江省科学技术厅).
    pub name: String,
    /// Its public key in C2SP vkey form (`name+id+base64`), a cosignature/v1 (or Ed25519) key.
    pub vkey: String,
    /// A note.
    #[serde(default)]
    pub note: String,
}

/// Lists a witness whose cosignatures the log accepts (the bureau).
pub async fn add_witness(ctx: &Context, caller: &Caller, input: &WitnessInput) -> Result<i64> {
    caller.require(&[pocnet_domain::role::Role::Bureau])?;
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(pocnet_domain::FieldError::new("name", "required", "请填写见证方名称（100字以内）").into());
    }
    let vkey = input.vkey.trim();
    let v = Verifier::parse(vkey).map_err(|e| Error::from(pocnet_domain::FieldError::new("vkey", "invalid_key", format!("公钥格式无效：{e}"))))?;
    if v.algorithm() != Algorithm::CosignatureV1 {
        return Err(pocnet_domain::FieldError::new("vkey", "not_witness_key", "见证方公钥须为 cosignature/v1（类型 0x04）公钥").into());
    }
    Ok(keys::add_witness(ctx.store(), &caller.actor(), ctx.now(), name, vkey, input.note.trim()).await?)
}

/// The witnesses in force (the bureau).
pub async fn witnesses(ctx: &Context, caller: &Caller) -> Result<Vec<keys::TrustedKey>> {
    caller.require(&[pocnet_domain::role::Role::Bureau])?;
    Ok(keys::witnesses(ctx.store().pool()).await?)
}

/// Runs the full verification for the bureau (one at a time per server).
pub async fn verify_for(ctx: &Context, caller: &Caller) -> Result<Verification> {
    caller.require(&[pocnet_domain::role::Role::Bureau])?;
    verify(ctx, &|_, _| {}).await
}
