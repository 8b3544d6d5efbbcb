/** Virtual keys: list, create (shown once), rotate with a grace period, block/unblock, delete. */
import { useState } from 'react';
import type { KeyView } from '../../src-shared/management.ts';
import { useApp } from '../AppContext.tsx';
import { toPage } from '../api/lists.ts';
import { Badge, BlockedBadge } from '../components/Badge.tsx';
import { BlockButton, PrimaryButton, RefreshButton, RowButton } from '../components/Buttons.tsx';
import { DASH, ModelsCell, SpendCell } from '../components/Cells.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { Pagination } from '../components/Pagination.tsx';
import { ResourceTable } from '../components/ResourceView.tsx';
import { EmptyState } from '../components/States.tsx';
import { useModelNames } from '../hooks/useModelNames.ts';
import { usePost, useSetBlocked } from '../hooks/useMutation.ts';
import { useResource } from '../hooks/useResource.ts';
import { formatDateTime } from '../lib/format.ts';
import { isOverBudget } from '../lib/keys.ts';
import { CreateKeyDialog } from './CreateKeyDialog.tsx';
import { EditKeyDialog } from './EditKeyDialog.tsx';
import type { GeneratedKey } from './CreateKeyDialog.tsx';
import { NewKeyDialog } from './NewKeyDialog.tsx';
import { RotateKeyDialog } from './RotateKeyDialog.tsx';

type KeyRow = Partial<KeyView> & Record<string, unknown>;

const PAGE_SIZE = 50;

/** The reference management calls accept for a key: its stable id, else its current hash. */
export function keyRef(row: KeyRow): string {
  return row.key_id ?? row.token ?? '';
}

function keyLabel(row: KeyRow): string {
  return row.key_alias ?? row.key_name ?? 'key';
}

function isExpired(row: KeyRow): boolean {
  return typeof row.expires === 'string' && Date.parse(row.expires) <= Date.now();
}


function KeyStatus({ row }: { row: KeyRow }) {
  if (row.blocked === true) return <BlockedBadge blocked />;
  if (isExpired(row)) return <Badge tone="warning">Expired</Badge>;
  if (isOverBudget(row)) return <Badge tone="warning">Over budget</Badge>;
  return <BlockedBadge blocked={false} />;
}

type Modal =
  | { kind: 'create' }
  | { kind: 'shown'; key: string; title: string; model: string; note?: string }
  | { kind: 'rotate'; row: KeyRow }
  | { kind: 'edit'; row: KeyRow }
  | { kind: 'delete'; row: KeyRow }
  | null;

