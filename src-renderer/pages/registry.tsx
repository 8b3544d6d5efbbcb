/** The pages, their place in the sidebar and the read route that decides whether a role sees them. */
import type { ComponentType } from 'react';
import { OverviewPage } from './OverviewPage.tsx';
import { KeysPage } from './KeysPage.tsx';
import { TeamsPage } from './TeamsPage.tsx';
import { UsersPage } from './UsersPage.tsx';
import { CustomersPage } from './CustomersPage.tsx';
import { BudgetsPage } from './BudgetsPage.tsx';
import { ModelsPage } from './ModelsPage.tsx';
import { AuthSettingsPage } from './AuthSettingsPage.tsx';
import { LogsPage } from './LogsPage.tsx';
import { AuditPage } from './AuditPage.tsx';

export interface NavItem {
  id: string;
  label: string;
  group: 'Usage' | 'Access' | 'Gateway';
  /** GET route the page needs; null = always shown. */
  readPath: string | null;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { id: 'overview', label: 'Overview', group: 'Usage', readPath: null },
  { id: 'logs', label: 'Request logs', group: 'Usage', readPath: '/spend/logs' },
  { id: 'keys', label: 'Keys', group: 'Access', readPath: '/key/list' },
  { id: 'teams', label: 'Teams', group: 'Access', readPath: '/team/list' },
  { id: 'users', label: 'Users', group: 'Access', readPath: '/user/list' },
  { id: 'customers', label: 'Customers', group: 'Access', readPath: '/customer/list' },
  { id: 'budgets', label: 'Budgets', group: 'Access', readPath: '/budget/list' },
  { id: 'models', label: 'Providers & models', group: 'Gateway', readPath: '/model/info' },
  { id: 'auth', label: 'Authentication', group: 'Gateway', readPath: '/config/auth' },
  { id: 'audit', label: 'Audit log', group: 'Gateway', readPath: '/audit' },
];

const PAGES: Record<string, ComponentType> = {
  overview: OverviewPage,
  logs: LogsPage,
  keys: KeysPage,
  teams: TeamsPage,
  users: UsersPage,
  customers: CustomersPage,
  budgets: BudgetsPage,
  models: ModelsPage,
  auth: AuthSettingsPage,
  audit: AuditPage,
};

export function pageFor(id: string): ComponentType | null {
  return PAGES[id] ?? null;
}
