#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;

// golang.org/x/mod sumdb/note: note_test.go (TestNewVerifier, TestNewSigner) and example_test.go
// (ExampleSign, ExampleOpen, ExampleSign_add_signatures).
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                          then you don't know what your problem is.\n";
const PETER_SIG: &str = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG: &str = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

#[test]
fn go_sumdb_note_example_sign_and_open() {
    let signer = Signer::from_private_key(PETER_SKEY).unwrap();
    assert_eq!(signer.key_id(), 0xc74f20a3);
    assert_eq!(signer.verifier().to_vkey(), PETER_VKEY);
    assert_eq!(signer.to_private_key(), PETER_SKEY);
    let mut note = Note::new(PETER_TEXT).unwrap();
    note.sign(&signer).unwrap();
    let signed = note.to_text();
    assert_eq!(signed, format!("{PETER_TEXT}\n{PETER_SIG}"));

    let v = Verifier::parse(PETER_VKEY).unwrap();
    let opened = open_note(&signed, &[v]).unwrap();
    assert_eq!(opened.text, PETER_TEXT);
    assert_eq!(opened.verified.len(), 1);
    assert_eq!(
        (opened.verified[0].name.as_str(), opened.verified[0].key_id),
        ("PeterNeumann", 0xc74f20a3)
    );

    // ExampleSign_add_signatures: EnochRoot's key is generated from an all-zero random source.
    let enoch = Signer::from_secret("EnochRoot", Algorithm::Ed25519, &[0u8; 32]).unwrap();
    let mut note = Note::parse(&signed).unwrap();
    note.sign(&enoch).unwrap();
    assert_eq!(
        note.to_text(),
        format!("{PETER_TEXT}\n{PETER_SIG}{ENOCH_SIG}")
    );
    // Only Peter is trusted: Enoch's signature is ignored, not an error.
    let opened = open_note(&note.to_text(), &[Verifier::parse(PETER_VKEY).unwrap()]).unwrap();
    assert_eq!((opened.verified.len(), opened.unknown), (1, 1));
}

#[test]
fn go_sumdb_note_key_manglings_are_rejected() {
    assert!(Verifier::parse(PETER_VKEY).is_ok());
    let b = PETER_VKEY.as_bytes();
    for i in 0..=b.len() {
        for j in i + 1..=b.len() {
            if i != 0 || j != b.len() {
                if let Ok(s) = std::str::from_utf8(&b[i..j]) {
                    assert!(Verifier::parse(s).is_err(), "{s}");
                }
            }
        }
    }
    let mut m = b.to_vec();
    for i in 0..m.len() {
        m[i] += 1;
        assert!(Verifier::parse(std::str::from_utf8(&m).unwrap()).is_err());
        m[i] -= 1;
    }
    // Wrong key length with adjusted ID; unknown algorithm with adjusted ID (Go's own cases).
    assert!(Verifier::parse(
        "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
    )
    .is_err());
    assert!(
        Verifier::parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
            .is_err()
    );

    let b = PETER_SKEY.as_bytes();
    for i in 0..=b.len() {
        for j in i + 1..=b.len() {
            if i != 0 || j != b.len() {
                assert!(Signer::from_private_key(std::str::from_utf8(&b[i..j]).unwrap()).is_err());
            }
        }
    }
    let mut m = b.to_vec();
    for i in 0..m.len() {
        m[i] += 1;
        assert!(Signer::from_private_key(std::str::from_utf8(&m).unwrap()).is_err());
        m[i] -= 1;
    }
}

#[test]
fn c2sp_signed_note_example() {
    // c2sp.org/signed-note, "Example".
    let v =
        Verifier::parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
            .unwrap();
    let note = "This is an example message.\n\n\u{2014} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
    let opened = open_note(note, std::slice::from_ref(&v)).unwrap();
    assert_eq!(opened.text, "This is an example message.\n");
    let tampered = note.replacen("example message", "example massage", 1);
    assert_eq!(
        open_note(&tampered, &[v]),
        Err(NoteError::BadSignature {
            name: "example.com/foo".into(),
            key_id: 0x530d903a
        })
    );
}

