-- Governance objects. Each row keeps its management fields as one JSON document (`doc`, LiteLLM
-- field names) beside the hot columns the ledger writes on every flush (`spend`, `budget_reset_at`).
CREATE TABLE users (
  user_id TEXT PRIMARY KEY,
  doc TEXT NOT NULL,
  spend REAL NOT NULL DEFAULT 0,
  budget_reset_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE teams (
  team_id TEXT PRIMARY KEY,
  doc TEXT NOT NULL,
  spend REAL NOT NULL DEFAULT 0,
  budget_reset_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- One row per team member: role, the member's own budget inside the team, its spend there.
CREATE TABLE team_members (
  team_id TEXT NOT NULL REFERENCES teams(team_id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  role TEXT NOT NULL,
  max_budget_in_team REAL,
  spend REAL NOT NULL DEFAULT 0,
  budget_reset_at TEXT,
  PRIMARY KEY (team_id, user_id)
);

CREATE TABLE organizations (
  organization_id TEXT PRIMARY KEY,
  doc TEXT NOT NULL,
  spend REAL NOT NULL DEFAULT 0,
  budget_reset_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Customers (end users) of requests.
CREATE TABLE customers (
  user_id TEXT PRIMARY KEY,
  doc TEXT NOT NULL,
  spend REAL NOT NULL DEFAULT 0,
  budget_reset_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Reusable budgets (/budget/*), referenced by customers' budget_id.
CREATE TABLE budgets (
  budget_id TEXT PRIMARY KEY,
  doc TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Spend of scopes that have no row of their own: `global`, `key_model:<key_id>:<model>`,
-- `end_user:<id>` for end users that were never created (the default end-user budget).
CREATE TABLE scope_spend (
  scope TEXT PRIMARY KEY,
  spend REAL NOT NULL DEFAULT 0,
  budget_reset_at TEXT
);

-- One row per LLM request. Never a secret: keys appear as key_id and the abbreviated key_name.
CREATE TABLE spend_logs (
  request_id TEXT PRIMARY KEY,
  key_id TEXT,
  key_name TEXT,
  key_alias TEXT,
  user_id TEXT,
  team_id TEXT,
  org_id TEXT,
  end_user TEXT,
  model TEXT NOT NULL,
  deployment_model TEXT NOT NULL,
  prompt_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  total_tokens INTEGER NOT NULL,
  spend REAL NOT NULL,
  status TEXT NOT NULL,
  latency_ms INTEGER NOT NULL,
  streamed INTEGER NOT NULL,
  aborted INTEGER NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL
);
CREATE INDEX spend_logs_start ON spend_logs(start_time);
CREATE INDEX spend_logs_key ON spend_logs(key_id);
CREATE INDEX spend_logs_user ON spend_logs(user_id);
CREATE INDEX spend_logs_team ON spend_logs(team_id);

-- Daily aggregates (day in litellm_settings.timezone), written in the same transaction as the logs.
-- Absent dimensions are '' so that the primary key stays unique.
CREATE TABLE daily_spend (
  day TEXT NOT NULL,
  key_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  end_user TEXT NOT NULL,
  model TEXT NOT NULL,
  spend REAL NOT NULL DEFAULT 0,
  requests INTEGER NOT NULL DEFAULT 0,
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, key_id, user_id, team_id, org_id, end_user, model)
);
