use super::*;
use crate::auth::{csrf_matches, csrf_token, AuthError, Role, MAX_FAILURES_PER_ACCOUNT};
use crate::events::{synthetic, EventDate, Source, TimeRange};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn sample(n: usize) -> Vec<Event> {
    synthetic::iter(n, 7).collect()
}

fn me() -> Author {
    Author("test:me".into())
}

#[test]
fn create_edit_publish_and_history_are_revisions() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let ws = Workspace::open(&dir.path().join("w.db"), 2).await.unwrap();
        let mut event = sample(1).remove(0);
        let made = ws.create(&event, Status::Draft, &me(), None).await.unwrap();
        assert_eq!((made.version, made.status), (1, Status::Draft));
        event.notes = "corrected".into();
        let edited = ws.edit(&event, Some(1), &me(), None).await.unwrap();
        assert_eq!(edited.version, 2);
        let published = ws
            .set_status(&event.id, Status::Published, Some(2), &me(), None)
            .await
            .unwrap();
        assert_eq!(published.version, 3);
        // A published event needs a reason to change.
        let refused = ws.edit(&event, Some(3), &me(), None).await.unwrap_err();
        assert!(matches!(refused, WorkspaceError::ReasonRequired { .. }));
        let history = ws.history(&event.id).await.unwrap();
        let actions: Vec<Action> = history.iter().map(|r| r.action).collect();
        assert_eq!(actions, [Action::Create, Action::Edit, Action::Publish]);
        assert_eq!(history[1].changed, ["notes"]);
        assert_eq!(history[2].changed, ["status"]);
        assert!(history.iter().all(|r| r.author == "test:me"));
        assert_eq!(ws.counts().await.unwrap(), [0, 1, 0]);
    });
}

#[test]
fn a_stale_version_is_refused_with_the_current_one() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let ws = Workspace::open(&dir.path().join("w.db"), 2).await.unwrap();
        let mut event = sample(1).remove(0);
        ws.create(&event, Status::Draft, &me(), None).await.unwrap();
        event.notes = "first".into();
        ws.edit(&event, Some(1), &me(), None).await.unwrap();
        event.notes = "second, from version 1".into();
        match ws.edit(&event, Some(1), &me(), None).await {
            Err(WorkspaceError::Conflict {
                expected, current, ..
            }) => assert_eq!((expected, current), (1, 2)),
            other => panic!("expected a conflict, got {other:?}"),
        }
        assert_eq!(
            ws.get(&event.id).await.unwrap().unwrap().event.notes,
            "first"
        );
    });
}

#[test]
fn revert_is_a_new_revision_with_the_old_content() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let ws = Workspace::open(&dir.path().join("w.db"), 1).await.unwrap();
        let original = sample(1).remove(0);
        ws.create(&original, Status::Draft, &me(), None)
            .await
            .unwrap();
        let mut changed = original.clone();
        changed.notes = "wrong".into();
        ws.edit(&changed, None, &me(), None).await.unwrap();
        let back = ws
            .revert(&original.id, 1, Some(2), &me(), None)
            .await
            .unwrap();
        assert_eq!((back.version, &back.event), (3, &original));
        assert_eq!(ws.history(&original.id).await.unwrap().len(), 3);
    });
}

#[test]
fn import_merges_by_id_and_adds_only_new_claims() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let ws = Workspace::open(&dir.path().join("w.db"), 1).await.unwrap();
        let events = sample(5);
        let first = ws
            .import(&events, Status::Published, &me(), None)
            .await
            .unwrap();
        assert_eq!(first.added, 5);
        let again = ws
            .import(&events, Status::Published, &me(), None)
            .await
            .unwrap();
        assert_eq!((again.added, again.unchanged), (0, 5));
        let mut more = events[0].clone();
        more.sources.push(Source {
            url: "https://example.org/second-report".into(),
            publisher: None,
            date: None,
            count: Some(999_999),
            count_kind: Some(crate::events::CountKind::Arrested),
        });
        let merged = ws
            .import(&[more], Status::Draft, &me(), None)
            .await
            .unwrap();
        assert_eq!((merged.extended, merged.claims_added), (1, 1));
        let now = ws.get(&events[0].id).await.unwrap().unwrap();
        assert_eq!(now.status, Status::Published, "an import keeps the status");
        assert_eq!(now.event.sources.len(), events[0].sources.len() + 1);
        let arrested = now
            .event
            .counts
            .iter()
            .find(|c| c.kind == crate::events::CountKind::Arrested);
        assert_eq!(arrested.map(|c| c.high), Some(999_999));
    });
}

