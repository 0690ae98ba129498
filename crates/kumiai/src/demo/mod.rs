//! The demo federation: the head office and the five real industrial unions (public member counts
//! from data/federation.csv), fictional enterprise unions spread over them with plausible sizes,
//! companies with overseas sites in Thailand and Indonesia, overseas unions, external bodies,
//! people with positions, and one login per tier and role. The same builder, scaled up, makes the
//! benchmark data set. Everything is written through the modules' own write functions, so demo
//! data is validated and audited like any other.

mod names;
mod wiki;

use kumiai_core::{FiscalYear, Role, Viewer, time};
use kumiai_directory::org::model::check_fields;
use kumiai_directory::org::{OrgInput, store as org_store};
use kumiai_directory::people::{PersonInput, check_fields as check_person, store as people_store};
use kumiai_platform::accounts::{self, NewUser};
use kumiai_platform::audit::{self, Actor};
use kumiai_platform::db::{Db, Tx};
use names::*;

pub const DEMO_PASSWORD: &str = "kumiai-demo-2026";

#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub enterprise_unions: usize,
    pub companies: usize,
    pub people: usize,
}

impl Scale {
    pub fn demo() -> Scale {
        Scale { enterprise_unions: 300, companies: 40, people: 900 }
    }
    /// Organisations in all (unions, companies, sites and the fixed bodies) ≈ `orgs`.
    pub fn bench(orgs: usize, people: usize) -> Scale {
        let companies = orgs / 10;
        Scale { enterprise_unions: orgs.saturating_sub(companies * 2 + 20), companies, people }
    }
}

/// A login printed at start: (login, tier and role in both languages).
pub struct DemoLogin {
    pub login: &'static str,
    pub what: &'static str,
}

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

struct Builder<'a> {
    tx: Tx,
    actor: Actor,
    hq: Option<i64>,
    rng: Rng,
    viewer: &'a Viewer,
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

impl Builder<'_> {
    async fn add(&mut self, input: OrgInput) -> anyhow::Result<i64> {
        let c = check_fields(&input).map_err(|e| anyhow::anyhow!("demo organisation {}: {:?}", input.code, e))?;
        let id = org_store::insert_checked(&mut self.tx, &self.actor, self.hq, &input, &c).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        self.orgs += 1;
        Ok(id)
    }

    async fn count(&mut self, org_id: i64, code: &str, fy: i64, members: i64, dues: Option<i64>) -> anyhow::Result<()> {
        let after = serde_json::json!({"org": code, "fiscal_year": fy, "members": members, "dues_paying": dues});
        audit::insert(
            &mut self.tx,
            &self.actor,
            kumiai_directory::counts::ENTITY,
            "member_counts",
            &[("org_id", org_id.into()), ("fiscal_year", fy.into()), ("members", members.into()), ("dues_paying", dues.into())],
            &after,
        )
        .await?;
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
pub async fn build(db: &Db, scale: Scale, fiscal_start_month: i8, with_logins: bool) -> anyhow::Result<usize> {
    let viewer = crate::app::system_viewer(db).await?;
    let tx = db.begin().await?;
    let mut b = Builder { tx, actor: Actor::system("demo"), hq: None, rng: Rng::new(2026), viewer: &viewer, orgs: 0 };
    let fy = i64::from(FiscalYear::of(time::today(), fiscal_start_month).0);

    // The head office and the industrial unions, with their public member counts.
    let hq = b.add(org("JCM", "head_office", "", "金属労協", "きんぞくろうきょう", "Japan Council of Metalworkers' Unions (JCM)", "JP", "public")).await?;
    sqlx::query("UPDATE organisations SET owner_org_id = $1 WHERE id = $1").bind(hq).execute(&mut *b.tx).await?;
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
            Some(d) => i64::from(FiscalYear::of(d, fiscal_start_month).0),
            None => fy,
        };
        if kind == "head_office" {
            b.count(hq, "JCM", count_fy, members, None).await?;
            continue;
        }
        let Some((code, _, kana)) = industrial.iter().find(|(_, n, _)| *n == name_ja) else { continue };
        let mut input = org(code, "industrial_union", "JCM", name_ja, kana, name_en, "JP", "public");
        input.note = format!("組合員数の出典: {} ({status})", &rec[7]);
        let id = b.add(input).await?;
        b.count(id, code, count_fy, members, None).await?;
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
        b.add(input).await?;
        let sites = if scale.companies <= 100 { 1 + b.rng.below(2) } else { b.rng.below(2) };
        for s in 0..sites {
            let (country, cja, cen) = if b.rng.chance(55) { ("TH", "タイ", "Thailand") } else { ("ID", "インドネシア", "Indonesia") };
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
        let parent = if i == 0 { "JAW" } else { parent };
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
        b.count(id, &code, fy - 1, size - size / 40, Some(dues - dues / 40)).await?;
        b.count(id, &code, fy, size, Some(dues)).await?;
        ent_codes.push((code, parent));
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
    b.tx.commit().await?;
    if scale.enterprise_unions <= 1000 {
        // The head office exists now: write the pages as its admin.
        wiki::build(db, &crate::app::system_viewer(db).await?).await?;
    }
    // Fresh statistics, so both planners use the indexes on a freshly filled database.
    sqlx::raw_sql("ANALYZE").execute(&db.pool).await?;
    let _ = b.viewer;

    if with_logins {
        for (login, org_code, role, _) in LOGINS {
            let org = org_store::by_code(db, org_code).await?.ok_or_else(|| anyhow::anyhow!("demo org {org_code} missing"))?;
            accounts::create(
                db,
                &Actor::system("demo"),
                NewUser { login, display_name: login, email: "", org_id: org.id, role: *role, password: DEMO_PASSWORD },
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo user {login}: {e:?}"))?;
        }
    }
    Ok(orgs)
}

/// Whether the database already holds a federation.
pub async fn is_empty(db: &Db) -> anyhow::Result<bool> {
    Ok(org_store::head_office(db).await?.is_none())
}
