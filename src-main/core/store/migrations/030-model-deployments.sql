-- Deployments added at run time through /model/new (issue 5). They are merged after the config
-- file's model_list into the live model registry. `litellm_params` is the JSON of LiteLLM's
-- litellm_params in which api_key is only ever a reference (`keychain/NAME` or `os.environ/NAME`):
-- the CHECK refuses a literal secret even if a bug tried to write one. `owned_secret` is the
-- keychain entry Tollgate created for this deployment (deleted with it), NULL when the caller gave
-- a reference.
CREATE TABLE model_deployments (
  model_id TEXT PRIMARY KEY,
  model_name TEXT NOT NULL,
  litellm_params TEXT NOT NULL CHECK (
    json_valid(litellm_params)
    AND (
      json_extract(litellm_params, '$.api_key') IS NULL
      OR json_extract(litellm_params, '$.api_key') GLOB 'keychain/?*'
      OR json_extract(litellm_params, '$.api_key') GLOB 'os.environ/?*'
    )
  ),
  model_info TEXT NOT NULL CHECK (json_valid(model_info)),
  owned_secret TEXT,
  created_by TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
