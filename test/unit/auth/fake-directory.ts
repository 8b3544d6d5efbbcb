/** An in-memory IdentityDirectory that records every write, for identity tests. */
import type { DirectoryTeam, DirectoryUser, IdentityDirectory } from '../../../src-main/core/auth/identity.ts';
import type { Role } from '../../../src-shared/roles.ts';
import type { Clock } from '../../../src-main/core/ports.ts';

export class FakeDirectory implements IdentityDirectory {
  readonly users = new Map<string, DirectoryUser>();
  readonly teams = new Map<string, DirectoryTeam>();
  readonly writes: string[] = [];

  addUser(user_id: string, user_role: Role, extra: Partial<DirectoryUser> = {}): this {
    this.users.set(user_id, { user_id, user_role, models: [], ...extra });
    return this;
  }

  addTeam(team_id: string, extra: Partial<DirectoryTeam> = {}): this {
    this.teams.set(team_id, { team_id, models: [], blocked: false, organization_id: null, ...extra });
    return this;
  }

  getUser(userId: string): DirectoryUser | undefined {
    return this.users.get(userId);
  }

  findUserByEmail(email: string): DirectoryUser | undefined {
    for (const u of this.users.values()) if (u.user_email?.toLowerCase() === email.toLowerCase()) return u;
    return undefined;
  }

  getTeam(teamId: string): DirectoryTeam | undefined {
    return this.teams.get(teamId);
  }

  upsertUser(u: { user_id: string; user_email?: string | null; user_role: Role }): void {
    this.writes.push(`upsertUser:${u.user_id}`);
    this.users.set(u.user_id, { user_id: u.user_id, user_role: u.user_role, user_email: u.user_email ?? null, models: [] });
  }

  upsertTeam(t: { team_id: string }): void {
    this.writes.push(`upsertTeam:${t.team_id}`);
    this.addTeam(t.team_id);
  }

  addTeamMember(teamId: string, userId: string): void {
    this.writes.push(`addTeamMember:${teamId}:${userId}`);
  }
}

/** A clock the test moves by hand. */
export class FakeClock implements Clock {
  t: number;
  constructor(start = Date.now()) {
    this.t = start;
  }
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export const REQ = { method: 'POST', path: '/v1/chat/completions', headers: {}, remoteAddress: '127.0.0.1' } as const;