export function KeysPage() {
  const { client, can } = useApp();
  const post = usePost();
  const [page, setPage] = useState(1);
  const [modal, setModal] = useState<Modal>(null);
  const models = useModelNames();
  const keys = useResource(
    async (signal) => {
      const raw = await client.get('/key/list', { page, size: PAGE_SIZE, return_full_object: true }, signal);
      const p = toPage<KeyRow | string>(raw);
      // Older LiteLLM answers hashes only unless asked for full objects; show what we have.
      return { ...p, items: p.items.map((k) => (typeof k === 'string' ? ({ token: k } as KeyRow) : k)) };
    },
    [client, page],
  );

  const canCreate = can('POST', '/key/generate');
  const canEdit = can('POST', '/key/update');
  const canRotate = can('POST', '/key/regenerate');
  const canBlock = can('POST', '/key/block');
  const canDelete = can('POST', '/key/delete');

  const exampleModel = (picked: readonly string[]): string =>
    picked.find((m) => !m.includes('*')) ?? models.data?.find((m) => !m.includes('*')) ?? 'gpt-4o-mini';

  const setBlocked = useSetBlocked<KeyRow>(['/key/block', '/key/unblock'], (row) => ({ key: keyRef(row) }), keyLabel, keys.reload);

  return (
    <>
      <PageHeader
        title="Keys"
        description="Virtual keys for apps and people. The secret is shown once, at creation or rotation."
        actions={
          <>
            <RefreshButton onClick={keys.reload} />
            {canCreate ? <PrimaryButton onClick={() => setModal({ kind: 'create' })}>Create key</PrimaryButton> : null}
          </>
        }
      />
      <ResourceTable
        resource={keys}
        items={keys.data?.items}
        empty={<EmptyState title="No keys yet">{canCreate ? 'Create a key to call models through the gateway.' : null}</EmptyState>}
        columns={['Alias', 'Key', 'Models', { label: 'Spend / budget', num: true }, 'Expires', 'Status']}
        actions
        testId="keys-table"
        row={(row) => (
          <tr key={keyRef(row)}>
            <td>{row.key_alias ?? DASH}</td>
            <td className="mono">{row.key_name ?? '—'}</td>
            <ModelsCell models={row.models} />
            <SpendCell spend={row.spend} max={row.max_budget} per={row.budget_duration} />
            <td>{row.expires ? formatDateTime(row.expires) : <span className="muted">never</span>}</td>
            <td>
              <KeyStatus row={row} />
            </td>
            <td className="actions">
              <RowButton allowed={canEdit} label={`Edit ${keyLabel(row)}`} onClick={() => setModal({ kind: 'edit', row })}>
                Edit
              </RowButton>
              <RowButton allowed={canRotate} label={`Rotate ${keyLabel(row)}`} onClick={() => setModal({ kind: 'rotate', row })}>
                Rotate
              </RowButton>
              {canBlock ? <BlockButton blocked={row.blocked === true} name={keyLabel(row)} onToggle={(b) => void setBlocked(row, b)} /> : null}
              <RowButton allowed={canDelete} label={`Delete ${keyLabel(row)}`} onClick={() => setModal({ kind: 'delete', row })} danger>
                Delete
              </RowButton>
            </td>
          </tr>
        )}
      />
      {keys.data !== undefined && (keys.data.totalPages ?? 1) > 1 ? <Pagination page={page} totalPages={keys.data.totalPages} onPage={setPage} /> : null}

      {modal?.kind === 'create' ? (
        <CreateKeyDialog
          onClose={() => setModal(null)}
          onCreated={(created, picked) => {
            keys.reload();
            setModal({ kind: 'shown', key: created.key, title: 'Your new key', model: exampleModel(picked) });
          }}
        />
      ) : null}
      {modal?.kind === 'shown' ? <NewKeyDialog apiKey={modal.key} title={modal.title} model={modal.model} note={modal.note} onClose={() => setModal(null)} /> : null}
      {modal?.kind === 'rotate' ? (
        <RotateKeyDialog
          keyRef={keyRef(modal.row)}
          label={keyLabel(modal.row)}
          onClose={() => setModal(null)}
          onRotated={(rotated: GeneratedKey) => {
            keys.reload();
            setModal({ kind: 'shown', key: rotated.key, title: 'Rotated key', model: exampleModel(modal.row.models ?? []), note: 'The old secret works until its grace period ends.' });
          }}
        />
      ) : null}
      {modal?.kind === 'edit' ? (
        <EditKeyDialog row={modal.row} keyRef={keyRef(modal.row)} label={keyLabel(modal.row)} onClose={() => setModal(null)} onSaved={keys.reload} />
      ) : null}
      {modal?.kind === 'delete' ? (
        <ConfirmDialog
          title="Delete key?"
          confirmLabel="Delete key"
          danger
          onClose={() => setModal(null)}
          onConfirm={() => post('/key/delete', { keys: [keyRef(modal.row)] }, `${keyLabel(modal.row)} deleted.`, keys.reload)}
        >
          <p>
            <strong>{keyLabel(modal.row)}</strong> <span className="mono">{modal.row.key_name ?? ''}</span> stops working at once. Its spend stays in the logs. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
