//! An article as the review desk shows it: every place, date and count the
//! geoparser found (with the ranked candidates of each place and what is
//! unsure), and the proposed events, each with the draft event it would
//! become, after an editor's corrections.
//!
//! All offsets are Unicode code points (scalar values) into the text, end
//! exclusive, as everywhere in [`super`].

use serde_json::{json, Value};

use super::proposals::{proposals, Proposal, Role};
use super::{draft, Correction, Document, DraftOptions, Geoparser, Mention, Options};
use crate::events::event_to_feature;
use crate::gazetteer::Hints;

/// A place chosen with less confidence than this is marked unsure.
pub const UNSURE_BELOW: f64 = 0.5;

/// Most ranked candidates listed per place mention.
pub const CANDIDATES: usize = 5;

/// Most different place names whose candidates are listed; names beyond
/// these (a text of thousands of names) are looked up with `/api/resolve`
/// when an editor opens one.
pub const MAX_CANDIDATE_NAMES: usize = 500;

/// What the article is and where drafts point.
#[derive(Debug, Clone)]
pub struct Article<'a> {
    pub text: &'a str,
    /// Its publication date: what relative dates are read against (as
    /// `geoparse --date`).
    pub published: Option<chrono::NaiveDate>,
    /// The source drafts name, and their id prefix.
    pub drafts: DraftOptions,
}

/// The desk's view of `article` with `corrections` applied, as JSON:
/// `article_date`, `article_date_source`, `mentions`, `candidates` (the
/// ranked candidates of each place name, by the name as written), `dates`,
/// `counts` and `proposals` (see the README's HTTP API section for each
/// member).
#[must_use]
pub fn review(
    parser: &Geoparser<'_>,
    article: &Article<'_>,
    corrections: &[Correction<'_>],
) -> Value {
    let options = Options {
        article_date: article.published,
    };
    let doc = parser.parse_corrected(article.text, &options, corrections);
    let mentions: Vec<Value> = doc
        .mentions
        .iter()
        .map(|m| {
            let corrected = corrections
                .iter()
                .any(|c| c.start == m.start && c.place.is_some());
            mention_json(m, corrected)
        })
        .collect();
    let candidates = candidates_json(parser, &doc);
    let dates: Vec<Value> = doc
        .dates
        .iter()
        .map(|d| {
            let mut v = serde_json::to_value(d).unwrap_or(Value::Null);
            v["unsure"] = json!(d.value.is_none());
            v
        })
        .collect();
    let counts: Vec<Value> = doc
        .counts
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(c).unwrap_or(Value::Null);
            v["unsure"] = json!(c.event_type.is_none());
            v
        })
        .collect();
    let proposals: Vec<Value> = proposals(&doc, article.text)
        .iter()
        .enumerate()
        .map(|(i, p)| proposal_json(&doc, article, p, i + 1))
        .collect();
    json!({
        "article_date": doc.article_date,
        "article_date_source": doc.article_date_source,
        "mentions": mentions,
        "candidates": candidates,
        "dates": dates,
        "counts": counts,
        "proposals": proposals,
    })
}

/// The ranked candidates of each different place name mentioned (the first
/// [`MAX_CANDIDATE_NAMES`]), by name as written.
fn candidates_json(parser: &Geoparser<'_>, doc: &Document<'_>) -> Value {
    let gazetteer = parser.gazetteer();
    let mut ranked = serde_json::Map::new();
    for m in &doc.mentions {
        if ranked.len() == MAX_CANDIDATE_NAMES {
            break;
        }
        if ranked.contains_key(&m.text) {
            continue;
        }
        let hints = Hints {
            limit: CANDIDATES,
            ..Hints::default()
        };
        let found = gazetteer.resolve(&m.text, &hints).unwrap_or_default();
        let list: Vec<Value> = found
            .iter()
            .enumerate()
            .map(|(i, c)| {
                serde_json::to_value(gazetteer.candidate_view(i + 1, c)).unwrap_or(Value::Null)
            })
            .collect();
        ranked.insert(m.text.clone(), Value::Array(list));
    }
    Value::Object(ranked)
}

fn mention_json(m: &Mention<'_>, corrected: bool) -> Value {
    json!({
        "start": m.start,
        "end": m.end,
        "text": m.text,
        "kind": m.kind().map(|k| k.as_str()),
        "place": m.place.map(|p| json!({
            "id": p.id,
            "name": p.name,
            "class": p.class,
            "countries": p.countries,
            "radius_m": p.radius_m.round(),
        })),
        "lon": m.point.map(|p| p.lon),
        "lat": m.point.map(|p| p.lat),
        "confidence": m.confidence,
        "unsure": m.confidence < UNSURE_BELOW,
        "reason": m.reason,
        "organisation": m.organisation,
        "corrected": corrected,
    })
}

