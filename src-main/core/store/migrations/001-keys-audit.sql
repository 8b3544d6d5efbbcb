-- Virtual keys: stored only as the SHA-256 of the raw key (token). key_id is the stable identity
-- that budgets, spend, limits and logs follow across rotations.
CREATE TABLE keys (
  key_id TEXT PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  key_name TEXT NOT NULL,
  key_alias TEXT,
  user_id TEXT,
  team_id TEXT,
  organization_id TEXT,
  models TEXT NOT NULL DEFAULT '[]',
  spend REAL NOT NULL DEFAULT 0,
  max_budget REAL,
  soft_budget REAL,
  budget_duration TEXT,
  budget_reset_at TEXT,
  rpm_limit INTEGER,
  tpm_limit INTEGER,
  max_parallel_requests INTEGER,
  model_max_budget TEXT,
  model_rpm_limit TEXT,
  model_tpm_limit TEXT,
  model_spend TEXT NOT NULL DEFAULT '{}',
  allowed_routes TEXT NOT NULL DEFAULT '[]',
  key_type TEXT NOT NULL DEFAULT 'default',
  metadata TEXT NOT NULL DEFAULT '{}',
  blocked INTEGER NOT NULL DEFAULT 0,
  expires TEXT,
  temp_budget_increase REAL,
  temp_budget_expiry TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  created_by TEXT
);
CREATE INDEX keys_user ON keys(user_id);
CREATE INDEX keys_team ON keys(team_id);

-- Old hashes that keep working until their grace period ends (/key/regenerate grace_period).
CREATE TABLE key_grace_tokens (
  token TEXT PRIMARY KEY,
  key_id TEXT NOT NULL REFERENCES keys(key_id) ON DELETE CASCADE,
  expires_at TEXT NOT NULL
);

-- Every management change: who, what, when, before/after (secrets redacted before insert).
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at TEXT NOT NULL,
  actor TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT,
  before TEXT,
  after TEXT,
  request_id TEXT
);
CREATE INDEX audit_created ON audit_log(created_at);
