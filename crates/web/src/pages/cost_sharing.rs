//! Costs shared between municipalities (seed 002): the host's agreement with its parties and
//! bases, each quarter's costs and computation, and the recharge invoices with the computation
//! attached, as a page, as Finvoice 3.0 and UBL 2.1, and as a PDF.

use super::agreement::download;
use super::done;
use super::invoice::euros;
use super::meeting::parse_period;
use crate::ctx::Ctx;
use crate::extract::{Id, PageResult, SignedIn};
use crate::forms::{attach_errors, Field, FormData, Opt, SummaryItem};
use crate::i18n::{Arg, Tr};
use crate::pdf::{self, Block};
use crate::render::{render_status, Page};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use domain::agreement::Period;
use domain::cost_sharing::{
    figure_field, percent_text, BasisForm, BasisKind, Computation, CostForm, CostKind, Recharge,
    RemainderRule, SharedSource, Sharing, SharingForm, Unsettled,
};
use domain::money::Money;
use domain::org::Actor;
use domain::validate::FieldErrors;
use service::shared_invoice::SourceForm;
use service::ServiceError;
use uuid::Uuid;

fn money(t: &Tr, cents: i64) -> String {
    euros(t, Money::from_cents(cents))
}

fn validity(t: &Tr, s: &Sharing) -> String {
    match s.valid_to {
        Some(to) => format!("{} – {}", t.date(s.valid_from), t.date(to)),
        None => format!("{} –", t.date(s.valid_from)),
    }
}

fn kind_label(t: &Tr, k: CostKind) -> String {
    t.t(&format!("cost-kind-{}", k.code().replace('_', "-")))
}

fn rule_label(t: &Tr, r: RemainderRule) -> String {
    t.t(&format!("sharing-rule-{}", r.code().replace('_', "-")))
}

/// A weight in hundred-thousandths as a percentage with three decimals: `34,635 %`.
fn weight_text(t: &Tr, w: u64) -> String {
    let sep = if t.lang == domain::locale::Lang::En {
        "."
    } else {
        ","
    };
    format!("{}{sep}{:03}\u{a0}%", w / 1000, w % 1000)
}

fn figure_text(t: &Tr, kind: BasisKind, v: u64) -> String {
    match kind {
        BasisKind::Percent => percent_text(v, t.lang),
        BasisKind::Population => {
            let digits = v.to_string();
            let mut out = String::new();
            for (i, c) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i).is_multiple_of(3) {
                    out.push('\u{a0}');
                }
                out.push(c);
            }
            out
        }
    }
}

// ---- the list --------------------------------------------------------------------------------

pub struct ListRow {
    pub id: Uuid,
    pub title: String,
    pub host: String,
    pub parties: usize,
    pub validity: String,
    pub role: String,
}

#[derive(Template)]
#[template(path = "cost_sharings.html")]
struct ListPage {
    p: Page,
    rows: Vec<ListRow>,
    may_create: bool,
}

pub async fn list(State(app): State<AppState>, SignedIn { ctx, actor }: SignedIn) -> PageResult {
    let t = ctx.tr();
    let list = app.service.cost_sharings(&actor).await?;
    let rows = list
        .iter()
        .map(|s| ListRow {
            id: s.id,
            title: s.sharing.title.clone(),
            host: s
                .sharing
                .parties
                .iter()
                .find(|p| p.org == s.sharing.host)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            parties: s.sharing.parties.len(),
            validity: validity(&t, &s.sharing),
            role: t.t(if s.hosted {
                "sharing-role-host"
            } else {
                "sharing-role-party"
            }),
        })
        .collect();
    Ok(render_status(
        StatusCode::OK,
        &ListPage {
            p: Page::new(&ctx, t.t("sharings-title")),
            rows,
            may_create: ctx.caps.create_cost_sharing,
        },
    ))
}

// ---- a new agreement -------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "cost_sharing_form.html")]
struct FormPage {
    p: Page,
    fields: Vec<Field>,
    summary: Vec<SummaryItem>,
}

fn read_sharing_form(d: &FormData) -> SharingForm {
    let pairs = d.all_pairs();
    SharingForm {
        title: d.get("title"),
        description: d.get("description"),
        parties: pairs
            .iter()
            .filter(|(k, _)| k == "parties")
            .map(|(_, v)| v.clone())
            .collect(),
        valid_from: d.get("valid_from"),
        valid_to: d.get("valid_to"),
        remainder: d.get("remainder"),
        expected: pairs
            .iter()
            .filter(|(k, _)| k == "expected")
            .map(|(_, v)| (v.clone(), d.get(&format!("label-{v}"))))
            .collect(),
        account: d.get("account"),
        bic: d.get("bic"),
        payment_days: d.get("payment_days"),
    }
}

