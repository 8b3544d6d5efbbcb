export { checkRouteAccess, decideRouteAccess, type RouteDecision } from './route-access.ts';
export { modelAllowed, allowsAll, type ModelFacts } from './model-access.ts';
export { openGovernor, type Governor, type Ticket, type AdmitInput, type SettleInput, type LlmUsage } from './governor.ts';
