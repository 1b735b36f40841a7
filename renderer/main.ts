// Starts the workstation's user interface: finds the server (from the desktop bridge, or the page's
// own origin in a browser), connects, and sends the user to sign-in whenever a session ends.
import { theme } from './theme.ts';
import { TRPCClientError } from '@trpc/client';
import { createPinia } from 'pinia';
import PrimeVue from 'primevue/config';
import { createApp, watch } from 'vue';
import 'primeicons/primeicons.css';
import { configureApi, api } from './api/index.ts';
import App from './App.vue';
import { i18n } from './i18n/index.ts';
import { useSessionStore } from './identity/useSessionStore.ts';
import { bridgeVault, memoryVault } from './identity/vault.ts';
import { createAppRouter } from './router.ts';
import { useSystemInfo } from './shell/useSystemInfo.ts';
import './theme.css';

async function start(): Promise<void> {
  const bridge = window.consilium;
  const serverUrl = bridge ? (await bridge.config()).serverUrl : window.location.origin;

  const app = createApp(App);
  app.use(createPinia());
  app.use(i18n);
  app.use(PrimeVue, { theme });

  const session = useSessionStore();
  configureApi(serverUrl, {
    accessToken: () => session.accessToken,
    refresh: () => session.refresh(),
    sessionEnded: (code) => void session.end(code),
  });
  session.useVault(bridge ? bridgeVault(bridge) : memoryVault((refreshToken) => api().identity.refresh.mutate({ refreshToken })));

  const router = createAppRouter(Boolean(bridge));
  app.use(router);
  watch(
    () => session.signedIn,
    (signedIn) => {
      if (!signedIn && !router.currentRoute.value.meta.public) {
        void router.replace({ name: 'sign-in', query: session.endedReason ? { reason: session.endedReason } : {} });
      }
    },
  );

  await useSystemInfo().load().catch(() => undefined);
  app.mount('#app');
}

// Background loads (a list refreshed by a live event, a tab reloading) may fail when a session has
// just ended: the API client already sends the user to sign-in with the reason, so such failures are
// not errors of the page. Anything else still surfaces.
window.addEventListener('unhandledrejection', (event) => {
  if (event.reason instanceof TRPCClientError) event.preventDefault();
});

void start();
