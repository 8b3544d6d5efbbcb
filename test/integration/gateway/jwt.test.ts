import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startUpstream, type Upstream } from '../../support/upstream.ts';
import { startGateway, type TestGateway } from '../../support/gateway.ts';
import { startOidcProvider } from '../../support/oidc.ts';

let up: Upstream;
let gw: TestGateway;
let op: Awaited<ReturnType<typeof startOidcProvider>>;

before(async () => {
  up = await startUpstream();
  op = await startOidcProvider();
  gw = await startGateway({
    realClock: true,
    config: `
model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: ${up.url}/v1, api_key: os.environ/K }
  - model_name: gpt-4o-mini
    litellm_params: { model: openai/gpt-4o-mini, api_base: ${up.url}/v1, api_key: os.environ/K }
general_settings:
  enable_jwt_auth: true
  litellm_jwtauth:
    public_key_url: ${op.jwksUri}
    audience: ${op.resource}
    issuer: ${op.issuer}
    team_ids_jwt_field: teams
    team_id_upsert: false
`,
    env: { K: 'sk-upstream-secret' },
  });
  assert.equal((await gw.call('POST', '/team/new', { team_id: 'mini-only', models: ['gpt-4o-mini'] })).status, 200);
  assert.equal((await gw.call('POST', '/team/new', { team_id: 'full', models: ['gpt-4o', 'gpt-4o-mini'] })).status, 200);
});
after(async () => {
  await gw.stop();
  await op.stop();
  await up.close();
});

test('a JWT from a real OpenID provider calls the LLM through the gateway, acting for the first team with access', async () => {
  const token = await op.issueJwt({ teams: ['mini-only', 'full'] });
  const client = new OpenAI({ apiKey: token, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const r = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
  assert.ok(r.choices.length > 0);
  const none = await op.issueJwt({ teams: ['mini-only'] });
  const denied = await gw.call('POST', '/v1/chat/completions', { model: 'gpt-4o', messages: [] }, { authorization: `Bearer ${none}` });
  assert.equal(denied.status, 403);
  assert.equal(denied.json.error.type, 'team_model_access_denied');
});

test('JWT negatives through the gateway: tampered, wrong audience, alg none are 401', async () => {
  const token = await op.issueJwt({ teams: ['full'] });
  const [h, p, s] = token.split('.');
  const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
  payload.teams = ['evil'];
  const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
  const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
  const otherAud = await op.issueJwt({ teams: ['full'] }, 'https://someone-else.example/api');
  for (const bad of [tampered, none, otherAud]) {
    const r = await gw.call('POST', '/v1/chat/completions', { model: 'gpt-4o', messages: [] }, { authorization: `Bearer ${bad}` });
    assert.equal(r.status, 401, r.text);
    assert.equal(r.json.error.type, 'auth_error');
  }
});

test('/auth/explain shows each stage for a JWT and for a key without the model', async () => {
  const token = await op.issueJwt({ teams: ['mini-only'] });
  const r = await gw.call('POST', '/auth/explain', { credential: token, route: '/v1/chat/completions', model: 'gpt-4o-mini' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.allowed, true);
  assert.deepEqual(r.json.stages.map((s: { stage: string }) => s.stage), ['classify', 'authenticate', 'blocked', 'route_access', 'model_access']);
  const { json: k } = await gw.call('POST', '/key/generate', { models: ['gpt-4o-mini'] });
  const d = await gw.call('POST', '/auth/explain', { credential: k.key, route: '/v1/chat/completions', model: 'gpt-4o' });
  assert.equal(d.json.allowed, false);
  assert.equal(d.json.stages.at(-1).error.type, 'key_model_access_denied');
  assert.ok(!d.text.includes(k.key), 'explain never echoes the credential');
  const { json: plain } = await gw.call('POST', '/key/generate', {});
  assert.equal((await gw.call('POST', '/auth/explain', { credential: k.key, route: '/v1/models' }, { authorization: `Bearer ${plain.key}` })).status, 403, 'admins only');
});
