/** Reusable budgets (attached to customers, team members, organizations): list and create. */
import { useState } from 'react';
import { useApp } from '../AppContext.tsx';
import { pickNumber, pickString, toList } from '../api/lists.ts';
import { PrimaryButton } from '../components/Buttons.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ResourceTable } from '../components/ResourceView.tsx';
import { EmptyState } from '../components/States.tsx';
import { usePost } from '../hooks/useMutation.ts';
import { useResource } from '../hooks/useResource.ts';
import { formatDateTime, formatInt, formatMoney } from '../lib/format.ts';
import { budgetNewSchema } from '../lib/schemas.ts';

type Row = Record<string, unknown>;

export function BudgetsPage() {
  const { client, can } = useApp();
  const post = usePost();
  const [creating, setCreating] = useState(false);
  const budgets = useResource(async (signal) => toList<Row>(await client.get('/budget/list', undefined, signal)), [client]);
  const canCreate = can('POST', '/budget/new');
  return (
    <>
      <PageHeader
        title="Budgets"
        description="Named budgets and limits you can attach to customers, team members and organizations."
        actions={canCreate ? <PrimaryButton onClick={() => setCreating(true)}>New budget</PrimaryButton> : undefined}
      />
      <ResourceTable
        resource={budgets}
        items={budgets.data}
        empty={<EmptyState title="No budgets yet" />}
        columns={['Budget ID', { label: 'Max', num: true }, { label: 'Soft', num: true }, 'Resets every', { label: 'RPM', num: true }, { label: 'TPM', num: true }, 'Created']}
        row={(b) => (
          <tr key={pickString(b, 'budget_id') ?? ''}>
            <td className="mono">{pickString(b, 'budget_id')}</td>
            <td className="num">{formatMoney(pickNumber(b, 'max_budget'))}</td>
            <td className="num">{formatMoney(pickNumber(b, 'soft_budget'))}</td>
            <td>{pickString(b, 'budget_duration') ?? <span className="muted">never</span>}</td>
            <td className="num">{formatInt(pickNumber(b, 'rpm_limit'))}</td>
            <td className="num">{formatInt(pickNumber(b, 'tpm_limit'))}</td>
            <td>{formatDateTime(pickString(b, 'created_at'))}</td>
          </tr>
        )}
      />
      {creating ? (
        <FormDialog
          title="New budget"
          schema={budgetNewSchema}
          submitLabel="Create budget"
          onClose={() => setCreating(false)}
          fields={[
            { name: 'budget_id', label: 'Budget ID', kind: 'text', hint: 'e.g. free-tier' },
            { name: 'max_budget', label: 'Max budget (USD)', kind: 'number', placeholder: 'no limit', hint: 'Requests are refused at this spend.' },
            { name: 'soft_budget', label: 'Soft budget (USD)', kind: 'number', placeholder: 'none', hint: 'Alerts (webhook and audit) without refusing.' },
            { name: 'budget_duration', label: 'Resets every', kind: 'text', placeholder: 'never', hint: 'e.g. 1d, 1w, 1mo (calendar-aligned)' },
            { name: 'rpm_limit', label: 'Requests per minute', kind: 'number', placeholder: 'no limit' },
            { name: 'tpm_limit', label: 'Tokens per minute', kind: 'number', placeholder: 'no limit' },
            { name: 'max_parallel_requests', label: 'Parallel requests', kind: 'number', placeholder: 'no limit' },
          ]}
          onSubmit={(body) => post('/budget/new', body, 'Budget created.', budgets.reload)}
        />
      ) : null}
    </>
  );
}