fn proposal_json(doc: &Document<'_>, article: &Article<'_>, p: &Proposal, n: usize) -> Value {
    let total = &doc.counts[p.total];
    let figures = p
        .members
        .iter()
        .filter(|m| matches!(m.role, Role::Total | Role::Repeat))
        .map(|m| doc.counts[m.count].value);
    let (low, high) = figures.fold((total.value, total.value), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let place = |i: Option<usize>| {
        i.map(|i| {
            let m = &doc.mentions[i];
            json!({
                "mention": i,
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "id": m.place.map(|p| p.id.as_str()),
                "name": m.place.map(|p| p.name.as_str()),
                "lon": m.point.map(|p| p.lon),
                "lat": m.point.map(|p| p.lat),
                "radius_m": m.place.map(|p| p.radius_m.round()),
            })
        })
    };
    let members: Vec<Value> = p
        .members
        .iter()
        .map(|m| {
            let c = &doc.counts[m.count];
            json!({
                "count": m.count,
                "role": m.role,
                "value": c.value,
                "kind": c.kind,
                "start": c.start,
                "end": c.end,
                "text": c.text,
            })
        })
        .collect();
    let evidence: Vec<Value> = p
        .evidence
        .iter()
        .map(|e| {
            json!({
                "start": e.start,
                "end": e.end,
                "text": article.text.get(e.byte_start..e.byte_end).unwrap_or(""),
            })
        })
        .collect();
    let (draft, why_no_draft) = match draft(doc, article.text, p, &article.drafts, n) {
        Ok(event) => (serde_json::to_value(event_to_feature(&event)).ok(), None),
        Err(why) => (None, Some(why)),
    };
    json!({
        "n": n,
        "type": p.event_type,
        "standing": p.standing,
        "date": p.date,
        "date_note": p.date_note,
        "place": place(p.place),
        "place_note": p.place_note,
        "destination": place(p.destination),
        "counts": [{"kind": total.kind, "low": low, "best": total.value, "high": high}],
        "members": members,
        "evidence": evidence,
        "draft": draft,
        "why_no_draft": why_no_draft,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;

    #[test]
    fn a_raid_report_gives_its_places_counts_and_one_proposal_with_a_draft() {
        let gazetteer = Gazetteer::bundled().unwrap();
        let parser = Geoparser::new(&gazetteer).unwrap();
        let text = "Police in Myawaddy arrested 120 people on Monday. \
                    Of the 120 people arrested, 70 were Chinese.";
        let article = Article {
            text,
            published: chrono::NaiveDate::from_ymd_opt(2025, 3, 5),
            drafts: DraftOptions {
                source_url: "https://example.org/raid".into(),
                publisher: None,
                id_prefix: "A1".into(),
            },
        };
        let view = review(&parser, &article, &[]);
        assert_eq!(view["article_date_source"], "given");
        let myawaddy = &view["mentions"][0];
        assert_eq!(myawaddy["text"], "Myawaddy");
        assert_eq!(
            (myawaddy["start"].as_u64(), myawaddy["end"].as_u64()),
            (Some(10), Some(18))
        );
        let ranked = view["candidates"]["Myawaddy"].as_array().unwrap();
        assert_eq!(ranked[0]["id"], "myawaddy", "{ranked:#?}");
        assert!(ranked.iter().all(|c| c["reason"].is_string()));
        let proposals = view["proposals"].as_array().unwrap();
        assert_eq!(proposals.len(), 1, "{proposals:#?}");
        let p = &proposals[0];
        assert_eq!(p["type"], "raid");
        assert_eq!(p["standing"], "new");
        assert_eq!(p["counts"][0]["best"], 120);
        assert_eq!(p["place"]["text"], "Myawaddy");
        assert_eq!(p["date"]["start"], "2025-03-03", "{p:#}");
        assert_eq!(p["draft"]["properties"]["id"], "A1-01");
        let ev = &p["evidence"][0];
        let (s, e) = (
            ev["start"].as_u64().unwrap() as usize,
            ev["end"].as_u64().unwrap() as usize,
        );
        let sliced: String = text.chars().skip(s).take(e - s).collect();
        assert_eq!(ev["text"], sliced.as_str());
    }
}
