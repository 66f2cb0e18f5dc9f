//! The log's Merkle tree, stored as C2SP tlog-tiles (tile height 8), with RFC 9162 proofs.
//!
//! # Geometry
//! A tile at level `L` and index `N` holds up to 256 consecutive hashes of the tree at height `8·L`,
//! starting at hash number `256·N`: level-0 tiles hold leaf hashes, level-1 tiles hold the roots of
//! 256-leaf subtrees, level-`L` tiles the roots of `256^L`-leaf subtrees. A tile with fewer than 256
//! hashes is *partial*; it only ever grows, and its contents are always a prefix of its later
//! contents, so a store may keep one row per `(level, index)` and overwrite it as it widens. Every
//! hash the tree needs can be read from, or recomputed within, one tile.
//!
//! # Who does what
//! The proving and appending algorithms are Go's `sumdb/tlog` as ported to Rust by Cloudflare
//! (crate `tlog_tiles`, on `sha2` 0.10 and with no signature dependency); this module maps its
//! "stored hash index" reads onto tiles from a [`TileSource`], so the caller — who stores tiles in
//! SQL — only has to preload the handful of tiles that the `tiles_needed_*` functions name.
//! The verifiers [`verify_inclusion`] and [`verify_consistency`] are written independently from the
//! algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2, so prover and verifier check each other.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::fmt;

use tlog_tiles::{HashReader, Tile};

use crate::hash::{node_hash, Hash, HASH_LEN};

/// Tile height: each tile covers 8 levels of the tree.
pub const TILE_HEIGHT: u8 = 8;
/// Hashes in a full tile (`2^TILE_HEIGHT`).
pub const FULL_TILE_WIDTH: u16 = 256;

/// One tile: level, index within the level, and width (1..=256 hashes).
///
/// Two `TileId`s with the same level and index but different widths name the same stored tile at
/// two moments of its growth.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct TileId {
    /// Tile level: 0 for leaf hashes, `L` for hashes of `256^L`-leaf subtrees.
    pub level: u8,
    /// Index of the tile within its level.
    pub index: u64,
    /// Number of hashes in the tile, 1..=256.
    pub width: u16,
}

impl TileId {
    /// True when the tile holds all 256 hashes (it will never change again).
    pub fn is_full(&self) -> bool {
        self.width == FULL_TILE_WIDTH
    }

    /// Length of the tile's contents in bytes (`32 · width`).
    pub fn byte_len(&self) -> usize {
        usize::from(self.width) * HASH_LEN
    }

    /// The C2SP tlog-tiles path, e.g. `tile/0/x001/234.p/7` (the `.p/W` suffix marks a partial
    /// tile; the index is written in zero-padded groups of three digits, all but the last with `x`).
    pub fn path(&self) -> String {
        let mut groups = Vec::new();
        let mut n = self.index;
        loop {
            groups.push(n % 1000);
            n /= 1000;
            if n == 0 {
                break;
            }
        }
        let mut out = format!("tile/{}/", self.level);
        for (i, g) in groups.iter().rev().enumerate() {
            if i + 1 < groups.len() {
                out.push_str(&format!("x{g:03}/"));
            } else {
                out.push_str(&format!("{g:03}"));
            }
        }
        if !self.is_full() {
            out.push_str(&format!(".p/{}", self.width));
        }
        out
    }

    /// The tile `(level, index)` as it is in a tree of `size` leaves, if that tree has it.
    pub fn in_tree(level: u8, index: u64, size: u64) -> Option<TileId> {
        let hashes_at_level = size.checked_shr(u32::from(level) * u32::from(TILE_HEIGHT))?;
        let start = index.checked_mul(u64::from(FULL_TILE_WIDTH))?;
        let width = hashes_at_level
            .checked_sub(start)
            .filter(|w| *w > 0)?
            .min(u64::from(FULL_TILE_WIDTH));
        Some(TileId {
            level,
            index,
            width: u16::try_from(width).ok()?,
        })
    }
}

