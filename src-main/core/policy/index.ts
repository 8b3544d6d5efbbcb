export { checkRouteAccess, decideRouteAccess, type RouteDecision } from './route-access.ts';
export { modelAllowed, allowsAll, type ModelFacts } from './model-access.ts';