fn sharing_fields(
    t: &Tr,
    f: &SharingForm,
    candidates: &[(Uuid, String)],
    host: Uuid,
) -> Vec<Field> {
    let chosen = |id: &Uuid| f.parties.iter().any(|p| p == &id.to_string()) || *id == host;
    let mut parties = Field::new(t, "parties", "checkboxes", "").required();
    parties.options = candidates
        .iter()
        .map(|(id, name)| Opt {
            value: id.to_string(),
            label: name.clone(),
            selected: chosen(id),
        })
        .collect();
    let mut remainder = Field::new(t, "remainder", "select", &f.remainder)
        .required()
        .hint(t, "hint-sharing-remainder");
    remainder.options = [RemainderRule::Normalise, RemainderRule::HostCarries]
        .into_iter()
        .map(|r| Opt {
            value: r.code().into(),
            label: rule_label(t, r),
            selected: f.remainder == r.code(),
        })
        .collect();
    let mut expected = Field::new(t, "expected", "checkboxes", "").hint(t, "hint-sharing-expected");
    expected.options = CostKind::ALL
        .into_iter()
        .filter(|k| *k != CostKind::Funding)
        .map(|k| Opt {
            value: k.code().into(),
            label: kind_label(t, k),
            selected: f.expected.iter().any(|(c, _)| c == k.code()),
        })
        .collect();
    vec![
        Field::new(t, "title", "text", &f.title).required(),
        Field::new(t, "description", "textarea", &f.description),
        parties,
        Field::new(t, "valid_from", "date", &f.valid_from).required(),
        Field::new(t, "valid_to", "date", &f.valid_to),
        remainder,
        expected,
        Field::new(t, "account", "text", &f.account).required(),
        Field::new(t, "bic", "text", &f.bic).required(),
        Field::new(t, "payment_days", "text", &f.payment_days).required(),
    ]
}

fn form_page(
    ctx: &Ctx,
    f: &SharingForm,
    candidates: &[(Uuid, String)],
    host: Uuid,
    e: Option<&FieldErrors>,
) -> axum::response::Response {
    let t = ctx.tr();
    let mut fields = sharing_fields(&t, f, candidates, host);
    let summary = e
        .map(|e| attach_errors(&t, &mut fields, e))
        .unwrap_or_default();
    let p = Page::with_errors(ctx, t.t("sharing-new-title"), &summary);
    render_status(
        if e.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &FormPage { p, fields, summary },
    )
}

pub async fn new_form(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
) -> PageResult {
    let candidates = app.service.sharing_candidates(&actor).await?;
    let f = SharingForm {
        remainder: RemainderRule::Normalise.code().into(),
        payment_days: "21".into(),
        ..SharingForm::default()
    };
    Ok(form_page(&ctx, &f, &candidates, actor.org_id, None))
}

pub async fn create(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    body: Bytes,
) -> PageResult {
    let d = FormData::parse(&body);
    let f = read_sharing_form(&d);
    let candidates = app.service.sharing_candidates(&actor).await?;
    match app.service.create_cost_sharing(&actor, &f).await {
        Ok(id) => Ok(done(format!("/cost-sharing/{id}"))),
        Err(ServiceError::Invalid(e)) => {
            Ok(form_page(&ctx, &f, &candidates, actor.org_id, Some(&e)))
        }
        Err(e) => Err(e.into()),
    }
}

// ---- the agreement ---------------------------------------------------------------------------

pub struct BasisRow {
    pub validity: String,
    pub kind: String,
    pub reason: String,
    pub entered: String,
    /// Per party: as agreed, and its weight under the rule.
    pub figures: Vec<(String, String)>,
}

pub struct QuarterRow {
    pub code: String,
    pub cost: String,
    pub funding: String,
    pub status: String,
}

pub struct RechargeRow {
    pub id: Uuid,
    pub number: String,
    pub kind: String,
    pub recipient: String,
    pub period: String,
    pub amount: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "cost_sharing.html")]
struct ShowPage {
    p: Page,
    id: Uuid,
    facts: Vec<(String, String)>,
    parties: Vec<String>,
    bases: Vec<BasisRow>,
    quarters: Vec<QuarterRow>,
    recharges: Vec<RechargeRow>,
    basis: BasisFormView,
    sources: Vec<SourceRow>,
    source_fields: Vec<Field>,
    may_update: bool,
    summary: Vec<SummaryItem>,
    /// After populations were read from a file: check and save.
    notice: Option<String>,
}

/// A commitment or agreement whose invoices are shared, as the agreement's page lists it.
pub struct SourceRow {
    pub index: usize,
    pub text: String,
    pub href: Option<String>,
}

fn source_rows(t: &Tr, s: &Sharing) -> Vec<SourceRow> {
    s.sources
        .iter()
        .enumerate()
        .map(|(index, src)| match src {
            SharedSource::Commitment { number } => SourceRow {
                index,
                text: t.t1("sharing-source-commitment", "number", number.clone()),
                href: None,
            },
            SharedSource::Agreement { id, title } => SourceRow {
                index,
                text: t.t1("sharing-source-agreement", "title", title.clone()),
                href: Some(format!("/agreements/{id}")),
            },
        })
        .collect()
}

fn source_fields(t: &Tr, f: &SourceForm, choices: &[(Uuid, String)]) -> Vec<Field> {
    let commitment = Field::named(
        "commitment".into(),
        t.t("sharing-source-commitment-field"),
        "text",
        &f.commitment,
    )
    .hint(t, "hint-shared-source");
    let mut agreement = Field::named(
        "agreement".into(),
        t.t("sharing-source-agreement-field"),
        "select",
        &f.agreement,
    );
    agreement.options = std::iter::once(Opt {
        value: String::new(),
        label: t.t("sharing-source-no-agreement"),
        selected: f.agreement.is_empty(),
    })
    .chain(choices.iter().map(|(id, title)| Opt {
        value: id.to_string(),
        label: title.clone(),
        selected: f.agreement == id.to_string(),
    }))
    .collect();
    vec![commitment, agreement]
}