impl fmt::Display for TileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// Errors from reading the tree out of tiles.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// The tile source does not have this tile (load the tiles that `tiles_needed_*` names).
    #[error("tile {0} is not available")]
    MissingTile(TileId),
    /// The tile source returned fewer bytes than the tile's width needs.
    #[error("tile {tile} has {len} bytes, expected at least {}", tile.byte_len())]
    ShortTile {
        /// The tile asked for.
        tile: TileId,
        /// The number of bytes it had.
        len: usize,
    },
    /// A leaf index at or beyond the tree size.
    #[error("leaf index {index} is not in a tree of size {size}")]
    IndexOutOfRange {
        /// The index asked for.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// Tree sizes that do not make sense together (e.g. old > new, or old = 0 for a proof).
    #[error("tree sizes {old} and {new} do not make a valid range")]
    BadSizes {
        /// The first (older) size.
        old: u64,
        /// The second (newer) size.
        new: u64,
    },
    /// A storage-layer failure reported by the caller's [`TileSource`].
    #[error("tile storage: {0}")]
    Storage(String),
    /// An inconsistency inside the tiled tree (should not happen with well-formed tiles).
    #[error("tiled tree: {0}")]
    Internal(String),
}

/// Where the tree's tiles come from. Synchronous: the caller preloads the tiles that the
/// `tiles_needed_*` functions name (for instance from SQL into a [`TileMap`]).
pub trait TileSource {
    /// The first `id.width` hashes of tile `(id.level, id.index)`, as `32 · id.width` bytes (or
    /// more: a wider, later version of the same tile is fine, since tiles only grow by appending).
    fn tile(&self, id: TileId) -> Result<Cow<'_, [u8]>, TreeError>;
}

impl<T: TileSource + ?Sized> TileSource for &T {
    fn tile(&self, id: TileId) -> Result<Cow<'_, [u8]>, TreeError> {
        (**self).tile(id)
    }
}

/// An in-memory tile store: the latest contents of each `(level, index)`.
#[derive(Clone, Default, Debug)]
pub struct TileMap {
    tiles: HashMap<(u8, u64), Vec<u8>>,
}

impl TileMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores a tile's contents, replacing a narrower version of the same tile.
    pub fn insert(&mut self, id: TileId, data: Vec<u8>) {
        self.tiles.insert((id.level, id.index), data);
    }

    /// Stores every tile an [`append`] produced.
    pub fn apply(&mut self, appended: &Appended) {
        for (id, data) in &appended.tiles {
            self.insert(*id, data.clone());
        }
    }

    /// The stored contents of `(level, index)`, whatever their width.
    pub fn get(&self, level: u8, index: u64) -> Option<&[u8]> {
        self.tiles.get(&(level, index)).map(Vec::as_slice)
    }

    /// Number of stored tiles.
    pub fn len(&self) -> usize {
        self.tiles.len()
    }

    /// True when no tile is stored.
    pub fn is_empty(&self) -> bool {
        self.tiles.is_empty()
    }
}

impl TileSource for TileMap {
    fn tile(&self, id: TileId) -> Result<Cow<'_, [u8]>, TreeError> {
        let data = self
            .get(id.level, id.index)
            .ok_or(TreeError::MissingTile(id))?;
        let data = data.get(..id.byte_len()).ok_or(TreeError::ShortTile {
            tile: id,
            len: data.len(),
        })?;
        Ok(Cow::Borrowed(data))
    }
}

/// What [`append`] produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Appended {
    /// The tree size after the append.
    pub new_size: u64,
    /// The tree's root hash at `new_size`.
    pub root: Hash,
    /// Tiles to store: each tile that became full (once), and the right-edge partial tiles at their
    /// new widths (replacing narrower versions). Contents are `32 · width` bytes.
    pub tiles: Vec<(TileId, Vec<u8>)>,
}

/// The tiles that [`append`] reads from a tree of `old_size`: its right-edge partial tiles, at
/// most one per level.
pub fn tiles_needed_for_append(old_size: u64) -> Vec<TileId> {
    let mut out = Vec::new();
    for level in 0..=u8::MAX {
        let Some(hashes) = old_size.checked_shr(u32::from(level) * u32::from(TILE_HEIGHT)) else {
            break;
        };
        if hashes == 0 {
            break;
        }
        let index = hashes / u64::from(FULL_TILE_WIDTH);
        if let Some(id) = TileId::in_tree(level, index, old_size) {
            if !id.is_full() {
                out.push(id);
            }
        }
    }
    out
}

