//! `scamatlas users`: the accounts of the workspace. The command line acts as
//! the local user, whom access to the database file already makes its owner.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use scamatlas::auth::Role;

use super::args::{UsersArgs, UsersCommand};
use super::output::{json_pretty, status, Table};
use super::workspace::Local;
use super::UsageError;

pub fn run(flag: Option<&Path>, args: &UsersArgs) -> anyhow::Result<ExitCode> {
    // Only the first `users add` may make a workspace: the others need one.
    let local = if matches!(args.command, UsersCommand::Add { .. }) {
        Local::open(flag)?
    } else {
        Local::open_existing(flag)?
    };
    let ws = &local.workspace;
    let mut out = io::stdout().lock();
    match &args.command {
        UsersCommand::Add { name, role } => {
            let role: Role = role
                .parse()
                .map_err(|e| UsageError(format!("--role: {e}")))?;
            let new = local.run(ws.add_account(name, role))?;
            writeln!(out, "account:  {} ({})", new.account.name, new.account.role)?;
            writeln!(
                out,
                "password: {}  (one-time: change it at the first login)",
                new.password
            )?;
            writeln!(out, "token:    {}  (for Authorization: Bearer)", new.token)?;
            status!("shown once: neither is stored, only their hashes");
        }
        UsersCommand::List { json } => {
            let accounts = local.run(ws.accounts())?;
            if *json {
                json_pretty(&mut out, &accounts)?;
            } else {
                let mut table = Table::new(vec!["NAME", "ROLE", "STATE"]);
                for a in &accounts {
                    let state = match (a.disabled, a.must_change_password) {
                        (true, _) => "disabled",
                        (false, true) => "one-time password",
                        (false, false) => "active",
                    };
                    table.row(vec![a.name.clone(), a.role.to_string(), state.into()]);
                }
                table.write(&mut out)?;
            }
        }
        UsersCommand::Disable { name } => {
            let account = local.run(ws.disable_account(name))?;
            status!(
                "{}: disabled; its sessions and tokens no longer work",
                account.name
            );
        }
        UsersCommand::Reset { name } => {
            let password = local.run(ws.reset_password(name))?;
            writeln!(
                out,
                "password: {password}  (one-time: change it at the first login)"
            )?;
        }
        UsersCommand::Token {
            name,
            revoke_others,
        } => {
            let token = local.run(ws.new_token(name, *revoke_others))?;
            writeln!(out, "token: {token}  (for Authorization: Bearer)")?;
            if *revoke_others {
                status!("{name}: every other token of the account is revoked");
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
