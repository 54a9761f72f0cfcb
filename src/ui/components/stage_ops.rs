//! Operating one stage: hotfix its release, feature flags, configuration and secrets,
//! backups and restores, failover, certificate renewal. Like the rollout controls, each
//! says in advance when the acting role may not do it (the click is still sent, so the
//! refusal is audited).

use yew::prelude::*;

use super::{form_field, refusal, ActionButton, Snapshot};
use crate::sim::{ActorId, BackupId, Command, ConfigKey, FlagName, SecretValue};
use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct StageOpsProps {
    pub snapshot: Snapshot,
    pub index: usize,
    /// Who the learner acts as.
    pub actor: ActorId,
    pub on_action: Callback<Action>,
}

/// Whether `actor` may do each operation on the stage, as `World::permits` says.
struct Allowed {
    hotfix: Option<AttrValue>,
    flags: Option<AttrValue>,
    config: Option<AttrValue>,
    secrets: Option<AttrValue>,
    backup: Option<AttrValue>,
    restore: Option<AttrValue>,
    scale: Option<AttrValue>,
    failover: Option<AttrValue>,
    renew: Option<AttrValue>,
}

impl Allowed {
    fn of(props: &StageOpsProps) -> Allowed {
        let world = &props.snapshot.world;
        let stage = &world.stages[props.index];
        let id = || stage.config.id.clone();
        let ask = |command: Command| refusal(world, &props.actor, command);
        Allowed {
            hotfix: stage.current().and_then(|base| {
                ask(Command::Hotfix {
                    base,
                    summary: "".into(),
                })
            }),
            flags: ask(Command::SetFlag {
                stage: id(),
                flag: FlagName::new("flag"),
                percent: 0,
            }),
            config: ask(Command::SetConfig {
                stage: id(),
                key: ConfigKey::new("KEY"),
                value: None,
            }),
            secrets: ask(Command::SetSecret {
                stage: id(),
                name: ConfigKey::new("KEY"),
                value: SecretValue(String::new()),
            }),
            backup: ask(Command::TakeBackup { stage: id() }),
            restore: stage.backups.last().and_then(|b| {
                ask(Command::RestoreBackup {
                    stage: id(),
                    backup: b.id,
                })
            }),
            scale: ask(Command::Scale {
                stage: id(),
                instances: stage.config.instances,
            }),
            failover: ask(Command::Failover { stage: id() }),
            renew: ask(Command::RenewCertificate { stage: id() }),
        }
    }

    /// Each distinct refusal once, for the panel's summary (the buttons' own reasons are
    /// for screen readers and tooltips: repeated under every button they would crowd it).
    fn summary(&self) -> Vec<AttrValue> {
        let all = [
            &self.hotfix,
            &self.flags,
            &self.config,
            &self.secrets,
            &self.backup,
            &self.restore,
            &self.scale,
            &self.failover,
            &self.renew,
        ];
        let mut out: Vec<AttrValue> = Vec::new();
        for w in all.into_iter().flatten() {
            if !out.contains(w) {
                out.push(w.clone());
            }
        }
        out
    }
}

/// Builds a button's action from the form's fields, or `None` while they are incomplete.
type MakeAction = Box<dyn Fn(&Fields) -> Option<Action>>;

#[derive(Clone, Default, PartialEq)]
struct Fields {
    hotfix: String,
    flag: String,
    percent: String,
    key: String,
    value: String,
    secret_name: String,
    secret: String,
    backup: String,
    instances: String,
}

/// "Operate …": a folded panel. Its forms ([`OpsForms`]) are mounted the first time it is
/// unfolded, and stay mounted (with what was typed) when it folds again: folded, nothing of
/// them is seen, so the first screen neither runs nor downloads their code (it is in the
/// wasm's late part). A component rather than a function: binaryen inlines a function
/// called from one place into its caller, which the first screen runs.
#[component]
pub fn StageOps(props: &StageOpsProps) -> Html {
    let unfolded = use_state(|| false);
    let ontoggle = {
        let unfolded = unfolded.clone();
        Callback::from(move |_: Event| {
            if !*unfolded {
                unfolded.set(true);
            }
        })
    };
    let name = props.snapshot.world.stages[props.index].name();
    html! {
        <details class="ops" {ontoggle}>
            <summary>{ format!("Operate {name}: flags, config, backups") }</summary>
            if *unfolded {
                <OpsForms snapshot={props.snapshot.clone()} index={props.index} actor={props.actor.clone()} on_action={props.on_action.clone()} />
            }
        </details>
    }
}

