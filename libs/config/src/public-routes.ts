/**
 * What answers on the public host: the gateway's paths (its JSON API, its documentation, its keys and
 * the system's status) go to the gateway, everything else to the pages (the web service). An ingress
 * routes them in a cluster (deploy/k8s); on one machine the web service forwards them (SERVE_API).
 * Matching as Kubernetes does: `prefix` takes the path and everything under it, `exact` the path only.
 */
export const GATEWAY_ROUTES = [
  { path: '/api', match: 'prefix' },
  { path: '/docs', match: 'prefix' },
  { path: '/.well-known', match: 'prefix' },
  { path: '/health', match: 'exact' },
] as const;

/** Whether the public path `path` is the gateway's. */
export function isGatewayPath(path: string): boolean {
  return GATEWAY_ROUTES.some((r) =>
    r.match === 'exact' ? path === r.path : path === r.path || path.startsWith(`${r.path}/`),
  );
}
