/**
 * Providers and models: the deployments of `model_list` (`GET /model/info`, never secrets), add a
 * provider (`POST /model/new`; its api_key goes to the OS keychain), test a connection, remove.
 */
import { Fragment, useState } from 'react';
import type { ReactNode } from 'react';
import { useApp } from '../AppContext.tsx';
import { ApiError } from '../api/GatewayClient.ts';
import { pickNumber, pickString, toList } from '../api/lists.ts';
import { Badge } from '../components/Badge.tsx';
import { PrimaryButton, RowButton } from '../components/Buttons.tsx';
import { DASH } from '../components/Cells.tsx';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { FormDialog } from '../components/FormDialog.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { EmptyState, ErrorBanner, Loading } from '../components/States.tsx';
import { usePost } from '../hooks/useMutation.ts';
import { useResource } from '../hooks/useResource.ts';
import { modelNewSchema } from '../lib/schemas.ts';

type Row = Record<string, unknown>;

function sub(row: Row, name: string): Row {
  const v = row[name];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Row) : {};
}

/** Where a deployment's secret comes from, without ever showing one. */
export function secretSource(params: Row): string {
  const k = params.api_key;
  if (typeof k !== 'string' || k === '') return 'none';
  if (k.startsWith('keychain/')) return k;
  if (k.startsWith('os.environ/')) return k;
  return 'stored';
}

/** Lets a long reference such as `os.environ/UPSTREAM_KEY` wrap after its slashes, never inside a word. */
function slashBreaks(text: string): ReactNode {
  const parts = text.split('/');
  return parts.map((p, i) => (
    <Fragment key={i}>
      {p}
      {i < parts.length - 1 ? (
        <>
          /<wbr />
        </>
      ) : null}
    </Fragment>
  ));
}

function perMillion(v: number | null): string {
  return v === null ? '—' : `$${(v * 1_000_000).toFixed(2)}`;
}

type TestResult = { ok: true; message: string } | { ok: false; message: string } | null;

