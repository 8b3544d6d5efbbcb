/** Customers (end users of your app, sent as `user` or `x-litellm-customer-id`): list, create, block. */
import { useState } from 'react';
import { useApp } from '../AppContext.tsx';
import { pickNumber, pickString, toList } from '../api/lists.ts';
import { BlockedBadge } from '../components/Badge.tsx';
import { BlockButton, PrimaryButton } from '../components/Buttons.tsx';
import { DASH, SpendCell } from '../components/Cells.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ResourceTable } from '../components/ResourceView.tsx';
import { EmptyState } from '../components/States.tsx';
import { usePost, useSetBlocked } from '../hooks/useMutation.ts';
import { useResource } from '../hooks/useResource.ts';
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
  const { client, can } = useApp();
  const post = usePost();
  const [creating, setCreating] = useState(false);
  const customers = useResource(async (signal) => toList<Row>(await client.get('/customer/list', undefined, signal)), [client]);
  const canCreate = can('POST', '/customer/new');
  const canBlock = can('POST', '/customer/block');
  const setBlocked = useSetBlocked<Row>(['/customer/block', '/customer/unblock'], (c) => ({ user_ids: [customerId(c)] }), customerId, customers.reload);

  return (
    <>
      <PageHeader
        title="Customers"
        description={
          <>
            End users of your apps, identified by <code>x-litellm-customer-id</code> or the request’s <code>user</code> field.
          </>
        }
        actions={canCreate ? <PrimaryButton onClick={() => setCreating(true)}>New customer</PrimaryButton> : undefined}
      />
      <ResourceTable
        resource={customers}
        items={customers.data}
        empty={<EmptyState title="No customers yet">They appear here when requests name one, or when you add one.</EmptyState>}
        columns={['Customer ID', 'Alias', { label: 'Spend / budget', num: true }, 'Status']}
        actions
        row={(c) => (
          <tr key={customerId(c)}>
            <td className="mono">{customerId(c)}</td>
            <td>{pickString(c, 'alias') ?? DASH}</td>
            <SpendCell spend={pickNumber(c, 'spend')} max={budgetOf(c)} />
            <td>
              <BlockedBadge blocked={c.blocked === true} />
            </td>
            <td className="actions">{canBlock ? <BlockButton blocked={c.blocked === true} name={customerId(c)} onToggle={(b) => void setBlocked(c, b)} /> : null}</td>
          </tr>
        )}
      />
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
          onSubmit={(body) => post('/customer/new', body, 'Customer created.', customers.reload)}
        />
      ) : null}
    </>
  );
}
