//! Witnessing another log (见证): what one pocnet installation does to cosign
//! another's checkpoint — open the checkpoint with the log's keys, make sure the
//! log only grew since the checkpoint this witness last cosigned (an RFC 9162
//! consistency proof; a smaller tree or a different root at the same size is a
//! fork and is refused), then cosign (C2SP tlog-cosignature v1). Pure: the CLI
//! fetches and posts.

use pocnet_evidence::note::{Checkpoint, Note, Signer, Verifier};
use pocnet_evidence::tree::verify_consistency;
use pocnet_evidence::Hash;

/// The last checkpoint a witness cosigned for one log: its size and root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Witnessed {
    /// Tree size.
    pub size: u64,
    /// Root.
    pub root: Hash,
}

impl Witnessed {
    /// `size base64-root`, the state file's one line.
    pub fn to_line(&self) -> String {
        format!("{} {}\n", self.size, self.root.to_base64())
    }

    /// Reads [`Self::to_line`]'s form.
    pub fn parse(line: &str) -> Option<Self> {
        let (size, root) = line.trim().split_once(' ')?;
        Some(Self { size: size.parse().ok()?, root: Hash::from_base64(root).ok()? })
    }
}

/// Why a witness refuses to cosign.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    /// The checkpoint does not open with the log's keys, or names another log.
    #[error("检查点签名无效或不属于该日志 / checkpoint not signed by the log: {0}")]
    Checkpoint(String),
    /// The log shrank: a fork or a rollback.
    #[error("日志规模从 {old} 变为 {new}：日志被回滚或分叉，拒绝联署 / the log shrank from {old} to {new}")]
    Shrank {
        /// Size last cosigned.
        old: u64,
        /// Size now.
        new: u64,
    },
    /// Same size, another root: a fork.
    #[error("规模 {0} 的根与上次联署时不同：日志分叉，拒绝联署 / a different root at size {0}")]
    Forked(u64),
    /// The consistency proof does not hold.
    #[error("一致性证明不成立：日志不是只增不改 / consistency proof fails: {0}")]
    Inconsistent(String),
}

/// Checks `note` (the log's newest signed checkpoint) against the log's `keys` and the last
/// checkpoint this witness cosigned (with the consistency `proof` from it to the new size), and
/// returns the cosignature line to submit and the new state.
pub fn cosign(
    origin: &str,
    keys: &[Verifier],
    note: &str,
    last: Option<Witnessed>,
    proof: &[Hash],
    witness: &Signer,
    now_unix: u64,
) -> Result<(String, Witnessed), WitnessError> {
    let (cp, _) = Checkpoint::open(note, keys).map_err(|e| WitnessError::Checkpoint(e.to_string()))?;
    if cp.origin != origin {
        return Err(WitnessError::Checkpoint(format!("origin {} is not {origin}", cp.origin)));
    }
    if let Some(last) = last {
        if cp.size < last.size {
            return Err(WitnessError::Shrank { old: last.size, new: cp.size });
        }
        if cp.size == last.size && cp.root != last.root {
            return Err(WitnessError::Forked(cp.size));
        }
        if cp.size > last.size && last.size > 0 {
            verify_consistency(last.size, &last.root, cp.size, &cp.root, proof).map_err(|e| WitnessError::Inconsistent(e.to_string()))?;
        }
    }
    let mut n = Note::new(&cp.to_text()).map_err(|e| WitnessError::Checkpoint(e.to_string()))?;
    n.cosign(witness, now_unix).map_err(|e| WitnessError::Checkpoint(e.to_string()))?;
    let line = n.signatures.first().map(pocnet_evidence::note::NoteSignature::line).unwrap_or_default();
    Ok((line, Witnessed { size: cp.size, root: cp.root }))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use pocnet_evidence::note::Algorithm;
    use pocnet_evidence::tree::{append, consistency_proof, TileMap};

    fn tree(n: u64) -> (TileMap, Vec<Hash>) {
        let mut map = TileMap::new();
        let mut roots = vec![pocnet_evidence::hash::sha256(&[])];
        for i in 0..n {
            let a = append(&map, i, &[pocnet_evidence::leaf_hash(format!("leaf {i}").as_bytes())]).unwrap();
            map.apply(&a);
            roots.push(a.root);
        }
        (map, roots)
    }

    #[test]
    fn a_witness_cosigns_a_growing_log_and_refuses_a_fork_or_a_rollback() {
        let log = crate::evidence::Notary::ephemeral("kjj.wenzhou.example/pocnet").unwrap();
        let witness = Signer::generate("zj.example/witness", Algorithm::CosignatureV1).unwrap();
        let (map, roots) = tree(40);
        let keys = log.verifiers();
        let sign = |size: u64| log.sign_checkpoint(size, roots[size as usize]).unwrap();
        // First sight: nothing to be consistent with.
        let (line, state) = cosign("kjj.wenzhou.example/pocnet", &keys, &sign(10), None, &[], &witness, 1_796_000_000).unwrap();
        assert_eq!(state.size, 10);
        let with = format!("{}{line}", sign(10));
        let mut trusted = keys.clone();
        trusted.push(witness.verifier().clone());
        assert_eq!(Checkpoint::open(&with, &trusted).unwrap().1.verified.len(), 3, "the line cosigns the checkpoint");
        // Grown, with a valid consistency proof.
        let proof = consistency_proof(&map, 10, 25).unwrap();
        let (_, state) = cosign("kjj.wenzhou.example/pocnet", &keys, &sign(25), Some(state), &proof, &witness, 1_796_000_100).unwrap();
        assert_eq!(state.size, 25);
        // Refusals, each with its reason.
        let wrong = consistency_proof(&map, 11, 30).unwrap();
        assert!(matches!(cosign("kjj.wenzhou.example/pocnet", &keys, &sign(30), Some(state), &wrong, &witness, 0), Err(WitnessError::Inconsistent(_))));
        assert_eq!(cosign("kjj.wenzhou.example/pocnet", &keys, &sign(20), Some(state), &[], &witness, 0), Err(WitnessError::Shrank { old: 25, new: 20 }));
        let forked = log.sign_checkpoint(25, roots[24]).unwrap();
        assert_eq!(cosign("kjj.wenzhou.example/pocnet", &keys, &forked, Some(state), &[], &witness, 0), Err(WitnessError::Forked(25)));
        let stranger = crate::evidence::Notary::ephemeral("kjj.wenzhou.example/pocnet").unwrap();
        assert!(matches!(cosign("kjj.wenzhou.example/pocnet", &keys, &stranger.sign_checkpoint(30, roots[30]).unwrap(), Some(state), &[], &witness, 0), Err(WitnessError::Checkpoint(_))));
        assert!(matches!(cosign("other.example/log", &keys, &sign(30), Some(state), &consistency_proof(&map, 25, 30).unwrap(), &witness, 0), Err(WitnessError::Checkpoint(_))));
        assert_eq!(Witnessed::parse(&state.to_line()), Some(state));
    }
}
