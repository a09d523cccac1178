//! Reads the pages repeat on every request, kept in memory. Settlement runs never change once
//! stored (their totals and measures are cached by run id for good); everything else is keyed
//! by the data version (the newest audit entry: every change is audited), so a change by any
//! server on the same database is seen on the next request.

use super::{App, AppError};
use kejing_engine::Money;
use kejing_engine::advice::RiskAssessment;
use kejing_store::read_models::ManagerRow;
use kejing_store::{Org, Store};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

type Measures = BTreeMap<(String, String), Decimal>;
/// Each period with the run it is paid on and whether it is locked.
type CurrentRuns = Vec<(String, i64, bool)>;

/// What a run's policy says of its measures: their labels, and for each target (by its name in
/// the targets table) the measure that attains it when that is another (`against`).
#[derive(Debug, Default)]
pub struct MeasureWords {
    pub labels: BTreeMap<String, String>,
    pub attained_by: BTreeMap<String, String>,
}

#[derive(Default)]
pub struct Cache {
    version: i64,
    managers: HashMap<i64, Arc<Vec<ManagerRow>>>,
    scopes: HashMap<(i64, String), Arc<BTreeSet<String>>>,
    runs: HashMap<i64, Arc<CurrentRuns>>,
    targets: HashMap<(i64, String), Arc<Measures>>,
    totals: HashMap<i64, Arc<BTreeMap<String, Money>>>,
    measures: HashMap<i64, Arc<Measures>>,
    /// The inbox count of a user (organisation, user name) at this data version; marking a
    /// notice read is audited, so it moves the version too.
    inbox: HashMap<(i64, String), usize>,
    /// The words a run's policy gives its measures (by run id: a run's policy never changes).
    labels: HashMap<i64, Arc<MeasureWords>>,
    /// The clients due for re-assessment (organisation, user, policy, day) at this version.
    due: HashMap<(i64, String, String, chrono::NaiveDate), Arc<Vec<RiskAssessment>>>,
    /// Every client of an organisation, by code, for the client list and its search.
    clients: HashMap<i64, Arc<Vec<ClientEntry>>>,
    /// The clients a user's scope owns on a day (organisation, user, day), by code.
    owned: HashMap<(i64, String, chrono::NaiveDate), Arc<Vec<ClientEntry>>>,
}

/// A client as the client list searches it.
#[derive(Debug, Clone)]
pub struct ClientEntry {
    pub id: i64,
    /// Code and name in lower case, apart: what a search text is found in.
    pub words: String,
}

/// Cached reads through one store.
pub struct Reads<'a> {
    app: &'a App,
    pub s: &'a mut Store,
}

