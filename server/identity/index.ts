export { identityRouter } from './router.ts';