/// Appends leaf hashes to a tree of `old_size` leaves whose tiles are in `source` (at least those
/// named by [`tiles_needed_for_append`]`(old_size)`), returning the new size, root and the tiles to
/// store. Costs about two SHA-256 compressions per leaf plus the tile copies.
pub fn append<S: TileSource + ?Sized>(
    source: &S,
    old_size: u64,
    new_leaf_hashes: &[Hash],
) -> Result<Appended, TreeError> {
    let count = u64::try_from(new_leaf_hashes.len())
        .map_err(|_| TreeError::Internal("too many leaves".into()))?;
    let new_size = old_size
        .checked_add(count)
        .filter(|n| *n < (1 << 62))
        .ok_or(TreeError::BadSizes {
            old: old_size,
            new: u64::MAX,
        })?;
    // Every stored hash written by the new leaves has an index at or past `base`, and they are
    // written contiguously; older hashes come from the old tree's tiles.
    let base = stored_hash_count(old_size);
    let mut overlay: Vec<tlog_tiles::Hash> = Vec::with_capacity(new_leaf_hashes.len() * 2 + 64);
    for (i, leaf) in new_leaf_hashes.iter().enumerate() {
        let n = old_size + i as u64;
        let stored = {
            let reader = TiledHashes::new(source, old_size, base, &overlay);
            let stored = tlog_tiles::stored_hashes_for_record_hash(n, (*leaf).into(), &reader);
            reader.finish(stored)?
        };
        overlay.extend(stored);
    }
    let reader = TiledHashes::new(source, old_size, base, &overlay);
    let mut tiles = Vec::new();
    for tile in Tile::new_tiles(TILE_HEIGHT, old_size, new_size) {
        let data = tile.read_data(&reader);
        let data = reader.finish(data)?;
        let id = TileId {
            level: tile.level(),
            index: tile.level_index(),
            width: u16::try_from(tile.width())
                .map_err(|_| TreeError::Internal("tile width".into()))?,
        };
        tiles.push((id, data));
    }
    let root = reader
        .finish(tlog_tiles::tree_hash(new_size, &reader))?
        .into();
    Ok(Appended {
        new_size,
        root,
        tiles,
    })
}

/// The tiles [`tree_hash`] reads for a tree of `size` leaves (the right-edge partial tiles).
pub fn tiles_needed_for_tree_hash(size: u64) -> Vec<TileId> {
    let rec = Recorder::new(size);
    let _ = tlog_tiles::tree_hash(size, &rec);
    rec.into_tiles()
}

/// The root hash of the tree of `size` leaves (RFC 9162 MTH; the empty tree's is SHA-256 of "").
pub fn tree_hash<S: TileSource + ?Sized>(source: &S, size: u64) -> Result<Hash, TreeError> {
    let reader = TiledHashes::new(source, size, u64::MAX, &[]);
    Ok(reader.finish(tlog_tiles::tree_hash(size, &reader))?.into())
}

/// The tiles [`inclusion_proof`] reads.
pub fn tiles_needed_for_inclusion(index: u64, size: u64) -> Result<Vec<TileId>, TreeError> {
    if index >= size {
        return Err(TreeError::IndexOutOfRange { index, size });
    }
    let rec = Recorder::new(size);
    let _ = tlog_tiles::prove_record(size, index, &rec);
    Ok(rec.into_tiles())
}

