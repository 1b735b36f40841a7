// Screens and who may see them: everything but sign-in needs a session.
import { createRouter, createWebHashHistory, createWebHistory, type RouteRecordRaw } from 'vue-router';
import HomePage from './home/HomePage.vue';
import AccountPage from './identity/AccountPage.vue';
import SignInPage from './identity/SignInPage.vue';
import { useSessionStore } from './identity/useSessionStore.ts';
import AppShell from './shell/AppShell.vue';
import PendingPage from './shell/PendingPage.vue';

const routes: RouteRecordRaw[] = [
  { path: '/sign-in', name: 'sign-in', component: SignInPage, meta: { public: true } },
  {
    path: '/',
    component: AppShell,
    children: [
      { path: '', name: 'home', component: HomePage },
      { path: 'patients', name: 'patients', component: PendingPage, props: { titleKey: 'menu.patientRecords' } },
      { path: 'patients/new', name: 'add-patient', component: PendingPage, props: { titleKey: 'menu.addPatient' } },
      { path: 'meetings', name: 'meetings', component: PendingPage, props: { titleKey: 'menu.meetings' } },
      { path: 'documents', name: 'documents', component: PendingPage, props: { titleKey: 'menu.supportingDocuments' } },
      { path: 'account', name: 'account', component: AccountPage },
      // Loaded on demand: cornerstone3d is large and sign-in and Home must not pay for it.
      { path: 'imaging/studies/:studyUid', name: 'imaging-viewer', component: () => import('./imaging/ViewerPage.vue'), props: true },
    ],
  },
  { path: '/:unknown(.*)*', redirect: '/' },
];

/** Hash history in the desktop client (pages come from app://), path history in a browser. */
export function createAppRouter(desktop: boolean) {
  const router = createRouter({ history: desktop ? createWebHashHistory() : createWebHistory(), routes });
  router.beforeEach((to) => {
    const session = useSessionStore();
    if (to.meta.public) return session.signedIn && to.name === 'sign-in' ? { name: 'home' } : true;
    if (session.signedIn) return true;
    const redirect = to.name === 'home' ? {} : { redirect: to.fullPath };
    return { name: 'sign-in', query: { ...(session.endedReason ? { reason: session.endedReason } : {}), ...redirect } };
  });
  return router;
}
