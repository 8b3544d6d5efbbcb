export { createLogger, scrubSecrets, REDACT_PATHS, type Logger } from './logger.ts';
export { Metrics } from './metrics.ts';