fn recharge_rows(t: &Tr, list: &[service::Doc<Recharge>]) -> Vec<RechargeRow> {
    list.iter()
        .map(|d| RechargeRow {
            id: d.id,
            number: d.data.number.clone(),
            kind: t.t(if d.data.credit {
                "recharge-kind-credit"
            } else {
                "recharge-kind-invoice"
            }),
            recipient: d.data.recipient.name.clone(),
            period: format!("{}-Q{}", d.data.year, d.data.quarter),
            amount: money(
                t,
                if d.data.credit {
                    -d.data.amount
                } else {
                    d.data.amount
                },
            ),
            status: t.t(&format!("recharge-status-{}", d.status)),
        })
        .collect()
}

fn basis_fields(t: &Tr, s: &Sharing, f: &BasisForm) -> Vec<Field> {
    let mut kind = Field::new(t, "kind", "select", &f.kind).required();
    kind.label = t.t("field-basis-kind");
    kind.options = [BasisKind::Percent, BasisKind::Population]
        .into_iter()
        .map(|k| Opt {
            value: k.code().into(),
            label: t.t(&format!("sharing-basis-{}", k.code())),
            selected: f.kind == k.code(),
        })
        .collect();
    let mut out = vec![
        Field::new(t, "from", "date", &f.from).required(),
        Field::new(t, "to", "date", &f.to),
        kind,
        Field::new(t, "population_date", "date", &f.population_date)
            .hint(t, "hint-population-date"),
    ];
    for (i, p) in s.parties.iter().enumerate() {
        out.push(
            Field::named(
                figure_field(i),
                p.name.clone(),
                "text",
                f.figures.get(i).map(String::as_str).unwrap_or(""),
            )
            .required(),
        );
    }
    // Not rendered as a field: it carries the error of the figures together (they add up to
    // more than 100 %), shown in their fieldset, whose id the summary links to.
    out.push(Field::named(
        "figures".into(),
        t.t("field-figures"),
        "group",
        "",
    ));
    out.push(Field::new(t, "reason", "textarea", &f.reason));
    out
}

/// The basis form's fields split for the page: the head, the figures per party, the figures'
/// common error, and the reason.
pub struct BasisFormView {
    pub head: Vec<Field>,
    pub figures: Vec<Field>,
    pub figures_error: Option<String>,
    pub tail: Vec<Field>,
}

fn split_basis_fields(mut all: Vec<Field>) -> BasisFormView {
    let tail = all.split_off(all.len().saturating_sub(1));
    let group = all.pop();
    let figures = all.split_off(4.min(all.len()));
    BasisFormView {
        head: all,
        figures,
        figures_error: group.and_then(|g| g.error),
        tail,
    }
}

async fn show_page(
    app: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Uuid,
    typed: Option<(&BasisForm, &FieldErrors)>,
    source: Option<(&SourceForm, &FieldErrors)>,
) -> PageResult {
    let t = ctx.tr();
    let v = app.service.cost_sharing(actor, id).await?;
    let s = &v.sharing;
    let host = s
        .parties
        .iter()
        .find(|p| p.org == s.host)
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let mut facts = vec![
        (t.t("sharing-host"), host),
        (t.t("agreement-validity"), validity(&t, s)),
        (t.t("field-remainder"), rule_label(&t, s.remainder)),
        (
            t.t("field-expected"),
            s.expected
                .iter()
                .map(|x| kind_label(&t, x.kind))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            t.t("field-account"),
            format!(
                "{} ({})",
                domain::ident::Iban::parse(&s.account)
                    .map(|i| i.grouped())
                    .unwrap_or_else(|_| s.account.clone()),
                s.bic
            ),
        ),
        (t.t("field-payment-days"), s.payment_days.to_string()),
    ];
    if !s.description.is_empty() {
        facts.insert(0, (t.t("field-description"), s.description.clone()));
    }
    let rule = s.rule();
    let bases = s
        .bases
        .iter()
        .map(|b| {
            let weights = domain::cost_sharing::effective_weights(&b.basis(), rule);
            BasisRow {
                validity: match b.to {
                    Some(to) => format!("{} – {}", t.date(b.from), t.date(to)),
                    None => format!("{} –", t.date(b.from)),
                },
                kind: match (b.kind, b.population_date) {
                    (BasisKind::Population, Some(d)) => {
                        t.t1("sharing-basis-population-on", "date", t.date(d))
                    }
                    (k, _) => t.t(&format!("sharing-basis-{}", k.code())),
                },
                reason: b.reason.clone(),
                entered: format!("{}, {}", b.entered.name, t.datetime(b.entered.at)),
                figures: b
                    .figures
                    .iter()
                    .zip(&weights)
                    .map(|(f, w)| (figure_text(&t, b.kind, *f), weight_text(&t, *w)))
                    .collect(),
            }
        })
        .collect();
    let quarters = v
        .quarters
        .iter()
        .map(|q| QuarterRow {
            code: q.period.code(),
            cost: money(&t, q.cost),
            funding: money(&t, q.funding),
            status: if q.pending {
                t.t("sharing-quarter-pending")
            } else if q.rounds > 0 {
                t.t1("sharing-quarter-recharged", "rounds", q.rounds)
            } else {
                t.t("sharing-quarter-open")
            },
        })
        .collect();
    let empty = BasisForm {
        kind: BasisKind::Percent.code().into(),
        ..BasisForm::default()
    };
    let (f, e) = match typed {
        Some((f, e)) => (f.clone(), Some(e)),
        None => (empty, None),
    };
    // Figures read from a file come back without errors, to be checked and saved.
    let notice = (typed.is_some() && e.is_some_and(FieldErrors::is_empty))
        .then(|| t.t("sharing-import-read"));
    let e = e.filter(|e| !e.is_empty());
    let mut basis_fields = basis_fields(&t, s, &f);
    let mut summary = e
        .map(|e| attach_errors(&t, &mut basis_fields, e))
        .unwrap_or_default();
    let empty_source = SourceForm::default();
    let mut source_fields = source_fields(
        &t,
        source.map_or(&empty_source, |(f, _)| f),
        &v.agreement_choices,
    );
    if let Some((_, se)) = source {
        summary.extend(attach_errors(&t, &mut source_fields, se));
    }
    let p = Page::with_errors(ctx, s.title.clone(), &summary);
    Ok(render_status(
        if e.is_some() || source.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &ShowPage {
            p,
            id,
            facts,
            parties: s.parties.iter().map(|p| p.name.clone()).collect(),
            bases,
            quarters,
            recharges: recharge_rows(&t, &v.recharges),
            basis: split_basis_fields(basis_fields),
            sources: source_rows(&t, s),
            source_fields,
            may_update: v.may_update,
            summary,
            notice,
        },
    ))
}

