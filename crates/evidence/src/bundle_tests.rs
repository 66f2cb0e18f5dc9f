#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use serde_json::json;

use super::*;
use crate::tree::{append, inclusion_proof, TileMap};

const ORIGIN: &str = "pocnet.example.cn/evidence";

struct Fixture {
    bundle: SignedDocument,
    trusted: Vec<Verifier>,
}

fn fixture() -> Fixture {
    let center = Signer::generate("pocnet.example.cn/center/sz-001", Algorithm::Ed25519).unwrap();
    let bureau = Signer::generate("pocnet.example.cn/bureau", Algorithm::Sm2).unwrap();
    let log = Signer::generate(ORIGIN, Algorithm::Ed25519).unwrap();
    let document = json!({
        "类型": "概念验证项目立项通知",
        "项目": {"名称": "高镍三元前驱体中试验证", "编号": "POC-2026-0013"},
        "资助金额_分": 150_000_000,
        "资助金额_元": "1500000.00",
        "日期": "2026-03-01",
        "通过": true,
        "备注": null,
    });
    let (bytes, signatures) = sign_document(&document, &[&center, &bureau]).unwrap();
    let mut leaves: Vec<Hash> = (0..20)
        .map(|i| leaf_hash(format!("other {i}").as_bytes()))
        .collect();
    leaves[13] = leaf_hash(&bytes);
    let map_empty = TileMap::new();
    let appended = append(&map_empty, 0, &leaves).unwrap();
    let mut map = TileMap::new();
    map.apply(&appended);
    let proof = inclusion_proof(&map, 13, 20).unwrap();
    let checkpoint = Checkpoint {
        origin: ORIGIN.into(),
        size: 20,
        root: appended.root,
        extensions: vec![],
    };
    let bundle = SignedDocument {
        document,
        signatures,
        log: LogProof {
            origin: ORIGIN.into(),
            index: 13,
            tree_size: 20,
            inclusion: proof.iter().map(Hash::to_base64).collect(),
            checkpoint: checkpoint.sign(&[&log]).unwrap(),
        },
    };
    let trusted = vec![
        center.verifier().clone(),
        bureau.verifier().clone(),
        log.verifier().clone(),
    ];
    Fixture { bundle, trusted }
}

#[test]
fn a_good_bundle_verifies() {
    let f = fixture();
    let bytes = serde_json::to_vec_pretty(&f.bundle).unwrap();
    let v = verify_bundle(&bytes, &f.trusted).unwrap();
    assert_eq!(
        (v.origin.as_str(), v.index, v.checkpoint_size),
        (ORIGIN, 13, 20)
    );
    assert_eq!(v.signed_by.len(), 2);
    assert_eq!(
        v.document_sha256,
        sha256(&canonical_json(&f.bundle.document).unwrap())
    );
    // Compact and pretty JSON are the same bundle.
    verify_bundle(&serde_json::to_vec(&f.bundle).unwrap(), &f.trusted).unwrap();
}

