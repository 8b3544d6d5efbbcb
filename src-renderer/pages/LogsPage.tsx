/** Request logs (`GET /spend/logs`) with filters by date, key, user, team and model, paged on the server. */
import { useState } from 'react';
import { useApp } from '../AppContext.tsx';
import { pickNumber, pickString, toPage } from '../api/lists.ts';
import { Badge } from '../components/Badge.tsx';
import { RefreshButton } from '../components/Buttons.tsx';
import { DASH } from '../components/Cells.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { Pagination } from '../components/Pagination.tsx';
import { ResourceTable } from '../components/ResourceView.tsx';
import { EmptyState } from '../components/States.tsx';
import { useResource } from '../hooks/useResource.ts';
import { daysAgo, formatDuration, formatShortTime, formatInt, formatMoney, isoDay, localDayInputsRange } from '../lib/format.ts';
import { isKeyReference } from '../lib/keys.ts';
import { isFailure } from '../lib/spend.ts';

type Row = Record<string, unknown>;
const PAGE_SIZE = 50;

interface Filters {
  start_date: string;
  end_date: string;
  api_key: string;
  user_id: string;
  team_id: string;
  model: string;
}

/** Latency of a row: an explicit field, else end minus start. */
export function latencyMs(row: Row): number | null {
  const direct = pickNumber(row, 'latency_ms', 'response_time_ms');
  if (direct !== null) return direct;
  const seconds = pickNumber(row, 'request_duration', 'response_time');
  if (seconds !== null) return seconds * 1000;
  const s = pickString(row, 'startTime', 'start_time');
  const e = pickString(row, 'endTime', 'end_time');
  if (s === null || e === null) return null;
  const ms = Date.parse(e) - Date.parse(s);
  return Number.isFinite(ms) ? ms : null;
}

function FilterInput({ name, label, value, onChange, type = 'text', placeholder }: { name: keyof Filters; label: string; value: string; onChange: (name: keyof Filters, v: string) => void; type?: string; placeholder?: string }) {
  return (
    <div className="field field-compact">
      <label htmlFor={`filter-${name}`}>{label}</label>
      <input id={`filter-${name}`} name={name} type={type} value={value} onChange={(e) => onChange(name, e.target.value)} autoComplete="off" placeholder={placeholder} />
    </div>
  );
}

export function LogsPage() {
  const { client } = useApp();
  const initial: Filters = { start_date: isoDay(daysAgo(6)), end_date: isoDay(new Date()), api_key: '', user_id: '', team_id: '', model: '' };
  const [draft, setDraft] = useState<Filters>(initial);
  const [applied, setApplied] = useState<Filters>(initial);
  const [page, setPage] = useState(1);
  const logs = useResource(
    async (signal) => {
      const { start_date, end_date, ...rest } = applied;
      let apiKey = rest.api_key.trim();
      if (apiKey !== '' && !isKeyReference(apiKey)) {
        // People know their keys by alias; /spend/logs takes a key reference, so look the alias up.
        const found = toPage<Row>(await client.get('/key/list', { key_alias: apiKey, size: 2 }, signal)).items;
        const id = found.length === 1 && found[0] !== undefined ? pickString(found[0], 'key_id', 'token') : null;
        if (id !== null) apiKey = id;
      }
      // Date inputs are the user's local days; the gateway reads a bare date as a UTC day.
      return toPage<Row>(await client.get('/spend/logs', { ...rest, api_key: apiKey, ...localDayInputsRange(start_date, end_date), page, page_size: PAGE_SIZE }, signal));
    },
    [client, applied, page],
  );
  const change = (name: keyof Filters, v: string): void => setDraft((d) => ({ ...d, [name]: v }));

  return (
    <>
      <PageHeader
        title="Request logs"
        description="Every request through the gateway with its tokens, cost and outcome."
        actions={<RefreshButton onClick={logs.reload} />}
      />
      <form
        className="filters"
        aria-label="Filter logs"
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setApplied(draft);
        }}
      >
        <FilterInput name="start_date" label="From" type="date" value={draft.start_date} onChange={change} />
        <FilterInput name="end_date" label="To" type="date" value={draft.end_date} onChange={change} />
        <FilterInput name="api_key" label="Key" value={draft.api_key} onChange={change} placeholder="alias or id" />
        <FilterInput name="user_id" label="User" value={draft.user_id} onChange={change} />
        <FilterInput name="team_id" label="Team" value={draft.team_id} onChange={change} />
        <FilterInput name="model" label="Model" value={draft.model} onChange={change} />
        <div className="filters-actions">
          <button type="submit" className="button button-primary">
            Apply
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setDraft(initial);
              setApplied(initial);
              setPage(1);
            }}
          >
            Reset
          </button>
        </div>
      </form>
      <ResourceTable
        resource={logs}
        items={logs.data?.items}
        empty={<EmptyState title="No requests match">Widen the dates or clear a filter.</EmptyState>}
        columns={['Time', 'Model', 'Key', 'User', 'Team', 'End user', { label: <abbr title="Prompt tokens">In</abbr>, num: true }, { label: <abbr title="Completion tokens">Out</abbr>, num: true }, { label: 'Cost', num: true }, 'Status', { label: 'Latency', num: true }]}
        className="table table-dense"
        testId="logs-table"
        row={(r, i) => (
          <tr key={pickString(r, 'request_id') ?? i} title={pickString(r, 'request_id') ?? undefined}>
            <td className="nowrap">{formatShortTime(pickString(r, 'startTime', 'start_time'))}</td>
            <td className="mono nowrap">{pickString(r, 'model', 'model_group') ?? '—'}</td>
            <td className="mono nowrap" title={pickString(r, 'key_name') ?? undefined}>{pickString(r, 'key_alias', 'key_name') ?? '—'}</td>
            <td>{pickString(r, 'user', 'user_id') ?? DASH}</td>
            <td>{pickString(r, 'team_alias', 'team_id') ?? DASH}</td>
            <td>{pickString(r, 'end_user', 'customer_id') ?? DASH}</td>
            <td className="num">{formatInt(pickNumber(r, 'prompt_tokens'))}</td>
            <td className="num">{formatInt(pickNumber(r, 'completion_tokens'))}</td>
            <td className="num">{formatMoney(pickNumber(r, 'spend'))}</td>
            <td>{isFailure(r) ? <Badge tone="danger">{pickString(r, 'status')}</Badge> : <Badge tone="success">{pickString(r, 'status') ?? 'success'}</Badge>}</td>
            <td className="num">{formatDuration(latencyMs(r))}</td>
          </tr>
        )}
      />
      {logs.data !== undefined && (page > 1 || (logs.data.totalPages ?? 1) > 1 || logs.data.items.length === PAGE_SIZE) ? (
        <Pagination page={page} totalPages={logs.data.totalPages} onPage={setPage} />
      ) : null}
    </>
  );
}