impl<'a> Reads<'a> {
    /// Checks the data version (one query) and drops what it makes stale.
    pub fn new(app: &'a App, s: &'a mut Store) -> Result<Reads<'a>, AppError> {
        let version = s.data_version()?;
        Ok(Reads::at(app, s, version))
    }

    /// As [`Reads::new`] with a data version read moments ago (with the session).
    pub fn at(app: &'a App, s: &'a mut Store, version: i64) -> Reads<'a> {
        if let Ok(mut c) = app.cache.lock()
            && c.version != version
        {
            c.version = version;
            c.managers.clear();
            c.scopes.clear();
            c.runs.clear();
            c.targets.clear();
            c.inbox.clear();
            c.due.clear();
            c.clients.clear();
            c.owned.clear();
            // Runs are immutable, but keep the memory bounded.
            if c.totals.len() > 256 {
                c.totals.clear();
                c.measures.clear();
                c.labels.clear();
            }
        }
        Reads { app, s }
    }

    fn get<K: std::hash::Hash + Eq, V: Clone>(
        &self,
        pick: impl FnOnce(&Cache) -> &HashMap<K, V>,
        key: &K,
    ) -> Option<V> {
        self.app
            .cache
            .lock()
            .ok()
            .and_then(|c| pick(&c).get(key).cloned())
    }

    fn put(&self, put: impl FnOnce(&mut Cache)) {
        if let Ok(mut c) = self.app.cache.lock() {
            put(&mut c);
        }
    }

    pub fn managers(&mut self, org: &Org) -> Result<Arc<Vec<ManagerRow>>, AppError> {
        if let Some(v) = self.get(|c| &c.managers, &org.id) {
            return Ok(v);
        }
        let v = Arc::new(self.s.manager_rows(org)?);
        let k = org.id;
        let r = v.clone();
        self.put(|c| {
            c.managers.insert(k, r);
        });
        Ok(v)
    }

    /// The managers of a unit and the units below it.
    pub fn unit_managers(
        &mut self,
        org: &Org,
        unit: &str,
    ) -> Result<Arc<BTreeSet<String>>, AppError> {
        let key = (org.id, unit.to_owned());
        if let Some(v) = self.get(|c| &c.scopes, &key) {
            return Ok(v);
        }
        let units: BTreeSet<String> = self.s.unit_subtree(org, unit)?.into_iter().collect();
        let v: Arc<BTreeSet<String>> = Arc::new(
            self.managers(org)?
                .iter()
                .filter(|m| units.contains(&m.org_unit))
                .map(|m| m.code.clone())
                .collect(),
        );
        let r = v.clone();
        self.put(|c| {
            c.scopes.insert(key, r);
        });
        Ok(v)
    }

    pub fn current_runs(&mut self, org: &Org) -> Result<Arc<CurrentRuns>, AppError> {
        if let Some(v) = self.get(|c| &c.runs, &org.id) {
            return Ok(v);
        }
        let v = Arc::new(self.s.current_runs(org)?);
        let (k, r) = (org.id, v.clone());
        self.put(|c| {
            c.runs.insert(k, r);
        });
        Ok(v)
    }

    pub fn totals(&mut self, run: i64) -> Result<Arc<BTreeMap<String, Money>>, AppError> {
        if let Some(v) = self.get(|c| &c.totals, &run) {
            return Ok(v);
        }
        let v = Arc::new(self.s.run_totals(run)?);
        let r = v.clone();
        self.put(|c| {
            c.totals.insert(run, r);
        });
        Ok(v)
    }

    pub fn measures(&mut self, run: i64) -> Result<Arc<Measures>, AppError> {
        if let Some(v) = self.get(|c| &c.measures, &run) {
            return Ok(v);
        }
        let v = Arc::new(self.s.run_measures(run, None)?);
        let r = v.clone();
        self.put(|c| {
            c.measures.insert(run, r);
        });
        Ok(v)
    }

    /// The labels of the measures of run `run`'s policy and which measure attains each target
    /// (read once per run).
    pub fn measure_labels(&mut self, org: &Org, run: i64) -> Result<Arc<MeasureWords>, AppError> {
        if let Some(v) = self.get(|c| &c.labels, &run) {
            return Ok(v);
        }
        let policy_name = self.s.run_info(org, run)?.map(|r| r.policy);
        let words = policy_name
            .and_then(|n| {
                super::kit::policy_files(&self.app.config.policies)
                    .into_iter()
                    .find(|(name, _)| *name == n)
            })
            .and_then(|(_, f)| super::kit::cached_policy(self.app, &f).ok())
            .map(|p| MeasureWords {
                labels: p
                    .measures
                    .iter()
                    .filter_map(|(name, m)| Some((name.clone(), m.label.clone()?)))
                    .collect(),
                attained_by: p.attained_by(),
            })
            .unwrap_or_default();
        let v = Arc::new(words);
        let r = v.clone();
        self.put(|c| {
            c.labels.insert(run, r);
        });
        Ok(v)
    }

    /// The clients in the actor's scope due for re-assessment on `day` under `policy` (the
    /// letters page's reminder): every client's answers read and scored once per data version.
    pub fn reassessments_due(
        &mut self,
        actor: &kejing_app::Actor,
        policy: &kejing_engine::policy::Policy,
        day: chrono::NaiveDate,
    ) -> Result<Arc<Vec<RiskAssessment>>, AppError> {
        let key = (actor.org.id, actor.name.clone(), policy.name.clone(), day);
        if let Some(v) = self.get(|c| &c.due, &key) {
            return Ok(v);
        }
        let v = Arc::new(kejing_app::advice::reassessments_due(
            self.s, actor, policy, day,
        )?);
        let r = v.clone();
        self.put(|c| {
            if c.due.len() > 1_000 {
                c.due.clear();
            }
            c.due.insert(key, r);
        });
        Ok(v)
    }

    /// Every client of the organisation by code (read once per data version).
    pub fn clients(&mut self, org: &Org) -> Result<Arc<Vec<ClientEntry>>, AppError> {
        if let Some(v) = self.get(|c| &c.clients, &org.id) {
            return Ok(v);
        }
        let v: Arc<Vec<ClientEntry>> = Arc::new(
            self.s
                .client_index(org)?
                .into_iter()
                .map(|(id, code, name)| ClientEntry {
                    id,
                    words: format!("{}\u{0}{}", code.to_lowercase(), name.to_lowercase()),
                })
                .collect(),
        );
        let (k, r) = (org.id, v.clone());
        self.put(|c| {
            if c.clients.len() > 16 {
                c.clients.clear();
            }
            c.clients.insert(k, r);
        });
        Ok(v)
    }

    /// The clients the actor sees on `day`, by code: those their scope owns, or all of the
    /// organisation's.
    pub fn clients_seen(
        &mut self,
        actor: &kejing_app::Actor,
        day: chrono::NaiveDate,
    ) -> Result<Arc<Vec<ClientEntry>>, AppError> {
        let Some(scope) = &actor.scope else {
            return self.clients(&actor.org);
        };
        let key = (actor.org.id, actor.name.clone(), day);
        if let Some(v) = self.get(|c| &c.owned, &key) {
            return Ok(v);
        }
        let managers: Vec<String> = scope.iter().cloned().collect();
        let owned: HashSet<i64> = self
            .s
            .clients_owned_by(&actor.org, day, &managers)?
            .into_iter()
            .collect();
        let v: Arc<Vec<ClientEntry>> = Arc::new(
            self.clients(&actor.org)?
                .iter()
                .filter(|c| owned.contains(&c.id))
                .cloned()
                .collect(),
        );
        let r = v.clone();
        self.put(|c| {
            if c.owned.len() > 1_000 {
                c.owned.clear();
            }
            c.owned.insert(key, r);
        });
        Ok(v)
    }

    /// How many tasks and unread notices wait in the actor's inbox.
    pub fn inbox_count(&mut self, actor: &kejing_app::Actor) -> Result<usize, AppError> {
        let key = (actor.org.id, actor.name.clone());
        if let Some(n) = self.get(|c| &c.inbox, &key) {
            return Ok(n);
        }
        let n = kejing_app::inbox::inbox(self.s, actor)?.count();
        self.put(|c| {
            if c.inbox.len() > 10_000 {
                c.inbox.clear();
            }
            c.inbox.insert(key, n);
        });
        Ok(n)
    }

    pub fn targets(&mut self, org: &Org, period: &str) -> Result<Arc<Measures>, AppError> {
        let key = (org.id, period.to_owned());
        if let Some(v) = self.get(|c| &c.targets, &key) {
            return Ok(v);
        }
        let v = Arc::new(self.s.period_targets(org, period, None)?);
        let r = v.clone();
        self.put(|c| {
            c.targets.insert(key, r);
        });
        Ok(v)
    }
}