/// The RFC 9162 inclusion proof (audit path) of leaf `index` in the tree of `size` leaves, from
/// the leaf's sibling upward.
pub fn inclusion_proof<S: TileSource + ?Sized>(
    source: &S,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, TreeError> {
    if index >= size {
        return Err(TreeError::IndexOutOfRange { index, size });
    }
    let reader = TiledHashes::new(source, size, u64::MAX, &[]);
    let proof = reader.finish(tlog_tiles::prove_record(size, index, &reader))?;
    Ok(proof.into_iter().map(Hash::from).collect())
}

/// The tiles [`consistency_proof`] reads.
pub fn tiles_needed_for_consistency(
    old_size: u64,
    new_size: u64,
) -> Result<Vec<TileId>, TreeError> {
    check_consistency_sizes(old_size, new_size)?;
    let rec = Recorder::new(new_size);
    let _ = tlog_tiles::prove_tree(new_size, old_size, &rec);
    Ok(rec.into_tiles())
}

/// The RFC 9162 consistency proof from the tree of `old_size` leaves to the tree of `new_size`
/// (`1 ≤ old_size ≤ new_size`; empty when the sizes are equal).
pub fn consistency_proof<S: TileSource + ?Sized>(
    source: &S,
    old_size: u64,
    new_size: u64,
) -> Result<Vec<Hash>, TreeError> {
    check_consistency_sizes(old_size, new_size)?;
    let reader = TiledHashes::new(source, new_size, u64::MAX, &[]);
    let proof = reader.finish(tlog_tiles::prove_tree(new_size, old_size, &reader))?;
    Ok(proof.into_iter().map(Hash::from).collect())
}

fn check_consistency_sizes(old: u64, new: u64) -> Result<(), TreeError> {
    if old == 0 || old > new {
        return Err(TreeError::BadSizes { old, new });
    }
    Ok(())
}

/// Number of hashes in Go tlog's dense "stored hash" numbering for a tree of `n` leaves.
fn stored_hash_count(n: u64) -> u64 {
    tlog_tiles::stored_hash_count(n)
}

/// Reads tlog "stored hashes" out of tiles of a tree of `size` leaves, or from `overlay` for
/// indexes at or past `base` (the hashes an append in progress has just computed).
struct TiledHashes<'a, S: TileSource + ?Sized> {
    source: &'a S,
    size: u64,
    base: u64,
    overlay: &'a [tlog_tiles::Hash],
    error: RefCell<Option<TreeError>>,
}

impl<'a, S: TileSource + ?Sized> TiledHashes<'a, S> {
    fn new(source: &'a S, size: u64, base: u64, overlay: &'a [tlog_tiles::Hash]) -> Self {
        Self {
            source,
            size,
            base,
            overlay,
            error: RefCell::new(None),
        }
    }

    /// Turns a `tlog_tiles` result into ours, preferring the storage error that caused a failure.
    fn finish<T>(&self, r: Result<T, tlog_tiles::Error>) -> Result<T, TreeError> {
        match (r, self.error.borrow_mut().take()) {
            (_, Some(e)) => Err(e),
            (Ok(v), None) => Ok(v),
            (Err(e), None) => Err(TreeError::Internal(e.to_string())),
        }
    }

    fn fail(&self, e: TreeError) -> tlog_tiles::Error {
        *self.error.borrow_mut() = Some(e);
        tlog_tiles::Error::InvalidTile
    }
}

impl<S: TileSource + ?Sized> HashReader for TiledHashes<'_, S> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        let mut loaded: LoadedTiles<'_> = HashMap::new();
        let mut out = Vec::with_capacity(indexes.len());
        for &x in indexes {
            if x >= self.base {
                let i = usize::try_from(x - self.base).map_err(|_| tlog_tiles::Error::BadMath)?;
                out.push(
                    *self
                        .overlay
                        .get(i)
                        .ok_or(tlog_tiles::Error::IndexesNotInTree)?,
                );
                continue;
            }
            let needed = Tile::from_index(TILE_HEIGHT, x);
            let key = (needed.level(), needed.level_index());
            let (tile, data) = match loaded.entry(key) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let Some(id) = TileId::in_tree(key.0, key.1, self.size) else {
                        return Err(self.fail(TreeError::Internal(format!(
                            "hash {x} is outside the tree of size {}",
                            self.size
                        ))));
                    };
                    let data = self.source.tile(id).map_err(|err| self.fail(err))?;
                    if data.len() < id.byte_len() {
                        return Err(self.fail(TreeError::ShortTile {
                            tile: id,
                            len: data.len(),
                        }));
                    }
                    let tile =
                        Tile::new(TILE_HEIGHT, id.level, id.index, u32::from(id.width), false);
                    e.insert((tile, data))
                }
            };
            out.push(tile.hash_at_index(data, x)?);
        }
        Ok(out)
    }
}

/// Tiles read during one `read_hashes` call, by `(level, index)`.
type LoadedTiles<'a> = HashMap<(u8, u64), (Tile, Cow<'a, [u8]>)>;

/// A [`HashReader`] that records which tiles a computation reads (the indexes it asks for depend
/// only on the tree sizes, never on the hashes), answering with zero hashes.
struct Recorder {
    size: u64,
    seen: RefCell<BTreeSet<TileId>>,
}

