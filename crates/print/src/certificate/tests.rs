#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::sheet::{lay_out, QUIET_MODULES, QR_SIDE};
use super::*;
use crate::pdf::{Op, PAGE_H, PAGE_W};
use pocnet_domain::document::VerificationFooter;
use pocnet_evidence::qr::{qr_modules, qr_payload};
use pocnet_evidence::Hash;

const ORIGIN: &str = "pocnet.example.cn/evidence";

fn footer(index: u64, sha: &str) -> VerificationFooter {
    VerificationFooter {
        origin: ORIGIN.into(),
        index,
        document_sha256: sha.into(),
        checkpoint_size: 2048,
        how_to_verify: "扫码或使用 pocnet verify 离线核验：核对签名、透明日志包含证明与检查点。".into(),
    }
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(l, v)| (l.to_string(), v.to_string())).collect()
}

/// The four kinds issued, each with the pages it should take.
fn kinds() -> Vec<(&'static str, Certificate, usize)> {
    let sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    let report = Certificate {
        kind_label: "概念验证报告".into(),
        title: "高镍三元前驱体连续合成工艺概念验证报告".into(),
        number: "概验报〔2026〕3-001号".into(),
        recipient: vec!["项目承担单位：温州大学化学与材料工程学院".into(), "概念验证中心：温州市新能源材料概念验证中心".into()],
        fields: pairs(&[
            ("项目名称", "高镍三元前驱体连续合成工艺"),
            ("项目编号", "POC-2026-0013"),
            ("验证周期", "2026年3月1日至2026年11月30日"),
            ("技术就绪度", "由 TRL 4 提升至 TRL 6"),
            ("验证内容", "连续共沉淀反应釜在 200 L 规模下的粒径分布、振实密度与批次一致性；前驱体烧结后正极材料的首次放电比容量与循环保持率。"),
            ("验证结论", "通过"),
        ]),
        paragraphs: vec![
            "经专家组现场核查与数据复核，该项目在200 L中试规模下连续运行720小时，产品粒径D50为10.2 μm，振实密度2.1 g/mL，批次间差异小于3%，达到任务书约定的验证指标。".into(),
            "建议项目团队与合作企业推进千吨级产线的工程化设计，并在下一阶段开展成本核算与市场验证。".into(),
        ],
        issuer: "温州市新能源材料概念验证中心".into(),
        issued_on: "2026年12月3日".into(),
        verification: footer(13, sha),
    };
    let recognition = Certificate {
        kind_label: "认定证书".into(),
        title: "温州市概念验证中心认定证书".into(),
        number: "温科认〔2026〕12号".into(),
        recipient: vec!["温州大学：".into()],
        fields: pairs(&[
            ("中心名称", "温州市新能源材料概念验证中心"),
            ("依托单位", "温州大学"),
            ("服务领域", "新能源材料、储能与动力电池"),
            ("认定类别", "市级概念验证中心"),
            ("有效期", "2026年12月3日至2029年12月2日"),
        ]),
        paragraphs: vec!["经单位申报、专家评审和局务会议审定，认定你单位建设的温州市新能源材料概念验证中心为市级概念验证中心。特发此证。".into()],
        issuer: "温州市科学技术局".into(),
        issued_on: "2026年12月3日".into(),
        verification: footer(14, sha),
    };
    let evaluation = Certificate {
        kind_label: "年度评价结果".into(),
        title: "2026年度温州市概念验证中心评价结果通知书".into(),
        number: "温科评〔2026〕7号".into(),
        recipient: vec!["温州市新能源材料概念验证中心：".into()],
        fields: pairs(&[
            ("评价年度", "2026年"),
            ("总分", "85.50"),
            ("等次", "优秀"),
            ("名次", "第3名（共21家）"),
            ("主要得分项", "验证项目数 18.00；成果转化 22.50；服务企业 16.00；运行管理 14.00；专家评议 15.00"),
        ]),
        paragraphs: vec!["根据《温州市概念验证中心建设与运行管理办法》，经数据核验与专家评议，你中心2026年度评价结果如上。对评价结果有异议的，可自收到本通知之日起15个工作日内提出复核申请。".into()],
        issuer: "温州市科学技术局".into(),
        issued_on: "2026年12月10日".into(),
        verification: footer(15, sha),
    };
    // A long registration: its annex runs onto a second page, the QR and footer on the last.
    let registration = Certificate {
        kind_label: "数据登记证书".into(),
        title: "科技成果数据登记证书".into(),
        number: "温科数登〔2026〕0042号".into(),
        recipient: vec!["登记主体：温州市新能源材料概念验证中心".into()],
        fields: pairs(&[
            ("数据名称", "高镍三元前驱体连续合成过程数据集"),
            ("数据类型", "实验过程数据（结构化表格与仪器原始文件）"),
            ("数据规模", "12 张表，共 386,420 条记录；原始文件 2.4 GB"),
            ("数据来源", "概念验证项目 POC-2026-0013 中试运行记录"),
            ("数据摘要（SHA-256）", sha),
            ("共享方式", "受控共享：经登记主体书面同意后向合作企业开放"),
        ]),
        paragraphs: (1..=9)
            .map(|i| format!("第{i}条　登记主体对所登记数据的真实性、合法性负责；数据在登记后发生变更的，应当自变更之日起30日内办理变更登记，逾期未办理的，登记机关可以公示并暂停其共享服务。"))
            .collect(),
        issuer: "温州市科学技术局".into(),
        issued_on: "2026年12月15日".into(),
        verification: footer(16, sha),
    };
    vec![("验证报告", report, 1), ("认定证书", recognition, 1), ("年度评价结果", evaluation, 1), ("数据登记证书", registration, 2)]
}