pub async fn show(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> PageResult {
    show_page(&app, &ctx, &actor, id, None, None).await
}

pub async fn add_basis(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> PageResult {
    let d = FormData::parse(&body);
    let figures = (0..64).map(|i| d.get(&figure_field(i))).collect::<Vec<_>>();
    let f = BasisForm {
        from: d.get("from"),
        to: d.get("to"),
        kind: d.get("kind"),
        figures,
        population_date: d.get("population_date"),
        reason: d.get("reason"),
    };
    match app.service.add_sharing_basis(&actor, id, &f).await {
        Ok(()) => Ok(done(format!("/cost-sharing/{id}"))),
        Err(ServiceError::Invalid(e)) => {
            show_page(&app, &ctx, &actor, id, Some((&f, &e)), None).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn add_source(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    body: Bytes,
) -> PageResult {
    let d = FormData::parse(&body);
    let f = SourceForm {
        commitment: d.get("commitment"),
        agreement: d.get("agreement"),
    };
    match app.service.add_shared_source(&actor, id, &f).await {
        Ok(()) => Ok(done(format!("/cost-sharing/{id}#sources"))),
        Err(ServiceError::Invalid(e)) => {
            show_page(&app, &ctx, &actor, id, None, Some((&f, &e))).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn remove_source(
    State(app): State<AppState>,
    SignedIn { actor, .. }: SignedIn,
    Path((id, index)): Path<(Uuid, usize)>,
) -> PageResult {
    app.service.remove_shared_source(&actor, id, index).await?;
    Ok(done(format!("/cost-sharing/{id}#sources")))
}

/// The parties' populations read from a CSV or XLSX table (municipality, inhabitants) into
/// the basis form, which comes back filled for the keeper to check and save: nothing is saved
/// from the file itself.
pub async fn import_populations(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
    mut form: Multipart,
) -> PageResult {
    // The gate first: a file is read only for whom may change the agreement.
    let v = app.service.cost_sharing(&actor, id).await?;
    app.service
        .permit(
            &actor,
            domain::access::Action::Update,
            domain::access::Resource::CostSharing {
                host_id: v.sharing.host,
                is_party: v.sharing.party_index(actor.org_id).is_some(),
            },
            domain::audit::RecordKind::CostSharing,
            Some(id),
        )
        .await?;
    let mut f = BasisForm {
        kind: BasisKind::Population.code().into(),
        ..BasisForm::default()
    };
    let mut bytes = Vec::new();
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            match field.bytes().await {
                Ok(b) => bytes = b.to_vec(),
                Err(_) => break,
            }
        } else if let Ok(text) = field.text().await {
            match name.as_str() {
                "from" => f.from = text,
                "population_date" => f.population_date = text,
                _ => {}
            }
        }
    }
    let mut e = FieldErrors::default();
    if bytes.is_empty() {
        e.add("figures", "file-required");
    } else if bytes.len() > super::agreement::MAX_UPLOAD {
        e.add("figures", "file-too-long");
    } else {
        let read = tokio::task::spawn_blocking(move || sheet::read(&bytes))
            .await
            .map_err(|x| ServiceError::Internal(x.to_string()))?;
        match read {
            Ok(rows) => {
                let rows: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| r.iter().map(|c| c.as_str().to_owned()).collect())
                    .collect();
                let (figures, errs) =
                    domain::cost_sharing::populations_from_rows(&v.sharing.parties, &rows);
                f.figures = figures;
                e = errs;
            }
            Err(x) => e.add("figures", x.code()),
        }
    }
    show_page(&app, &ctx, &actor, id, Some((&f, &e)), None).await
}

// ---- a quarter -------------------------------------------------------------------------------

/// The computation as a table: a row per party with its weight in each stretch of the
/// quarter and its share, and the total; the same rows on the quarter's page, the recharge's
/// page and its PDF.
pub struct ComputationView {
    /// "1.7.2026 – 31.8.2026, 62 days: 7 000,00 €" per stretch.
    pub spans: Vec<String>,
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub total: Vec<String>,
    pub items: Vec<Vec<String>>,
    pub rule: String,
}

pub fn computation_view(t: &Tr, c: &Computation) -> ComputationView {
    let spans = c
        .spans
        .iter()
        .map(|s| {
            t.ta(
                "sharing-span",
                &[
                    ("from", Arg::S(t.date(s.from))),
                    ("to", Arg::S(t.date(s.to))),
                    ("days", Arg::N(s.days)),
                    ("cost", Arg::S(money(t, s.cost - s.funding))),
                    (
                        "basis",
                        Arg::S(match (s.kind, s.population_date) {
                            (BasisKind::Population, Some(d)) => {
                                t.t1("sharing-basis-population-on", "date", t.date(d))
                            }
                            (k, _) => t.t(&format!("sharing-basis-{}", k.code())),
                        }),
                    ),
                ],
            )
        })
        .collect();
    let mut head = vec![t.t("sharing-party")];
    for s in &c.spans {
        head.push(format!("{} – {}", t.date(s.from), t.date(s.to)));
    }
    head.push(t.t("sharing-share"));
    let rows = c
        .parties
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut r = vec![name.clone()];
            for s in &c.spans {
                let w = s.weights.get(i).copied().unwrap_or(0);
                let f = s.figures.get(i).copied().unwrap_or(0);
                let agreed = figure_text(t, s.kind, f);
                let part = s.shares.get(i).copied().unwrap_or(0);
                r.push(format!(
                    "{agreed} → {} = {}",
                    weight_text(t, w),
                    money(t, part)
                ));
            }
            r.push(money(t, c.shares.get(i).copied().unwrap_or(0)));
            r
        })
        .collect();
    let mut total = vec![t.t("sharing-total")];
    for s in &c.spans {
        total.push(money(t, s.cost - s.funding));
    }
    total.push(money(t, c.shares.iter().sum()));
    let items = c
        .items
        .iter()
        .map(|i| {
            vec![
                t.date(i.date),
                kind_label(t, i.kind),
                i.description.clone(),
                [i.counterparty.as_str(), i.document.as_str()]
                    .iter()
                    .filter(|x| !x.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
                money(
                    t,
                    if i.kind == CostKind::Funding {
                        -i.amount
                    } else {
                        i.amount
                    },
                ),
            ]
        })
        .collect();
    ComputationView {
        spans,
        head,
        rows,
        total,
        items,
        rule: t.ta(
            "sharing-rounding-rule",
            &[
                ("rule", Arg::S(rule_label(t, c.rule))),
                ("cost", Arg::S(money(t, c.cost))),
                ("funding", Arg::S(money(t, c.funding))),
                ("net", Arg::S(money(t, c.cost - c.funding))),
            ],
        ),
    }
}

pub struct CostRow {
    pub date: String,
    pub kind: String,
    pub description: String,
    pub counterparty: String,
    pub amount: String,
    pub entered: String,
    pub correction: bool,
}

#[derive(Template)]
#[template(path = "shared_quarter.html")]
struct QuarterPage {
    p: Page,
    id: Uuid,
    period: String,
    title: String,
    costs: Vec<CostRow>,
    missing: Vec<String>,
    computation: Option<ComputationView>,
    unsettled: Option<String>,
    recharges: Vec<RechargeRow>,
    rounds: Vec<String>,
    cost_fields: Vec<Field>,
    /// The cost form came back refused: it is shown open.
    cost_refused: bool,
    /// Approved invoices on what is shared, to take in; and whether anything is shared.
    invoices: Vec<InvoiceRow>,
    has_sources: bool,
    invoice_error: Option<String>,
    may_enter: bool,
    may_issue: bool,
    issue_label: String,
    issue_error: Option<String>,
    summary: Vec<SummaryItem>,
}

/// An approved invoice the quarter may take in as a cost.
pub struct InvoiceRow {
    pub id: Uuid,
    pub date: String,
    pub seller: String,
    pub number: String,
    pub paid: String,
    pub shared: String,
}

/// What was typed when a form on the quarter's page came back refused.
enum QuarterTyped<'a> {
    None,
    Cost(&'a CostForm, &'a FieldErrors),
    Issue(&'a FieldErrors),
    Invoice(&'a FieldErrors),
}

fn cost_fields(t: &Tr, f: &CostForm) -> Vec<Field> {
    let mut kind = Field::new(t, "kind", "select", &f.kind).required();
    kind.label = t.t("field-cost-kind");
    kind.options = CostKind::ALL
        .into_iter()
        .map(|k| Opt {
            value: k.code().into(),
            label: kind_label(t, k),
            selected: f.kind == k.code(),
        })
        .collect();
    vec![
        kind,
        Field::new(t, "description", "text", &f.description).required(),
        Field::new(t, "counterparty", "text", &f.counterparty).hint(t, "hint-cost-counterparty"),
        Field::new(t, "document", "text", &f.document),
        Field::new(t, "date", "date", &f.date).required(),
        Field::new(t, "amount", "text", &f.amount).required(),
    ]
}

async fn quarter_page(
    app: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Uuid,
    period: Period,
    typed: QuarterTyped<'_>,
) -> PageResult {
    let t = ctx.tr();
    let v = app.service.shared_quarter(actor, id, period).await?;
    let costs = v
        .items
        .iter()
        .map(|i| CostRow {
            date: t.date(i.data.date),
            kind: kind_label(&t, i.data.kind),
            description: i.data.description.clone(),
            counterparty: [i.data.counterparty.as_str(), i.data.document.as_str()]
                .iter()
                .filter(|x| !x.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
            amount: money(
                &t,
                if i.data.kind == CostKind::Funding {
                    -i.data.amount
                } else {
                    i.data.amount
                },
            ),
            entered: format!("{}, {}", i.data.entered.name, t.datetime(i.data.entered.at)),
            correction: i.data.is_correction(),
        })
        .collect();
    let (computation, unsettled) = match &v.computation {
        Ok(c) => (Some(computation_view(&t, c)), None),
        Err(Unsettled::Uncovered(gaps)) => (
            None,
            Some(
                t.t1(
                    "sharing-uncovered",
                    "days",
                    gaps.iter()
                        .map(|(a, b)| format!("{} – {}", t.date(*a), t.date(*b)))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ),
        ),
        Err(u) => (None, Some(t.error(u.code()))),
    };
    let empty = CostForm::default();
    let (cf, ce, ie, ve) = match typed {
        QuarterTyped::None => (&empty, None, None, None),
        QuarterTyped::Cost(f, e) => (f, Some(e), None, None),
        QuarterTyped::Issue(e) => (&empty, None, Some(e), None),
        QuarterTyped::Invoice(e) => (&empty, None, None, Some(e)),
    };
    let mut cost_fields = cost_fields(&t, cf);
    let mut summary = ce
        .map(|e| attach_errors(&t, &mut cost_fields, e))
        .unwrap_or_default();
    let issue_error = ie.and_then(|e| e.0.first()).map(|e| t.error(&e.code));
    if let Some(msg) = &issue_error {
        summary.push(SummaryItem {
            href: "#issue".into(),
            text: msg.clone(),
        });
    }
    let invoice_error = ve.and_then(|e| e.0.first()).map(|e| t.error(&e.code));
    if let Some(msg) = &invoice_error {
        summary.push(SummaryItem {
            href: "#invoices".into(),
            text: msg.clone(),
        });
    }
    let invoices = v
        .invoices
        .iter()
        .map(|c| InvoiceRow {
            id: c.id,
            date: t.date(c.date),
            seller: c.seller.clone(),
            number: if c.credit {
                format!("{} ({})", c.number, t.t("sharing-credit-note"))
            } else {
                c.number.clone()
            },
            paid: money(&t, c.paid),
            shared: money(&t, c.shared),
        })
        .collect();
    let p = Page::with_errors(
        ctx,
        t.ta(
            "sharing-quarter-title",
            &[
                ("period", Arg::S(period.code())),
                ("title", Arg::S(v.sharing.title.clone())),
            ],
        ),
        &summary,
    );
    Ok(render_status(
        if matches!(typed, QuarterTyped::None) {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        &QuarterPage {
            p,
            id,
            period: period.code(),
            title: v.sharing.title.clone(),
            costs,
            missing: v.missing.iter().map(|m| kind_label(&t, m.kind)).collect(),
            computation,
            unsettled,
            recharges: recharge_rows(&t, &v.recharges),
            rounds: v
                .rounds
                .iter()
                .map(|r| {
                    t.ta(
                        "sharing-round",
                        &[
                            ("round", Arg::N(i64::from(r.round))),
                            ("who", Arg::S(r.issued.name.clone())),
                            ("at", Arg::S(t.datetime(r.issued.at))),
                            ("count", Arg::N(i64::try_from(r.numbers.len()).unwrap_or(0))),
                        ],
                    )
                })
                .collect(),
            cost_fields,
            cost_refused: ce.is_some(),
            invoices,
            has_sources: !v.sharing.sources.is_empty(),
            invoice_error,
            may_enter: v.may_enter,
            // Offered when there is something to issue: the first round, or a correction.
            may_issue: v.may_issue && v.hosted && (v.rounds.is_empty() || v.pending),
            issue_label: t.t(if v.rounds.is_empty() {
                "sharing-issue"
            } else {
                "sharing-issue-correction"
            }),
            issue_error,
            summary,
        },
    ))
}

pub async fn quarter(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path((id, period)): Path<(Uuid, String)>,
) -> PageResult {
    let period = parse_period(&period)?;
    quarter_page(&app, &ctx, &actor, id, period, QuarterTyped::None).await
}

pub async fn add_cost(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path((id, period)): Path<(Uuid, String)>,
    body: Bytes,
) -> PageResult {
    let period = parse_period(&period)?;
    let d = FormData::parse(&body);
    let f = CostForm {
        kind: d.get("kind"),
        description: d.get("description"),
        counterparty: d.get("counterparty"),
        document: d.get("document"),
        date: d.get("date"),
        amount: d.get("amount"),
    };
    match app
        .service
        .add_shared_cost(&actor, id, period, &f, ctx.lang)
        .await
    {
        Ok(_) => Ok(done(format!(
            "/cost-sharing/{id}/quarters/{}",
            period.code()
        ))),
        Err(ServiceError::Invalid(e)) => {
            quarter_page(&app, &ctx, &actor, id, period, QuarterTyped::Cost(&f, &e)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Takes an approved invoice on what is shared in as a cost of the quarter.
pub async fn take_invoice(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path((id, period)): Path<(Uuid, String)>,
    body: Bytes,
) -> PageResult {
    let period = parse_period(&period)?;
    let d = FormData::parse(&body);
    let result = match Uuid::parse_str(d.get("invoice").trim()) {
        Ok(invoice) => {
            app.service
                .add_shared_invoice(&actor, id, period, invoice)
                .await
        }
        Err(_) => Err(ServiceError::Invalid(FieldErrors::single(
            "invoice",
            "invoice-not-shareable",
        ))),
    };
    match result {
        Ok(_) => Ok(done(format!(
            "/cost-sharing/{id}/quarters/{}",
            period.code()
        ))),
        Err(ServiceError::Invalid(e)) => {
            quarter_page(&app, &ctx, &actor, id, period, QuarterTyped::Invoice(&e)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn issue(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path((id, period)): Path<(Uuid, String)>,
) -> PageResult {
    let period = parse_period(&period)?;
    match app.service.issue_recharges(&actor, id, period).await {
        Ok(_) => Ok(done(format!(
            "/cost-sharing/{id}/quarters/{}",
            period.code()
        ))),
        Err(ServiceError::Invalid(e)) => {
            quarter_page(&app, &ctx, &actor, id, period, QuarterTyped::Issue(&e)).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- a recharge invoice ----------------------------------------------------------------------

#[derive(Template)]
#[template(path = "recharge.html")]
struct RechargePage {
    p: Page,
    id: Uuid,
    sharing: Uuid,
    period: String,
    facts: Vec<(String, String)>,
    c: ComputationView,
}

/// The invoice's facts in the reader's language: the same on the page and in the PDF.
fn recharge_facts(t: &Tr, r: &Recharge) -> Vec<(String, String)> {
    let mut f = vec![
        (t.t("recharge-number"), r.number.clone()),
        (
            t.t("recharge-kind"),
            t.t(if r.credit {
                "recharge-kind-credit"
            } else {
                "recharge-kind-invoice"
            }),
        ),
        (
            t.t("recharge-seller"),
            format!("{} ({})", r.host.name, r.host_business_id),
        ),
        (
            t.t("recharge-buyer"),
            format!("{} ({})", r.recipient.name, r.recipient_business_id),
        ),
        (t.t("recharge-period"), format!("{}-Q{}", r.year, r.quarter)),
        (t.t("recharge-issue-date"), t.date(r.issue_date)),
    ];
    if let Some(n) = &r.credits {
        f.push((t.t("recharge-credits"), n.clone()));
    } else {
        f.push((t.t("recharge-due-date"), t.date(r.due_date)));
    }
    f.push((
        t.t("recharge-amount"),
        money(t, if r.credit { -r.amount } else { r.amount }),
    ));
    if !r.credit {
        f.push((
            t.t("recharge-account"),
            domain::ident::Iban::parse(&r.account)
                .map(|i| i.grouped())
                .unwrap_or_else(|_| r.account.clone()),
        ));
        f.push((
            t.t("recharge-reference"),
            domain::ident::ReferenceNumber::parse(&r.reference)
                .map(|x| x.grouped())
                .unwrap_or_else(|_| r.reference.clone()),
        ));
    }
    f
}

pub async fn recharge(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Id(id): Id,
) -> PageResult {
    let t = ctx.tr();
    let d = app.service.recharge(&actor, id).await?;
    let r = &d.data;
    Ok(render_status(
        StatusCode::OK,
        &RechargePage {
            p: Page::new(&ctx, t.t1("recharge-title", "number", &r.number)),
            id,
            sharing: r.sharing,
            period: format!("{}-Q{}", r.year, r.quarter),
            facts: recharge_facts(&t, r),
            c: computation_view(&t, &r.computation),
        },
    ))
}

pub async fn recharge_file(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path((id, format)): Path<(Uuid, String)>,
) -> PageResult {
    let d = app.service.recharge(&actor, id).await?;
    let r = &d.data;
    match format.as_str() {
        "finvoice.xml" => Ok(download(
            "application/xml; charset=utf-8",
            format!("{}-finvoice.xml", r.number),
            service::cost_sharing::finvoice_of(r).into_bytes(),
        )),
        "ubl.xml" => Ok(download(
            "application/xml; charset=utf-8",
            format!("{}-ubl.xml", r.number),
            service::cost_sharing::ubl_of(r).into_bytes(),
        )),
        "invoice.pdf" => {
            let t = ctx.tr();
            let title = t.t1("recharge-title", "number", &r.number);
            let c = computation_view(&t, &r.computation);
            let mut blocks = vec![Block::Title(title.clone())];
            blocks.push(Block::Table {
                head: vec![String::new(), String::new()],
                rows: recharge_facts(&t, r)
                    .into_iter()
                    .map(|(k, v)| vec![k, v])
                    .collect(),
                widths: vec![35, 65],
            });
            blocks.push(Block::Heading(t.t("sharing-computation")));
            blocks.push(Block::Text(c.rule.clone()));
            for s in &c.spans {
                blocks.push(Block::Text(s.clone()));
            }
            blocks.push(Block::Heading(t.t("sharing-costs")));
            blocks.push(Block::Table {
                head: vec![
                    t.t("field-date"),
                    t.t("field-cost-kind"),
                    t.t("field-description"),
                    t.t("field-counterparty"),
                    t.t("field-amount"),
                ],
                rows: c.items.clone(),
                widths: vec![13, 17, 30, 24, 16],
            });
            blocks.push(Block::Heading(t.t("sharing-shares")));
            let mut rows = c.rows.clone();
            rows.push(c.total.clone());
            let n = u32::try_from(c.head.len()).unwrap_or(1).max(1);
            blocks.push(Block::Table {
                head: c.head.clone(),
                rows,
                widths: vec![100 / n; c.head.len()],
            });
            Ok(download(
                "application/pdf",
                format!("{}.pdf", r.number),
                pdf::write(&title, &blocks, d.created_at),
            ))
        }
        _ => Err(ServiceError::NotFound.into()),
    }
}

// ---- the regional steering group's meeting ---------------------------------------------------

#[derive(Template)]
#[template(path = "steering_meeting.html")]
struct SteeringPage {
    p: Page,
    id: Uuid,
    period: String,
    title: String,
    head: Vec<Field>,
    /// The agenda's items in order: costs, agreements, registers.
    items: Vec<super::meeting::ItemView>,
    /// Costs by party (rows) and quarter (columns), with the total row.
    cost_head: Vec<String>,
    cost_rows: Vec<Vec<String>>,
    /// The agreements' figures: each quarter's costs by kind.
    kind_head: Vec<String>,
    kind_rows: Vec<Vec<String>>,
    /// Register, controller, people.
    registers: Vec<(String, String, usize)>,
    may_record: bool,
    recorded: Option<String>,
    summary: Vec<SummaryItem>,
}

async fn steering_page(
    app: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Uuid,
    period: Period,
    typed: Option<(&FormData, &FieldErrors)>,
) -> PageResult {
    let t = ctx.tr();
    let v = app.service.steering_meeting(actor, id, period).await?;
    let m = v.meeting.as_ref();
    let (mut head, items) = super::meeting::minutes_form(
        &t,
        m,
        period,
        typed.map(|(d, _)| d),
        domain::cost_sharing::STEERING_AGENDA
            .iter()
            .map(|key| {
                (
                    (*key).to_owned(),
                    t.t(&format!("steering-item-{key}")),
                    Vec::new(),
                )
            })
            .collect(),
        "hint-steering-members",
    );
    // Costs by party and quarter: each quarter's shares as its computation has them now.
    let mut cost_head = vec![t.t("sharing-party")];
    cost_head.extend(v.quarters.iter().map(|(p, _)| p.code()));
    cost_head.push(t.t("sharing-total"));
    let mut cost_rows = Vec::new();
    for (i, party) in v.sharing.parties.iter().enumerate() {
        let mut row = vec![party.name.clone()];
        let mut sum = 0;
        for (_, c) in &v.quarters {
            let share = c.as_ref().and_then(|c| c.shares.get(i).copied());
            sum += share.unwrap_or(0);
            row.push(share.map(|s| money(&t, s)).unwrap_or_else(|| "–".into()));
        }
        row.push(money(&t, sum));
        cost_rows.push(row);
    }
    let mut total = vec![t.t("sharing-total")];
    let mut all = 0;
    for (_, c) in &v.quarters {
        let net = c.as_ref().map(|c| c.cost - c.funding);
        all += net.unwrap_or(0);
        total.push(net.map(|n| money(&t, n)).unwrap_or_else(|| "–".into()));
    }
    total.push(money(&t, all));
    cost_rows.push(total);
    // The agreements' figures: each quarter's costs by kind.
    let mut kind_head = vec![t.t("sharing-quarter")];
    kind_head.extend(CostKind::ALL.iter().map(|k| kind_label(&t, *k)));
    let kind_rows = v
        .quarters
        .iter()
        .map(|(p, c)| {
            let mut row = vec![p.code()];
            for k in CostKind::ALL {
                let sum: i64 = c
                    .as_ref()
                    .map(|c| {
                        c.items
                            .iter()
                            .filter(|i| i.kind == k)
                            .map(|i| i.amount)
                            .sum()
                    })
                    .unwrap_or(0);
                row.push(money(&t, sum));
            }
            row
        })
        .collect();
    let summary = match typed {
        Some((_, e)) => attach_errors(&t, &mut head, e),
        None => Vec::new(),
    };
    let p = Page::with_errors(
        ctx,
        t.ta(
            "steering-title",
            &[
                ("period", Arg::S(period.code())),
                ("title", Arg::S(v.sharing.title.clone())),
            ],
        ),
        &summary,
    );
    Ok(render_status(
        if typed.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        &SteeringPage {
            p,
            id,
            period: period.code(),
            title: v.sharing.title.clone(),
            head,
            items,
            cost_head,
            cost_rows,
            kind_head,
            kind_rows,
            registers: v.registers.clone(),
            may_record: v.may_record,
            recorded: m.map(|m| format!("{}, {}", m.recorded.name, t.datetime(m.recorded.at))),
            summary,
        },
    ))
}

pub async fn steering(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path((id, period)): Path<(Uuid, String)>,
) -> PageResult {
    let period = parse_period(&period)?;
    steering_page(&app, &ctx, &actor, id, period, None).await
}

pub async fn record_steering(
    State(app): State<AppState>,
    SignedIn { ctx, actor }: SignedIn,
    Path((id, period)): Path<(Uuid, String)>,
    body: Bytes,
) -> PageResult {
    let period = parse_period(&period)?;
    let d = FormData::parse(&body);
    let keys: Vec<String> = domain::cost_sharing::STEERING_AGENDA
        .iter()
        .map(|k| (*k).to_owned())
        .collect();
    let items = super::meeting::typed_items(&d, &keys);
    match app
        .service
        .record_steering_meeting(
            &actor,
            id,
            period,
            &d.get("held_on"),
            &d.get("members"),
            &items,
        )
        .await
    {
        Ok(()) => Ok(done(format!(
            "/cost-sharing/{id}/steering/{}",
            period.code()
        ))),
        Err(ServiceError::Invalid(e)) => {
            steering_page(&app, &ctx, &actor, id, period, Some((&d, &e))).await
        }
        Err(e) => Err(e.into()),
    }
}