#[test]
fn changes_since_gives_before_and_after() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let ws = Workspace::open(&dir.path().join("w.db"), 1).await.unwrap();
        let events = sample(3);
        ws.import(&events, Status::Published, &me(), None)
            .await
            .unwrap();
        let (since, _) = ws.revision().await.unwrap();
        let mut moved = events[1].clone();
        moved.notes = "moved".into();
        ws.edit(&moved, None, &me(), Some("typo")).await.unwrap();
        ws.create(&sample(4)[3], Status::Draft, &me(), None)
            .await
            .unwrap();
        let mut changes = ws.changes_since(since).await.unwrap();
        changes.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(changes.len(), 2);
        let edited = changes.iter().find(|c| c.id == moved.id).unwrap();
        assert_eq!(edited.before.as_ref().unwrap().event, events[1]);
        assert_eq!(edited.after.event, moved);
        let created = changes.iter().find(|c| c.id != moved.id).unwrap();
        assert!(created.before.is_none());
    });
}

#[test]
fn backup_check_and_restore_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let ws = Workspace::open(&dir.path().join("w.db"), 2).await.unwrap();
        ws.import(&sample(20), Status::Published, &me(), None)
            .await
            .unwrap();
        let (article, new) = ws
            .add_article(
                "https://example.org/a",
                Some("Example"),
                None,
                Some("Police raided 12 sites."),
                &me(),
            )
            .await
            .unwrap();
        assert!(new);
        let (again, new) = ws
            .add_article(
                "https://example.org/moved",
                None,
                None,
                Some("Police raided 12 sites."),
                &me(),
            )
            .await
            .unwrap();
        assert_eq!(
            (again.id, new),
            (article.id, false),
            "the same text is the same article"
        );
        ws.correct(article.id, (0, 6), None, &me()).await.unwrap();
        let backup = dir.path().join("backup.db");
        ws.backup(&backup).await.unwrap();
        assert!(
            ws.backup(&backup).await.is_err(),
            "a backup never overwrites"
        );
        let before = ws.all(&Status::ALL).await.unwrap();
        let mut event = before[0].event.clone();
        event.notes = "after the backup".into();
        ws.edit(&event, None, &me(), Some("test")).await.unwrap();
        let (_, generation) = ws.revision().await.unwrap();
        let identity = ws.identity().await.unwrap();
        let other = Workspace::open(&dir.path().join("other.db"), 1)
            .await
            .unwrap();
        assert_ne!(
            other.identity().await.unwrap(),
            identity,
            "each workspace its own"
        );
        assert_eq!(ws.restore(&backup).await.unwrap(), 20);
        assert_eq!(ws.all(&Status::ALL).await.unwrap(), before);
        assert_eq!(ws.revision().await.unwrap().1, generation + 1);
        assert_eq!(ws.identity().await.unwrap(), identity, "a restore keeps it");
        assert!(ws.check().await.unwrap().is_empty());
        assert!(ws.article("https://example.org/a").await.unwrap().is_some());
        assert_eq!(ws.corrections(article.id).await.unwrap().len(), 1);
    });
}

#[test]
fn check_finds_a_current_row_that_is_not_its_latest_revision() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let ws = Workspace::open(&dir.path().join("w.db"), 1).await.unwrap();
        ws.import(&sample(2), Status::Published, &me(), None)
            .await
            .unwrap();
        assert!(ws.check().await.unwrap().is_empty());
        sqlx::query("UPDATE events SET status = 'draft' WHERE rowid = 1")
            .execute(&ws.pool)
            .await
            .unwrap();
        let problems = ws.check().await.unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].0.contains("not its latest revision"));
    });
}

#[test]
fn a_file_that_is_not_a_workspace_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "just text, not SQLite").unwrap();
    let err = rt().block_on(Workspace::open(&path, 1)).unwrap_err();
    assert!(err.to_string().contains("notes.db"), "{err}");
}

