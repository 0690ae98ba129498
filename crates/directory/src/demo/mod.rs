//! The demo federation: the head office and the five real industrial unions (public member counts
//! from data/federation.csv, each in the fiscal year of its date), fictional enterprise unions
//! spread over them with plausible sizes, companies with overseas sites in Thailand and Indonesia,
//! overseas unions, external bodies, people with positions, one login per tier and role, and a few
//! planted records that only the head office sees (for the reach tests). The same builder, scaled
//! up, makes the benchmark data set. Everything is written through the module's own write
//! functions, so demo data is validated and audited like any other.

mod names;

use crate::counts::{self, CheckedCount};
use crate::org::model::check_fields;
use crate::org::{OrgInput, store as org_store};
use crate::people::{PersonInput, check_fields as check_person, store as people_store};
use kumiai_core::{FiscalCalendar, OrgId, Role, time};
use kumiai_platform::accounts::{self, NewUser};
use kumiai_platform::audit::Actor;
use kumiai_platform::db::{Db, Tx};
use kumiai_platform::module::{DemoCtx, DemoSize, WalkTarget};
use kumiai_platform::search::BoxFuture;
use names::*;

pub const DEMO_PASSWORD: &str = "kumiai-demo-2026";

#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub enterprise_unions: usize,
    pub companies: usize,
    pub people: usize,
}

impl Scale {
    pub fn of(size: DemoSize) -> Scale {
        match size {
            // Enough for every planted case: E00014 (head office only), C00004 (embargoed),
            // C00005 (head office only, linked from E00005), a site shared with a partner.
            DemoSize::Lean => Scale { enterprise_unions: 16, companies: 6, people: 60 },
            DemoSize::Demo => Scale { enterprise_unions: 300, companies: 40, people: 900 },
            DemoSize::Bench { orgs, people } => {
                let companies = orgs / 10;
                Scale { enterprise_unions: orgs.saturating_sub(companies * 2 + 20), companies, people }
            }
        }
    }
}

/// One login per tier and role: (login, organisation code, role, what it is in both languages).
pub const LOGINS: &[(&str, &str, Role, &str)] = &[
    ("hq-admin", "JCM", Role::Admin, "本部・管理者 / head office admin"),
    ("hq-editor", "JCM", Role::Editor, "本部・編集者 / head office editor"),
    ("hq-viewer", "JCM", Role::Viewer, "本部・閲覧者 / head office viewer"),
    ("jaw-admin", "JAW", Role::Admin, "産別（自動車総連）・管理者 / industrial union admin"),
    ("jaw-editor", "JAW", Role::Editor, "産別・編集者 / industrial union editor"),
    ("jaw-viewer", "JAW", Role::Viewer, "産別・閲覧者 / industrial union viewer"),
    ("ent-admin", "E00001", Role::Admin, "単組・管理者 / enterprise union admin"),
    ("ent-editor", "E00001", Role::Editor, "単組・編集者 / enterprise union editor"),
    ("ent-viewer", "E00001", Role::Viewer, "単組・閲覧者 / enterprise union viewer"),
    ("partner-admin", "TEAM", Role::Admin, "友誼組織（TEAM）・管理者 / partner admin"),
    ("partner-editor", "TEAM", Role::Editor, "友誼組織・編集者 / partner editor"),
    ("partner-viewer", "TEAM", Role::Viewer, "友誼組織・閲覧者 / partner viewer"),
];

/// The module's demo step: the federation (when the database has none yet) and its logins.
pub fn step(ctx: &DemoCtx) -> BoxFuture<'_, anyhow::Result<Vec<String>>> {
    Box::pin(async move {
        let n = build(&ctx.db, Scale::of(ctx.size), ctx.calendar).await?;
        let mut lines = vec![format!("デモデータを作成しました / demo federation created: {n} organisations")];
        lines.push(format!("デモ用ログイン（パスワードはすべて {DEMO_PASSWORD}）/ demo logins (password for all: {DEMO_PASSWORD}):"));
        lines.extend(LOGINS.iter().map(|(login, org, _, what)| format!("  {login:<16} {org:<8} {what}")));
        Ok(lines)
    })
}

