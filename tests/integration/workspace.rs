//! The workspace from the command line: import, export, backup and restore,
//! adds and edits with their revisions, concurrency and crash safety. Every
//! workspace lives in a temporary folder, named by `--workspace` and
//! `SCAMATLAS_WORKSPACE`, with `XDG_DATA_HOME` and `HOME` pointing there too,
//! so no test touches the repository or the home folder.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A workspace in a temporary folder, and the commands run on it.
struct Ws {
    dir: tempfile::TempDir,
    db: PathBuf,
}

impl Ws {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("team").join("workspace.db");
        Self { dir, db }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_scamatlas"));
        command
            .arg("--workspace")
            .arg(&self.db)
            .args(args)
            .env("SCAMATLAS_WORKSPACE", &self.db)
            .env("XDG_DATA_HOME", self.dir.path())
            .env("HOME", self.dir.path())
            .stdin(Stdio::null());
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("scamatlas runs")
    }

    /// Stdout of a command that must succeed.
    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).expect("UTF-8")
    }

    /// Stderr of a command that must fail.
    fn fails(&self, args: &[&str]) -> String {
        let o = self.run(args);
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(!o.status.success(), "{args:?} succeeded: {err}");
        err
    }

    /// The features of `workspace export` as GeoJSON on stdout.
    fn export(&self, extra: &[&str]) -> Vec<Value> {
        let mut args = vec!["workspace", "export", "--format", "geojson", "-o", "-"];
        args.extend_from_slice(extra);
        let out: Value = serde_json::from_str(&self.ok(&args)).expect("GeoJSON");
        out["features"].as_array().expect("features").clone()
    }

    /// Every event, whatever its status, by id: (status, revisions).
    fn everything(&self) -> Vec<(String, String, usize)> {
        self.export(&["--all", "--history"])
            .iter()
            .map(|f| {
                let p = &f["properties"];
                (
                    p["id"].as_str().expect("id").to_string(),
                    p["status"].as_str().expect("status").to_string(),
                    p["revisions"].as_array().expect("revisions").len(),
                )
            })
            .collect()
    }

    /// The published events as `events list --events workspace --json` gives them.
    fn published(&self) -> Value {
        serde_json::from_str(&self.ok(&["events", "list", "--events", "workspace", "--json"]))
            .expect("JSON")
    }

    fn version(&self, id: &str) -> u64 {
        let history: Value =
            serde_json::from_str(&self.ok(&["events", "history", id, "--json"])).expect("JSON");
        let last = history
            .as_array()
            .and_then(|h| h.last())
            .expect("a revision");
        last["version"].as_u64().expect("version")
    }
}

/// `events add` of a raid at coordinates (no gazetteer search), with `extra` flags.
fn add_args<'a>(id: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "events",
        "add",
        "--id",
        id,
        "--date",
        "2025-11-30",
        "--type",
        "raid",
        "--lon",
        "98.5",
        "--lat",
        "16.7",
        "--source-url",
        "https://example.org/report",
    ];
    args.extend_from_slice(extra);
    args
}

fn ids(features: &[Value]) -> Vec<String> {
    features
        .iter()
        .map(|f| f["properties"]["id"].as_str().expect("id").to_string())
        .collect()
}

fn wait_with_deadline(mut child: Child, deadline: Instant) -> Output {
    while child.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "a child did not finish in time");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