#[test]
fn evidence_needs_the_quote_in_the_article() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let ws = Workspace::open(&dir.path().join("w.db"), 1).await.unwrap();
        let event = sample(1).remove(0);
        ws.create(&event, Status::Draft, &me(), None).await.unwrap();
        let url = event.sources[0].url.clone();
        let text = "Ärzte: police raided 12 sites near the river.";
        ws.add_article(&url, None, None, Some(text), &me())
            .await
            .unwrap();
        let found = ws
            .add_evidence(&event.id, &url, "raided 12 sites")
            .await
            .unwrap();
        assert_eq!((found.start_char, found.end_char), (14, 29));
        let missing = ws
            .add_evidence(&event.id, &url, "raided 13 sites")
            .await
            .unwrap_err();
        assert!(missing.to_string().contains("--quote"), "{missing}");
        assert_eq!(ws.evidence(&event.id).await.unwrap(), [found]);
    });
}

mod accounts {
    use super::*;

    async fn workspace(dir: &tempfile::TempDir) -> Workspace {
        Workspace::open(&dir.path().join("w.db"), 2).await.unwrap()
    }

    #[test]
    fn the_first_account_must_be_an_admin() {
        let dir = tempfile::tempdir().unwrap();
        rt().block_on(async {
            let ws = workspace(&dir).await;
            assert!(!ws.has_admin().await.unwrap());
            let refused = ws.add_account("ana", Role::Editor).await.unwrap_err();
            assert!(
                matches!(refused, WorkspaceError::Auth(AuthError::FirstMustBeAdmin)),
                "{refused}"
            );
            ws.add_account("root", Role::Admin).await.unwrap();
            assert!(ws.has_admin().await.unwrap());
            ws.add_account("ana", Role::Editor).await.unwrap();
            let twice = ws.add_account("ANA", Role::Reviewer).await.unwrap_err();
            assert!(
                matches!(twice, WorkspaceError::Auth(AuthError::Exists(_))),
                "names ignore case: {twice}"
            );
            let names: Vec<String> = ws
                .accounts()
                .await
                .unwrap()
                .into_iter()
                .map(|a| a.name)
                .collect();
            assert_eq!(names, ["ana", "root"]);
        });
    }

    #[test]
    fn secrets_are_stored_hashed_and_tokens_resolve_to_their_account() {
        let dir = tempfile::tempdir().unwrap();
        rt().block_on(async {
            let ws = workspace(&dir).await;
            let admin = ws.add_account("root", Role::Admin).await.unwrap();
            assert!(admin.token.starts_with("sat_") && admin.token.len() == 68);
            assert_eq!(admin.password.chars().count(), 20);
            let stored: (String,) = sqlx::query_as("SELECT password FROM accounts")
                .fetch_one(&ws.pool)
                .await
                .unwrap();
            assert!(stored.0.starts_with("$argon2id$"), "{}", stored.0);
            assert!(!stored.0.contains(&admin.password));
            let digests: Vec<String> = sqlx::query_scalar("SELECT digest FROM tokens")
                .fetch_all(&ws.pool)
                .await
                .unwrap();
            assert!(digests
                .iter()
                .all(|d| d.len() == 64 && !admin.token.contains(d.as_str())));
            let found = ws.token_account(&admin.token).await.unwrap().unwrap();
            assert_eq!((found.name.as_str(), found.role), ("root", Role::Admin));
            assert!(ws.token_account("sat_0000").await.unwrap().is_none());
            let fresh = ws.new_token("root", true).await.unwrap();
            assert!(
                ws.token_account(&admin.token).await.unwrap().is_none(),
                "revoked"
            );
            assert!(ws.token_account(&fresh).await.unwrap().is_some());
        });
    }

    #[test]
    fn login_session_logout_and_password_change() {
        let dir = tempfile::tempdir().unwrap();
        rt().block_on(async {
            let ws = workspace(&dir).await;
            let new = ws.add_account("root", Role::Admin).await.unwrap();
            let session = ws.login("root", &new.password, "127.0.0.1").await.unwrap();
            assert!(session.account.must_change_password);
            assert!(csrf_matches(&session.key, &session.csrf()));
            assert!(!csrf_matches(&session.key, &csrf_token("another key")));
            assert!(ws.session(&session.key).await.unwrap().is_some());
            let short = ws
                .change_password("root", &new.password, "short", None)
                .await;
            assert!(matches!(
                short,
                Err(WorkspaceError::Auth(AuthError::WeakPassword))
            ));
            let other = ws.login("root", &new.password, "127.0.0.2").await.unwrap();
            ws.change_password(
                "root",
                &new.password,
                "a much longer passphrase",
                Some(&session.key),
            )
            .await
            .unwrap();
            assert!(
                ws.session(&session.key).await.unwrap().is_some(),
                "the caller's session stays"
            );
            assert!(
                ws.session(&other.key).await.unwrap().is_none(),
                "other sessions end"
            );
            assert!(matches!(
                ws.login("root", &new.password, "127.0.0.1").await,
                Err(WorkspaceError::Auth(AuthError::BadCredentials))
            ));
            ws.logout(&session.key).await.unwrap();
            assert!(ws.session(&session.key).await.unwrap().is_none());
        });
    }

