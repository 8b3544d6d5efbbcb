export { openDatabase, migrate, listMigrations, type Db, type Migration } from './db.ts';
export { KeysRepository, type KeyRecord, type GraceToken } from './keys-repo.ts';
export { AuditRepository, type AuditEntry, type AuditRow, type AuditQuery } from './audit-repo.ts';
