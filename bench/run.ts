/**
 * `npm run bench` (CONTRACT section 8): one run measures, against the same loopback upstream,
 *   direct        -> the upstream itself
 *   bare          -> a bare Node pass-through proxy (bench/bare-proxy.ts), the baseline
 *   master        -> Tollgate with the master key
 *   vkey          -> Tollgate with a virtual key that has a budget and rpm/tpm/parallel limits
 *   jwt           -> Tollgate with a JWT from a real OIDC provider (only when JWT auth works end-to-end)
 * at 1 and 50 connections, then runs bench/counters.ts, prints a table and the ratios to the bare
 * proxy and writes everything to bench/results.json.
 *
 * Processes (so the load generator never shares an event loop with the server it measures):
 *   this process   : the bare proxy, Tollgate and the OIDC provider (one target busy at a time)
 *   child "upstream": the fake OpenAI-compatible upstream (test/support/upstream.ts)
 *   child "load"    : autocannon, one child per measurement (warm-up, then the measured run)
 * The same file is the entry point of both children (`bench/run.ts --upstream` / `--load JSON`).
 *
 * Env: BENCH_SECONDS (measured seconds per run, default 5), BENCH_WARMUP (seconds before each
 * measured run, default 1), BENCH_PRIME (seconds of unmeasured 50-connection load on each new
 * target before its first run, default 2; +2 for the first Tollgate target).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const MODEL = 'bench-model';
const BODY = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Say hello in five words.' }], max_tokens: 16 });
const CONNECTIONS = [1, 50] as const;

interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  seconds: number;
  warmup: number;
}

interface RunResult {
  connections: number;
  seconds: number;
  /** 2xx responses per second over the measured run. */
  rps: number;
  /** Latency of 2xx responses, ms (own sub-millisecond histogram, not autocannon's whole-ms one). */
  p50: number;
  p99: number;
  mean: number;
  ok: number;
  non2xx: number;
  /** Socket errors and timeouts (no response at all). */
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Up to three distinct bodies of non-2xx answers sampled right after a run that had some. */
  errorSamples?: string[];
  /** CPU time (user + system) the target's process spent per 2xx answer, µs; null when the target runs in another process (direct). */
  serverCpuUsPerRequest?: number | null;
}

/* ------------------------------------------------------------------ child: upstream */

async function upstreamChild(): Promise<void> {
  const { startUpstream } = await import('../test/support/upstream.ts');
  const up = await startUpstream();
  // The fake records every request; drop them so a long run does not grow memory.
  setInterval(() => {
    up.requests.length = 0;
  }, 200);
  process.stdout.write(JSON.stringify({ url: up.url }) + '\n');
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

/* ------------------------------------------------------------------ child: load generator */

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats?: Record<string, { count: number }>;
}
interface AutocannonInstance {
  on(ev: 'response', fn: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: unknown, res: AutocannonResult) => void) => AutocannonInstance;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

async function loadChild(spec: LoadSpec): Promise<void> {
  // @ts-expect-error autocannon ships no types
  const mod = (await import('autocannon')) as { default: Autocannon };
  const autocannon = mod.default;
  const run = (seconds: number, record: number[] | null) =>
    new Promise<AutocannonResult>((resolve, reject) => {
      const inst = autocannon(
        { url: spec.url, method: 'POST', headers: spec.headers, body: spec.body, connections: spec.connections, duration: seconds, timeout: 10 },
        (err, res) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)),
      );
      if (record) inst.on('response', (_c, status, _b, ms) => {
        if (status >= 200 && status < 300) record.push(ms);
      });
    });
  if (spec.warmup > 0) await run(spec.warmup, null);
  process.stdout.write('measuring\n');
  const lat: number[] = [];
  const res = await run(spec.seconds, lat);
  const sorted = Float64Array.from(lat).sort();
  const statusCodes: Record<string, number> = {};
  for (const [code, v] of Object.entries(res.statusCodeStats ?? {})) statusCodes[code] = v.count;
  const out: RunResult = {
    connections: spec.connections,
    seconds: res.duration,
    rps: lat.length / res.duration,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: lat.reduce((a, b) => a + b, 0) / Math.max(1, lat.length),
    ok: lat.length,
    non2xx: res.non2xx,
    errors: res.errors,
    timeouts: res.timeouts,
    statusCodes,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

/* ------------------------------------------------------------------ orchestrator */

function nodeChild(args: string[], input?: string, onLine?: (line: string) => void): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; kill(): void } {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (onLine) for (const l of d.split('\n')) if (l !== '') onLine(l);
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  if (input !== undefined) child.stdin.end(input);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { done, kill: () => void child.kill() };
}