    #[test]
    fn failed_logins_are_throttled_per_account_even_with_the_right_password() {
        let dir = tempfile::tempdir().unwrap();
        rt().block_on(async {
            let ws = workspace(&dir).await;
            let new = ws.add_account("root", Role::Admin).await.unwrap();
            for i in 0..MAX_FAILURES_PER_ACCOUNT {
                let wrong = ws.login("root", "guess", &format!("10.0.0.{i}")).await;
                assert!(matches!(
                    wrong,
                    Err(WorkspaceError::Auth(AuthError::BadCredentials))
                ));
            }
            let blocked = ws.login("root", &new.password, "10.0.1.1").await;
            assert!(
                matches!(
                    blocked,
                    Err(WorkspaceError::Auth(AuthError::Throttled { .. }))
                ),
                "{blocked:?}"
            );
            // An unknown name answers like a wrong password.
            let unknown = ws.login("nobody", "guess", "10.0.2.1").await;
            assert!(matches!(
                unknown,
                Err(WorkspaceError::Auth(AuthError::BadCredentials))
            ));
            // A reset lifts the account's throttle.
            let password = ws.reset_password("root").await.unwrap();
            ws.login("root", &password, "10.0.1.1").await.unwrap();
        });
    }

    #[test]
    fn a_disabled_account_loses_its_sessions_and_tokens() {
        let dir = tempfile::tempdir().unwrap();
        rt().block_on(async {
            let ws = workspace(&dir).await;
            ws.add_account("root", Role::Admin).await.unwrap();
            let ana = ws.add_account("ana", Role::Reviewer).await.unwrap();
            let session = ws.login("ana", &ana.password, "127.0.0.1").await.unwrap();
            assert!(session.account.can(Role::Editor) && !session.account.can(Role::Admin));
            ws.disable_account("ana").await.unwrap();
            assert!(ws.session(&session.key).await.unwrap().is_none());
            assert!(ws.token_account(&ana.token).await.unwrap().is_none());
            assert!(matches!(
                ws.login("ana", &ana.password, "127.0.0.1").await,
                Err(WorkspaceError::Auth(AuthError::BadCredentials))
            ));
        });
    }
}

#[test]
fn an_event_and_its_quote_are_written_together_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let ws = Workspace::open(&dir.path().join("w.db"), 1).await.unwrap();
        let event = sample(1).remove(0);
        let url = event.sources[0].url.clone();
        ws.add_article(&url, None, None, Some("Police raided 12 sites."), &me())
            .await
            .unwrap();
        let missing = Quote::new(&url, "raided 13 sites");
        let refused = ws
            .create_quoted(&event, Status::Draft, &me(), None, Some(missing))
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("--quote"), "{refused}");
        assert!(
            ws.get(&event.id).await.unwrap().is_none(),
            "no event without its quote"
        );
        let found = Quote::new(&url, "raided 12 sites");
        ws.create_quoted(&event, Status::Draft, &me(), None, Some(found))
            .await
            .unwrap();
        assert_eq!(ws.evidence(&event.id).await.unwrap().len(), 1);
        let mut edited = event.clone();
        edited.notes = "checked".into();
        let bad = ws
            .edit_quoted(&edited, Some(1), &me(), None, Some(missing))
            .await
            .unwrap_err();
        assert!(bad.to_string().contains("--quote"), "{bad}");
        assert_eq!(
            ws.get(&event.id).await.unwrap().unwrap().version,
            1,
            "no edit without its quote"
        );
    });
}

