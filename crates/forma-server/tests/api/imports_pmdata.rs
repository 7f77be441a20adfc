//! `POST /api/import/pmdata?team=T`: a PMData export as one zip, previewed and
//! imported, and zips that are not PMData or unpack to too much refused by name.

use std::io::Write;
use std::path::Path;

use forma_core::api::ImportReport;

use crate::helpers::{pmdata_dir, TestServer};

const WANTED: [&str; 4] = [
    "pmsys/srpe.csv",
    "pmsys/wellness.csv",
    "pmsys/injury.csv",
    "fitbit/resting_heart_rate.json",
];

/// A zip of the shared PMData's participants as an export holds them, in a
/// `pmdata/` folder, with a large file Forma does not read beside them.
fn export_zip() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut participants: Vec<_> = std::fs::read_dir(pmdata_dir())
        .expect("pmdata")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.join("pmsys").is_dir())
        .collect();
    participants.sort();
    for folder in &participants {
        let id = folder.file_name().and_then(|n| n.to_str()).expect("name");
        for wanted in WANTED {
            let path = folder.join(wanted);
            if path.is_file() {
                zip.start_file(format!("pmdata/{id}/{wanted}"), options)
                    .expect("entry");
                zip.write_all(&std::fs::read(&path).expect("read"))
                    .expect("write");
            }
        }
    }
    zip.start_file("pmdata/p01/fitbit/heart_rate.json", options)
        .expect("entry");
    zip.write_all(&vec![b' '; 1024 * 1024]).expect("write");
    zip.finish().expect("zip").into_inner()
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options).expect("entry");
        zip.write_all(bytes).expect("write");
    }
    zip.finish().expect("zip").into_inner()
}

/// A PMData folder of the first three participants only.
fn first_three(into: &Path) {
    for id in ["p01", "p02", "p03"] {
        for wanted in WANTED {
            let from = pmdata_dir().join(id).join(wanted);
            if from.is_file() {
                let to = into.join(id).join(wanted);
                std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
                std::fs::copy(&from, &to).expect("copy");
            }
        }
    }
}

async fn reports(response: reqwest::Response) -> Vec<ImportReport> {
    assert_eq!(response.status(), 200);
    response.json().await.expect("reports")
}

async fn status_of(server: &TestServer, path: &str) -> u16 {
    server
        .client
        .get(server.url(path))
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_pmdata_zip_is_previewed_then_imported_and_a_second_time_adds_nothing() {
    let subset = tempfile::tempdir().expect("subset");
    first_three(subset.path());
    let demo = subset.path().to_path_buf();
    let server =
        TestServer::start_with_demo_configured(|config| config.demo_data = Some(demo)).await;
    let zip = export_zip();

    let preview = reports(
        server
            .upload(
                "/api/import/pmdata?team=demo&preview=true",
                "export.zip",
                zip.clone(),
            )
            .await,
    )
    .await;
    let report = &preview[0];
    assert!(!report.stored);
    assert_eq!(report.file, "export.zip");
    assert!(report.added > 0 && report.unchanged > 0, "{report:?}");
    let shown = report.preview.as_ref().expect("a preview");
    let known: Vec<&str> = shown.athletes_known.iter().map(|a| a.as_str()).collect();
    assert_eq!(known, ["p01", "p02", "p03"]);
    assert_eq!(shown.athletes_new.len(), 13, "p04 to p16");
    assert!(shown.rows_read >= shown.rows_good && shown.rows_good > 0);
    assert_eq!(
        status_of(&server, "/api/athletes/p04").await,
        404,
        "the preview stored nothing"
    );
    assert!(
        !report.rejected.is_empty()
            && report
                .rejected
                .iter()
                .all(|r| r.file.starts_with('p') && r.file.contains("/pmsys/")),
        "a rejected row names its participant's file: {:?}",
        report.rejected.first()
    );

    let stored = reports(
        server
            .upload("/api/import/pmdata?team=demo", "export.zip", zip.clone())
            .await,
    )
    .await;
    assert!(stored[0].stored);
    assert_eq!(
        (stored[0].added, stored[0].new_athletes.len()),
        (report.added, 13),
        "the import stores what the preview counted"
    );
    assert_eq!(status_of(&server, "/api/athletes/p04").await, 200);

    let again = reports(
        server
            .upload("/api/import/pmdata?team=demo", "export.zip", zip)
            .await,
    )
    .await;
    assert!(again[0].stored);
    assert_eq!((again[0].added, again[0].updated), (0, 0));
    assert!(again[0].new_athletes.is_empty());
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_zip_that_is_not_pmdata_or_unpacks_to_too_much_is_refused_by_name() {
    let server = TestServer::start_with_demo().await;
    let big = vec![b'0'; (forma_server::import::pmdata_zip::MAX_ENTRY_BYTES + 1) as usize];
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("photo.zip", b"not a zip at all".to_vec(), "not a zip file"),
        (
            "other.zip",
            zip_of(&[("notes/readme.txt", b"hello")]),
            "holds no PMData participant folders",
        ),
        (
            "bomb.zip",
            zip_of(&[("p01/pmsys/srpe.csv", &big)]),
            "unpacks to more than 64 MB",
        ),
        (
            "names.zip",
            zip_of(&[("an athlete/pmsys/srpe.csv", b"date,load\n")]),
            "participant folder an athlete",
        ),
    ];
    for (name, bytes, expected) in cases {
        let answer = reports(
            server
                .upload("/api/import/pmdata?team=demo", name, bytes)
                .await,
        )
        .await;
        assert!(!answer[0].stored, "{name}");
        let reasons: Vec<&str> = answer[0]
            .rejected
            .iter()
            .map(|r| r.reason.as_str())
            .collect();
        assert!(
            reasons
                .iter()
                .any(|r| r.contains(expected) && r.contains(name)),
            "{name}: {reasons:?}"
        );
    }
    let _ = server.stop().await;
}
