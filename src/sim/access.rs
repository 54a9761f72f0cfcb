//! Who may do what, where. Least privilege is a lesson, so the policy is data a scenario
//! can tighten or loosen, and every refusal names the rule that refused.

use super::ids::{ActorId, StageId};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Developer,
    Reviewer,
    ReleaseManager,
    Sre,
    Instructor,
    /// Someone with an account but no business changing anything (a contractor, a stolen login).
    Outsider,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Developer => "Developer",
            Role::Reviewer => "Reviewer",
            Role::ReleaseManager => "Release manager",
            Role::Sre => "On-call SRE",
            Role::Instructor => "Instructor",
            Role::Outsider => "Outsider",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    Commit,
    Deploy,
    Approve,
    Rollback,
    Configure,
    ToggleFlags,
    ManageBackups,
    Failover,
    OverrideGates,
    InjectFailures,
}

impl Permission {
    pub fn label(self) -> &'static str {
        match self {
            Permission::Commit => "commit",
            Permission::Deploy => "deploy",
            Permission::Approve => "approve",
            Permission::Rollback => "roll back",
            Permission::Configure => "change configuration",
            Permission::ToggleFlags => "toggle feature flags",
            Permission::ManageBackups => "take or restore backups",
            Permission::Failover => "fail over",
            Permission::OverrideGates => "override gates",
            Permission::InjectFailures => "inject failures",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub id: ActorId,
    pub name: String,
    pub role: Role,
}

/// Which stages a grant covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageScope {
    All,
    Only(Vec<StageId>),
}

impl StageScope {
    fn covers(&self, stage: Option<&StageId>) -> bool {
        match (self, stage) {
            (StageScope::All, _) => true,
            (StageScope::Only(_), None) => true,
            (StageScope::Only(list), Some(s)) => list.contains(s),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    pub role: Role,
    pub permission: Permission,
    pub stages: StageScope,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub grants: Vec<Grant>,
}

impl Policy {
    pub fn allows(&self, role: Role, permission: Permission, stage: Option<&StageId>) -> bool {
        self.grants
            .iter()
            .any(|g| g.role == role && g.permission == permission && g.stages.covers(stage))
    }

    /// The roles that may do `permission` on `stage`, for "who can do this?" messages.
    pub fn roles_for(&self, permission: Permission, stage: Option<&StageId>) -> Vec<Role> {
        // A set orders and dedups without pulling another sort routine into the wasm build.
        let mut roles = std::collections::BTreeSet::new();
        roles.extend(
            self.grants
                .iter()
                .filter(|g| g.permission == permission && g.stages.covers(stage))
                .map(|g| g.role),
        );
        roles.into_iter().collect()
    }

    /// A least-privilege default for a pipeline whose last stage is production: developers
    /// deploy freely before production; production changes need a release manager or SRE.
    pub fn standard(stages: &[StageId]) -> Policy {
        let before_prod: Vec<StageId> = stages
            .iter()
            .take(stages.len().saturating_sub(1))
            .cloned()
            .collect();
        let mut grants = Vec::new();
        let mut grant = |role, permission, stages: StageScope| {
            grants.push(Grant {
                role,
                permission,
                stages,
            })
        };
        use Permission as P;
        use Role as R;
        grant(R::Developer, P::Commit, StageScope::All);
        for p in [P::Deploy, P::Rollback, P::Configure, P::ToggleFlags] {
            grant(R::Developer, p, StageScope::Only(before_prod.clone()));
        }
        grant(R::Reviewer, P::Approve, StageScope::All);
        for p in [
            P::Commit,
            P::Deploy,
            P::Approve,
            P::Rollback,
            P::ToggleFlags,
            P::OverrideGates,
        ] {
            grant(R::ReleaseManager, p, StageScope::All);
        }
        for p in [
            P::Commit,
            P::Deploy,
            P::Rollback,
            P::Configure,
            P::ToggleFlags,
            P::ManageBackups,
            P::Failover,
        ] {
            grant(R::Sre, p, StageScope::All);
        }
        grant(R::Instructor, P::InjectFailures, StageScope::All);
        Policy { grants }
    }
}

/// The default cast of a training session.
pub fn default_actors() -> Vec<Actor> {
    let a = |id: &str, name: &str, role| Actor {
        id: ActorId::new(id),
        name: name.to_string(),
        role,
    };
    vec![
        a("dana", "Dana (developer)", Role::Developer),
        a("rui", "Rui (reviewer)", Role::Reviewer),
        a("mia", "Mia (release manager)", Role::ReleaseManager),
        a("sam", "Sam (on-call SRE)", Role::Sre),
        a("trainer", "Trainer", Role::Instructor),
        a("eve", "Eve (contractor)", Role::Outsider),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_policy_keeps_developers_out_of_production() {
        let stages: Vec<StageId> = ["dev", "staging", "prod"]
            .into_iter()
            .map(StageId::new)
            .collect();
        let p = Policy::standard(&stages);
        assert!(p.allows(Role::Developer, Permission::Deploy, Some(&stages[1])));
        assert!(!p.allows(Role::Developer, Permission::Deploy, Some(&stages[2])));
        assert!(p.allows(Role::Sre, Permission::Deploy, Some(&stages[2])));
        assert!(!p.allows(Role::Outsider, Permission::Deploy, Some(&stages[0])));
        assert_eq!(
            p.roles_for(Permission::Approve, Some(&stages[2])),
            vec![Role::Reviewer, Role::ReleaseManager]
        );
    }
}