#[test]
fn retracting_a_draft_is_a_rejection_and_needs_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let ws = Workspace::open(&dir.path().join("w.db"), 1).await.unwrap();
        let event = sample(1).remove(0);
        ws.create(&event, Status::Draft, &me(), None).await.unwrap();
        let refused = ws
            .set_status(&event.id, Status::Retracted, Some(1), &me(), Some(" "))
            .await
            .unwrap_err();
        assert!(matches!(refused, WorkspaceError::ReasonRequired { .. }));
        let rejected = ws
            .set_status(
                &event.id,
                Status::Retracted,
                Some(1),
                &me(),
                Some("no source"),
            )
            .await
            .unwrap();
        assert_eq!((rejected.status, rejected.version), (Status::Retracted, 2));
        let history = ws.history(&event.id).await.unwrap();
        assert_eq!(history[1].reason.as_deref(), Some("no source"));
    });
}

#[test]
fn corrections_are_kept_per_article_and_span_and_replaced_at_the_same_start() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let ws = Workspace::open(&dir.path().join("w.db"), 1).await.unwrap();
        let (article, _) = ws
            .add_article(
                "https://example.org/a",
                None,
                None,
                Some("Raid in Mae Sot."),
                &me(),
            )
            .await
            .unwrap();
        ws.correct(article.id, (8, 15), Some("myawaddy"), &me())
            .await
            .unwrap();
        ws.correct(article.id, (8, 15), None, &me()).await.unwrap();
        ws.correct(article.id, (0, 4), Some("kk_park"), &me())
            .await
            .unwrap();
        let kept = ws.corrections(article.id).await.unwrap();
        let spans: Vec<_> = kept
            .iter()
            .map(|c| (c.start_char, c.end_char, c.place_id.as_deref()))
            .collect();
        assert_eq!(spans, [(0, 4, Some("kk_park")), (8, 15, None)]);
        assert_eq!(kept[0].author, "test:me");
        let outside = ws.correct(article.id, (10, 17), None, &me()).await;
        assert!(
            matches!(&outside, Err(WorkspaceError::Field { field, .. }) if field == "start"),
            "{outside:?}"
        );
        let missing = ws.correct(99, (0, 1), None, &me()).await;
        assert!(matches!(missing, Err(WorkspaceError::NoArticle(99))));
    });
}

#[test]
fn a_further_claim_stands_beside_the_others_with_its_quote_and_translation() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let ws = Workspace::open(&dir.path().join("w.db"), 1).await.unwrap();
        let mut event = sample(1).remove(0);
        event.counts = vec![crate::events::Count {
            kind: crate::events::CountKind::Arrested,
            low: 100,
            best: 100,
            high: 100,
        }];
        ws.create(&event, Status::Draft, &me(), None).await.unwrap();
        let text = "ตำรวจจับกุม 120 คน ที่แม่สอด";
        let (article, _) = ws
            .add_article("https://example.org/th", None, None, Some(text), &me())
            .await
            .unwrap();
        let source = Source {
            url: "https://example.org/th".into(),
            publisher: Some("Example".into()),
            date: None,
            count: Some(120),
            count_kind: Some(crate::events::CountKind::Arrested),
        };
        let quote = Quote {
            article: Some(ArticleRef::Id(article.id)),
            span: Some((5, 18)),
            translation: Some("police arrested 120 people"),
            ..Quote::new(&source.url, "จับกุม 120 คน")
        };
        let (stored, evidence) = ws
            .add_claim(&event.id, &source, Some(quote), 1, &me(), None)
            .await
            .unwrap();
        assert_eq!(stored.version, 2);
        assert_eq!(stored.event.sources.len(), event.sources.len() + 1);
        let count = stored.event.counts[0];
        assert_eq!((count.low, count.best, count.high), (100, 100, 120));
        let evidence = evidence.unwrap();
        assert_eq!((evidence.start_char, evidence.end_char), (5, 18));
        assert_eq!(
            ws.evidence(&event.id).await.unwrap()[0].translation.as_deref(),
            Some("police arrested 120 people")
        );
        let history = ws.history(&event.id).await.unwrap();
        assert_eq!(
            history[1].reason.as_deref(),
            Some("a further claim: https://example.org/th")
        );
        // The same source again, a stale version, a quote that is not there:
        // refused, nothing written.
        let again = ws.add_claim(&event.id, &source, None, 2, &me(), None).await;
        assert!(matches!(&again, Err(WorkspaceError::Field { field, .. }) if field == "source.url"));
        let other = Source {
            url: "https://example.org/other".into(),
            ..source.clone()
        };
        let stale = ws.add_claim(&event.id, &other, None, 1, &me(), None).await;
        assert!(matches!(stale, Err(WorkspaceError::Conflict { current: 2, .. })));
        let wrong = Quote {
            article: Some(ArticleRef::Id(article.id)),
            span: Some((0, 5)),
            ..Quote::new(&other.url, "จับกุม")
        };
        let misquoted = ws
            .add_claim(&event.id, &other, Some(wrong), 2, &me(), None)
            .await;
        assert!(
            matches!(&misquoted, Err(WorkspaceError::Field { field, .. }) if field == "quote.start_char"),
            "{misquoted:?}"
        );
        assert_eq!(ws.get(&event.id).await.unwrap().unwrap().version, 2);
    });
}

