/** Custom auth and custom_validate: the operator's functions, loaded beside the config file. */
export { createCustomAuthenticator, loadCustomAuth, loadCustomValidate, customPrincipalSchema, MAX_CUSTOM_MESSAGE } from './custom-authenticator.ts';
export type { CustomAuthenticator, CustomAuthDeps, CustomAuthFunction, CustomAuthRequest, CustomAuthResult, CustomValidateFunction } from './custom-authenticator.ts';
export { resolveSpec } from './load.ts';
export type { ResolvedSpec } from './load.ts';