/// Route-walk ids: an organisation and a person hidden from every tier but the head office, and
/// ones the head office sees.
pub fn walk(db: &Db) -> BoxFuture<'_, anyhow::Result<Vec<WalkTarget>>> {
    Box::pin(async move {
        let org = |code: &'static str| async move { org_store::by_code(db, code).await?.map(|o| o.id).ok_or_else(|| anyhow::anyhow!("demo organisation {code} missing")) };
        let (hidden, visible) = (org("E00014").await?, org("E00001").await?);
        let person: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE reach = 'hq' ORDER BY id LIMIT 1").fetch_optional(&db.pool).await?;
        let hidden_person = person.ok_or_else(|| anyhow::anyhow!("the demo has no head-office-only person"))?;
        let visible_person: i64 = sqlx::query_scalar("SELECT id FROM people WHERE reach = 'public' ORDER BY id LIMIT 1").fetch_one(&db.pool).await?;
        let ids = |h: i64, v: i64| (vec![("id", h.to_string())], vec![("id", v.to_string())]);
        let mut out = vec![];
        for prefix in ["/directory/organisations/{id}", "/api/v1/organisations/{id}"] {
            let (h, v) = ids(hidden.get(), visible.get());
            out.push(WalkTarget { route_prefix: prefix, hidden: h, visible: v });
        }
        for prefix in ["/directory/people/{id}", "/api/v1/people/{id}"] {
            let (h, v) = ids(hidden_person, visible_person);
            out.push(WalkTarget { route_prefix: prefix, hidden: h, visible: v });
        }
        out.push(WalkTarget { route_prefix: "/directory/export/{file}", hidden: vec![("file", "organisations.csv".into())], visible: vec![("file", "organisations.csv".into())] });
        Ok(out)
    })
}

struct Builder {
    tx: Tx,
    actor: Actor,
    hq: Option<OrgId>,
    rng: Rng,
    orgs: usize,
}

fn org(code: &str, kind: &str, parent: &str, name_ja: &str, name_kana: &str, name_en: &str, country: &str, reach: &str) -> OrgInput {
    OrgInput {
        code: code.into(),
        kind: kind.into(),
        parent: parent.into(),
        name_ja: name_ja.into(),
        name_kana: name_kana.into(),
        name_en: name_en.into(),
        country: country.into(),
        reach: reach.into(),
        ..Default::default()
    }
}

impl Builder {
    async fn add(&mut self, input: OrgInput) -> anyhow::Result<OrgId> {
        let c = check_fields(&input).map_err(|e| anyhow::anyhow!("demo organisation {}: {:?}", input.code, e))?;
        let o = org_store::insert_checked(&mut self.tx, &self.actor, self.hq, &input, &c).await?;
        self.orgs += 1;
        Ok(o.id)
    }

    async fn count(&mut self, org_id: OrgId, fy: i64, members: i64, dues: Option<i64>) -> anyhow::Result<()> {
        let c = CheckedCount { fiscal_year: fy, members, dues_paying: dues };
        counts::write(&mut self.tx, &self.actor, org_id, &c, None, 0).await.map_err(|e| anyhow::anyhow!("demo count: {e:?}"))?;
        Ok(())
    }

    async fn person(&mut self, org_code: &str, position: usize, reach: &str) -> anyhow::Result<()> {
        let (sk, skana, sr) = *self.rng.pick(SURNAMES);
        let female = self.rng.chance(18);
        let pool: Vec<_> = GIVEN.iter().filter(|g| g.3 == female).collect();
        let (gk, gkana, gr, _) = **self.rng.pick(&pool);
        let (pj, pe) = POSITIONS[position.min(POSITIONS.len() - 1)];
        let start_year = 2021 + self.rng.below(5) as i32;
        let input = PersonInput {
            org: org_code.into(),
            name_kanji: format!("{sk} {gk}"),
            name_kana: format!("{skana} {gkana}"),
            name_latin: format!("{gr} {}", sr.to_uppercase()),
            gender: if female { "female" } else { "male" }.into(),
            position_ja: pj.into(),
            position_en: pe.into(),
            term_start: format!("{start_year}-09-01"),
            term_end: format!("{}-08-31", start_year + 2),
            reach: reach.into(),
            ..Default::default()
        };
        let c = check_person(&input).map_err(|e| anyhow::anyhow!("demo person: {e:?}"))?;
        people_store::insert_checked(&mut self.tx, &self.actor, &input, &c).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        Ok(())
    }
}

