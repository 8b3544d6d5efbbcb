export { loadConfig, parseConfig, ConfigError, formatPath, type LoadedConfig } from './load.ts';
