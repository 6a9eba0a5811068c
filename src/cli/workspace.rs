//! `scamatlas workspace`, and opening the workspace for any command.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use scamatlas::workspace::Workspace;

use super::args::{WorkspaceArgs, WorkspaceCommand};
use super::output::status;
use super::UsageError;

pub fn run(flag: Option<&Path>, args: &WorkspaceArgs) -> anyhow::Result<ExitCode> {
    let local = Local::open(flag)?;
    let path = local.workspace.path().display().to_string();
    match args.command {
        WorkspaceCommand::Init => {
            let [drafts, published, retracted] = local.run(local.workspace.counts())?;
            status!("{path}: ready; {published} published, {drafts} draft, {retracted} retracted events");
            Ok(ExitCode::SUCCESS)
        }
        WorkspaceCommand::Check => {
            let problems = local.run(local.workspace.check())?;
            let mut out = std::io::stdout().lock();
            for p in &problems {
                writeln!(out, "{path}: {p}")?;
            }
            status!("{path}: {} problem(s)", problems.len());
            Ok(if problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

/// A workspace driven from the command line: the async store on a small
/// runtime of this process.
pub struct Local {
    runtime: tokio::runtime::Runtime,
    pub workspace: Workspace,
}

impl Local {
    /// Opens (creating if needed) the workspace `--workspace` or
    /// `SCAMATLAS_WORKSPACE` names, else the default one.
    pub fn open(flag: Option<&Path>) -> anyhow::Result<Self> {
        let path = path(flag)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the workspace runtime")?;
        let workspace = runtime.block_on(Workspace::open(&path, 1))?;
        Ok(Self { runtime, workspace })
    }

    /// Runs one store call to completion.
    pub fn run<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        self.runtime.block_on(work)
    }
}

/// The workspace path: the flag (or its variable), else the default.
pub fn path(flag: Option<&Path>) -> anyhow::Result<PathBuf> {
    match flag {
        Some(p) => Ok(p.to_path_buf()),
        None => Workspace::default_path().ok_or_else(|| {
            UsageError(
                "--workspace: no default workspace (neither XDG_DATA_HOME nor HOME is set); \
                 give --workspace PATH or set SCAMATLAS_WORKSPACE"
                    .into(),
            )
            .into()
        }),
    }
}
