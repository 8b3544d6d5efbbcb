/**
 * Today's and this month's spend, requests and errors, a daily spend chart and the top keys and
 * models. Admins read `/global/spend/report`; other roles see their own `/spend/logs`.
 */
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useApp } from '../AppContext.tsx';
import { toPage } from '../api/lists.ts';
import { RefreshButton } from '../components/Buttons.tsx';
import { Table } from '../components/DataTable.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ResourceStatus } from '../components/ResourceView.tsx';
import { EmptyState } from '../components/States.tsx';
import { useResource } from '../hooks/useResource.ts';
import { daysAgo, formatInt, formatMoney, isoDay, localDayRange, startOfMonth } from '../lib/format.ts';
import type { DayPoint, GroupTotal } from '../lib/spend.ts';
import { aggregateLogs, fillDays, isFailure, keyNames, readDayReport, readGroupReport } from '../lib/spend.ts';

interface OverviewData {
  days: DayPoint[];
  keys: GroupTotal[];
  models: GroupTotal[];
  today: { spend: number; requests: number | null; errors: number | null };
  month: { spend: number; requests: number | null; errors: number | null };
}

const CHART_DAYS = 30;

function sum(points: readonly DayPoint[], pick: (p: DayPoint) => number | null): number | null {
  let total: number | null = null;
  for (const p of points) {
    const v = pick(p);
    if (v !== null) total = (total ?? 0) + v;
  }
  return total;
}

export function OverviewPage() {
  const { client, can } = useApp();
  const admin = can('GET', '/global/spend/report');

  const res = useResource<OverviewData>(
    async (signal) => {
      const now = new Date();
      const today = isoDay(now);
      const monthStart = startOfMonth(now);
      const chartStart = daysAgo(CHART_DAYS - 1, now);
      const from = chartStart < monthStart ? chartStart : monthStart;
      const range = { start_date: isoDay(from), end_date: today };
      const monthRange = { start_date: isoDay(monthStart), end_date: today };

      let days: DayPoint[];
      let keys: GroupTotal[];
      let models: GroupTotal[];
      let todayLogs: { total: number | null; errors: number | null } = { total: null, errors: null };
      let monthTotal: number | null = null;
      if (admin) {
        const [dayRep, keyRep, modelRep, todayPage, monthPage, keyList] = await Promise.all([
          client.get('/global/spend/report', { ...range, group_by: 'day' }, signal),
          client.get('/global/spend/report', { ...monthRange, group_by: 'key' }, signal),
          client.get('/global/spend/report', { ...monthRange, group_by: 'model' }, signal),
          client.get('/spend/logs', { ...localDayRange(now, now), page: 1, page_size: 1000 }, signal),
          client.get('/spend/logs', { ...localDayRange(monthStart, now), page: 1, page_size: 1 }, signal),
          // The key report names keys by their stable key_id; the list gives their aliases.
          client.get('/key/list', { page: 1, size: 500 }, signal).catch(() => undefined),
        ]);
        days = readDayReport(dayRep);
        keys = readGroupReport(keyRep, 'key', keyNames(keyList));
        models = readGroupReport(modelRep, 'model');
        const tp = toPage<Record<string, unknown>>(todayPage);
        todayLogs = { total: tp.total ?? tp.items.length, errors: tp.items.filter(isFailure).length };
        monthTotal = toPage(monthPage).total;
      } else {
        const page = await client.get('/spend/logs', { ...localDayRange(from, now), page: 1, page_size: 1000 }, signal);
        const agg = aggregateLogs(toPage<Record<string, unknown>>(page).items);
        days = agg.days;
        keys = agg.keys;
        models = agg.models;
      }
      const monthDays = days.filter((d) => d.day >= monthRange.start_date);
      const todayPoint = days.find((d) => d.day === today);
      return {
        days: fillDays(days, chartStart, now),
        keys,
        models,
        today: {
          spend: todayPoint?.spend ?? 0,
          requests: todayPoint?.requests ?? todayLogs.total ?? 0,
          errors: todayPoint?.errors ?? todayLogs.errors,
        },
        month: {
          spend: monthDays.reduce((s, d) => s + d.spend, 0),
          requests: sum(monthDays, (d) => d.requests) ?? monthTotal,
          errors: sum(monthDays, (d) => d.errors),
        },
      };
    },
    [client, admin],
  );

  return (
    <>
      <PageHeader
        title="Overview"
        description={admin ? 'Spend and traffic across the whole gateway.' : 'Your own spend and traffic.'}
        actions={<RefreshButton onClick={res.reload} />}
      />
      <ResourceStatus resource={res} />
      {res.data === undefined ? null : <OverviewBody data={res.data} />}
    </>
  );
}