impl Recorder {
    fn new(size: u64) -> Self {
        Self {
            size,
            seen: RefCell::new(BTreeSet::new()),
        }
    }

    fn into_tiles(self) -> Vec<TileId> {
        self.seen.into_inner().into_iter().collect()
    }
}

impl HashReader for Recorder {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<tlog_tiles::Hash>, tlog_tiles::Error> {
        let mut seen = self.seen.borrow_mut();
        for &x in indexes {
            let t = Tile::from_index(TILE_HEIGHT, x);
            if let Some(id) = TileId::in_tree(t.level(), t.level_index(), self.size) {
                seen.insert(id);
            }
        }
        Ok(vec![tlog_tiles::Hash::default(); indexes.len()])
    }
}

/// Why a proof did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf index is not below the tree size.
    #[error("leaf index {index} is not in a tree of size {size}")]
    IndexOutOfRange {
        /// The claimed index.
        index: u64,
        /// The claimed tree size.
        size: u64,
    },
    /// The two tree sizes cannot be proved consistent (zero, or the first larger).
    #[error("tree sizes {old} and {new} cannot be proved consistent")]
    BadSizes {
        /// The first size.
        old: u64,
        /// The second size.
        new: u64,
    },
    /// The proof has the wrong number of hashes for the sizes claimed.
    #[error("proof has the wrong number of hashes")]
    WrongLength,
    /// The proof leads to a different root.
    #[error("proof does not lead to the expected root")]
    RootMismatch,
}

/// Verifies an inclusion proof: that `leaf_hash` is leaf `index` of the tree of `size` leaves
/// whose root is `root`. RFC 9162 §2.1.3.2, step by step.
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    // 1. leaf_index must be below tree_size.
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    // 2. fn = leaf_index, sn = tree_size - 1. 3. r = hash.
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf_hash;
    // 4. For each p in the path:
    for p in proof {
        // a. sn = 0 means the path is too long.
        if s == 0 {
            return Err(ProofError::WrongLength);
        }
        // b. Right child (or last node of its level): p is on the left.
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            // Skip the levels where this node has no right sibling.
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        // c. Up one level.
        f >>= 1;
        s >>= 1;
    }
    // 5. sn must be 0 and r the root.
    if s != 0 {
        return Err(ProofError::WrongLength);
    }
    if r != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Verifies a consistency proof: that the tree of `old_size` leaves with root `old_root` is a
/// prefix of the tree of `new_size` leaves with root `new_root`. RFC 9162 §2.1.4.2, step by step;
/// equal sizes need an empty proof and equal roots, and size 0 is never provable.
pub fn verify_consistency(
    old_size: u64,
    old_root: &Hash,
    new_size: u64,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size == 0 || old_size > new_size {
        return Err(ProofError::BadSizes {
            old: old_size,
            new: new_size,
        });
    }
    if old_size == new_size {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength);
        }
        if old_root != new_root {
            return Err(ProofError::RootMismatch);
        }
        return Ok(());
    }
    // 1. An empty path cannot prove anything.
    if proof.is_empty() {
        return Err(ProofError::WrongLength);
    }
    // 2. If first is an exact power of 2, prepend first_hash to the path.
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old_size.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    // 3. fn = first - 1, sn = second - 1.
    let (mut f, mut s) = (old_size - 1, new_size - 1);
    // 4. While LSB(fn) is set, shift both right.
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    // 5. fr = sr = the first value of the path.
    let (first, rest) = path.split_first().ok_or(ProofError::WrongLength)?;
    let (mut fr, mut sr) = (*first, *first);
    // 6. For each subsequent value c:
    for c in rest {
        // a. sn = 0 means the path is too long.
        if s == 0 {
            return Err(ProofError::WrongLength);
        }
        // b.
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f & 1 == 0 {
                while f & 1 == 0 && f != 0 {
                    f >>= 1;
                    s >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        // c.
        f >>= 1;
        s >>= 1;
    }
    // 7. fr must be first_hash, sr second_hash, and sn 0.
    if s != 0 {
        return Err(ProofError::WrongLength);
    }
    if fr != *old_root || sr != *new_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
#[path = "tree_tests.rs"]
mod tests;