fn qr_text(c: &Certificate) -> String {
    qr_payload(&c.verification.origin, c.verification.index, &Hash::from_hex(&c.verification.document_sha256).unwrap())
}

fn bundle(c: &Certificate) -> Vec<u8> {
    serde_json::to_vec_pretty(&serde_json::json!({ "document": c, "signatures": [], "log": { "origin": ORIGIN } })).unwrap()
}

/// Writes `pdf` to `$POCNET_CERTIFICATE_DIR/<name>.pdf` when that is set, to look at.
fn keep(name: &str, pdf: &[u8]) {
    if let Some(dir) = std::env::var_os("POCNET_CERTIFICATE_DIR") {
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.pdf")), pdf).unwrap();
    }
}

/// A text's box: x from its start over its width, y from above its ascent to its baseline.
fn bounds(op: &Op) -> (f32, f32, f32, f32) {
    match op {
        Op::Text { x, baseline, size, text, .. } => (*x, baseline - size, x + font::width(text, *size), *baseline + size * 0.12),
        Op::Fill { x, y, w, h, .. } => (*x, *y, x + w, y + h),
        Op::Line { from, to, width, .. } => (from.0.min(to.0) - width / 2.0, from.1.min(to.1) - width / 2.0, from.0.max(to.0) + width / 2.0, from.1.max(to.1) + width / 2.0),
        Op::Squares { corners, side, .. } => corners.iter().fold((f32::MAX, f32::MAX, f32::MIN, f32::MIN), |(a, b, c, d), (x, y)| (a.min(*x), b.min(*y), c.max(x + side), d.max(y + side))),
    }
}

