/** Teams and their members: list, create, add/remove members, block/unblock. */
import { useState } from 'react';
import { useApp } from '../AppContext.tsx';
import { pickNumber, pickString, toList } from '../api/lists.ts';
import { Badge, BlockedBadge } from '../components/Badge.tsx';
import { BlockButton, PrimaryButton, RowButton } from '../components/Buttons.tsx';
import { DASH, ModelsCell, SpendCell } from '../components/Cells.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { Table } from '../components/DataTable.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ResourceTable } from '../components/ResourceView.tsx';
import { EmptyState } from '../components/States.tsx';
import { useModelNames } from '../hooks/useModelNames.ts';
import { usePost, useSetBlocked } from '../hooks/useMutation.ts';
import { useResource } from '../hooks/useResource.ts';
import { TEAM_MEMBER_ROLES, teamMemberAddSchema, teamNewSchema } from '../lib/schemas.ts';

type Row = Record<string, unknown>;

interface Member {
  user_id: string;
  user_email: string | null;
  role: string;
}

export function teamMembers(team: Row): Member[] {
  const raw = Array.isArray(team.members_with_roles) ? team.members_with_roles : Array.isArray(team.members) ? team.members : [];
  const out: Member[] = [];
  for (const m of raw as unknown[]) {
    if (typeof m === 'string') out.push({ user_id: m, user_email: null, role: 'user' });
    else if (typeof m === 'object' && m !== null) {
      const r = m as Row;
      const uid = pickString(r, 'user_id', 'user_email');
      if (uid !== null) out.push({ user_id: uid, user_email: pickString(r, 'user_email'), role: pickString(r, 'role') ?? 'user' });
    }
  }
  return out;
}

function teamId(t: Row): string {
  return pickString(t, 'team_id') ?? '';
}

function teamName(t: Row): string {
  return pickString(t, 'team_alias', 'team_id') ?? 'team';
}

export function TeamsPage() {
  const { client, can } = useApp();
  const post = usePost();
  const models = useModelNames();
  const [modal, setModal] = useState<{ kind: 'new' } | { kind: 'members'; id: string } | null>(null);
  const teams = useResource(async (signal) => toList<Row>(await client.get('/team/list', undefined, signal)), [client]);
  const canCreate = can('POST', '/team/new');
  const canBlock = can('POST', '/team/block');
  const canMembers = can('POST', '/team/member_add');
  const setBlocked = useSetBlocked<Row>(['/team/block', '/team/unblock'], (t) => ({ team_id: teamId(t) }), teamName, teams.reload);

  const membersTeam = modal?.kind === 'members' ? teams.data?.find((t) => teamId(t) === modal.id) : undefined;

  return (
    <>
      <PageHeader
        title="Teams"
        description="Teams share budgets, limits and model access; their keys inherit them."
        actions={canCreate ? <PrimaryButton onClick={() => setModal({ kind: 'new' })}>New team</PrimaryButton> : undefined}
      />
      <ResourceTable
        resource={teams}
        items={teams.data}
        empty={<EmptyState title="No teams yet" />}
        columns={['Team', 'ID', { label: 'Members', num: true }, 'Models', { label: 'Spend / budget', num: true }, 'Status']}
        actions
        row={(t) => (
          <tr key={teamId(t)}>
            <td>{pickString(t, 'team_alias') ?? DASH}</td>
            <td className="mono">{teamId(t)}</td>
            <td className="num">{teamMembers(t).length}</td>
            <ModelsCell models={Array.isArray(t.models) ? (t.models as string[]) : []} />
            <SpendCell spend={pickNumber(t, 'spend')} max={pickNumber(t, 'max_budget')} />
            <td>
              <BlockedBadge blocked={t.blocked === true} />
            </td>
            <td className="actions">
              <RowButton label={`Members of ${teamName(t)}`} onClick={() => setModal({ kind: 'members', id: teamId(t) })}>
                Members
              </RowButton>
              {canBlock ? <BlockButton blocked={t.blocked === true} name={teamName(t)} onToggle={(b) => void setBlocked(t, b)} /> : null}
            </td>
          </tr>
        )}
      />
      {modal?.kind === 'new' ? (
        <FormDialog
          title="New team"
          schema={teamNewSchema}
          submitLabel="Create team"
          onClose={() => setModal(null)}
          fields={[
            { name: 'team_alias', label: 'Name', kind: 'text' },
            { name: 'team_id', label: 'Team ID', kind: 'text', hint: 'Optional; generated when empty. JWT team claims match this.' },
            { name: 'models', label: 'Models', kind: 'models', available: models.data ?? [], hint: 'None selected: all models.' },
            { name: 'max_budget', label: 'Max budget (USD)', kind: 'number', placeholder: 'no limit' },
            { name: 'budget_duration', label: 'Budget resets every', kind: 'text', placeholder: 'never', hint: 'e.g. 1d, 1w, 1mo' },
            { name: 'rpm_limit', label: 'Requests per minute', kind: 'number', placeholder: 'no limit' },
            { name: 'tpm_limit', label: 'Tokens per minute', kind: 'number', placeholder: 'no limit' },
          ]}
          onSubmit={(body) => post('/team/new', body, `Team ${body.team_alias} created.`, teams.reload)}
        />
      ) : null}
      {modal?.kind === 'members' && membersTeam !== undefined ? (
        <MembersDialog team={membersTeam} canEdit={canMembers} onChanged={teams.reload} onClose={() => setModal(null)} />
      ) : null}
    </>
  );
}

