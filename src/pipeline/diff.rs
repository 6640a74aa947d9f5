//! `diff`: two versions of one description, loaded, compared, weighed by the policy and
//! reported. The CLI's `apidiff diff` is a thin adapter over [`diff`].

use crate::diff::{Format, Options};
use crate::error::Result;
use crate::policy::{self, Policy};
use crate::report::{Meta, Report, SpecPair};
use crate::source::Input;
use crate::spec::{self, LoadOptions};

/// What to compare and how.
#[derive(Debug)]
pub struct DiffRequest {
    /// The old version.
    pub base: Input,
    /// The new version.
    pub revision: Input,
    /// How to load them.
    pub load: LoadOptions,
    /// How to compare them.
    pub options: Options,
    /// Severity overrides, ignores and the gate.
    pub policy: Policy,
    /// The clock, in milliseconds since the epoch (the report's time).
    pub now: i64,
    /// The caller exits right after: the two models are not freed node by node (on a large
    /// spec that takes as long as loading it).
    pub exiting: bool,
    /// Usage evidence and the module whose usage the changes carry (`diff --usage-from`).
    pub usage: Option<(super::usage::Evidence, String)>,
}

/// What [`diff`] found: the report, and the format both sides are in.
#[derive(Debug)]
pub struct Diffed {
    /// The report (one spec pair).
    pub report: Report,
    /// The format of both sides.
    pub format: Format,
}

/// Loads both sides, compares them, applies the policy and builds the report.
pub fn diff(req: DiffRequest) -> Result<Diffed> {
    let DiffRequest { base, revision, load, options, policy, now, exiting, usage } = req;
    let what = format!("comparing {} with {}", base.name, revision.name);
    let (base_name, revision_name) = (base.name.clone(), revision.name.clone());
    let (format, changes) = crate::deep::run(&what, || {
        // Handed over: each side keeps its text for line numbers without a copy.
        let (a, b) = spec::load_pair_owned(base, revision, &load)?;
        let changes = super::compare::compared(&a, &b, &options)?;
        let format = a.format();
        if exiting {
            std::mem::forget(a);
            std::mem::forget(b);
        }
        Ok::<_, crate::Error>((format, changes))
    })?;
    let mut changes = changes;
    if let Some((evidence, module)) = &usage {
        evidence.attach(module, &mut changes);
    }
    let outcome = policy::apply(changes, &policy);
    let pair = SpecPair { module: None, format, base: base_name, revision: revision_name };
    let mut report = Report::build(vec![(pair, outcome)], policy.fail_on);
    report.meta = Some(Meta { generated_at: Some(crate::time::format_millis(now)), ..Meta::default() });
    Ok(Diffed { report, format })
}
