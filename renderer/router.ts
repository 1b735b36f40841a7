// Screens and who may see them: everything but sign-in needs a session.
import { createRouter, createWebHashHistory, createWebHistory, type RouteRecordRaw } from 'vue-router';
import AccessRequestsPage from './access/AccessRequestsPage.vue';
import RequestAccessPage from './access/RequestAccessPage.vue';
import AccountPage from './account/AccountPage.vue';
import ConsentPage from './account/ConsentPage.vue';
import AdminPage from './admin/AdminPage.vue';
import AuditLogPage from './audit/AuditLogPage.vue';
import DirectoryPage from './directory/DirectoryPage.vue';
import HomePage from './home/HomePage.vue';
import AddPatientPage from './patients/AddPatientPage.vue';
import PatientListPage from './patients/PatientListPage.vue';
import PatientRecordPage from './patients/PatientRecordPage.vue';
import LockedPage from './identity/LockedPage.vue';
import SignInPage from './identity/SignInPage.vue';
import { useSessionStore } from './identity/useSessionStore.ts';
import AppShell from './shell/AppShell.vue';
import PendingPage from './shell/PendingPage.vue';
import PrivacyRequestsPage from './patients/gdpr/PrivacyRequestsPage.vue';

const routes: RouteRecordRaw[] = [
  { path: '/sign-in', name: 'sign-in', component: SignInPage, meta: { public: true } },
  { path: '/consent', name: 'consent', component: ConsentPage },
  { path: '/locked', name: 'locked', component: LockedPage },
  {
    path: '/',
    component: AppShell,
    children: [
      { path: '', name: 'home', component: HomePage },
      { path: 'patients', name: 'patients', component: PatientListPage, meta: { permission: 'patients.read' } },
      { path: 'patients/new', name: 'add-patient', component: AddPatientPage, meta: { permission: 'patients.enrol' } },
      { path: 'patients/:patientId', name: 'patient', component: PatientRecordPage, meta: { permission: 'patients.read' } },
      { path: 'privacy-requests', name: 'privacy-requests', component: PrivacyRequestsPage, meta: { permission: 'patients.erase' } },
      { path: 'meetings', name: 'meetings', component: PendingPage, props: { titleKey: 'menu.meetings' } },
      { path: 'documents', name: 'documents', component: PendingPage, props: { titleKey: 'menu.supportingDocuments' } },
      { path: 'account', name: 'account', component: AccountPage },
      { path: 'access/request', name: 'request-access', component: RequestAccessPage },
      { path: 'access/requests', name: 'access-requests', component: AccessRequestsPage, meta: { permission: 'access.review' } },
      { path: 'directory', name: 'directory', component: DirectoryPage, meta: { permission: 'directory.search' } },
      { path: 'audit', name: 'audit', component: AuditLogPage, meta: { permission: 'audit.read' } },
      { path: 'admin', name: 'admin', component: AdminPage, meta: { permission: 'admin.roles' } },
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
    if (!session.signedIn) {
      const redirect = to.name === 'home' ? {} : { redirect: to.fullPath };
      return { name: 'sign-in', query: { ...(session.endedReason ? { reason: session.endedReason } : {}), ...redirect } };
    }
    // Locked after inactivity: the lock screen only, until the password is given again.
    if (session.locked) return to.name === 'locked' ? true : { name: 'locked' };
    if (to.name === 'locked') return { name: 'home' };
    // The privacy statement first, before anything else (the server refuses the rest anyway).
    if (session.me?.consentRequired) return to.name === 'consent' ? true : { name: 'consent' };
    if (to.name === 'consent') return { name: 'home' };
    const permission = to.meta.permission;
    if (typeof permission === 'string' && !session.can(permission)) return { name: 'home' };
    return true;
  });
  return router;
}