function Stat({ label, value, sub }: { label: string; value: string; sub?: string }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {sub === undefined ? null : <div className="stat-sub">{sub}</div>}
    </div>
  );
}

function OverviewBody({ data }: { data: OverviewData }) {
  const hasSpend = data.days.some((d) => d.spend > 0);
  return (
    <>
      <section className="stats" aria-label="Totals">
        <Stat label="Spend today" value={formatMoney(data.today.spend)} />
        <Stat label="Requests today" value={formatInt(data.today.requests)} sub={data.today.errors === null ? undefined : `${formatInt(data.today.errors)} errors`} />
        <Stat label="Spend this month" value={formatMoney(data.month.spend)} />
        <Stat label="Requests this month" value={formatInt(data.month.requests)} sub={data.month.errors === null ? undefined : `${formatInt(data.month.errors)} errors`} />
      </section>
      <section className="panel" aria-labelledby="chart-title">
        <div className="panel-header">
          <h2 id="chart-title">Spend per day</h2>
          <span className="muted">last {CHART_DAYS} days, USD</span>
        </div>
        {hasSpend ? (
          <div className="chart" role="img" aria-label={`Spend per day over the last ${CHART_DAYS} days`} data-testid="spend-chart">
            <ResponsiveContainer width="100%" height={240}>
              <BarChart data={data.days} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                <CartesianGrid vertical={false} className="chart-grid" />
                <XAxis dataKey="day" tickFormatter={(d: string) => d.slice(5)} tickLine={false} axisLine={false} minTickGap={16} />
                <YAxis tickFormatter={(v: number) => `$${v < 1 ? v.toFixed(2) : v.toFixed(0)}`} tickLine={false} axisLine={false} width={56} />
                <Tooltip
                  cursor={{ className: 'chart-cursor' }}
                  formatter={(v) => [formatMoney(typeof v === 'number' ? v : Number(v)), 'Spend']}
                  labelFormatter={(l) => String(l)}
                  wrapperClassName="chart-tooltip"
                />
                <Bar dataKey="spend" className="chart-bar" radius={[3, 3, 0, 0]} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        ) : (
          <EmptyState title="No spend yet">Requests through the gateway show up here within a few seconds.</EmptyState>
        )}
      </section>
      <div className="grid-2">
        <TopTable id="top-keys" title="Top keys this month" rows={data.keys} />
        <TopTable id="top-models" title="Top models this month" rows={data.models} />
      </div>
    </>
  );
}

function TopTable({ id, title, rows }: { id: string; title: string; rows: readonly GroupTotal[] }) {
  const top = rows.slice(0, 8);
  const max = Math.max(...top.map((r) => r.spend), 0);
  return (
    <section className="panel" aria-labelledby={id}>
      <div className="panel-header">
        <h2 id={id}>{title}</h2>
      </div>
      {top.length === 0 ? (
        <EmptyState title="Nothing this month" />
      ) : (
        <Table columns={['Name', { label: 'Requests', num: true }, { label: 'Spend', num: true }]}>
          {top.map((r) => (
            <tr key={r.name}>
              <td>
                <div className="cell-bar">
                  <span className="mono">{r.name}</span>
                  <span className="bar-track" aria-hidden="true">
                    <span className="bar-fill" style={{ width: `${max > 0 ? (r.spend / max) * 100 : 0}%` }} />
                  </span>
                </div>
              </td>
              <td className="num">{formatInt(r.requests)}</td>
              <td className="num">{formatMoney(r.spend)}</td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}