#[test]
fn rfc8032_test_1() {
    // RFC 8032 §7.1 TEST 1 (empty message).
    let secret =
        hex::decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60").unwrap();
    let signer = Signer::from_secret("rfc8032", Algorithm::Ed25519, &secret).unwrap();
    let vkey = signer.verifier().to_vkey();
    let material = BASE64.decode(vkey.splitn(3, '+').nth(2).unwrap()).unwrap();
    assert_eq!(
        hex::encode(&material),
        "01d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    );
    let sig = signer.sign(b"").unwrap();
    assert_eq!(
        hex::encode(&sig),
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
    );
    assert!(signer.verifier().verify(b"", &sig));
    assert!(!signer.verifier().verify(b"x", &sig));
}

#[test]
fn sm2_openssl_vector_from_rustcrypto() {
    // RustCrypto elliptic-curves sm2/tests/sm2dsa.rs: made with
    // `openssl pkeyutl -sign -digest sm3 -pkeyopt distid:example@rustcrypto.org`.
    let public = hex::decode("0408D77AE04C01CC4C1104360DD8AF6B6F7DF334283D7C1A6AFD5652407B87BEE5014E2A57C36C150D16324DC664E31E6432359609C4E79847A5B161C8C7364C8A").unwrap();
    let sig = hex::decode("d1dcccedd9fb785e0f67c16b7c52901625c0b69de9bca2144acc7be713cad2fcf7d1eae6e3a157b36c65f672f738ca8b46298bf149a6510072c431b49cd88b1c").unwrap();
    let k = sm2::dsa::VerifyingKey::from_sec1_bytes("example@rustcrypto.org", &public).unwrap();
    assert!(sm2_verify(&k, b"testing", &sig));
    assert!(!sm2_verify(&k, b"testinG", &sig));
    // The same key with our distinguishing ID is a different Z value: the signature fails.
    let ours = sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DISTID, &public).unwrap();
    assert!(!sm2_verify(&ours, b"testing", &sig));
}

#[test]
fn sm2_round_trip_and_tampering() {
    let signer = Signer::generate("pocnet.example.cn/sm2-log", Algorithm::Sm2).unwrap();
    let vkey = signer.verifier().to_vkey();
    let material = BASE64.decode(vkey.splitn(3, '+').nth(2).unwrap()).unwrap();
    assert_eq!(&material[..11], SM2_TYPE);
    assert_eq!(material.len(), 11 + 65, "0xff ‖ OID ‖ uncompressed point");
    let v = Verifier::parse(&vkey).unwrap();
    assert_eq!(&v, signer.verifier());
    let again = Signer::from_private_key(&signer.to_private_key()).unwrap();
    assert_eq!(again.verifier(), signer.verifier());

    let mut note = Note::new("概念验证中心\n存证 42\n").unwrap();
    note.sign(&signer).unwrap();
    let text = note.to_text();
    let opened = open_note(&text, std::slice::from_ref(&v)).unwrap();
    assert_eq!(opened.verified[0].algorithm, Algorithm::Sm2);

    let tampered = text.replacen("42", "43", 1);
    assert!(matches!(
        open_note(&tampered, std::slice::from_ref(&v)),
        Err(NoteError::BadSignature { .. })
    ));
    let mut bad = note.clone();
    bad.signatures[0].signature[10] ^= 1;
    assert!(matches!(
        open_note(&bad.to_text(), std::slice::from_ref(&v)),
        Err(NoteError::BadSignature { .. })
    ));
    // An SM2 signature never verifies under an Ed25519 key of the same name (different ID).
    let ed = Signer::generate("pocnet.example.cn/sm2-log", Algorithm::Ed25519).unwrap();
    assert_eq!(
        open_note(&text, &[ed.verifier().clone()]),
        Err(NoteError::NoTrustedSignature)
    );
}

#[test]
fn trust_rules() {
    let a = Signer::generate("log.example/a", Algorithm::Ed25519).unwrap();
    let b = Signer::generate("log.example/b", Algorithm::Ed25519).unwrap();
    let mut note = Note::new("hello\n").unwrap();
    note.sign(&a).unwrap();
    note.sign(&b).unwrap();
    let text = note.to_text();
    // Unknown keys are ignored; a known one verifies.
    let o = open_note(&text, &[b.verifier().clone()]).unwrap();
    assert_eq!(
        (o.verified.len(), o.unknown, o.verified[0].name.as_str()),
        (1, 1, "log.example/b")
    );
    // Same name, other key (so other ID): ignored, so nothing trusted verified.
    let other_a = Signer::generate("log.example/a", Algorithm::Ed25519).unwrap();
    assert_eq!(
        open_note(&text, &[other_a.verifier().clone()]),
        Err(NoteError::NoTrustedSignature)
    );
    // A bad signature from a known key rejects the note even if another verifies.
    let mut bad = note.clone();
    bad.signatures[0].signature[0] ^= 0x80;
    assert!(matches!(
        open_note(
            &bad.to_text(),
            &[a.verifier().clone(), b.verifier().clone()]
        ),
        Err(NoteError::BadSignature { .. })
    ));
    // Malformed notes.
    for bad in [
        "hello\n",
        "hello\n\n",
        "hello\n\n\u{2014} log.example/a\n",
        "hello\n\n- log.example/a AAAAAAA=\n",
        "hello\n\n\u{2014} log.example/a AAAA\n",
        "hel\rlo\n\n\u{2014} log.example/a AAAAAAA=\n",
        "hello\n\n\u{2014} log.example/a AAAAAAA=",
    ] {
        assert!(
            matches!(Note::parse(bad), Err(NoteError::Malformed(_))),
            "{bad:?}"
        );
    }
    assert!(Note::new("no newline").is_err());
    assert!(Signer::generate("has space", Algorithm::Ed25519).is_err());
    assert!(Signer::generate("a+b", Algorithm::Ed25519).is_err());
}