/// The panel's forms, once it was unfolded.
#[component]
fn OpsForms(props: &StageOpsProps) -> Html {
    let fields = use_state(|| Fields {
        hotfix: "Fix the bug".into(),
        flag: "new-checkout".into(),
        percent: "100".into(),
        ..Fields::default()
    });
    let world = &props.snapshot.world;
    let stage = &world.stages[props.index];
    let id = stage.config.id.clone();
    let name = stage.name().to_string();
    let sid = id.as_str().to_string();
    let on = props.on_action.clone();
    let field = |f: fn(&mut Fields, String)| form_field(&fields, f);
    let send = |make: MakeAction| {
        let on = on.clone();
        let fields = fields.clone();
        Callback::from(move |_| {
            if let Some(a) = make(&fields) {
                on.emit(a);
            }
        })
    };
    let current = stage.current();
    let hotfix = {
        let id = current;
        send(Box::new(move |f| {
            id.map(|base| Action::SubmittedHotfix {
                base,
                summary: f.hotfix.clone(),
            })
        }))
    };
    let set_flag = {
        let id = id.clone();
        send(Box::new(move |f| {
            Some(Action::SetFlag {
                stage: id.clone(),
                flag: FlagName::new(f.flag.trim()),
                percent: f.percent.trim().parse().unwrap_or(101),
            })
        }))
    };
    let kill = {
        let id = id.clone();
        send(Box::new(move |f| {
            Some(Action::SetFlag {
                stage: id.clone(),
                flag: FlagName::new(f.flag.trim()),
                percent: 0,
            })
        }))
    };
    let set_key = {
        let id = id.clone();
        send(Box::new(move |f| {
            Some(Action::SubmittedSetting {
                stage: id.clone(),
                key: ConfigKey::new(f.key.trim()),
                value: Some(f.value.clone()),
            })
        }))
    };
    let remove_key = {
        let id = id.clone();
        send(Box::new(move |f| {
            Some(Action::SubmittedSetting {
                stage: id.clone(),
                key: ConfigKey::new(f.key.trim()),
                value: None,
            })
        }))
    };
    let set_secret = {
        let id = id.clone();
        let fields_after = fields.clone();
        let inner = send(Box::new(move |f| {
            Some(Action::SubmittedSecret {
                stage: id.clone(),
                name: ConfigKey::new(f.secret_name.trim()),
                value: f.secret.clone(),
            })
        }));
        // The secret's value leaves the form as soon as it is sent.
        Callback::from(move |_| {
            inner.emit(());
            fields_after.set(Fields {
                secret: String::new(),
                ..(*fields_after).clone()
            });
        })
    };
    let backups: Vec<BackupId> = stage.backups.iter().rev().map(|b| b.id).collect();
    let chosen = backups
        .iter()
        .copied()
        .find(|b| b.to_string() == fields.backup)
        .or(backups.first().copied());
    let restore = {
        let id = id.clone();
        send(Box::new(move |_| {
            chosen.map(|backup| Action::ChoseRestore {
                stage: id.clone(),
                backup,
            })
        }))
    };
    let emit = |a: Action| {
        let on = on.clone();
        Callback::from(move |_| on.emit(a.clone()))
    };
    let has_db = stage.database.is_some();
    let scale = {
        let id = id.clone();
        send(Box::new(move |f| {
            Some(Action::SubmittedScale {
                stage: id.clone(),
                instances: f.instances.trim().parse().unwrap_or(0),
            })
        }))
    };
    let may = Allowed::of(props);
    let flags = stage
        .flags
        .iter()
        .map(|(f, p)| html! { <li key={f.as_str().to_string()}>{ format!("{f}: {p} %") }</li> });
    let warnings = may.summary();
    html! {
        <div class="stage-ops">
            if !warnings.is_empty() {
                <ul class="ops-warnings" aria-label={format!("What your role may not do in {name}")}>
                    { for warnings.iter().map(|w| html! { <li>{ format!("⚠ {w}") }</li> }) }
                </ul>
            }
            <div class="inline-form">
                <label>{ "Hotfix summary" }<input aria-label="Hotfix summary" type="text" value={fields.hotfix.clone()} onchange={field(|f, v| f.hotfix = v)} /></label>
                <ActionButton id={format!("hotfix-{sid}")} label={format!("Hotfix {}", current.map_or("—".into(), |v| v.to_string()))}
                    why_not={current.is_none().then(|| AttrValue::from("No release runs here."))} not_allowed={may.hotfix.clone()} onclick={hotfix} />
            </div>
            <div class="inline-form">
                <label>{ "Flag" }<input aria-label="Flag" type="text" value={fields.flag.clone()} onchange={field(|f, v| f.flag = v)} /></label>
                <label>{ "Percent" }<input aria-label="Percent" type="number" min="0" max="100" value={fields.percent.clone()} onchange={field(|f, v| f.percent = v)} /></label>
                <ActionButton id={format!("flag-{sid}")} label={format!("Set flag in {name}")} not_allowed={may.flags.clone()} onclick={set_flag} />
                <ActionButton id={format!("kill-{sid}")} class={classes!("danger")} label={format!("Kill switch in {name}")} not_allowed={may.flags.clone()} onclick={kill} />
            </div>
            if !stage.flags.is_empty() { <ul class="flags">{ for flags }</ul> }
            <div class="inline-form">
                <label>{ "Setting" }<input aria-label="Setting" type="text" placeholder="LOG_LEVEL" value={fields.key.clone()} onchange={field(|f, v| f.key = v)} /></label>
                <label>{ "Value" }<input aria-label="Value" type="text" value={fields.value.clone()} onchange={field(|f, v| f.value = v)} /></label>
                <ActionButton id={format!("set-{sid}")} label={format!("Set in {name}")} not_allowed={may.config.clone()} onclick={set_key} />
                <ActionButton id={format!("remove-{sid}")} label={format!("Remove from {name}")} not_allowed={may.config.clone()} onclick={remove_key} />
            </div>
            <div class="inline-form">
                <label>{ "Secret" }<input aria-label="Secret" type="text" placeholder="PAYMENT_API_KEY" value={fields.secret_name.clone()} onchange={field(|f, v| f.secret_name = v)} /></label>
                <label>{ "Secret value" }<input aria-label="Secret value" type="password" autocomplete="off" value={fields.secret.clone()} onchange={field(|f, v| f.secret = v)} /></label>
                <ActionButton id={format!("secret-{sid}")} label={format!("Set secret in {name}")} not_allowed={may.secrets.clone()} onclick={set_secret} />
            </div>
            <div class="inline-form">
                <ActionButton id={format!("backup-{sid}")} label={format!("Take backup of {name}")}
                    why_not={(!has_db).then(|| AttrValue::from("No database here."))} not_allowed={may.backup.clone()} onclick={emit(Action::ClickedBackup { stage: id.clone() })} />
                <label>{ "Backup" }
                    <select aria-label="Backup" onchange={field(|f, v| f.backup = v)} disabled={backups.is_empty()}>
                        { for backups.iter().map(|b| html! { <option value={b.to_string()} selected={Some(*b) == chosen}>{ b.to_string() }</option> }) }
                    </select>
                </label>
                <ActionButton id={format!("restore-{sid}")} label={format!("Restore {name}")}
                    why_not={backups.is_empty().then(|| AttrValue::from("No backup yet: take one first."))} not_allowed={may.restore.clone()} onclick={restore} />
            </div>
            <div class="inline-form">
                <label>{ "Instances" }<input aria-label="Instances" type="number" min="1" max="20" placeholder={stage.config.instances.to_string()} value={fields.instances.clone()} onchange={field(|f, v| f.instances = v)} /></label>
                <ActionButton id={format!("scale-{sid}")} label={format!("Scale {name}")} not_allowed={may.scale.clone()} onclick={scale} />
            </div>
            <div class="button-row">
                <ActionButton id={format!("failover-{sid}")} label={format!("Fail over {name}")}
                    why_not={(!stage.config.standby_region).then(|| AttrValue::from("No standby region."))} not_allowed={may.failover.clone()} onclick={emit(Action::ClickedFailover { stage: id.clone() })} />
                <ActionButton id={format!("renew-{sid}")} label={format!("Renew certificate of {name}")}
                    why_not={(!stage.faults.certificate_expired).then(|| AttrValue::from("The certificate is still valid."))} not_allowed={may.renew.clone()} onclick={emit(Action::ClickedRenewCertificate { stage: id.clone() })} />
            </div>
        </div>
    }
}