#[test]
fn import_export_import_round_trips_and_drafts_stay_out_of_exports() {
    let a = Ws::new();
    a.ok(&["workspace", "init"]);
    a.ok(&["workspace", "import", "bundled"]);
    a.ok(&add_args("DRAFT1", &[]));
    let published = a.export(&[]);
    assert!(published.len() > 50, "{}", published.len());
    assert!(!ids(&published).contains(&"DRAFT1".to_string()));
    assert!(ids(&a.export(&["--all"])).contains(&"DRAFT1".to_string()));

    let file = a.file("published.geojson");
    let f = file.to_str().expect("utf-8");
    a.ok(&["workspace", "export", "--format", "geojson", "-o", f]);
    let b = Ws::new();
    let err = String::from_utf8_lossy(
        &b.run(&["workspace", "import", f, "--status", "published"])
            .stderr,
    )
    .to_string();
    assert!(
        err.contains(&format!("{} new events", published.len())),
        "{err}"
    );
    assert_eq!(
        b.published(),
        a.published(),
        "the same events, field for field"
    );
    assert_eq!(b.export(&[]), published, "and the same export");
    // Another file format of the same export, and the full one.
    let csv = a.file("published.csv");
    a.ok(&[
        "workspace",
        "export",
        "--format",
        "csv",
        "-o",
        csv.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        std::fs::read_to_string(&csv).expect("csv").lines().count(),
        published.len() + 1
    );
    let full = a.export(&["--all", "--history"]);
    let draft = full
        .iter()
        .find(|f| f["properties"]["id"] == "DRAFT1")
        .expect("the draft");
    assert_eq!(draft["properties"]["status"], "draft");
    let revision = &draft["properties"]["revisions"][0];
    assert_eq!(revision["version"], 1);
    assert_eq!(revision["action"], "create");
    assert!(revision["author"]
        .as_str()
        .expect("author")
        .starts_with("local:"));
    assert!(revision["at"].as_str().is_some() && revision["changed"].is_array());
}

#[test]
fn importing_bundled_twice_adds_nothing_the_second_time() {
    let ws = Ws::new();
    let first = ws.run(&["workspace", "import", "bundled"]);
    assert!(first.status.success());
    let before = ws.everything();
    assert!(before
        .iter()
        .all(|(_, status, revisions)| status == "published" && *revisions == 1));
    let again = ws.run(&["workspace", "import", "bundled"]);
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains(": 0 new events"), "{err}");
    assert_eq!(ws.everything(), before, "no event, no revision added");
}

#[test]
fn an_import_with_a_bad_row_names_it_and_stores_nothing() {
    let ws = Ws::new();
    let csv = ws.file("mixed.csv");
    std::fs::write(
        &csv,
        "id,date,event_type,place,lat,lon,source_url\n\
         G1,2025-01-02,raid,,16.7,98.5,https://example.org/g\n\
         G2,2025-02-30,raid,,16.7,98.5,https://example.org/g\n",
    )
    .expect("write");
    let err = ws.fails(&["workspace", "import", csv.to_str().expect("utf-8")]);
    assert!(err.contains("mixed.csv:3") && err.contains("date"), "{err}");
    assert!(ws.everything().is_empty(), "nothing stored");
    std::fs::write(
        &csv,
        "id,date,event_type,place,lat,lon,source_url\n\
         G1,2025-01-02,raid,,16.7,98.5,https://example.org/g\n",
    )
    .expect("write");
    ws.ok(&["workspace", "import", csv.to_str().expect("utf-8")]);
    assert_eq!(
        ws.everything(),
        [("G1".to_string(), "draft".to_string(), 1)]
    );
}

#[test]
fn backup_then_change_then_restore_gives_the_backup_content() {
    let ws = Ws::new();
    ws.ok(&["workspace", "import", "bundled"]);
    ws.ok(&add_args("B1", &["--status", "published"]));
    let saved = ws.everything();
    let published = ws.published();
    let backup = ws.file("backup.db");
    let b = backup.to_str().expect("utf-8");
    ws.ok(&["workspace", "backup", b]);
    assert!(ws
        .fails(&["workspace", "backup", b])
        .contains("already exists"));

    ws.ok(&["events", "retract", "B1", "--reason", "a duplicate"]);
    ws.ok(&add_args("B2", &[]));
    assert_ne!(ws.everything(), saved);
    ws.ok(&["workspace", "restore", b]);
    assert_eq!(ws.everything(), saved);
    assert_eq!(ws.published(), published);
    ws.ok(&["workspace", "check"]);

    let junk = ws.file("junk.db");
    std::fs::write(&junk, "not a database at all, just text").expect("write");
    ws.fails(&["workspace", "restore", junk.to_str().expect("utf-8")]);
    assert_eq!(ws.everything(), saved, "a bad backup changes nothing");
}