#[test]
fn signer_debug_redacts_the_secret() {
    let s = Signer::from_private_key(PETER_SKEY).unwrap();
    let dbg = format!("{s:?}");
    assert!(dbg.contains("PeterNeumann") && dbg.contains("c74f20a3") && dbg.contains("redacted"));
    assert!(!dbg.contains("AYEKFALV") && !dbg.contains("810a"), "{dbg}");
}

#[test]
fn checkpoints_parse_and_format() {
    // c2sp.org/tlog-checkpoint example.
    let text =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    let cp = Checkpoint::parse(text).unwrap();
    assert_eq!(
        (cp.origin.as_str(), cp.size),
        ("example.com/behind-the-sofa", 20852163)
    );
    assert_eq!(cp.to_text(), text);
    let ext = format!("{text}extension one\n");
    assert_eq!(
        Checkpoint::parse(&ext).unwrap().extensions,
        vec!["extension one".to_string()]
    );
    assert_eq!(Checkpoint::parse(&ext).unwrap().to_text(), ext);
    let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
    for bad in [
        format!("\n1\n{root}\n"),
        format!("o\n01\n{root}\n"),
        format!("o\n+1\n{root}\n"),
        format!("o\n18446744073709551616\n{root}\n"),
        "o\n1\nAAAA\n".to_string(),
        format!("o\n1\n{root}"),
        format!("o\n1\n{root}\n\n"),
        "o\n1\n".to_string(),
    ] {
        assert!(Checkpoint::parse(&bad).is_err(), "{bad:?}");
    }
    assert_eq!(
        Checkpoint::parse(&format!("o\n0\n{root}\n")).unwrap().size,
        0
    );
}

#[test]
fn cosignatures_v1() {
    // The layout of c2sp.org/tlog-cosignature's example line: key ID, then the big-endian
    // timestamp 1679315147, then the Ed25519 signature.
    let example = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\u{2014} example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n\u{2014} witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";
    let parsed = Note::parse(example).unwrap();
    let w = &parsed.signatures[1];
    assert_eq!(w.signature.len(), 72);
    assert_eq!(
        u64::from_be_bytes(w.signature[..8].try_into().unwrap()),
        1679315147
    );
    assert_eq!(
        cosignature_message(1679315147, &parsed.text),
        b"cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    );

    let log = Signer::generate("pocnet.example.cn/log", Algorithm::Ed25519).unwrap();
    let witness = Signer::generate("witness.example.cn/w1", Algorithm::CosignatureV1).unwrap();
    let vkey = witness.verifier().to_vkey();
    assert_eq!(
        BASE64.decode(vkey.splitn(3, '+').nth(2).unwrap()).unwrap()[0],
        0x04
    );
    let cp = Checkpoint {
        origin: "pocnet.example.cn/log".into(),
        size: 7,
        root: Hash::EMPTY_TREE,
        extensions: vec![],
    };
    let mut note = Note::new(&cp.to_text()).unwrap();
    note.sign(&log).unwrap();
    note.cosign(&witness, 1_767_225_600).unwrap();
    let trusted = [log.verifier().clone(), witness.verifier().clone()];
    let (got, opened) = Checkpoint::open(&note.to_text(), &trusted).unwrap();
    assert_eq!(got, cp);
    assert_eq!(opened.verified[1].timestamp, Some(1_767_225_600));
    assert_eq!(opened.verified[1].algorithm, Algorithm::CosignatureV1);
    // Changing the timestamp breaks the cosignature.
    let mut bad = note.clone();
    bad.signatures[1].signature[7] ^= 1;
    assert!(matches!(
        open_note(&bad.to_text(), &trusted),
        Err(NoteError::BadSignature { .. })
    ));
    // A cosigner key cannot make plain signatures, nor a log key cosignatures.
    assert!(matches!(
        witness.sign(b"x"),
        Err(NoteError::WrongAlgorithm { .. })
    ));
    assert!(matches!(
        note.clone().cosign(&log, 1),
        Err(NoteError::WrongAlgorithm { .. })
    ));
    // The same Ed25519 key as a plain signer has a different ID: no confusion between the two.
    let seed_twin =
        Signer::from_secret("witness.example.cn/w1", Algorithm::Ed25519, &[7; 32]).unwrap();
    let cosign_twin =
        Signer::from_secret("witness.example.cn/w1", Algorithm::CosignatureV1, &[7; 32]).unwrap();
    assert_ne!(seed_twin.key_id(), cosign_twin.key_id());
}