async function startUpstreamChild(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--upstream'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve((JSON.parse(buf.slice(0, nl)) as { url: string }).url);
    });
    child.on('exit', (code) => reject(new Error(`upstream child exited early (${code})`)));
  });
  return { url, stop: () => { child.stdin.end(); child.kill(); } };
}

async function sampleErrors(url: string, headers: Record<string, string>, n = 50): Promise<string[]> {
  const seen = new Set<string>();
  await Promise.all(Array.from({ length: n }, async () => {
    try {
      const r = await fetch(url, { method: 'POST', headers, body: BODY });
      const text = await r.text();
      if (r.status < 200 || r.status >= 300) seen.add(`${r.status} ${text.slice(0, 500)}`);
    } catch (err) {
      seen.add(`fetch failed: ${String(err)}`);
    }
  }));
  return [...seen].slice(0, 3);
}

async function probe(url: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  try {
    const r = await fetch(url, { method: 'POST', headers, body: BODY });
    return { status: r.status, text: (await r.text()).slice(0, 500) };
  } catch (err) {
    return { status: 0, text: String(err) };
  }
}

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const warmup = Number(process.env.BENCH_WARMUP ?? 1);
const problems: string[] = [];

const prime = Number(process.env.BENCH_PRIME ?? 2);

async function measure(name: string, url: string, headers: Record<string, string>, inProcess = true, primeSeconds = prime): Promise<Record<string, RunResult>> {
  const out: Record<string, RunResult> = {};
  // Prime a fresh target at 50 connections first (JIT, pools, caches): without it the first
  // Tollgate target measured at half speed (same code measured again later ran 2x faster).
  if (primeSeconds > 0) {
    const spec: LoadSpec = { url, headers, body: BODY, connections: 50, seconds: primeSeconds, warmup: 0 };
    await nodeChild([SELF, '--load', JSON.stringify(spec)]).done;
  }
  for (const connections of CONNECTIONS) {
    const spec: LoadSpec = { url, headers, body: BODY, connections, seconds, warmup };
    // CPU of this process (the target) over the measured run, divided by its 2xx answers: a figure
    // that other load on the machine skews much less than req/s.
    let cpu0 = process.cpuUsage();
    const child = nodeChild([SELF, '--load', JSON.stringify(spec)], undefined, (l) => {
      if (l === 'measuring') cpu0 = process.cpuUsage();
    });
    const r = await child.done;
    const cpu = process.cpuUsage(cpu0);
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.code !== 0 || line === '') throw new Error(`load generator failed for ${name} c=${connections}: ${r.stderr}`);
    const res = JSON.parse(line) as RunResult;
    res.serverCpuUsPerRequest = inProcess ? (cpu.user + cpu.system) / Math.max(1, res.ok) : null;
    if (res.non2xx > 0 || res.errors > 0 || res.timeouts > 0) {
      res.errorSamples = await sampleErrors(url, headers);
      const msg = `${name} c=${connections}: ${res.non2xx} non-2xx (${JSON.stringify(res.statusCodes)}), ${res.errors} socket errors, ${res.timeouts} timeouts; samples: ${JSON.stringify(res.errorSamples)}`;
      problems.push(msg);
      console.log(`  !!! ERRORS: ${msg}`);
    }
    console.log(`  ${name.padEnd(8)} c=${String(connections).padEnd(3)} ${res.rps.toFixed(0).padStart(7)} req/s  p50 ${res.p50.toFixed(2)} ms  p99 ${res.p99.toFixed(2)} ms  non-2xx ${res.non2xx}  errors ${res.errors + res.timeouts}${res.serverCpuUsPerRequest == null ? '' : `  server CPU ${res.serverCpuUsPerRequest.toFixed(0)} µs/req`}`);
    out[`c${connections}`] = res;
  }
  return out;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const loadBefore = loadavg();
  console.log(`Tollgate bench: ${cpus().length} CPUs, node ${process.version}, ${seconds}s per run after ${warmup}s warm-up, connections ${CONNECTIONS.join(' and ')}`);
  if ((loadBefore[0] ?? 0) > cpus().length * 0.5) console.log(`  warning: load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before the run; other work on this machine will skew the figures`);
  const { startGateway, MASTER } = await import('../test/support/gateway.ts');
  const { startBareProxy } = await import('./bare-proxy.ts');

  const up = await startUpstreamChild();
  const UPSTREAM_KEY = 'sk-upstream-bench-secret';
  const json = { 'content-type': 'application/json' };
  const targets: Record<string, Record<string, RunResult> | null> = {};
  const notes: Record<string, string> = {};
  const cleanups: Array<() => Promise<void> | void> = [() => up.stop()];

  try {
    const chatPath = '/v1/chat/completions';
    const first = await probe(up.url + chatPath, { ...json, authorization: `Bearer ${UPSTREAM_KEY}` });
    if (first.status !== 200) throw new Error(`upstream does not answer: ${first.status} ${first.text}`);

    console.log('direct to upstream');
    targets.direct = await measure('direct', up.url + chatPath, { ...json, authorization: `Bearer ${UPSTREAM_KEY}` }, false);

    const bare = await startBareProxy(up.url);
    cleanups.push(() => bare.close());
    console.log('bare Node proxy');
    targets.bare = await measure('bare', bare.url + chatPath, { ...json, authorization: `Bearer ${UPSTREAM_KEY}` });
    await bare.close();
    cleanups.pop();

    const modelList = `
model_list:
  - model_name: ${MODEL}
    litellm_params: { model: openai/${MODEL}, api_base: ${up.url}/v1, api_key: os.environ/UPSTREAM_KEY }
    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
`;
    // startGateway logs at info into an array; empty it regularly so it costs no memory.
    const gw = await startGateway({ config: modelList, env: { UPSTREAM_KEY }, realClock: true });
    cleanups.push(() => gw.stop());
    const drain = setInterval(() => {
      gw.logs.length = 0;
    }, 250);
    cleanups.push(() => clearInterval(drain));

    console.log('Tollgate, master key');
    const masterProbe = await probe(gw.url + chatPath, { ...json, authorization: `Bearer ${MASTER}` });
    if (masterProbe.status !== 200) problems.push(`master probe: ${masterProbe.status} ${masterProbe.text}`);
    targets.master = await measure('master', gw.url + chatPath, { ...json, authorization: `Bearer ${MASTER}` }, true, prime + 2);

    const gen = await gw.call('POST', '/key/generate', { max_budget: 1e9, rpm_limit: 1e9, tpm_limit: 1e9, max_parallel_requests: 10_000, models: [MODEL] });
    if (gen.status !== 200 || typeof gen.json?.key !== 'string') throw new Error(`/key/generate failed: ${gen.status} ${gen.text}`);
    const vkey = gen.json.key as string;
    console.log('Tollgate, virtual key (budget 1e9, rpm 1e9, tpm 1e9, parallel 10000)');
    const vProbe = await probe(gw.url + chatPath, { ...json, authorization: `Bearer ${vkey}` });
    if (vProbe.status !== 200) problems.push(`virtual key probe: ${vProbe.status} ${vProbe.text}`);
    targets.vkey = await measure('vkey', gw.url + chatPath, { ...json, authorization: `Bearer ${vkey}` });
    const info = await gw.call('GET', '/key/info?key=' + encodeURIComponent(vkey));
    if (info.status === 200) notes.vkey = `spend recorded on the key after the runs: ${JSON.stringify(info.json?.info?.spend ?? info.json?.spend ?? null)}`;
    clearInterval(drain);
    await gw.stop();
    cleanups.length = 1;

    // JWT: measured only if a JWT from a real OIDC provider is accepted end-to-end.
    console.log('Tollgate, JWT');
    targets.jwt = null;
    try {
      const { startOidcProvider } = await import('../test/support/oidc.ts');
      const op = await startOidcProvider();
      cleanups.push(() => op.stop());
      const jgw = await startGateway({
        env: { UPSTREAM_KEY },
        realClock: true,
        config: `${modelList}
general_settings:
  enable_jwt_auth: true
  litellm_jwtauth: { public_key_url: ${op.jwksUri}, audience: ${op.resource}, issuer: ${op.issuer} }
`,
      });
      cleanups.push(() => jgw.stop());
      const jdrain = setInterval(() => {
        jgw.logs.length = 0;
      }, 250);
      cleanups.push(() => clearInterval(jdrain));
      const token = await op.issueJwt({ scope: 'litellm_proxy_admin' }, undefined, 'litellm_proxy_admin');
      const jProbe = await probe(jgw.url + chatPath, { ...json, authorization: `Bearer ${token}` });
      if (jProbe.status === 200) {
        targets.jwt = await measure('jwt', jgw.url + chatPath, { ...json, authorization: `Bearer ${token}` });
      } else {
        notes.jwt = `not measured (JWT auth not wired): a valid JWT from the OIDC provider got ${jProbe.status} ${jProbe.text}`;
        console.log(`  jwt: not measured (JWT auth not wired) — a valid JWT got ${jProbe.status} ${jProbe.text.slice(0, 200)}`);
      }
    } catch (err) {
      notes.jwt = `not measured (JWT auth not wired): ${String(err)}`;
      console.log(`  jwt: not measured (JWT auth not wired) — ${String(err).slice(0, 300)}`);
    }
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        /* best effort */
      }
    }
  }

  console.log('bench/counters.ts');
  let counters: string | null = null;
  try {
    const c = nodeChild([join(HERE, 'counters.ts')]);
    const timer = setTimeout(() => c.kill(), 60_000);
    const r = await c.done;
    clearTimeout(timer);
    counters = r.code === 0 ? r.stdout.trim() : `exit ${r.code}: ${(r.stdout + r.stderr).trim().slice(0, 1000)}`;
    if (r.code !== 0) problems.push(`bench/counters.ts failed: ${counters}`);
  } catch (err) {
    counters = null;
    problems.push(`bench/counters.ts could not run: ${String(err)}`);
  }
  if (counters !== null) console.log(counters.split('\n').map((l) => '  ' + l).join('\n'));

  // ---- table and ratios
  const bare = targets.bare;
  const direct = targets.direct;
  const fmt = (n: number | undefined, d = 2) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(d));
  const sign = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : (n >= 0 ? '+' : '') + n.toFixed(2));
  const ratios: Record<string, { rps_ratio_c50: number | null; added_p50_over_direct_c1_ms: number | null; p50_diff_from_bare_c50_ms: number | null } | null> = {};
  const rows: string[][] = [['target', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'CPU µs/req']];
  for (const [name, t] of Object.entries(targets)) {
    if (t === null) {
      rows.push([name, '-', 'not measured', '', '', '', '', '']);
      ratios[name] = null;
      continue;
    }
    for (const r of Object.values(t)) rows.push([name, String(r.connections), fmt(r.rps, 0), fmt(r.p50), fmt(r.p99), String(r.non2xx), String(r.errors + r.timeouts), r.serverCpuUsPerRequest == null ? '-' : fmt(r.serverCpuUsPerRequest, 0)]);
    ratios[name] = {
      rps_ratio_c50: bare?.c50 && t.c50 ? t.c50.rps / bare.c50.rps : null,
      added_p50_over_direct_c1_ms: direct?.c1 && t.c1 ? t.c1.p50 - direct.c1.p50 : null,
      p50_diff_from_bare_c50_ms: bare?.c50 && t.c50 ? t.c50.p50 - bare.c50.p50 : null,
    };
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log('\nResults (latency of 2xx answers; req/s counts 2xx only)');
  console.log(line(rows[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r));

  console.log('\nRatios to the bare proxy');
  console.log(`${'target'.padEnd(8)}  ${'req/s vs bare @50'.padStart(17)}  ${'p50 added over direct @1'.padStart(24)}  ${'p50 vs bare @50'.padStart(15)}`);
  for (const [name, r] of Object.entries(ratios)) {
    if (r === null) {
      console.log(`${name.padEnd(8)}  ${'not measured'.padStart(17)}`);
      continue;
    }
    console.log(`${name.padEnd(8)}  ${(r.rps_ratio_c50 === null ? '-' : r.rps_ratio_c50.toFixed(2) + 'x').padStart(17)}  ${(sign(r.added_p50_over_direct_c1_ms ?? undefined) + ' ms').padStart(24)}  ${(sign(r.p50_diff_from_bare_c50_ms ?? undefined) + ' ms').padStart(15)}`);
  }
  for (const n of Object.values(notes)) console.log(`note: ${n}`);
  if (targets.jwt === null) console.log('jwt: not measured (JWT auth not wired)');

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? null,
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadavg(),
    secondsPerRun: seconds,
    warmupSeconds: warmup,
    primeSeconds: prime,
    request: { path: '/v1/chat/completions', body: JSON.parse(BODY) as unknown, stream: false },
    targets,
    ratios,
    notes,
    counters,
    problems,
    totalSeconds: (Date.now() - t0) / 1000,
  };
  writeFileSync(join(HERE, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwrote bench/results.json (${results.totalSeconds.toFixed(0)} s)`);
  if (problems.length > 0) {
    console.log(`\n!!! ${problems.length} PROBLEM(S) — the figures above include failures:`);
    for (const p of problems) console.log(`!!! ${p}`);
    process.exitCode = 1;
  }
}

const role = process.argv[2];
if (role === '--upstream') await upstreamChild();
else if (role === '--load') await loadChild(JSON.parse(process.argv[3] ?? '{}') as LoadSpec);
else {
  await main();
  // Keep-alive sockets and provider timers may linger; the work is done.
  process.exit(process.exitCode ?? 0);
}