#[test]
fn add_edit_publish_retract_revert_are_revisions_with_their_rules() {
    let ws = Ws::new();
    ws.ok(&add_args(
        "R1",
        &["--count", "10", "--count-kind", "arrested"],
    ));
    assert_eq!(ws.version("R1"), 1);
    assert!(
        ws.published().as_array().expect("list").is_empty(),
        "a draft by default"
    );
    // Bad input is named by its flag, and nothing is written.
    let err = ws.fails(&[
        "events",
        "edit",
        "R1",
        "--date",
        "2025-02-30",
        "--type",
        "raidd",
    ]);
    assert!(err.contains("--date:") && err.contains("--type:"), "{err}");
    let err = ws.fails(&add_args("R2", &["--count", "-3"]));
    assert!(err.contains("--count:"), "{err}");
    let err = ws.fails(&[
        "events", "add", "--date", "2025", "--type", "raid", "--place", "KK Park",
    ]);
    assert!(
        err.contains("--id: missing") && err.contains("--source-url:"),
        "{err}"
    );
    assert_eq!(ws.version("R1"), 1);

    ws.ok(&[
        "events",
        "edit",
        "R1",
        "--if-version",
        "1",
        "--count",
        "12",
        "--count-kind",
        "arrested",
        "--notes",
        "recounted",
    ]);
    ws.ok(&["events", "publish", "R1", "--if-version", "2"]);
    let listed = ws.published();
    assert_eq!(listed[0]["id"], "R1");
    assert_eq!(listed[0]["counts"][0]["best"], 12);
    assert_eq!(listed[0]["notes"], "recounted");
    let err = ws.fails(&["events", "edit", "R1", "--notes", "again"]);
    assert!(err.contains("needs a reason (--reason)"), "{err}");
    ws.ok(&[
        "events", "edit", "R1", "--notes", "again", "--reason", "typo", "--place", "KK Park",
    ]);
    assert_eq!(ws.published()[0]["places"][0]["id"], "kk_park");
    ws.ok(&["events", "retract", "R1", "--reason", "a duplicate of E001"]);
    assert!(ws.published().as_array().expect("list").is_empty());
    ws.ok(&[
        "events",
        "revert",
        "R1",
        "--to",
        "3",
        "--reason",
        "not a duplicate after all",
    ]);
    assert_eq!(ws.published()[0]["notes"], "recounted");

    let table = ws.ok(&["events", "history", "R1"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("VERSION") && lines[0].contains("REASON"),
        "{table}"
    );
    let actions: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split_whitespace().nth(3).expect("action"))
        .collect();
    assert_eq!(
        actions,
        ["create", "edit", "publish", "edit", "retract", "revert"]
    );
    assert!(lines[2].contains("counts,notes"), "{table}");
    assert!(lines[6].contains("not a duplicate after all"), "{table}");
    // --events workspace feeds the other commands the published events.
    let query = ws.ok(&["query", "all", "--events", "workspace", "--json"]);
    assert!(query.contains("\"R1\""), "{query}");
}

#[test]
fn a_quote_needs_its_article_and_is_recorded() {
    let ws = Ws::new();
    let article = ws.file("article.txt");
    std::fs::write(
        &article,
        "Police raided a compound and arrested 57 people on Sunday.",
    )
    .expect("write");
    let err = ws.fails(&add_args("Q1", &["--quote", "arrested 57 people"]));
    assert!(err.contains("--quote: no article stored"), "{err}");
    assert!(ws.everything().is_empty(), "nothing written");
    ws.ok(&[
        "workspace",
        "article",
        "--url",
        "https://example.org/report",
        "--outlet",
        "Example",
        "--date",
        "2025-12-01",
        article.to_str().expect("utf-8"),
    ]);
    let err = ws.fails(&add_args("Q1", &["--quote", "arrested 58 people"]));
    assert!(err.contains("is not in the article"), "{err}");
    ws.ok(&add_args("Q1", &["--quote", "arrested 57 people"]));
    assert_eq!(ws.everything().len(), 1);
}