export function ModelsPage() {
  const { client, can } = useApp();
  const post = usePost();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Row | null>(null);
  const [test, setTest] = useState<TestResult>(null);
  const res = useResource(async (signal) => {
    try {
      return { rows: toList<Row>(await client.get('/model/info', undefined, signal)), managed: true };
    } catch (err) {
      // A gateway without the model management routes still lists its configured models.
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
      const list = toList<Row>(await client.get('/v1/models', undefined, signal));
      return { rows: list.map((m) => ({ model_name: pickString(m, 'id') })), managed: false };
    }
  }, [client]);
  const models = { ...res, data: res.data?.rows };
  const managed = res.data?.managed !== false;
  const canAdd = managed && can('POST', '/model/new');
  const canDelete = managed && can('POST', '/model/delete');
  const canTest = can('POST', '/health/test_connection');
  /** Only deployments added at run time can be removed; the config file's are changed there. */
  const removable = (m: Row): boolean => canDelete && pickString(sub(m, 'model_info'), 'id') !== null && sub(m, 'model_info').db_model !== false;
  const showActions = models.data?.some(removable) === true;

  const testConnection = async (body: unknown): Promise<void> => {
    if (body === undefined) return;
    setTest({ ok: true, message: 'Testing…' });
    try {
      const params = (body as { litellm_params: unknown }).litellm_params;
      const res = await client.post<Row | undefined>('/health/test_connection', { litellm_params: params });
      const status = res === undefined ? 'success' : pickString(res, 'status') ?? 'success';
      const msg = res === undefined ? null : pickString(res, 'message', 'error') ?? pickString(sub(res, 'result'), 'error', 'message');
      setTest(status === 'success' || status === 'ok' || status === 'healthy' ? { ok: true, message: 'Connection works.' } : { ok: false, message: msg ?? `Connection failed (${status}).` });
    } catch (err) {
      setTest({ ok: false, message: err instanceof ApiError ? `${err.message} (${err.type})` : String(err) });
    }
  };

  return (
    <>
      <PageHeader
        title="Providers & models"
        description="The models clients may call and the upstream provider behind each. Secrets are never shown."
        actions={
          canAdd ? (
            <PrimaryButton
              onClick={() => {
                setTest(null);
                setAdding(true);
              }}
            >
              Add provider
            </PrimaryButton>
          ) : undefined
        }
      />
      {models.error !== undefined ? <ErrorBanner error={models.error} onRetry={models.reload} /> : null}
      {managed ? null : (
        <div className="banner banner-info" role="status">
          <span className="banner-message">
            These are the models of the config file (<code>model_list</code>). This gateway does not manage providers over the API: edit the config and restart to change them.
          </span>
        </div>
      )}
      {models.loading && models.data === undefined ? <Loading /> : null}
      {managed && models.data?.some((m) => sub(m, 'model_info').db_model === false) === true ? (
        <p className="field-hint">Models from the config file’s <code>model_list</code> are changed there (then restart); the ones added here can be removed here.</p>
      ) : null}
      {models.data?.length === 0 ? <EmptyState title="No models configured">Add a provider, or list models under model_list in the config file.</EmptyState> : null}
      {models.data !== undefined && models.data.length > 0 ? (
        <DataTable columns={['Model name', 'Upstream', 'API base', 'Secret', { label: 'Input / 1M', num: true }, { label: 'Output / 1M', num: true }, 'Access groups']} actions={showActions}>
          {models.data.map((m, i) => {
            const params = sub(m, 'litellm_params');
            const info = sub(m, 'model_info');
            const groups = Array.isArray(info.access_groups) ? (info.access_groups as string[]) : [];
            const id = pickString(info, 'id');
            return (
              <tr key={id ?? `${pickString(m, 'model_name')}-${i}`}>
                <td className="mono">{pickString(m, 'model_name')}</td>
                <td className="mono">{pickString(params, 'model') ?? DASH}</td>
                <td className="mono truncate">{pickString(params, 'api_base') ?? <span className="muted">default</span>}</td>
                <td className="mono">{managed ? slashBreaks(secretSource(params)) : DASH}</td>
                <td className="num">{perMillion(pickNumber(info, 'input_cost_per_token') ?? pickNumber(params, 'input_cost_per_token'))}</td>
                <td className="num">{perMillion(pickNumber(info, 'output_cost_per_token') ?? pickNumber(params, 'output_cost_per_token'))}</td>
                <td>{groups.length === 0 ? DASH : <span className="chips">{groups.map((g) => <Badge key={g}>{g}</Badge>)}</span>}</td>
                {showActions ? (
                  <td className="actions">
                    <RowButton allowed={removable(m)} label={`Remove ${pickString(m, 'model_name') ?? 'model'}`} onClick={() => setRemoving(m)} danger>
                      Remove
                    </RowButton>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </DataTable>
      ) : null}
      {adding ? (
        <FormDialog
          title="Add provider"
          description="Route a model name to an upstream: OpenAI, Anthropic, Azure, or any OpenAI-compatible server (Ollama, vLLM, LM Studio, Groq, OpenRouter)."
          schema={modelNewSchema}
          submitLabel="Add"
          onClose={() => setAdding(false)}
          fields={[
            { name: 'model_name', label: 'Model name', kind: 'text', placeholder: 'gpt-4o-mini', hint: 'What clients send as "model". Wildcards such as claude-* are allowed.' },
            { name: 'model', label: 'Upstream model', kind: 'text', placeholder: 'openai/gpt-4o-mini', hint: 'provider/model: openai/…, anthropic/…, azure/…, ollama/…' },
            { name: 'api_base', label: 'API base', kind: 'text', placeholder: 'https://api.openai.com/v1', hint: 'Optional for known providers; required for local servers, e.g. http://127.0.0.1:11434/v1.' },
            {
              name: 'api_key',
              label: 'API key',
              kind: 'password',
              hint: 'Stored in your operating system’s keychain (service “tollgate”), never in the database or the config file. Leave empty for servers without one.',
            },
          ]}
          shape={(flat) => ({
            model_name: flat.model_name,
            litellm_params: Object.fromEntries(Object.entries({ model: flat.model, api_base: flat.api_base, api_key: flat.api_key }).filter(([, v]) => v !== undefined)),
          })}
          extraActions={
            canTest
              ? (values) => (
                  <>
                    <button type="button" className="button" onClick={() => void testConnection(values())}>
                      Test connection
                    </button>
                    {test === null ? null : (
                      <span className={test.ok ? 'test-result test-ok' : 'test-result test-fail'} role="status">
                        {test.message}
                      </span>
                    )}
                  </>
                )
              : undefined
          }
          onSubmit={(body) => post('/model/new', body, `${body.model_name} added.`, models.reload)}
        />
      ) : null}
      {removing !== null ? (
        <ConfirmDialog
          title="Remove model?"
          confirmLabel="Remove"
          danger
          onClose={() => setRemoving(null)}
          onConfirm={() => post('/model/delete', { id: pickString(sub(removing, 'model_info'), 'id') }, `${pickString(removing, 'model_name') ?? 'Model'} removed.`, models.reload)}
        >
          <p>
            Requests for <strong className="mono">{pickString(removing, 'model_name')}</strong> through <span className="mono">{pickString(sub(removing, 'litellm_params'), 'model')}</span> stop being routed. Keys that list it keep the name.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
