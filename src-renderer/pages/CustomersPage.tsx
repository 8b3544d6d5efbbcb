/** Customers (end users of your app, sent as `user` or `x-litellm-customer-id`): list, create, block. */
import { useState } from 'react';
import { useApp } from '../AppContext.tsx';
import { pickNumber, pickString, toList } from '../api/lists.ts';
import { BlockedBadge } from '../components/Badge.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState, ErrorBanner, Loading } from '../components/States.tsx';
import { useResource } from '../hooks/useResource.ts';
import { formatMoney } from '../lib/format.ts';
import { customerNewSchema } from '../lib/schemas.ts';

type Row = Record<string, unknown>;

export function customerId(c: Row): string {
  return pickString(c, 'user_id', 'end_user_id') ?? '';
}

function budgetOf(c: Row): number | null {
  const direct = pickNumber(c, 'max_budget');
  if (direct !== null) return direct;
  const table = c.litellm_budget_table;
  return typeof table === 'object' && table !== null ? pickNumber(table as Row, 'max_budget') : null;
}

export function CustomersPage() {
  const { client, can, notify } = useApp();
  const [creating, setCreating] = useState(false);
  const customers = useResource(async (signal) => toList<Row>(await client.get('/customer/list', undefined, signal)), [client]);
  const canCreate = can('POST', '/customer/new');
  const canBlock = can('POST', '/customer/block');

  const setBlocked = async (c: Row, blocked: boolean): Promise<void> => {
    try {
      await client.post(blocked ? '/customer/block' : '/customer/unblock', { user_ids: [customerId(c)] });
      notify(`${customerId(c)} ${blocked ? 'blocked' : 'unblocked'}.`);
      customers.reload();
    } catch (err) {
      notify(err instanceof Error ? err.message : String(err), 'error');
    }
  };

  return (
    <>
      <PageHeader
        title="Customers"
        description={
          <>
            End users of your apps, identified by <code>x-litellm-customer-id</code> or the request’s <code>user</code> field.
          </>
        }
        actions={
          canCreate ? (
            <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
              New customer
            </button>
          ) : undefined
        }
      />
      {customers.error !== undefined ? <ErrorBanner error={customers.error} onRetry={customers.reload} /> : null}
      {customers.loading && customers.data === undefined ? <Loading /> : null}
      {customers.data?.length === 0 ? <EmptyState title="No customers yet">They appear here when requests name one, or when you add one.</EmptyState> : null}
      {customers.data !== undefined && customers.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Customer ID</th>
                <th scope="col">Alias</th>
                <th scope="col" className="num">
                  Spend / budget
                </th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {customers.data.map((c) => {
                const max = budgetOf(c);
                return (
                  <tr key={customerId(c)}>
                    <td className="mono">{customerId(c)}</td>
                    <td>{pickString(c, 'alias') ?? <span className="muted">—</span>}</td>
                    <td className="num">
                      {formatMoney(pickNumber(c, 'spend') ?? 0)}
                      <span className="muted"> / {max === null ? '∞' : formatMoney(max)}</span>
                    </td>
                    <td>
                      <BlockedBadge blocked={c.blocked === true} />
                    </td>
                    <td className="actions">
                      {canBlock ? (
                        <button type="button" className="button button-small" onClick={() => void setBlocked(c, c.blocked !== true)} aria-label={`${c.blocked === true ? 'Unblock' : 'Block'} ${customerId(c)}`}>
                          {c.blocked === true ? 'Unblock' : 'Block'}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {creating ? (
        <FormDialog
          title="New customer"
          schema={customerNewSchema}
          submitLabel="Create customer"
          onClose={() => setCreating(false)}
          fields={[
            { name: 'user_id', label: 'Customer ID', kind: 'text', hint: 'The value your app sends as `user` or x-litellm-customer-id.' },
            { name: 'alias', label: 'Alias', kind: 'text' },
            { name: 'max_budget', label: 'Max budget (USD)', kind: 'number', placeholder: 'no limit' },
            { name: 'budget_id', label: 'Budget ID', kind: 'text', hint: 'Optional: attach a shared budget from the Budgets page instead.' },
          ]}
          onSubmit={async (body) => {
            await client.post('/customer/new', body);
            notify('Customer created.');
            customers.reload();
          }}
        />
      ) : null}
    </>
  );
}
