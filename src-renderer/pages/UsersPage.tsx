/** Users: list, create, change role / budget / models. */
import { useState } from 'react';
import { useApp } from '../AppContext.tsx';
import { pickNumber, pickString, toList, toPage } from '../api/lists.ts';
import { Badge } from '../components/Badge.tsx';
import { PrimaryButton, RowButton } from '../components/Buttons.tsx';
import { DASH, SpendCell } from '../components/Cells.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import type { FieldSpec, FormValues } from '../components/FormDialog.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { Pagination } from '../components/Pagination.tsx';
import { ResourceTable } from '../components/ResourceView.tsx';
import { EmptyState } from '../components/States.tsx';
import { useModelNames } from '../hooks/useModelNames.ts';
import { usePost } from '../hooks/useMutation.ts';
import { useResource } from '../hooks/useResource.ts';
import { formatDateTime } from '../lib/format.ts';
import { roleLabel } from '../lib/permissions.ts';
import { USER_ROLES, userNewSchema, userUpdateSchema } from '../lib/schemas.ts';

type Row = Record<string, unknown>;
const PAGE_SIZE = 50;

export function UsersPage() {
  const { client, can } = useApp();
  const post = usePost();
  const models = useModelNames();
  const [page, setPage] = useState(1);
  const [modal, setModal] = useState<{ kind: 'new' } | { kind: 'edit'; row: Row } | null>(null);
  const canTeams = can('GET', '/team/list');
  const users = useResource(async (signal) => {
    const [list, teamList] = await Promise.all([
      client.get('/user/list', { page, page_size: PAGE_SIZE }, signal),
      // A user's `teams` are team ids; the team list gives their names.
      canTeams ? client.get('/team/list', undefined, signal).catch(() => undefined) : Promise.resolve(undefined),
    ]);
    const teamNames = new Map<string, string>();
    for (const t of toList<Row>(teamList)) {
      const id = pickString(t, 'team_id');
      if (id !== null) teamNames.set(id, pickString(t, 'team_alias') ?? id);
    }
    return { ...toPage<Row>(list), teamNames };
  }, [client, page, canTeams]);
  const canCreate = can('POST', '/user/new');
  const canUpdate = can('POST', '/user/update');

  const roleOptions = USER_ROLES.map((r) => ({ value: r, label: `${roleLabel(r)} (${r})` }));
  const fields = (editing: boolean): FieldSpec[] => [
    ...(editing
      ? []
      : ([
          { name: 'user_id', label: 'User ID', kind: 'text', hint: 'Optional; generated when empty. SSO users are matched on this.' },
          { name: 'user_email', label: 'Email', kind: 'text' },
        ] as FieldSpec[])),
    { name: 'user_role', label: 'Role', kind: 'select', options: editing ? roleOptions : [...roleOptions.filter((o) => o.value === 'internal_user'), ...roleOptions.filter((o) => o.value !== 'internal_user')] },
    { name: 'models', label: 'Models', kind: 'models', available: models.data ?? [], hint: 'None selected: all models.' },
    { name: 'max_budget', label: 'Max budget (USD)', kind: 'number', placeholder: 'no limit' },
    { name: 'budget_duration', label: 'Budget resets every', kind: 'text', placeholder: 'never', hint: 'e.g. 1d, 1w, 1mo' },
  ];

  return (
    <>
      <PageHeader
        title="Users"
        description="People who sign in or own keys. A key acts with its owner’s role."
        actions={canCreate ? <PrimaryButton onClick={() => setModal({ kind: 'new' })}>New user</PrimaryButton> : undefined}
      />
      <ResourceTable
        resource={users}
        items={users.data?.items}
        empty={<EmptyState title="No users yet" />}
        columns={['User ID', 'Email', 'Role', 'Teams', { label: 'Spend / budget', num: true }, 'Created']}
        actions
        row={(u) => {
          const uid = pickString(u, 'user_id') ?? '';
          const teamNames = users.data?.teamNames ?? new Map<string, string>();
          const teams = Array.isArray(u.teams) ? (u.teams as unknown[]).map((t) => (typeof t === 'string' ? (teamNames.get(t) ?? t) : pickString(t as Row, 'team_alias', 'team_id') ?? '')) : [];
          return (
            <tr key={uid}>
              <td className="mono">{uid}</td>
              <td>{pickString(u, 'user_email') ?? DASH}</td>
              <td>
                <Badge tone={u.user_role === 'proxy_admin' ? 'accent' : 'neutral'}>{roleLabel(pickString(u, 'user_role') ?? '')}</Badge>
              </td>
              <td>{teams.length === 0 ? DASH : teams.join(', ')}</td>
              <SpendCell spend={pickNumber(u, 'spend')} max={pickNumber(u, 'max_budget')} />
              <td>{formatDateTime(pickString(u, 'created_at'))}</td>
              <td className="actions">
                <RowButton allowed={canUpdate} label={`Edit ${uid}`} onClick={() => setModal({ kind: 'edit', row: u })}>
                  Edit
                </RowButton>
              </td>
            </tr>
          );
        }}
      />
      {users.data !== undefined && (users.data.totalPages ?? 1) > 1 ? <Pagination page={page} totalPages={users.data.totalPages} onPage={setPage} /> : null}
      {modal?.kind === 'new' ? (
        <FormDialog
          title="New user"
          schema={userNewSchema}
          fields={fields(false)}
          submitLabel="Create user"
          onClose={() => setModal(null)}
          onSubmit={(body) => post('/user/new', body, 'User created.', users.reload)}
        />
      ) : null}
      {modal?.kind === 'edit' ? (
        <FormDialog
          title={`Edit ${pickString(modal.row, 'user_id') ?? 'user'}`}
          schema={userUpdateSchema}
          fields={fields(true)}
          initial={initialOf(modal.row)}
          submitLabel="Save"
          shape={(flat) => ({ ...flat, user_id: pickString(modal.row, 'user_id') })}
          onClose={() => setModal(null)}
          onSubmit={(body) => post('/user/update', body, 'User updated.', users.reload)}
        />
      ) : null}
    </>
  );
}

function initialOf(u: Row): FormValues {
  const max = pickNumber(u, 'max_budget');
  return {
    user_role: pickString(u, 'user_role') ?? 'internal_user',
    models: Array.isArray(u.models) ? (u.models as string[]) : [],
    max_budget: max === null ? '' : String(max),
    budget_duration: pickString(u, 'budget_duration') ?? '',
  };
}
