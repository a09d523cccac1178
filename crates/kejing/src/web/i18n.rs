//! Messages in Chinese (the default) and English, as Fluent files embedded in the binary.

use anyhow::{Result, anyhow};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::collections::BTreeMap;

pub const DEFAULT: &str = "zh-CN";
/// The languages, each with its Fluent source.
pub const LANGS: &[(&str, &str)] = &[
    ("zh-CN", include_str!("locales/zh-CN.ftl")),
    ("en", include_str!("locales/en.ftl")),
];

/// A supported language code for what the user asked for (`en-US` → `en`; unknown → zh-CN).
pub fn normalise(asked: &str) -> String {
    if asked.to_ascii_lowercase().starts_with("en") {
        "en".to_owned()
    } else {
        DEFAULT.to_owned()
    }
}

pub struct I18n {
    bundles: BTreeMap<&'static str, FluentBundle<FluentResource>>,
}

impl I18n {
    pub fn new() -> Result<I18n> {
        let mut bundles = BTreeMap::new();
        for (code, source) in LANGS {
            let res = FluentResource::try_new((*source).to_owned())
                .map_err(|(_, e)| anyhow!("locales/{code}.ftl: {e:?}"))?;
            let id: unic_langid::LanguageIdentifier =
                code.parse().map_err(|e| anyhow!("language {code}: {e}"))?;
            let mut b = FluentBundle::new_concurrent(vec![id]);
            b.set_use_isolating(false);
            b.add_resource(res)
                .map_err(|e| anyhow!("locales/{code}.ftl: {e:?}"))?;
            bundles.insert(*code, b);
        }
        Ok(I18n { bundles })
    }

    /// The message `key` in `lang` with arguments; the key itself if it is missing (a test
    /// checks that none is).
    pub fn tr(&self, lang: &str, key: &str, args: &[(&str, String)]) -> String {
        let Some(b) = self.bundles.get(lang).or_else(|| self.bundles.get(DEFAULT)) else {
            return key.to_owned();
        };
        let Some(pattern) = b.get_message(key).and_then(|m| m.value()) else {
            return key.to_owned();
        };
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, v.clone());
        }
        let mut errors = Vec::new();
        b.format_pattern(pattern, Some(&fa), &mut errors)
            .into_owned()
    }

    /// Whether every language has `key`.
    pub fn has(&self, key: &str) -> Vec<&'static str> {
        self.bundles
            .iter()
            .filter(|(_, b)| !b.has_message(key))
            .map(|(l, _)| *l)
            .collect()
    }

    /// Every key of a language.
    pub fn keys(lang: &str) -> Vec<String> {
        LANGS
            .iter()
            .filter(|(l, _)| *l == lang)
            .flat_map(|(_, src)| src.lines())
            .filter_map(|l| {
                let (k, _) = l.split_once('=')?;
                let k = k.trim();
                (!k.is_empty()
                    && !l.starts_with(' ')
                    && !l.starts_with('#')
                    && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
                .then(|| k.to_owned())
            })
            .collect()
    }
}
