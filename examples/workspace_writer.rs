//! The writer of `scripts/bench-workspace.sh`: another process changing a
//! workspace that a `scamatlas serve` follows.
//!
//! - `latency WORKSPACE HOST:PORT N`: N times, publishes a new event at the
//!   place of an existing one and polls the zoom-12 events tile there until
//!   it shows the new event; prints the latencies from the commit.
//! - `edits WORKSPACE SECONDS`: edits published events (their notes, with
//!   `if_version`) as fast as one writer can for SECONDS; prints edits/s.

#![allow(clippy::print_stdout)] // its figures are its output

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use scamatlas::tiles::tile_of;
use scamatlas::workspace::{Author, Status, Stored, Workspace};

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["latency", workspace, address, n] => {
            runtime.block_on(latency(workspace.into(), address, n.parse()?))
        }
        ["edits", workspace, seconds] => runtime.block_on(edits(
            workspace.into(),
            Duration::from_secs_f64(seconds.parse()?),
        )),
        _ => Err(
            "usage: workspace_writer latency WORKSPACE HOST:PORT N | edits WORKSPACE SECONDS"
                .into(),
        ),
    }
}

/// Up to `n` published events, the first by id.
async fn first(workspace: &Workspace, n: usize) -> Result<Vec<Stored>, Error> {
    let mut found = Vec::new();
    let mut events = std::pin::pin!(workspace.events(&[Status::Published]).take(n));
    while let Some(e) = events.next().await {
        found.push(e?);
    }
    if found.is_empty() {
        return Err("no published event in the workspace".into());
    }
    Ok(found)
}

async fn latency(path: PathBuf, address: &str, n: usize) -> Result<(), Error> {
    let workspace = Workspace::open_existing(&path, 1).await?;
    let templates = first(&workspace, 1000).await?;
    let author = Author("bench:writer".into());
    let mut latencies = Vec::with_capacity(n);
    for i in 0..n {
        let mut event = templates[i * 7 % templates.len()].event.clone();
        event.id = format!("LIVE-{}-{i}", std::process::id()).into();
        let t = tile_of(event.point(), 12)?;
        let tile = format!("/tiles/events/{}/{}/{}.mvt", t.z, t.x, t.y);
        get(address, &tile)?; // cached before the change
        workspace
            .create(&event, Status::Published, &author, None)
            .await?;
        let committed = Instant::now();
        loop {
            if contains(&get(address, &tile)?, event.id.as_bytes()) {
                break;
            }
            if committed.elapsed() > Duration::from_secs(60) {
                return Err(format!("{} not in {tile} after 60 s", event.id).into());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        latencies.push(committed.elapsed());
        // Apart, so that each change is a burst of its own.
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    latencies.sort();
    let at = |q: f64| {
        let i = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1000.0
    };
    println!(
        "{n} changes, commit to tile: p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
    Ok(())
}

async fn edits(path: PathBuf, seconds: Duration) -> Result<(), Error> {
    let workspace = Workspace::open_existing(&path, 1).await?;
    let mut events = first(&workspace, 1000).await?;
    let author = Author("bench:writer".into());
    let started = Instant::now();
    let mut done = 0_usize;
    while started.elapsed() < seconds {
        let k = done % events.len();
        let mut event = events[k].event.clone();
        event.notes = format!("benchmark edit {done}");
        events[k] = workspace
            .edit(
                &event,
                Some(events[k].version),
                &author,
                Some("benchmark edit"),
            )
            .await?;
        done += 1;
    }
    let took = started.elapsed().as_secs_f64();
    println!(
        "{done} edits committed in {took:.1} s: {:.0} edits/s",
        done as f64 / took
    );
    Ok(())
}

/// The body of a GET over HTTP/1.0 (it ends with the connection).
fn get(address: &str, path: &str) -> Result<Vec<u8>, Error> {
    let mut stream = std::net::TcpStream::connect(address)?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n")?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    Ok(answer)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
