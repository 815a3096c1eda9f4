//! The index's schema: which fields there are, how each is indexed, and how
//! much a match in each weighs ([`BOOSTS`]).
//!
//! Text fields go through the one analyzer ([`super::tokenizer`]) with
//! positions, so phrases work; the fields a result shows (`id`, `title`,
//! `date`, `severity`, `path`) are stored, so a search reads nothing else to
//! list its hits. Filters are facets (`/severity/SEV-1`, `/service/…`, one
//! facet field for all of them) and a fast `date`.

use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};

use super::tokenizer::TOKENIZER;

/// Field names, as typed in queries (`title:failover`) and read by the
/// in-browser search.
pub mod names {
    pub const TITLE: &str = "title";
    pub const SUMMARY: &str = "summary";
    pub const BODY: &str = "body";
    pub const CAUSES: &str = "causes";
    pub const SERVICES: &str = "services";
    pub const TAGS: &str = "tags";
    pub const LEARNINGS: &str = "learnings";
    pub const ACTIONS: &str = "actions";
    pub const ID: &str = "id";
    pub const DATE: &str = "date";
    pub const SEVERITY: &str = "severity";
    pub const PATH: &str = "path";
    pub const FACETS: &str = "facets";
    pub const ORDER: &str = "order";
}

/// The text fields a query searches, with the weight of a match in each:
/// BM25 scores per field are multiplied by it. The one table of boosts, for
/// `hindsight search` and (exported as is) the in-browser search, which must
/// rank alike.
///
/// Why these: a title names what happened, so a query word in the title
/// must outrank the same word in the body (3.0 against 1.0, more than BM25's
/// length normalisation can make up); the summary and root causes say it in
/// a sentence or an id (2.0); services and tags are short labels that
/// identify but do not describe (1.5); the body, learnings and action items
/// are where most words are, and weigh 1.0.
pub const BOOSTS: &[(&str, f32)] = &[
    (names::TITLE, 3.0),
    (names::SUMMARY, 2.0),
    (names::CAUSES, 2.0),
    (names::SERVICES, 1.5),
    (names::TAGS, 1.5),
    (names::BODY, 1.0),
    (names::LEARNINGS, 1.0),
    (names::ACTIONS, 1.0),
];

/// Facet roots: `/severity/SEV-1`, `/status/final`, `/service/payments-api`,
/// `/cause/conn-pool-exhaustion`, `/quarter/2025-Q1`, `/tag/<tag slug>`.
pub mod facet {
    pub const SEVERITY: &str = "severity";
    pub const STATUS: &str = "status";
    pub const SERVICE: &str = "service";
    pub const CAUSE: &str = "cause";
    pub const QUARTER: &str = "quarter";
    pub const TAG: &str = "tag";
}

/// The schema's fields, looked up once.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub title: Field,
    pub summary: Field,
    pub body: Field,
    pub causes: Field,
    pub services: Field,
    pub tags: Field,
    pub learnings: Field,
    pub actions: Field,
    /// The post-mortem's id: stored, and indexed whole (for deletes by id).
    pub id: Field,
    /// The incident date as `yyyymmdd`: stored, indexed (ranges) and fast
    /// (sort by date).
    pub date: Field,
    pub severity: Field,
    /// Path of the file, relative to the knowledge base, `/`-separated.
    pub path: Field,
    pub facets: Field,
    /// The rank of the id among all ids (fast): breaks score ties by id
    /// without reading stored ids.
    pub order: Field,
}

impl Fields {
    /// The text fields with their boosts, in [`BOOSTS`] order.
    pub fn text(&self) -> Vec<(Field, f32)> {
        BOOSTS
            .iter()
            .map(|&(name, boost)| (self.by_name(name), boost))
            .collect()
    }

    fn by_name(&self, name: &str) -> Field {
        match name {
            names::TITLE => self.title,
            names::SUMMARY => self.summary,
            names::BODY => self.body,
            names::CAUSES => self.causes,
            names::SERVICES => self.services,
            names::TAGS => self.tags,
            names::LEARNINGS => self.learnings,
            names::ACTIONS => self.actions,
            _ => unreachable!("BOOSTS names a text field"),
        }
    }

    /// The fields of `schema`, which must be [`schema()`]'s.
    pub fn of(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name| schema.get_field(name);
        Ok(Fields {
            title: f(names::TITLE)?,
            summary: f(names::SUMMARY)?,
            body: f(names::BODY)?,
            causes: f(names::CAUSES)?,
            services: f(names::SERVICES)?,
            tags: f(names::TAGS)?,
            learnings: f(names::LEARNINGS)?,
            actions: f(names::ACTIONS)?,
            id: f(names::ID)?,
            date: f(names::DATE)?,
            severity: f(names::SEVERITY)?,
            path: f(names::PATH)?,
            facets: f(names::FACETS)?,
            order: f(names::ORDER)?,
        })
    }
}

/// The schema and its fields.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let indexing = TextFieldIndexing::default()
        .set_tokenizer(TOKENIZER)
        .set_index_option(IndexRecordOption::WithFreqsAndPositions);
    let text = TextOptions::default().set_indexing_options(indexing);
    let stored_text = text.clone().set_stored();
    // Declared in BOOSTS order, then the rest: field numbers are part of
    // the index format.
    b.add_text_field(names::TITLE, stored_text);
    for &(name, _) in &BOOSTS[1..] {
        b.add_text_field(name, text.clone());
    }
    b.add_text_field(names::ID, STRING | STORED);
    b.add_i64_field(names::DATE, INDEXED | FAST | STORED);
    b.add_text_field(names::SEVERITY, STRING | STORED);
    b.add_text_field(names::PATH, STORED);
    b.add_facet_field(names::FACETS, FacetOptions::default());
    b.add_u64_field(names::ORDER, FAST);
    let schema = b.build();
    let fields = Fields::of(&schema).expect("the schema has every field");
    (schema, fields)
}

/// A date as the `date` field holds it: `yyyymmdd`, ordered like dates.
pub fn date_value(date: jiff::civil::Date) -> i64 {
    i64::from(date.year()) * 10_000 + i64::from(date.month()) * 100 + i64::from(date.day())
}

/// The date of a `date` field value.
pub fn date_of(value: i64) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        value / 10_000,
        value / 100 % 100,
        value % 100
    )
}
