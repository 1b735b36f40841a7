// A patient's "Files" (SPEC PT-7): procedures, the HTTP routes for the bytes, and the service.
export { filesRouter } from './router.ts';
export { fileRoutes } from './routes.ts';
export { FilesService } from './service.ts';
export { blobReferenced, FilesRepo } from './repo.ts';
