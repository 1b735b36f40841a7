// Sign-in through an OpenID Connect provider: what the rest of the server uses.
export { oidcRouter } from './router.ts';
export { registerOidcRoutes } from './routes.ts';
export { defaultOidcLimits, OidcService } from './service.ts';
export { discoverProvider, ProviderDiscoveryError } from './provider.ts';
export { OidcRepo } from './repo.ts';
export type { OidcConfig } from './config.ts';