#[test]
fn a_hundred_concurrent_adds_all_land_with_a_revision_each() {
    let ws = Ws::new();
    ws.ok(&["workspace", "init"]);
    let ids: Vec<String> = (0..100).map(|i| format!("C{i:03}")).collect();
    let children: Vec<Child> = ids
        .iter()
        .map(|id| {
            ws.command(&add_args(id, &[]))
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(240);
    for child in children {
        let o = wait_with_deadline(child, deadline);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let all = ws.everything();
    let found: Vec<&str> = all.iter().map(|(id, _, _)| id.as_str()).collect();
    assert_eq!(found, ids, "every event, once");
    assert!(all
        .iter()
        .all(|(_, status, revisions)| status == "draft" && *revisions == 1));
    ws.ok(&["workspace", "check"]);
}

#[test]
fn of_fifty_concurrent_edits_of_one_version_exactly_one_wins() {
    let ws = Ws::new();
    ws.ok(&add_args("X1", &[]));
    let children: Vec<Child> = (0..50)
        .map(|i| {
            let note = format!("edit {i}");
            ws.command(&[
                "events",
                "edit",
                "X1",
                "--if-version",
                "1",
                "--notes",
                &note,
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn")
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(180);
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|c| wait_with_deadline(c, deadline))
        .collect();
    let (won, lost): (Vec<&Output>, Vec<&Output>) =
        outputs.iter().partition(|o| o.status.success());
    assert_eq!(won.len(), 1, "exactly one edit of version 1 wins");
    for o in lost {
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("is at version 2, not 1"), "{err}");
    }
    assert_eq!(ws.version("X1"), 2);
}

/// A GeoJSON file of `n` synthetic events with ids `{prefix}-000`, ...
fn synthetic_file(path: &Path, prefix: &str, n: usize, seed: u64) {
    let events: Vec<_> = scamatlas::events::synthetic::iter(n, seed)
        .enumerate()
        .map(|(i, mut e)| {
            e.id = format!("{prefix}-{i:03}").into();
            e
        })
        .collect();
    let mut text = Vec::new();
    scamatlas::events::write_geojson(&events, &mut text).expect("write");
    std::fs::write(path, text).expect("batch");
}

/// How long a command takes here, in milliseconds (at least 10).
fn time_of(mut command: Command) -> u64 {
    let started = Instant::now();
    let o = command.output().expect("runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (started.elapsed().as_millis() as u64).max(10)
}

/// What one round of the crash test wrote (or tried to).
enum Write {
    Add(String),
    Import(String),
    Publish(String),
}

/// Writes while being killed: each round starts a writer (an add, an import of
/// many events in one transaction, or a publish) and SIGKILLs it at a random
/// moment. No write that reported success may be lost, each is all or
/// nothing, and `workspace check` finds no problem.
#[test]
fn sigkill_at_random_moments_loses_no_committed_write() {
    let ws = Ws::new();
    let drafts = ws.file("drafts.geojson");
    synthetic_file(&drafts, "P", 200, 1);
    ws.ok(&["workspace", "import", drafts.to_str().expect("utf-8")]);
    // How long each writer takes here, so the kills land all over a run: the
    // shortest run seen (other tests may load the machine now and then).
    let mut add_ms = time_of(ws.command(&add_args("WARMUP", &[])));
    let mut publish_ms = time_of(ws.command(&["events", "publish", "P-199"]));
    let batch = ws.file("batch.geojson");
    let mut rng = 0x5eed_u64;
    let mut next = move |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n.max(1)
    };
    let (mut kills, mut rounds, mut done) = (0, 0_u64, Vec::new());
    // Generous: about 30 s alone on 2 cores in a debug build.
    let deadline = Instant::now() + Duration::from_secs(240);
    while kills < 50 || rounds < 80 {
        assert!(Instant::now() < deadline, "only {kills} kills in time");
        rounds += 1;
        let (write, mut command, ms) = match rounds % 10 {
            0 | 5 => {
                let id = format!("K{rounds:03}");
                let command = ws.command(&add_args(&id, &[]));
                (Write::Add(id), command, add_ms)
            }
            3 => {
                let prefix = format!("I{rounds:03}");
                synthetic_file(&batch, &prefix, 100, rounds);
                let command = ws.command(&["workspace", "import", batch.to_str().expect("utf-8")]);
                (Write::Import(prefix), command, add_ms)
            }
            _ => {
                let id = format!("P-{rounds:03}");
                let command = ws.command(&["events", "publish", &id]);
                (Write::Publish(id), command, publish_ms)
            }
        };
        let started = Instant::now();
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        // Most of an add or import is start-up: its kills gather near the end.
        let wait = match write {
            Write::Publish(_) => next(ms * 2),
            _ => ms * 2 / 5 + next(ms),
        };
        let kill_at = started + Duration::from_millis(wait);
        let exited = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break Some(status);
            }
            if Instant::now() >= kill_at {
                break None;
            }
            std::thread::sleep(Duration::from_millis(1));
        };
        let took = started.elapsed().as_millis() as u64;
        let succeeded = match exited {
            Some(status) => status.success(),
            None => {
                let _ = child.kill();
                child.wait().expect("wait").success()
            }
        };
        match (&write, succeeded) {
            (_, false) => kills += 1,
            (Write::Publish(_), true) => publish_ms = publish_ms.min(took.max(10)),
            (_, true) => add_ms = add_ms.min(took.max(10)),
        }
        done.push((write, succeeded));
    }
    let check = ws.run(&["workspace", "check"]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let all = ws.everything();
    let with_prefix = |p: &str| {
        all.iter()
            .filter(|(id, _, _)| id.starts_with(&format!("{p}-")))
            .count()
    };
    let event = |id: &str| all.iter().find(|(e, _, _)| e == id);
    for (write, succeeded) in &done {
        match write {
            Write::Add(id) => match event(id) {
                Some((_, status, revisions)) => {
                    assert_eq!((status.as_str(), *revisions), ("draft", 1))
                }
                None => assert!(!succeeded, "{id} was added, then lost"),
            },
            Write::Import(prefix) => match with_prefix(prefix) {
                100 => {}
                0 => assert!(!succeeded, "import {prefix} was done, then lost"),
                n => panic!("import {prefix} is half there: {n} of 100 events"),
            },
            Write::Publish(id) => match event(id).map(|(_, s, r)| (s.as_str(), *r)) {
                Some(("published", 2)) => {}
                Some(("draft", 1)) => assert!(!succeeded, "{id} was published, then lost"),
                other => panic!("{id}: {other:?}"),
            },
        }
    }
    let committed = done.iter().filter(|(_, ok)| *ok).count();
    eprintln!(
        "{rounds} rounds, {kills} kills, {committed} committed, {} events",
        all.len()
    );
}

#[test]
fn nothing_touches_the_default_workspace_in_these_tests() {
    // The default is under XDG_DATA_HOME, which these commands point at the
    // temporary folder: a workspace made there proves it is honoured.
    let ws = Ws::new();
    let o = Command::new(env!("CARGO_BIN_EXE_scamatlas"))
        .args(["workspace", "init"])
        .env_remove("SCAMATLAS_WORKSPACE")
        .env("XDG_DATA_HOME", ws.dir.path())
        .env("HOME", ws.dir.path())
        .output()
        .expect("runs");
    assert!(o.status.success());
    assert!(Path::new(&ws.dir.path().join("scamatlas/workspace.db")).exists());
}
