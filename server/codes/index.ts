export { codesRouter } from './router.ts';
