/** Virtual keys: list, create (shown once), rotate with a grace period, block/unblock, delete. */
import { useState } from 'react';
import type { KeyView } from '../../src-shared/management.ts';
import { useApp } from '../AppContext.tsx';
import { toPage } from '../api/lists.ts';
import { Badge, BlockedBadge } from '../components/Badge.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { Pagination } from '../components/Pagination.tsx';
import { EmptyState, ErrorBanner, Loading } from '../components/States.tsx';
import { useModelNames } from '../hooks/useModelNames.ts';
import { useResource } from '../hooks/useResource.ts';
import { formatDateTime, formatMoney } from '../lib/format.ts';
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
  const { client, can, notify } = useApp();
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

  const setBlocked = async (row: KeyRow, blocked: boolean): Promise<void> => {
    try {
      await client.post(blocked ? '/key/block' : '/key/unblock', { key: keyRef(row) });
      notify(`${keyLabel(row)} ${blocked ? 'blocked' : 'unblocked'}.`);
      keys.reload();
    } catch (err) {
      notify(err instanceof Error ? err.message : String(err), 'error');
    }
  };

  return (
    <>
      <PageHeader
        title="Keys"
        description="Virtual keys for apps and people. The secret is shown once, at creation or rotation."
        actions={
          <>
            <button type="button" className="button" onClick={keys.reload}>
              Refresh
            </button>
            {canCreate ? (
              <button type="button" className="button button-primary" onClick={() => setModal({ kind: 'create' })}>
                Create key
              </button>
            ) : null}
          </>
        }
      />
      {keys.error !== undefined ? <ErrorBanner error={keys.error} onRetry={keys.reload} /> : null}
      {keys.loading && keys.data === undefined ? <Loading /> : null}
      {keys.data !== undefined && keys.data.items.length === 0 ? (
        <EmptyState title="No keys yet">{canCreate ? 'Create a key to call models through the gateway.' : null}</EmptyState>
      ) : null}
      {keys.data !== undefined && keys.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="keys-table">
            <thead>
              <tr>
                <th scope="col">Alias</th>
                <th scope="col">Key</th>
                <th scope="col">Models</th>
                <th scope="col" className="num">
                  Spend / budget
                </th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((row) => (
                <tr key={keyRef(row)}>
                  <td>{row.key_alias ?? <span className="muted">—</span>}</td>
                  <td className="mono">{row.key_name ?? '—'}</td>
                  <td>
                    {row.models === undefined || row.models.length === 0 ? (
                      <span className="muted">all</span>
                    ) : (
                      <span className="chips">
                        {row.models.slice(0, 3).map((m) => (
                          <Badge key={m}>{m}</Badge>
                        ))}
                        {row.models.length > 3 ? <span className="muted">+{row.models.length - 3}</span> : null}
                      </span>
                    )}
                  </td>
                  <td className="num">
                    {formatMoney(row.spend ?? 0)}
                    <span className="muted"> / {row.max_budget === null || row.max_budget === undefined ? '∞' : formatMoney(row.max_budget)}</span>
                    {row.budget_duration ? <span className="muted"> per {row.budget_duration}</span> : null}
                  </td>
                  <td>{row.expires ? formatDateTime(row.expires) : <span className="muted">never</span>}</td>
                  <td>
                    <KeyStatus row={row} />
                  </td>
                  <td className="actions">
                    {canEdit ? (
                      <button type="button" className="button button-small" onClick={() => setModal({ kind: 'edit', row })} aria-label={`Edit ${keyLabel(row)}`}>
                        Edit
                      </button>
                    ) : null}
                    {canRotate ? (
                      <button type="button" className="button button-small" onClick={() => setModal({ kind: 'rotate', row })} aria-label={`Rotate ${keyLabel(row)}`}>
                        Rotate
                      </button>
                    ) : null}
                    {canBlock ? (
                      <button type="button" className="button button-small" onClick={() => void setBlocked(row, row.blocked !== true)} aria-label={`${row.blocked === true ? 'Unblock' : 'Block'} ${keyLabel(row)}`}>
                        {row.blocked === true ? 'Unblock' : 'Block'}
                      </button>
                    ) : null}
                    {canDelete ? (
                      <button type="button" className="button button-small button-danger-quiet" onClick={() => setModal({ kind: 'delete', row })} aria-label={`Delete ${keyLabel(row)}`}>
                        Delete
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
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
          onConfirm={async () => {
            await client.post('/key/delete', { keys: [keyRef(modal.row)] });
            notify(`${keyLabel(modal.row)} deleted.`);
            keys.reload();
          }}
        >
          <p>
            <strong>{keyLabel(modal.row)}</strong> <span className="mono">{modal.row.key_name ?? ''}</span> stops working at once. Its spend stays in the logs. This cannot be undone.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
