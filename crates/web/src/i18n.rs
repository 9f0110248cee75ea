//! The user interface's words, in Fluent files for Finnish (default), Swedish and English.
//! Files are compiled into the binary; a test keeps their keys identical.

use domain::locale::Lang;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use std::sync::OnceLock;

pub const SOURCES: [(Lang, &str); 3] = [
    (Lang::Fi, include_str!("../locales/fi.ftl")),
    (Lang::Sv, include_str!("../locales/sv.ftl")),
    (Lang::En, include_str!("../locales/en.ftl")),
];

type Bundle = FluentBundle<FluentResource>;

fn bundles() -> &'static [(Lang, Bundle); 3] {
    static B: OnceLock<[(Lang, Bundle); 3]> = OnceLock::new();
    B.get_or_init(|| SOURCES.map(|(lang, src)| (lang, build(lang, src))))
}

fn build(lang: Lang, src: &str) -> Bundle {
    let id: unic_langid::LanguageIdentifier = lang
        .code()
        .parse()
        .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: our arguments are names and numbers shown
    // in HTML, where the marks only get in the way of tests and copy-paste.
    b.set_use_isolating(false);
    // A broken file is caught by the locale tests; at run time, use what parsed.
    let res = match FluentResource::try_new(src.to_owned()) {
        Ok(r) => r,
        Err((r, errs)) => {
            tracing::error!(lang = lang.code(), ?errs, "Fluent file has errors");
            r
        }
    };
    if let Err(errs) = b.add_resource(res) {
        tracing::error!(lang = lang.code(), ?errs, "Fluent file has duplicate keys");
    }
    b
}

/// A message argument: text, or a number that plural forms select on.
#[derive(Debug, Clone)]
pub enum Arg {
    S(String),
    N(i64),
}

/// The translator a page renders with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Tr { lang }
    }

    fn bundle(&self) -> &'static Bundle {
        let all = bundles();
        &all.iter()
            .find(|(l, _)| *l == self.lang)
            .unwrap_or(&all[0])
            .1
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        let b = self.bundle();
        let Some(msg) = b.get_message(key) else {
            tracing::warn!(key, lang = self.lang.code(), "missing translation");
            return key.to_owned();
        };
        let Some(pattern) = msg.value() else {
            return key.to_owned();
        };
        let mut errs = vec![];
        b.format_pattern(pattern, args, &mut errs).into_owned()
    }

    /// The message `key`.
    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl ToString) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(value.to_string()));
        self.format(key, Some(&args))
    }

    /// The message `key` with one numeric argument, for plural forms.
    pub fn tn(&self, key: &str, name: &str, n: i64) -> String {
        let mut args = FluentArgs::new();
        args.set(name, FluentValue::from(n));
        self.format(key, Some(&args))
    }

    /// The message `key` with several arguments, text or numbers.
    pub fn ta(&self, key: &str, args: &[(&str, Arg)]) -> String {
        let mut fa = FluentArgs::new();
        for (name, v) in args {
            match v {
                Arg::S(s) => fa.set(*name, FluentValue::from(s.clone())),
                Arg::N(n) => fa.set(*name, FluentValue::from(*n)),
            }
        }
        self.format(key, Some(&fa))
    }

    /// The message for an error code (`error-<code>`).
    pub fn error(&self, code: &str) -> String {
        self.t(&format!("error-{code}"))
    }

    pub fn has(lang: Lang, key: &str) -> bool {
        Tr::new(lang).bundle().has_message(key)
    }

    pub fn date(&self, d: chrono::NaiveDate) -> String {
        domain::time::format_date(d)
    }

    pub fn datetime(&self, at: chrono::DateTime<chrono::Utc>) -> String {
        domain::time::format_datetime(at, self.lang)
    }
}

/// The message ids a Fluent source defines, for the tests.
pub fn keys(src: &str) -> Vec<String> {
    src.lines()
        .filter_map(|l| {
            let (k, _) = l.split_once('=')?;
            let k = k.trim_end();
            let ok = !k.is_empty()
                && !l.starts_with([' ', '\t', '#', '.'])
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            ok.then(|| k.to_owned())
        })
        .collect()
}