fn overlap(a: (f32, f32, f32, f32), b: (f32, f32, f32, f32)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

#[test]
fn the_four_kinds_render_on_a4_with_every_character_in_the_font() {
    for (i, (kind, c, pages)) in kinds().into_iter().enumerate() {
        let printed = render(&c, &qr_text(&c), &bundle(&c)).unwrap();
        keep(&format!("kind-{}", i + 1), &printed.bytes);
        assert!(printed.bytes.starts_with(b"%PDF-"), "{kind}");
        assert_eq!(printed.pages, pages, "{kind}");
        assert!(printed.missing.is_empty(), "{kind}: {:?}", printed.missing);
        assert!(font::missing(&c.text()).is_empty(), "{kind}: {:?}", font::missing(&c.text()));
        // Everything shown is on the page inside the frame, and no text runs into other text.
        let sheet = lay_out(&c, &qr_modules(&qr_text(&c)).unwrap());
        assert_eq!(sheet.pages.len(), pages, "{kind}");
        for (i, ops) in sheet.pages.iter().enumerate() {
            let texts: Vec<_> = ops.iter().filter(|o| matches!(o, Op::Text { .. })).map(bounds).collect();
            for (j, t) in texts.iter().enumerate() {
                assert!(t.0 >= 40.0 && t.2 <= PAGE_W - 40.0 && t.1 >= 40.0 && t.3 <= PAGE_H - 36.0, "{kind} page {i}: {t:?}");
                for u in &texts[j + 1..] {
                    assert!(!overlap(*t, *u), "{kind} page {i}: {t:?} overlaps {u:?}");
                }
            }
            // The QR code is on the last page only.
            let squares = ops.iter().any(|o| matches!(o, Op::Squares { .. }));
            assert_eq!(squares, i == pages - 1, "{kind} page {i}");
        }
    }
    let odd = Certificate { title: "𠀀".into(), ..kinds().remove(0).1 };
    assert_eq!(render(&odd, "pocnet:x:1:00", b"{}").unwrap().missing, std::collections::BTreeSet::from(['𠀀']), "a character beyond the font is reported");
}

#[test]
fn the_qr_code_is_drawn_module_for_module_in_a_clear_quiet_zone_at_the_bottom_left() {
    for (kind, c, _) in kinds() {
        let modules = qr_modules(&qr_text(&c)).unwrap();
        let n = modules.len();
        let sheet = lay_out(&c, &modules);
        let last = sheet.pages.last().unwrap();
        let Some(Op::Squares { corners, side, .. }) = last.iter().find(|o| matches!(o, Op::Squares { .. })) else { panic!("{kind}: no QR code") };
        let dark = modules.iter().flatten().filter(|d| **d).count();
        assert_eq!(corners.len(), dark, "{kind}: one square per dark module");
        // Read the squares back into a grid from the top-left module (a finder pattern's corner,
        // always dark): it is the code.
        let module = *side;
        assert!((module * n as f32 - QR_SIDE).abs() < 1e-3, "{kind}: {module} × {n}");
        let (x0, y0) = corners.iter().fold((f32::MAX, f32::MAX), |(a, b), (x, y)| (a.min(*x), b.min(*y)));
        let mut grid = vec![vec![false; n]; n];
        for (x, y) in corners {
            let (col, row) = (((x - x0) / module).round(), ((y - y0) / module).round());
            assert!((x - x0 - col * module).abs() < 1e-3 && (y - y0 - row * module).abs() < 1e-3, "{kind}: off the grid");
            grid[row as usize][col as usize] = true;
        }
        assert_eq!(grid, modules, "{kind}");
        // The quiet zone (four modules round the code) holds nothing else.
        let quiet = QUIET_MODULES as f32 * module;
        let zone = (x0 - quiet, y0 - quiet, x0 + QR_SIDE + quiet, y0 + QR_SIDE + quiet);
        for op in last.iter().filter(|o| !matches!(o, Op::Squares { .. })) {
            assert!(!overlap(bounds(op), zone), "{kind}: {op:?} in the quiet zone {zone:?}");
        }
        // In the bottom-left corner, inside the frame.
        assert!(zone.0 > 40.0 && zone.0 < 80.0 && zone.3 > PAGE_H - 90.0 && zone.3 < PAGE_H - 40.0, "{kind}: {zone:?}");
    }
}

#[test]
fn the_attached_bundle_comes_back_byte_for_byte() {
    let c = kinds().remove(1).1;
    // (what, bytes) — JSON as issued, and bytes a naive reader would trip on.
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("pretty JSON", bundle(&c)),
        ("compact JSON", serde_json::to_vec(&serde_json::json!({ "document": c })).unwrap()),
        ("stream keywords inside", b"{\"x\":\"endstream endobj trailer %%EOF\"}".to_vec()),
        ("binary", (0..=255u8).cycle().take(3000).collect()),
        ("empty", Vec::new()),
    ];
    for (what, bytes) in cases {
        let printed = render(&c, &qr_text(&c), &bytes).unwrap();
        assert_eq!(attached_bundle(&printed.bytes).unwrap(), bytes, "{what}");
    }
}

#[test]
fn a_changed_attachment_changes_the_pdf_and_a_pdf_without_one_is_refused() {
    let c = kinds().remove(2).1;
    let original = bundle(&c);
    let printed = render(&c, &qr_text(&c), &original).unwrap();
    // Stored uncompressed: the bundle is in the file as is, once.
    let at = printed.bytes.windows(original.len()).position(|w| w == original.as_slice()).unwrap();
    let mut tampered = printed.bytes.clone();
    let i = at + original.iter().position(|b| *b == b'3').unwrap();
    tampered[i] = b'4';
    assert_ne!(tampered, printed.bytes);
    let read = attached_bundle(&tampered).unwrap();
    assert_ne!(read, original, "the changed bundle is what comes out (and it no longer verifies)");
    assert_eq!(read.len(), original.len());
    // Rendering the changed bundle gives other bytes than the PDF as issued.
    assert_ne!(render(&c, &qr_text(&c), &read).unwrap().bytes, printed.bytes);
    // Not a PDF, a PDF without the attachment, a cut-off PDF.
    assert_eq!(attached_bundle(b"not a pdf"), Err(AttachmentError::NotPdf));
    let white_paper = crate::pdf::render(&pocnet_domain::document::Document {
        title: "白皮书".into(),
        subtitle: String::new(),
        issuer: "温州市科学技术局".into(),
        as_of: "2026-12-02 20:00".into(),
        sections: vec![],
    })
    .unwrap();
    assert_eq!(attached_bundle(&white_paper.bytes), Err(AttachmentError::Missing(BUNDLE_NAME)));
    assert!(attached_bundle(&printed.bytes[..at]).is_err(), "cut off inside the attachment");
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    for (kind, c, _) in kinds() {
        let (qr, b) = (qr_text(&c), bundle(&c));
        let first = render(&c, &qr, &b).unwrap().bytes;
        assert_eq!(first, render(&c, &qr, &b).unwrap().bytes, "{kind}");
        assert_eq!(first, render(&c.clone(), &qr.clone(), &b.clone()).unwrap().bytes, "{kind}: from copies");
        // Each input shows in the bytes.
        let other_number = Certificate { number: format!("{}（补）", c.number), ..c.clone() };
        assert_ne!(first, render(&other_number, &qr, &b).unwrap().bytes, "{kind}");
        assert_ne!(first, render(&c, &qr.replace(":1", ":2"), &b).unwrap().bytes, "{kind}");
        let mut b2 = b.clone();
        b2.push(b'\n');
        assert_ne!(first, render(&c, &qr, &b2).unwrap().bytes, "{kind}");
        // The date of issue is the PDF's creation date; nothing else is dated.
        let (y, m, d) = c.issued_date().unwrap();
        let stamp = format!("D:{y:04}{m:02}{d:02}");
        assert!(first.windows(stamp.len()).any(|w| w == stamp.as_bytes()), "{kind}: {stamp}");
    }
}

