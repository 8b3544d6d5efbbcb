import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const config = parse(readFileSync(new URL('electron-builder.yml', root), 'utf8')) as Record<string, unknown>;

interface AjvError { instancePath: string; message?: string }
interface AjvLike {
  compile(schema: unknown): ((data: unknown) => boolean) & { errors?: AjvError[] | null };
}

test('electron-builder.yml validates against electron-builder\'s own schema', () => {
  // The same ajv and scheme.json that electron-builder validates its configuration with.
  const requireFromBuilder = createRequire(new URL('node_modules/app-builder-lib/package.json', root));
  const Ajv = (requireFromBuilder('ajv') as { default: new (o: object) => AjvLike }).default;
  const schema = JSON.parse(readFileSync(new URL('node_modules/app-builder-lib/scheme.json', root), 'utf8')) as unknown;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const ok = validate(config);
  assert.ok(ok, JSON.stringify(validate.errors?.map((e) => `${e.instancePath} ${e.message}`), null, 2));
  // And a typo would be caught: the schema is closed.
  assert.equal(validate({ ...config, electronFusez: {} }), false);
});

test('the fuses are set', () => {
  assert.deepEqual(config.electronFuses, {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  });
});

interface BuilderConfig {
  appId: string;
  productName: string;
  asar: boolean;
  npmRebuild: boolean;
  asarUnpack: string[];
  files: string[];
  directories: { output: string };
  linux: { target: string[]; category: string };
  deb: { depends: string[] };
  mac: { target: string[]; hardenedRuntime: boolean };
  win: { target: string[] };
}

test('identity, targets, asar and native modules', () => {
  const c = config as unknown as BuilderConfig;
  assert.equal(c.appId, 'dev.tollgate.app');
  assert.equal(c.productName, 'Tollgate');
  assert.equal(c.asar, true);
  assert.equal(c.npmRebuild, true);
  assert.ok(c.asarUnpack.includes('**/*.node'));
  assert.ok(c.asarUnpack.some((p: string) => p.includes('better-sqlite3')));
  assert.ok(c.asarUnpack.some((p: string) => p.includes('@napi-rs/keyring')));
  assert.deepEqual(c.linux.target, ['AppImage', 'deb']);
  assert.equal(c.linux.category, 'Development');
  assert.ok(c.deb.depends.includes('libsecret-1-0'));
  assert.deepEqual(c.mac.target, ['dmg']);
  assert.equal(c.mac.hardenedRuntime, true);
  assert.deepEqual(c.win.target, ['nsis']);
  assert.notEqual(c.directories.output, 'dist', 'dist/ui is the built UI');
  for (const f of ['dist-electron/**', 'dist/ui/**', 'assets/tray.png', 'src-main/core/store/migrations/**']) assert.ok(c.files.includes(f), f);
});

test('the icons exist at the sizes the config and tray need', () => {
  const size = (p: string) => {
    const b = readFileSync(new URL(p, root));
    assert.equal(b.subarray(1, 4).toString('latin1'), 'PNG', p);
    return [b.readUInt32BE(16), b.readUInt32BE(20)];
  };
  assert.deepEqual(size('assets/icon.png'), [512, 512]);
  assert.deepEqual(size('assets/tray.png'), [32, 32]);
});