/// Builds the federation into an empty database. Returns the number of organisations written.
pub async fn build(db: &Db, scale: Scale, calendar: FiscalCalendar) -> anyhow::Result<usize> {
    let tx = db.begin().await?;
    let mut b = Builder { tx, actor: Actor::system("demo"), hq: None, rng: Rng::new(2026), orgs: 0 };
    let fy = i64::from(calendar.year_of(time::today()).0);

    // The head office and the industrial unions, with their public member counts.
    // The head office owns itself (a union's record belongs to the union).
    let hq = b.add(org("JCM", "head_office", "", "金属労協", "きんぞくろうきょう", "Japan Council of Metalworkers' Unions (JCM)", "JP", "public")).await?;
    b.hq = Some(hq);
    let industrial = [
        ("JAW", "自動車総連", "じどうしゃそうれん"),
        ("JEIU", "電機連合", "でんきれんごう"),
        ("JAM", "JAM", "じゃむ"),
        ("JBU", "基幹労連", "きかんろうれん"),
        ("DENSEN", "全電線", "ぜんでんせん"),
    ];
    let mut weights = vec![];
    let mut rdr = csv::Reader::from_reader(include_str!("../../data/federation.csv").as_bytes());
    for rec in rdr.records() {
        let rec = rec?;
        let (name_ja, name_en, kind, members, as_of, status) = (&rec[0], &rec[1], &rec[2], &rec[4], &rec[5], &rec[6]);
        let members: i64 = members.parse()?;
        // The count's fiscal year follows its date; an undated figure is shown as this year's, marked approximate.
        let count_fy = match time::parse_date(&format!("{as_of}-01")) {
            Some(d) => i64::from(calendar.year_of(d).0),
            None => fy,
        };
        if kind == "head_office" {
            b.count(hq, count_fy, members, None).await?;
            continue;
        }
        let Some((code, _, kana)) = industrial.iter().find(|(_, n, _)| *n == name_ja) else { continue };
        let mut input = org(code, "industrial_union", "JCM", name_ja, kana, name_en, "JP", "public");
        input.note = format!("組合員数の出典: {} ({status})", &rec[7]);
        let id = b.add(input).await?;
        b.count(id, count_fy, members, None).await?;
        weights.push((*code, members));
    }

    // External bodies (public).
    for (code, ja, kana, en, country) in [
        ("RENGO", "日本労働組合総連合会（連合）", "にほんろうどうくみあいそうれんごうかい", "Japanese Trade Union Confederation (RENGO)", "JP"),
        ("IALL", "インダストリオール・グローバルユニオン", "いんだすとりおーる", "IndustriALL Global Union", "CH"),
        ("ILO", "国際労働機関", "こくさいろうどうきかん", "International Labour Organization", "CH"),
        ("MHLW", "厚生労働省", "こうせいろうどうしょう", "Ministry of Health, Labour and Welfare", "JP"),
        ("METI", "経済産業省", "けいざいさんぎょうしょう", "Ministry of Economy, Trade and Industry", "JP"),
    ] {
        b.add(org(code, "external_body", "", ja, kana, en, country, "public")).await?;
    }
    // Partner unions abroad.
    b.add(org("TEAM", "overseas_union", "", "TEAM（タイ電機・電子・自動車・金属労連）", "ちーむ", "TEAM (Thailand)", "TH", "public")).await?;
    b.add(org("FSPMI", "overseas_union", "", "インドネシア金属労連（FSPMI）", "えふえすぴーえむあい", "FSPMI (Indonesia)", "ID", "public")).await?;

    // Companies, each with overseas sites in Thailand or Indonesia; some sites have a local union.
    let mut company_codes = vec![];
    for i in 0..scale.companies {
        let (pk, pkana, pr) = PLACES[i % PLACES.len()];
        let (tk, tkana, tr) = TRADES[(i / PLACES.len() + i * 7) % TRADES.len()];
        let code = format!("C{:05}", i + 1);
        let mut input = org(&code, "company", "", &format!("{pk}{tk}株式会社"), &format!("{pkana}{tkana}"), &format!("{pr} {tr} Co., Ltd."), "JP", "affiliates");
        if i == 3 {
            // A merger not yet announced: embargoed for a week, then public by itself.
            input.reach = "public".into();
            input.embargo_until = time::format_input_ms(time::now_ms() + 7 * 86_400_000);
            input.note = "経営統合の発表前（解禁まで本部のみ）".into();
        }
        if i == 4 {
            // Kept within the head office, though an affiliated union links to it (E00005).
            input.reach = "hq".into();
            input.note = "本部内の調査対象".into();
        }
        b.add(input).await?;
        let sites = if scale.companies <= 100 { 1 + b.rng.below(2) } else { b.rng.below(2) };
        for s in 0..sites {
            // The second company's first site is in Thailand and shared with TEAM (the partner tests use it).
            let thai = b.rng.chance(55) || (i == 1 && s == 0);
            let (country, cja, cen) = if thai { ("TH", "タイ", "Thailand") } else { ("ID", "インドネシア", "Indonesia") };
            let scode = format!("{code}-{country}{}", s + 1);
            let (cja, cen) = if s == 0 { (cja.to_string(), cen.to_string()) } else { (format!("{cja}第{}", s + 1), format!("{cen} {}", s + 1)) };
            let mut site = org(&scode, "overseas_site", "", &format!("{pk}{tk}{cja}"), &format!("{pkana}{tkana}"), &format!("{pr} {tr} ({cen})"), country, "affiliates");
            site.company = code.clone();
            if i % 9 == 1 {
                // Shared with the partner union in that country.
                site.reach = "industrial".into();
                site.shared_with = if country == "TH" { "TEAM".into() } else { "FSPMI".into() };
            }
            b.add(site).await?;
            if b.rng.chance(30) {
                let mut u = org(&format!("{scode}-U"), "overseas_union", "", &format!("{pk}{tk}{cja}労働組合"), "", &format!("{pr} {tr} ({cen}) Workers' Union"), country, "public");
                u.company = scode.clone();
                b.add(u).await?;
            }
        }
        company_codes.push(code);
    }

    // Enterprise unions, spread over the industrial unions in proportion to their size.
    let total_weight: i64 = weights.iter().map(|w| w.1).sum();
    let mut ent_codes = vec![];
    for i in 0..scale.enterprise_unions {
        let mut pick = (b.rng.next() % total_weight as u64) as i64;
        let parent = weights.iter().find(|(_, w)| { pick -= w; pick < 0 }).map(|w| w.0).unwrap_or("JAM");
        // The first six sit under JAW, so the tests know whose they are.
        let parent = if i < 6 { "JAW" } else { parent };
        let (pk, pkana, pr) = PLACES[i % PLACES.len()];
        let (tk, tkana, tr) = TRADES[(i / PLACES.len()) % TRADES.len()];
        let round = i / (PLACES.len() * TRADES.len());
        let suffix = if round == 0 { String::new() } else { format!("第{}", round + 1) };
        let code = format!("E{:05}", i + 1);
        let mut input = org(
            &code,
            "enterprise_union",
            parent,
            &format!("{pk}{tk}{suffix}労働組合"),
            &format!("{pkana}{tkana}ろうどうくみあい"),
            &format!("{pr} {tr} Workers' Union{}", if round == 0 { String::new() } else { format!(" {}", round + 1) }),
            "JP",
            "affiliates",
        );
        if i < company_codes.len() {
            input.company = company_codes[i].clone();
        }
        match i % 50 {
            7 => {
                // Visible only inside its own industrial union.
                input.reach = "industrial".into();
                input.scope = parent.into();
            }
            13 => input.reach = "hq".into(),
            _ => {}
        }
        let id = b.add(input).await?;
        let size = b.rng.union_size();
        let dues = size - (size * b.rng.below(4) as i64) / 100;
        b.count(id, fy - 1, size - size / 40, Some(dues - dues / 40)).await?;
        b.count(id, fy, size, Some(dues)).await?;
        ent_codes.push((code, parent));
    }
    if ent_codes.len() > 2 {
        // A branch only the head office sees, the one organisation under E00002.
        let mut branch = org("E00002-HQ", "enterprise_union", "E00002", "本部管理の支部労組", "ほんぶかんりのしぶろうそ", "Branch union (head office only)", "JP", "hq");
        branch.note = "本部だけが見る支部".into();
        b.add(branch).await?;
    }

    // People: officers of the head office, the industrial unions and the enterprise unions.
    let mut made = 0;
    for p in 0..3 {
        b.person("JCM", p, "public").await?;
        made += 1;
    }
    for (code, _) in &weights {
        for p in 0..3 {
            b.person(code, p, "public").await?;
            made += 1;
        }
    }
    b.person("TEAM", 0, "public").await?;
    made += 1;
    let mut i = 0;
    while made < scale.people && !ent_codes.is_empty() {
        let (code, _) = &ent_codes[i % ent_codes.len()];
        let position = i / ent_codes.len();
        let reach = if i % 37 == 5 { "hq" } else { "affiliates" };
        b.person(code, position, reach).await?;
        made += 1;
        i += 1;
    }
    let orgs = b.orgs;
    db.commit(b.tx).await?;
    // Fresh statistics, so both planners use the indexes on a freshly filled database.
    db.analyze().await?;
    for (login, org_code, role, _) in LOGINS {
        let org = org_store::by_code(db, org_code).await?.ok_or_else(|| anyhow::anyhow!("demo org {org_code} missing"))?;
        accounts::create(db, &Actor::system("demo"), NewUser { login, display_name: login, email: "", org_id: org.id, role: *role, password: DEMO_PASSWORD })
            .await
            .map_err(|e| anyhow::anyhow!("demo user {login}: {e:?}"))?;
    }
    Ok(orgs)
}

/// Whether the database already holds a federation.
pub async fn is_empty(db: &Db) -> anyhow::Result<bool> {
    Ok(org_store::head_office(db).await?.is_none())
}
