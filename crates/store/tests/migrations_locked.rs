//! Landed migrations are never edited (issue 12): a change to the schema is a
//! new migration. This test locks the SHA-256 of every landed migration; a
//! new migration is added to the table when it lands, and an edited one fails
//! here before it fails an installation (sqlx refuses a changed migration
//! that a database has already applied).

use sha2::{Digest, Sha256};
use std::path::Path;

/// (backend/file, SHA-256) of every landed migration.
const LANDED: &[(&str, &str)] = &[
    ("postgres/0001_foundation.sql", "d0eca29541ef67e307d95e8f55bbb6ba8487976169c8a5779a96f426f9a5de5e"),
    ("postgres/0002_recognition.sql", "234282ea2e25070cb3fc4098a79f0e73177a3d37c19d02d9191f5cd054636936"),
    ("postgres/0003_expert_library.sql", "c7d33cd4705c4cba9c01130c16c712b6a11c7630f3fadc35001e337b71ada25e"),
    ("postgres/0004_panel_results.sql", "67759c8b0aa0b4de1d8d245e9533d499c6ecedceac209e61da1c8fff674db987"),
    ("postgres/0005_project_library.sql", "ff0bb559630f875711f6f4889f4f33d6dae3f9a9cc481e198a9218bcdb7e35ce"),
    ("postgres/0006_screening_runs.sql", "81d20170ca3759cb89c5b5fdebcec44191b900c2dd5a30f1dc31d6ac17d3a055"),
    ("postgres/0007_expert_accounts.sql", "7db667707dba6d96dcd1862b24653c9686c76aa40701e52fe4343735d8936c1b"),
    ("postgres/0008_policies_as_written.sql", "993c3988e9f51b5031da37d83df10d33ae6f422b1ab969b628c13e2d7ed563d5"),
    ("postgres/0009_todo_indexes.sql", "5bc57a8691ac51b12a1165e8789d15a46aa9cddffce66916ebe359d9ce9ef4f6"),
    ("postgres/0010_review_deadlines.sql", "806505894d2ab16395ca03292ba34337560dfa5054877c5642693c09ad820cfc"),
    ("postgres/0011_objection_limits.sql", "caa07f72d2add5c11061cd45ca09e2866fc71c21eec1171594764054ca6df3fd"),
    ("postgres/0012_login_guards.sql", "3665a78855504b28825ed3933eb0067c7b7f1c8ec4e23e0a57351d53c40a8362"),
    ("postgres/0013_org_name_keys.sql", "f1130cf09b0a144e2949a4e8c33ee27438c2ec720c5fb141579039577710265c"),
    ("postgres/0014_panel_seats.sql", "6dfebf92e06568244500ed6d8a35b0c697bdb82e4cee7547651814419bebba51"),
    ("postgres/0015_list_indexes_and_tallies.sql", "9986c5e69b8cb82afb8a838acff8c5ccad7c02761e75476e5ababc207172d2e0"),
    ("postgres/0016_field_order_and_registry_generation.sql", "a786cc98e40ff5574afac81edda6b1d0f982841a6cf51eaf1303ad0ab6468177"),
    ("postgres/0017_statement_tallies.sql", "d4c9f5f15014beb6a91b08d1fa85bb09b258a27ff4a6ae4b6111c12853c0cbbd"),
    ("postgres/0018_account_and_unit_list_indexes.sql", "25bff33f9f7f85c8d2f3a2cce797233cfa4e59e01b11ce711fdc4b196bc762a5"),
    ("postgres/0019_annual_evaluation.sql", "5373c53e2623b3b0378c4b431435ab9eba7fd33778ece97b68899c01bbb7299d"),
    ("postgres/0020_evaluation_todo_indexes.sql", "f0e9bce205ef82b3c5c9b67b8e5b4fe8fcdb4ddba64220cf116fe8a7eb154111"),
    ("postgres/0021_evaluation_runs.sql", "dfe48173d04008b2868dd3d84dae2dae002232537c0dd75901c43aff05da689c"),
    ("postgres/0022_search_outbox.sql", "5c756624d57e81dc0f589ad2f11d6de187cfc605b756ffb86e94d302bbfcac86"),
    ("postgres/0023_demands.sql", "9f25dbc569e0dd82b5622d4b8e6d5ae86186c6a83402bf3dde314b19555b60b7"),
    ("postgres/0024_cultivation_list.sql", "ef79150c830a0f31995247ebccc8aca9628e0f38d9fa8f4eb4207ecfcf79dfcb"),
    ("postgres/0025_sharing.sql", "7061858ef654f8e86da54337c1e96a82b8aec95b0064528f03f5741e712b3de1"),
    ("postgres/0026_evidence_log.sql", "33a6975081810f3bee1168f205c1e98bc3d36973d098ddf14bfed0884109ce77"),
    ("postgres/0027_recognized_reports.sql", "269f74346e624759d4ed1d114fef8edb7f783cec64ced8b2751808fdb924c1e8"),
    ("postgres/0028_data_registration.sql", "07fe0e67add23aa7537fd2edda68b02834ca3e7147775b2a4c0a5ff6cc4e48e8"),
    ("postgres/0029_innovation_vouchers.sql", "5fd2074aa349edfba72251d1d9bdc7d7328bab99dd00c3502eed85cb3becacf0"),
    ("postgres/0030_center_returns.sql", "9e147870c4eee031e631d1d5d2e511770c59a0bd048ab0ba57ce132d6d913743"),
    ("postgres/0031_roadshows_and_interest.sql", "851c6c6b93f879e5e96e1c936a3ff02bd311dbe7a9e763c7f57045c3bbcfe658"),
    ("postgres/0032_grants.sql", "5f3df494c9c02b3a70d8b5b0590c627382f505f0db4f50a963d95266d6ac8360"),
    ("postgres/0033_finance_products.sql", "44e3084d595b239c0da179a6e08d355d979310c4c461ee67e006da6abfc646dd"),
    ("postgres/0034_pilot_projects.sql", "8289fccb65d5095001609293141875dff441d87c8a4198278481756f4b719587"),
    ("postgres/0035_seed_lists.sql", "793fe7b4bc62ea6b465ca99bb2668643f57f937a4bccc35dd6ead1f24c1d2093"),
    ("postgres/0036_key_projects.sql", "7111ba626073380066a1a0dfc97e929c5c7754e3d59cb5a3e3b8d003eccb34e2"),
    ("postgres/0037_competitions.sql", "0b069143779190b01243225fca30a1816eee1313c0ea59b25190ff4d42fa65c8"),
    ("postgres/0038_project_managers.sql", "38c302228fa2f7584b27a5ad3ad0a7fa78fad4f308a7cc71deb2d5d1cfee1a47"),
    ("sqlite/0001_foundation.sql", "a5e884f510d8e0df3db1aff50b27a0fa1e39f30bcd4257890fdc6de74fb840f3"),
    ("sqlite/0002_recognition.sql", "a3b319513aef84f7cd21d646bded84abfb78c04923186be4d83713848e040c1a"),
    ("sqlite/0003_expert_library.sql", "12ee2ae6a359f0ed0c2d66187b43b22b77e0b8a6fd08ff8e7d7da056f4766692"),
    ("sqlite/0004_panel_results.sql", "67759c8b0aa0b4de1d8d245e9533d499c6ecedceac209e61da1c8fff674db987"),
    ("sqlite/0005_project_library.sql", "29426bc3b8a1c012ec204e7cf1e3dd779699912522d3ab2cadfa77d5a8078b41"),
    ("sqlite/0006_screening_runs.sql", "ba81178558639c3f31fdf9d8d7f63a4e241c092a1df506edb8bb464b520e03cb"),
    ("sqlite/0007_expert_accounts.sql", "848c6d5ad457e1562e38b14db6f9426693284f8b512f291b48d81d5fede59668"),
    ("sqlite/0008_policies_as_written.sql", "9bb58b2314c925456e25b39520544acc0d1e6033e952c3aeb1306095af9590d1"),
    ("sqlite/0009_todo_indexes.sql", "5bc57a8691ac51b12a1165e8789d15a46aa9cddffce66916ebe359d9ce9ef4f6"),
    ("sqlite/0010_review_deadlines.sql", "806505894d2ab16395ca03292ba34337560dfa5054877c5642693c09ad820cfc"),
    ("sqlite/0011_objection_limits.sql", "caa07f72d2add5c11061cd45ca09e2866fc71c21eec1171594764054ca6df3fd"),
    ("sqlite/0012_login_guards.sql", "1fb5b12460453e0a8d11fc863cddcf7cc977ceed8a2ec89bd463d1d998df8fd5"),
    ("sqlite/0013_org_name_keys.sql", "f1130cf09b0a144e2949a4e8c33ee27438c2ec720c5fb141579039577710265c"),
    ("sqlite/0014_panel_seats.sql", "6dfebf92e06568244500ed6d8a35b0c697bdb82e4cee7547651814419bebba51"),
    ("sqlite/0015_list_indexes_and_tallies.sql", "11a32ac0383bd5b041e5b7369e0b87f0215db0d9bd95f01b280e6bcfaef98eb9"),
    ("sqlite/0016_field_order_and_registry_generation.sql", "acb146ea9b9c10efddafa4a02702963071eb68f13d1dfd06ff63ed4f0801eee9"),
    ("sqlite/0017_statement_tallies.sql", "6144a92941d4d85aefead3a6f740aa6382811966fa4f23c73866b637db60b7cc"),
    ("sqlite/0018_account_and_unit_list_indexes.sql", "25bff33f9f7f85c8d2f3a2cce797233cfa4e59e01b11ce711fdc4b196bc762a5"),
    ("sqlite/0019_annual_evaluation.sql", "d15e71e5c94da4fee3d397004327a24a2e4b01fbfc639aa677589431f4487703"),
    ("sqlite/0020_evaluation_todo_indexes.sql", "f0e9bce205ef82b3c5c9b67b8e5b4fe8fcdb4ddba64220cf116fe8a7eb154111"),
    ("sqlite/0021_evaluation_runs.sql", "dfe48173d04008b2868dd3d84dae2dae002232537c0dd75901c43aff05da689c"),
    ("sqlite/0022_search_outbox.sql", "500f494eba107d4cd54a41f79dc37eb1ec620cadca7014e17248c7384fcf017f"),
    ("sqlite/0023_demands.sql", "9dab287b99022d1bf04e49554d0f4b75c162f8d897a2a8e4eaa17ded9768de60"),
    ("sqlite/0024_cultivation_list.sql", "2512671b2e3fda29e252a6a24d0e4ba16a43533584c9a59b34c39007c2f73724"),
    ("sqlite/0025_sharing.sql", "1c4c9aba3fcfe535302c1e45ccf7852d62eb5c835def9e60218099abede1edb6"),
    ("sqlite/0026_evidence_log.sql", "20ba776b3f9a1f4c9f9cabacf894a4bbb02ff375457078b49cf3ab59ed864626"),
    ("sqlite/0027_recognized_reports.sql", "72998dfb46c2b45ad5c7f64bad79842dc5af9e60a1da9957febd993ba27d9c94"),
    ("sqlite/0028_data_registration.sql", "d4ee4f2ade6139ef88ce0914971a2128549f119aa18f921f465acf8f49bdc0b1"),
    ("sqlite/0029_innovation_vouchers.sql", "0d3a67eb0fb86d5344328c10ec65c9d0f925b0805077f642a2d93aef05695c7a"),
    ("sqlite/0030_center_returns.sql", "2fa45952fb55b75590bade0159605626240f417edc586af6ac6e7eb8c80dce10"),
    ("sqlite/0031_roadshows_and_interest.sql", "3efe1316ffe43e47ba9dd1ece5de39a0c8b37edbd8effc1d0b64141f684364b8"),
    ("sqlite/0032_grants.sql", "9ce039db07d0abbe8fb8cae26a22b9e37a5ba1bc794274969023b17629dd71d3"),
    ("sqlite/0033_finance_products.sql", "43fbd24b19ab54b63cdb1c869ee7f98463b17e5c125a97a68de306b8a405968c"),
    ("sqlite/0034_pilot_projects.sql", "f44a08a4ea5e5d14acd801cdf76d1197d6f8626321e89840739141e996de5b8f"),
    ("sqlite/0035_seed_lists.sql", "26960875f51c0bfdb3839dadd31e9ad4fad2ce49abf5978a2e7f32ab112cee2e"),
    ("sqlite/0036_key_projects.sql", "3e6b703d7b39e09f46b893a3d6b2ac42f1bea8b76b74a6e28c15ab7de544ee2e"),
    ("sqlite/0037_competitions.sql", "98329377c40f6d8d7f1a581d03d20272255a87a3b769342f6a30a04dba51e075"),
    ("sqlite/0038_project_managers.sql", "4fb639af3ef8ba78c297fa1071f42c64f6d354e16e4779ad23e7344868d38084"),
];

