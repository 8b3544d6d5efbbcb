/**
 * The in-memory index of virtual keys: the auth hot path reads only this, never the disk.
 * Written through by the key service on every change (ARCHITECTURE "The hot path").
 */
import type { KeyRecord, GraceToken } from '../store/index.ts';

export class KeyIndex {
  private readonly byId = new Map<string, KeyRecord>();
  private readonly idByToken = new Map<string, string>();
  private readonly grace = new Map<string, { key_id: string; expiresAt: number }>();

  load(keys: readonly KeyRecord[], graceTokens: readonly GraceToken[]): void {
    this.byId.clear();
    this.idByToken.clear();
    this.grace.clear();
    for (const k of keys) this.put(k);
    for (const g of graceTokens) this.grace.set(g.token, { key_id: g.key_id, expiresAt: Date.parse(g.expires_at) });
  }

  put(rec: KeyRecord): void {
    const old = this.byId.get(rec.key_id);
    if (old !== undefined && old.token !== rec.token) this.idByToken.delete(old.token);
    this.byId.set(rec.key_id, rec);
    this.idByToken.set(rec.token, rec.key_id);
  }

  remove(keyId: string): void {
    const old = this.byId.get(keyId);
    if (old === undefined) return;
    this.byId.delete(keyId);
    this.idByToken.delete(old.token);
    for (const [t, g] of this.grace) if (g.key_id === keyId) this.grace.delete(t);
  }

  addGrace(token: string, keyId: string, expiresAt: number): void {
    this.grace.set(token, { key_id: keyId, expiresAt });
  }

  removeGrace(token: string): void {
    this.grace.delete(token);
  }

  /** The key a hash authenticates as right now (current token, or a grace token not yet expired). */
  byHash(hash: string, now: number): KeyRecord | undefined {
    const id = this.idByToken.get(hash);
    if (id !== undefined) return this.byId.get(id);
    const g = this.grace.get(hash);
    if (g !== undefined && g.expiresAt > now) return this.byId.get(g.key_id);
    return undefined;
  }

  byKeyId(keyId: string): KeyRecord | undefined {
    return this.byId.get(keyId);
  }

  values(): IterableIterator<KeyRecord> {
    return this.byId.values();
  }

  get size(): number {
    return this.byId.size;
  }
}