function MembersDialog({ team, canEdit, onChanged, onClose }: { team: Row; canEdit: boolean; onChanged: () => void; onClose: () => void }) {
  const post = usePost();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const members = teamMembers(team);
  const id = teamId(team);
  if (adding) {
    return (
      <FormDialog
        title={`Add member to ${teamName(team)}`}
        schema={teamMemberAddSchema}
        submitLabel="Add member"
        onClose={() => setAdding(false)}
        fields={[
          { name: 'user_id', label: 'User ID', kind: 'text' },
          { name: 'role', label: 'Role in team', kind: 'select', options: TEAM_MEMBER_ROLES.map((r) => ({ value: r, label: r === 'admin' ? 'Team admin' : 'Member' })) },
        ]}
        shape={(flat) => ({ team_id: id, member: [{ user_id: flat.user_id, role: flat.role }] })}
        onSubmit={(body) => post('/team/member_add', body, 'Member added.', onChanged)}
      />
    );
  }
  if (removing !== null) {
    return (
      <ConfirmDialog
        title="Remove member?"
        confirmLabel="Remove"
        danger
        onClose={() => setRemoving(null)}
        onConfirm={() => post('/team/member_delete', { team_id: id, user_id: removing.user_id }, `${removing.user_id} removed.`, onChanged)}
      >
        <p>
          <strong>{removing.user_id}</strong> loses the team’s models and budget. Their own keys keep working.
        </p>
      </ConfirmDialog>
    );
  }
  return (
    <Dialog
      title={`Members of ${teamName(team)}`}
      onClose={onClose}
      footer={
        <>
          {canEdit ? (
            <button type="button" className="button" onClick={() => setAdding(true)}>
              Add member
            </button>
          ) : null}
          <span className="spacer" />
          <button type="button" className="button button-primary" onClick={onClose}>
            Done
          </button>
        </>
      }
    >
      {members.length === 0 ? (
        <EmptyState title="No members yet" />
      ) : (
        <Table columns={['User', 'Email', 'Role']} actions>
          {members.map((m) => (
            <tr key={m.user_id}>
              <td className="mono">{m.user_id}</td>
              <td>{m.user_email ?? DASH}</td>
              <td>{m.role === 'admin' ? <Badge tone="accent">Team admin</Badge> : 'Member'}</td>
              <td className="actions">
                <RowButton allowed={canEdit} label={`Remove ${m.user_id}`} onClick={() => setRemoving(m)} danger>
                  Remove
                </RowButton>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </Dialog>
  );
}