#[test]
fn landed_migrations_are_unchanged_and_every_migration_is_locked() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let mut changed = Vec::new();
    for (file, want) in LANDED {
        let bytes = std::fs::read(root.join(file)).unwrap_or_else(|e| panic!("landed migration {file} is missing: {e}"));
        let got = hex::encode(Sha256::digest(&bytes));
        if got != *want {
            changed.push(format!("{file}: {got}"));
        }
    }
    assert!(changed.is_empty(), "landed migrations were edited (write a new migration instead):\n{}", changed.join("\n"));

    let mut on_disk = Vec::new();
    for backend in ["sqlite", "postgres"] {
        for entry in std::fs::read_dir(root.join(backend)).unwrap_or_else(|e| panic!("{backend}: {e}")).flatten() {
            on_disk.push(format!("{backend}/{}", entry.file_name().to_string_lossy()));
        }
    }
    on_disk.sort();
    let locked: Vec<String> = LANDED.iter().map(|(f, _)| (*f).to_owned()).collect();
    let unlocked: Vec<&String> = on_disk.iter().filter(|f| !locked.contains(f)).collect();
    assert!(unlocked.is_empty(), "new migrations to add to LANDED when they land: {unlocked:?}");
    // Both backends carry the same migrations.
    let names = |b: &str| on_disk.iter().filter_map(|f| f.strip_prefix(&format!("{b}/")).map(str::to_owned)).collect::<Vec<_>>();
    assert_eq!(names("sqlite"), names("postgres"), "one schema, migrations for both");
}
