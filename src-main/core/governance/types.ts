/**
 * The governance records as the services and the Governor hold them in memory (and as the
 * management API shows them, LiteLLM field names). `spend` is the committed spend as of the
 * last read; the BudgetBook holds the live figure.
 */
import type { Role } from '../../../src-shared/roles.ts';
import type { TeamMemberRole } from '../../../src-shared/governance.ts';

export interface LimitFields {
  max_budget: number | null;
  soft_budget: number | null;
  budget_duration: string | null;
  budget_reset_at: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  spend: number;
}

export interface Stamps {
  created_at: string;
  updated_at: string;
}

export interface UserRecord extends LimitFields, Stamps {
  user_id: string;
  user_email: string | null;
  user_alias: string | null;
  user_role: Role;
  models: string[];
  teams: string[];
  organization_id: string | null;
  metadata: Record<string, unknown>;
  blocked: boolean;
}

export interface TeamMember {
  user_id: string;
  user_email: string | null;
  role: TeamMemberRole;
  /** This member's own budget inside the team; null falls back to the team's `team_member_budget`. */
  max_budget_in_team: number | null;
  spend: number;
  budget_reset_at: string | null;
}

export interface TeamRecord extends LimitFields, Stamps {
  team_id: string;
  team_alias: string | null;
  organization_id: string | null;
  members_with_roles: TeamMember[];
  models: string[];
  team_member_budget: number | null;
  team_member_rpm_limit: number | null;
  team_member_tpm_limit: number | null;
  blocked: boolean;
  metadata: Record<string, unknown>;
}

export interface OrgMember {
  user_id: string;
  user_role: Role;
}

export interface OrgRecord extends LimitFields, Stamps {
  organization_id: string;
  organization_alias: string;
  models: string[];
  budget_id: string | null;
  members: OrgMember[];
  metadata: Record<string, unknown>;
  blocked: boolean;
}

export interface CustomerRecord extends LimitFields, Stamps {
  user_id: string;
  alias: string | null;
  blocked: boolean;
  budget_id: string | null;
  allowed_model_region: 'eu' | 'us' | null;
  default_model: string | null;
  models: string[];
  metadata: Record<string, unknown>;
}

export interface BudgetRecord extends Stamps {
  budget_id: string;
  max_budget: number | null;
  soft_budget: number | null;
  budget_duration: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  model_max_budget: Record<string, { budget_limit: number; time_period?: string }> | null;
}

export type { SpendLogRow } from '../ledger/spend-writer.ts';

/** Governance settings from the config file (litellm_settings, general_settings). */
export interface GovernanceSettings {
  /** `litellm_settings.max_budget`: the global budget in USD. */
  maxBudget?: number;
  /** `litellm_settings.budget_duration` of the global budget. */
  budgetDuration?: string;
  /** `litellm_settings.timezone` (IANA), default UTC. */
  timezone?: string;
  /** `litellm_settings.max_end_user_budget`: budget of end users with none of their own. */
  maxEndUserBudget?: number;
  /** `litellm_settings.default_end_user_budget_id`: a /budget/* id for end users with none of their own. */
  defaultEndUserBudgetId?: string;
  /** `general_settings.alerting_webhook_url`: soft-budget and reset events are POSTed here. */
  alertingWebhookUrl?: string;
  /** How often spend rows are flushed, ms (default 1000). */
  flushIntervalMs?: number;
}

/** The logger the module writes to (pino's call shape). */
export interface GovernanceLog {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
}
