/** Audit log (`GET /audit?page=`): who changed what and when, with before/after (secrets redacted by the gateway). */
import { useState } from 'react';
import { useApp } from '../AppContext.tsx';
import { pickString, toPage } from '../api/lists.ts';
import { Badge } from '../components/Badge.tsx';
import { RefreshButton } from '../components/Buttons.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { Pagination } from '../components/Pagination.tsx';
import { ResourceTable } from '../components/ResourceView.tsx';
import { EmptyState } from '../components/States.tsx';
import { useResource } from '../hooks/useResource.ts';
import { changeSummary } from '../lib/audit.ts';
import { formatDateTime } from '../lib/format.ts';

type Row = Record<string, unknown>;

function json(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function AuditPage() {
  const { client } = useApp();
  const [page, setPage] = useState(1);
  const audit = useResource(async (signal) => toPage<Row>(await client.get('/audit', { page }, signal)), [client, page]);
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every management change: who, what, when, before and after."
        actions={<RefreshButton onClick={audit.reload} />}
      />
      <ResourceTable
        resource={audit}
        items={audit.data?.items}
        empty={<EmptyState title="No changes recorded yet" />}
        columns={['When', 'Actor', 'Action', 'Object', 'Changes']}
        className="table table-dense"
        testId="audit-table"
        row={(r, i) => {
          const before = parsed(r.before);
          const after = parsed(r.after);
          return (
            <tr key={pickString(r, 'id') ?? i}>
              <td className="nowrap">{formatDateTime(pickString(r, 'created_at', 'updated_at'))}</td>
              <td className="mono">{pickString(r, 'actor', 'changed_by') ?? '—'}</td>
              <td>
                <Badge tone={/delete|block/i.test(pickString(r, 'action') ?? '') ? 'warning' : 'neutral'}>{pickString(r, 'action') ?? '—'}</Badge>
              </td>
              <td>
                <span className="muted">{pickString(r, 'object_type', 'table_name') ?? ''}</span> <span className="mono">{pickString(r, 'object_id') ?? ''}</span>
              </td>
              <td>
                <details>
                  <summary>{changeSummary(before, after)}</summary>
                  <div className="diff">
                    <div>
                      <div className="diff-label">Before</div>
                      <pre className="mono">{json(before)}</pre>
                    </div>
                    <div>
                      <div className="diff-label">After</div>
                      <pre className="mono">{json(after)}</pre>
                    </div>
                  </div>
                </details>
              </td>
            </tr>
          );
        }}
      />
      {audit.data !== undefined && (page > 1 || (audit.data.totalPages ?? 1) > 1) ? <Pagination page={page} totalPages={audit.data.totalPages} onPage={setPage} /> : null}
    </>
  );
}
