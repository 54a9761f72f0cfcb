//! The built-in lessons, compiled into the app so it works offline.

/// `(id, file text)`, in catalogue order.
pub const FILES: &[(&str, &str)] = &[
    (
        "first-promotion",
        include_str!("../../static/lessons/first-promotion.json"),
    ),
    (
        "caught-in-staging",
        include_str!("../../static/lessons/caught-in-staging.json"),
    ),
    (
        "missing-setting",
        include_str!("../../static/lessons/missing-setting.json"),
    ),
    (
        "bad-deploy-rollback",
        include_str!("../../static/lessons/bad-deploy-rollback.json"),
    ),
    (
        "canary-catches-regression",
        include_str!("../../static/lessons/canary-catches-regression.json"),
    ),
    (
        "blue-green-switch",
        include_str!("../../static/lessons/blue-green-switch.json"),
    ),
    (
        "memory-leak-alert",
        include_str!("../../static/lessons/memory-leak-alert.json"),
    ),
    (
        "destructive-migration",
        include_str!("../../static/lessons/destructive-migration.json"),
    ),
    (
        "least-privilege",
        include_str!("../../static/lessons/least-privilege.json"),
    ),
    (
        "backup-restore",
        include_str!("../../static/lessons/backup-restore.json"),
    ),
    (
        "sale-day",
        include_str!("../../static/lessons/sale-day.json"),
    ),
    (
        "bank-security-patch",
        include_str!("../../static/lessons/bank-security-patch.json"),
    ),
    (
        "ehr-migration",
        include_str!("../../static/lessons/ehr-migration.json"),
    ),
    ("sandbox", include_str!("../../static/lessons/sandbox.json")),
];
