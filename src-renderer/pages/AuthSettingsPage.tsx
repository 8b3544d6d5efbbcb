/**
 * Authentication settings, read-only (`GET /config/auth`): which identity methods are on and how
 * they are set up. The gateway never sends secrets here; the page shows whatever it sends,
 * grouped by section, with an On/Off badge where a section says `enabled`.
 */
import { useApp } from '../AppContext.tsx';
import { Badge } from '../components/Badge.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ResourceStatus } from '../components/ResourceView.tsx';
import { EmptyState } from '../components/States.tsx';
import { useResource } from '../hooks/useResource.ts';

type Row = Record<string, unknown>;

const TITLES: Record<string, string> = {
  master_key: 'Master key',
  jwt: 'JWT',
  jwt_auth: 'JWT',
  oauth2: 'OAuth2 token introspection',
  oauth2_proxy: 'OAuth2 proxy headers',
  sso: 'Single sign-on (OIDC)',
  custom_auth: 'Custom auth',
  ui: 'UI sessions',
};

function humanKey(k: string): string {
  return k.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined || value === '') return <span className="muted">—</span>;
  if (typeof value === 'boolean') return value ? <Badge tone="success">yes</Badge> : <Badge>no</Badge>;
  if (Array.isArray(value)) return value.length === 0 ? <span className="muted">none</span> : <span className="mono">{value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')}</span>;
  if (typeof value === 'object') return <pre className="mono inline-json">{JSON.stringify(value, null, 2)}</pre>;
  return <span className="mono">{String(value)}</span>;
}

function Settings({ entries }: { entries: readonly [string, unknown][] }) {
  return (
    <dl className="deflist">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{humanKey(k)}</dt>
          <dd>
            <Value value={v} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function AuthSettingsPage() {
  const { client } = useApp();
  const res = useResource(async (signal) => client.get<Row>('/config/auth', undefined, signal), [client]);
  const data = res.data ?? {};
  const sections = Object.entries(data).filter(([, v]) => typeof v === 'object' && v !== null && !Array.isArray(v)) as [string, Row][];
  const flat = Object.entries(data).filter(([, v]) => typeof v !== 'object' || v === null || Array.isArray(v));
  return (
    <>
      <PageHeader
        title="Authentication"
        description={
          <>
            How callers prove who they are. Change these in the config file (<code>general_settings</code>) or the environment, then restart.
          </>
        }
      />
      <ResourceStatus resource={res} />
      {res.data !== undefined && sections.length === 0 && flat.length === 0 ? <EmptyState title="No settings reported" /> : null}
      {flat.length > 0 ? (
        <section className="panel">
          <Settings entries={flat} />
        </section>
      ) : null}
      <div className="grid-2">
        {sections.map(([name, section]) => {
          const enabled = typeof section.enabled === 'boolean' ? section.enabled : typeof section.configured === 'boolean' ? section.configured : null;
          return (
            <section key={name} className="panel" aria-labelledby={`auth-${name}`}>
              <div className="panel-header">
                <h2 id={`auth-${name}`}>{TITLES[name] ?? humanKey(name)}</h2>
                {enabled === null ? null : enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
              </div>
              <Settings entries={Object.entries(section).filter(([k]) => k !== 'enabled')} />
            </section>
          );
        })}
      </div>
    </>
  );
}