#[test]
fn the_queue_lists_drafts_newest_first_in_pages_and_by_filter() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let ws = Workspace::open(&dir.path().join("w.db"), 1).await.unwrap();
        let events = sample(6);
        for (i, e) in events.iter().enumerate() {
            let status = if i == 2 {
                Status::Published
            } else {
                Status::Draft
            };
            ws.create(e, status, &Author(format!("test:{i}")), None)
                .await
                .unwrap();
        }
        let all = QueueFilter {
            limit: 2,
            ..QueueFilter::default()
        };
        let mut seen = Vec::new();
        let mut page = ws.queue(&all).await.unwrap();
        loop {
            seen.extend(page.drafts.iter().map(|q| q.drafted_by.clone()));
            let Some(next) = page.next else { break };
            page = ws
                .queue(&QueueFilter {
                    before: Some(next),
                    ..all.clone()
                })
                .await
                .unwrap();
        }
        assert_eq!(seen, ["test:5", "test:4", "test:3", "test:1", "test:0"]);
        let first = &events[0];
        let p = first.point();
        let typed = QueueFilter {
            types: vec![first.event_type],
            bbox: Some([p.lon - 0.01, p.lat - 0.01, p.lon + 0.01, p.lat + 0.01]),
            near: Some((p, 1_000.0)),
            time: Some(TimeRange {
                start: Some(first.date.first_day()),
                end: Some(first.date.last_day()),
            }),
            before: None,
            limit: 10,
        };
        let found = ws.queue(&typed).await.unwrap();
        assert!(found.drafts.iter().any(|q| q.stored.event.id == first.id));
        assert!(found
            .drafts
            .iter()
            .all(|q| q.stored.event.event_type == first.event_type));
    });
}

#[test]
fn similar_events_are_of_the_type_near_in_space_and_time_nearest_first() {
    let dir = tempfile::tempdir().unwrap();
    rt().block_on(async {
        let ws = Workspace::open(&dir.path().join("w.db"), 1).await.unwrap();
        let base = sample(1).remove(0);
        let at = |id: &str, dlat: f64, days: i64, status| {
            let mut e = base.clone();
            e.id = id.into();
            e.places.truncate(1);
            e.places[0].point.lat += dlat;
            e.date.start += chrono::Duration::days(days);
            e.date.precision = crate::events::DatePrecision::Day;
            e.date.end = None;
            (e, status)
        };
        // 0.1 degree of latitude is 11.1 km; 0.3 is 33 km.
        for (e, status) in [
            at("near", 0.1, 3, Status::Draft),
            at("nearer", 0.05, -10, Status::Published),
            at("far", 0.3, 0, Status::Draft),
            at("late", 0.0, 20, Status::Draft),
            at("gone", 0.0, 0, Status::Retracted),
        ] {
            ws.create(&e, status, &me(), None).await.unwrap();
            if status == Status::Retracted {
                ws.set_status(&e.id, Status::Draft, Some(1), &me(), None)
                    .await
                    .unwrap();
                ws.set_status(&e.id, Status::Retracted, Some(2), &me(), Some("test"))
                    .await
                    .unwrap();
            }
        }
        let date = EventDate {
            start: base.date.start,
            precision: crate::events::DatePrecision::Day,
            end: None,
        };
        let found = ws
            .similar(
                base.event_type,
                (base.places[0].point, 25_000.0),
                (&date, 14),
                &[Status::Draft, Status::Published],
                10,
            )
            .await
            .unwrap();
        let ids: Vec<&str> = found.iter().map(|s| s.stored.event.id.as_str()).collect();
        assert_eq!(ids, ["nearer", "near"]);
        assert_eq!(found[0].days_apart, 10);
        assert!(
            (found[1].distance_m - 11_120.0).abs() < 50.0,
            "{}",
            found[1].distance_m
        );
    });
}
