/**
 * Structured logs with pino. Secrets are redacted by path (credential headers, key fields) and
 * keys inside URLs are abbreviated before a line is written: redaction by design, not by hope.
 */
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-litellm-api-key"]',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  'req.headers["x-goog-api-key"]',
  'req.headers.cookie',
  '*.api_key',
  '*.master_key',
  '*.client_secret',
  '*.key',
  '*.token',
  '*.session_token',
];

const KEY_IN_TEXT = /(sk-|tgs_|tgl_)[A-Za-z0-9_-]{8,}/g;

/** Abbreviates anything that looks like a key or session token in free text (URLs, messages). */
export function scrubSecrets(text: string): string {
  return text.replace(KEY_IN_TEXT, (m) => `${m.slice(0, m.indexOf('_') === 3 ? 4 : 3)}...${m.slice(-4)}`);
}

export function createLogger(options: { level?: string; destination?: DestinationStream | { write(line: string): void } } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.TOLLGATE_LOG_LEVEL ?? 'info',
      base: { app: 'tollgate' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    (options.destination as DestinationStream | undefined) ?? pino.destination({ fd: 2, sync: false }),
  );
}