#[test]
fn a_signed_certificate_verifies_from_its_pdf() {
    use pocnet_evidence::bundle::LogProof;
    use pocnet_evidence::tree::{append, inclusion_proof, TileMap};
    use pocnet_evidence::{leaf_hash, sign_document, verify_bundle, Algorithm, Checkpoint, SignedDocument, Signer};

    let bureau = Signer::generate("pocnet.example.cn/bureau", Algorithm::Sm2).unwrap();
    let log = Signer::generate(ORIGIN, Algorithm::Ed25519).unwrap();
    let mut c = kinds().remove(1).1;
    // The document signed is the certificate without its footer (the footer says where it was logged).
    let document = serde_json::json!({ "kind": "recognition", "fields": c.fields, "number": c.number, "issued_on": c.issued_on });
    let (bytes, signatures) = sign_document(&document, &[&bureau]).unwrap();
    let mut leaves: Vec<Hash> = (0..20).map(|i| leaf_hash(format!("other {i}").as_bytes())).collect();
    leaves[14] = leaf_hash(&bytes);
    let appended = append(&TileMap::new(), 0, &leaves).unwrap();
    let mut map = TileMap::new();
    map.apply(&appended);
    let proof = inclusion_proof(&map, 14, 20).unwrap();
    let checkpoint = Checkpoint { origin: ORIGIN.into(), size: 20, root: appended.root, extensions: vec![] };
    let signed = SignedDocument {
        document,
        signatures,
        log: LogProof { origin: ORIGIN.into(), index: 14, tree_size: 20, inclusion: proof.iter().map(Hash::to_base64).collect(), checkpoint: checkpoint.sign(&[&log]).unwrap() },
    };
    let json = serde_json::to_vec_pretty(&signed).unwrap();
    let trusted = [bureau.verifier().clone(), log.verifier().clone()];
    let sha = pocnet_evidence::hash::sha256(&bytes);
    c.verification = VerificationFooter { index: 14, checkpoint_size: 20, document_sha256: sha.to_hex(), ..c.verification };

    let printed = render(&c, &qr_payload(ORIGIN, 14, &sha), &json).unwrap();
    keep("signed", &printed.bytes);
    let verified = verify_bundle(&attached_bundle(&printed.bytes).unwrap(), &trusted).unwrap();
    assert_eq!((verified.index, verified.checkpoint_size, verified.document_sha256), (14, 20, sha));

    // One character of the attached document changed: the PDF still opens, the bundle fails.
    let at = printed.bytes.windows(json.len()).position(|w| w == json.as_slice()).unwrap();
    let mut tampered = printed.bytes.clone();
    let i = at + json.windows(4).position(|w| w == b"2026").unwrap() + 3;
    tampered[i] = b'7';
    assert!(verify_bundle(&attached_bundle(&tampered).unwrap(), &trusted).is_err());
}

/// The bytes of one certificate, pinned: a run in another process (or on another machine) gives
/// the same file, so nothing in it comes from the clock, chance or hash-map order. A deliberate
/// change of the layout, the font or krilla changes this hash — and means that certificates
/// printed before can no longer be re-rendered byte for byte by this version.
#[test]
fn the_bytes_are_pinned_across_runs() {
    let c = kinds().remove(1).1;
    let printed = render(&c, &qr_text(&c), &bundle(&c)).unwrap();
    assert_eq!(pocnet_evidence::hash::sha256(&printed.bytes).to_hex(), "cb55aa2f5b8c7189c77578f60c94d9765b2d2f9bf76d32afdccb6fb58436417a");
}
