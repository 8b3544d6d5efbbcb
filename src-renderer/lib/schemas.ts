/**
 * Form schemas: the gateway's own body schemas from src-shared (so the browser refuses exactly
 * what the API would), plus a few checks that only make sense in a form (a team needs a name
 * here, an email should look like one) with messages written for people.
 */
import { z } from 'zod';
import * as shared from '../../src-shared/governance.ts';
import type { TeamMemberRole } from '../../src-shared/governance.ts';
import { modelNewSchema as sharedModelNew } from '../../src-shared/models.ts';

/** Roles a user can have (a subset of all roles: `team` and `customer` are not user roles). */
export const USER_ROLES = shared.USER_ROLES;

/** Team member roles in the order the form offers them (the first is the default). */
export const TEAM_MEMBER_ROLES = ['user', 'admin'] as const satisfies readonly TeamMemberRole[];

function blank(v: string | null | undefined): boolean {
  return v === undefined || v === null || v.trim() === '';
}

export const teamNewSchema = shared.teamNewSchema.refine((b) => !blank(b.team_alias), { message: 'Give the team a name.', path: ['team_alias'] });

export const teamMemberAddSchema = shared.teamMemberAddSchema;

const looksLikeEmail = (v: string | null | undefined): boolean => blank(v) || z.email().safeParse(v).success;

export const userNewSchema = shared.userNewSchema.refine((b) => looksLikeEmail(b.user_email), { message: 'Enter an email address.', path: ['user_email'] });

export const userUpdateSchema = shared.userUpdateSchema.refine((b) => looksLikeEmail(b.user_email), { message: 'Enter an email address.', path: ['user_email'] });

export const customerNewSchema = shared.customerNewSchema;

export const budgetNewSchema = shared.budgetNewSchema;

export const modelNewSchema = sharedModelNew.superRefine((b, ctx) => {
  if (!/^[^/\s]+\/\S+$/.test(b.litellm_params.model)) {
    ctx.addIssue({ code: 'custom', path: ['litellm_params', 'model'], message: 'Write provider/model, e.g. openai/gpt-4o-mini or ollama/llama3.' });
  }
});