#[test]
fn each_check_has_its_own_reason() {
    let f = fixture();
    let check = |b: &SignedDocument, trusted: &[Verifier]| {
        verify_bundle(&serde_json::to_vec(b).unwrap(), trusted)
    };

    assert!(matches!(
        verify_bundle(b"{", &f.trusted),
        Err(VerifyError::Json(_))
    ));
    let mut b = f.bundle.clone();
    b.document["金额"] = json!(1.5);
    assert!(matches!(
        check(&b, &f.trusted),
        Err(VerifyError::Canonical(_))
    ));
    let mut b = f.bundle.clone();
    b.signatures.clear();
    assert_eq!(check(&b, &f.trusted), Err(VerifyError::NoDocumentSignature));
    let mut b = f.bundle.clone();
    b.document["通过"] = json!(false);
    assert!(matches!(
        check(&b, &f.trusted),
        Err(VerifyError::DocumentSignatureInvalid(_))
    ));
    let mut b = f.bundle.clone();
    b.signatures[1].alg = "ed25519".into();
    assert!(matches!(
        check(&b, &f.trusted),
        Err(VerifyError::AlgorithmMismatch { .. })
    ));
    let mut b = f.bundle.clone();
    b.signatures[0].sig = "not base64!".into();
    assert!(matches!(
        check(&b, &f.trusted),
        Err(VerifyError::SignatureEncoding(_))
    ));
    assert!(matches!(
        check(&f.bundle, &f.trusted[1..]),
        Err(VerifyError::UntrustedSigner(_))
    ));
    let mut b = f.bundle.clone();
    b.log.tree_size = 21;
    assert!(matches!(
        check(&b, &f.trusted),
        Err(VerifyError::TreeSizeMismatch { .. })
    ));
    let mut b = f.bundle.clone();
    b.log.index = 12;
    assert!(matches!(
        check(&b, &f.trusted),
        Err(VerifyError::InclusionInvalid(_))
    ));
    let mut b = f.bundle.clone();
    b.log.inclusion[0] = "AAAA".into();
    assert_eq!(
        check(&b, &f.trusted),
        Err(VerifyError::InclusionEncoding(0))
    );
    let mut b = f.bundle.clone();
    b.log.checkpoint = "garbage".into();
    assert!(matches!(
        check(&b, &f.trusted),
        Err(VerifyError::CheckpointMalformed(_))
    ));
    let mut b = f.bundle.clone();
    b.log.origin = "elsewhere.example/log".into();
    assert!(matches!(
        check(&b, &f.trusted),
        Err(VerifyError::OriginMismatch { .. })
    ));
    // Log key not trusted.
    assert_eq!(
        check(&f.bundle, &f.trusted[..2]),
        Err(VerifyError::CheckpointUntrusted)
    );
    // A checkpoint with the right root and size but signed by a trusted key of another name.
    let mut b = f.bundle.clone();
    let cp = Checkpoint::parse(&Note::parse(&b.log.checkpoint).unwrap().text).unwrap();
    let other = Signer::generate("someone.example/else", Algorithm::Ed25519).unwrap();
    b.log.checkpoint = cp.sign(&[&other]).unwrap();
    let mut trusted = f.trusted.clone();
    trusted.push(other.verifier().clone());
    assert_eq!(check(&b, &trusted), Err(VerifyError::CheckpointUntrusted));
    // A trusted log signature that does not verify.
    let mut b = f.bundle.clone();
    let mut n2 = Note::parse(&b.log.checkpoint).unwrap();
    n2.signatures[0].signature[3] ^= 4;
    b.log.checkpoint = n2.to_text();
    assert!(matches!(
        check(&b, &f.trusted),
        Err(VerifyError::CheckpointSignatureInvalid(_))
    ));
    // Unknown fields are rejected.
    let mut v = serde_json::to_value(&f.bundle).unwrap();
    v["log"]["extra"] = json!(1);
    assert!(matches!(
        verify_bundle(&serde_json::to_vec(&v).unwrap(), &f.trusted),
        Err(VerifyError::Json(_))
    ));
    // Messages name what failed in both languages.
    let msg = VerifyError::DocumentSignatureInvalid("k+00000000".into()).to_string();
    assert!(msg.contains("文档签名无效") && msg.contains("document signature invalid"));
}

/// Whether byte `i` of a JSON text is whitespace outside any string (which JSON ignores).
fn insignificant_whitespace(json: &[u8]) -> Vec<bool> {
    let mut out = vec![false; json.len()];
    let (mut in_string, mut escaped) = (false, false);
    for (i, &c) in json.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
            }
        } else if c == b'"' {
            in_string = true;
        } else {
            out[i] = matches!(c, b' ' | b'\t' | b'\n' | b'\r');
        }
    }
    out
}

/// Flips every byte of a pretty-printed bundle four ways. A change passes verification exactly
/// when it turns insignificant whitespace into other whitespace; every other change fails.
#[test]
fn every_changed_byte_fails_except_whitespace_for_whitespace() {
    let f = fixture();
    let good = serde_json::to_vec_pretty(&f.bundle).unwrap();
    let ws = insignificant_whitespace(&good);
    let mut reasons = BTreeSet::new();
    let (mut passed, mut failed) = (0, 0);
    for i in 0..good.len() {
        let orig = good[i];
        for new in [orig ^ 0x01, orig ^ 0x20, orig ^ 0x80, b' ', b'\t'] {
            if new == orig {
                continue;
            }
            let mut bad = good.clone();
            bad[i] = new;
            let r = verify_bundle(&bad, &f.trusted);
            let may_pass = ws[i] && matches!(new, b' ' | b'\t' | b'\n' | b'\r');
            assert_eq!(
                r.is_ok(),
                may_pass,
                "byte {i} {:?} -> {:?}: {r:?}",
                orig as char,
                new as char
            );
            match r {
                Ok(_) => passed += 1,
                Err(e) => {
                    failed += 1;
                    reasons.insert(
                        format!("{e:?}")
                            .split(['(', ' ', '{'])
                            .next()
                            .unwrap_or("")
                            .to_string(),
                    );
                }
            }
        }
    }
    assert!(
        passed > 50 && failed > 5 * good.len() / 2,
        "{passed} passed, {failed} failed"
    );
    for r in [
        "Json",
        "DocumentSignatureInvalid",
        "UntrustedSigner",
        "InclusionInvalid",
        "CheckpointSignatureInvalid",
        "CheckpointMalformed",
    ] {
        assert!(
            reasons.contains(r),
            "no byte change failed with {r}: {reasons:?}"
        );
    }
}
