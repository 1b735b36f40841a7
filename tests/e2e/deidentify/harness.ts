// Browser harness for the de-identification module (built by Vite in deidentify-browser.spec.ts):
// runs it in the page and in a module Web Worker, as the renderer will.
import { run, type RunReport, type RunRequest } from './run.ts';

declare global {
  interface Window {
    deidentifyInPage: (request: RunRequest) => Promise<RunReport>;
    deidentifyInWorker: (request: RunRequest) => Promise<RunReport>;
  }
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });

window.deidentifyInPage = run;
window.deidentifyInWorker = (request) =>
  new Promise((resolve) => {
    worker.onmessage = (event: MessageEvent<RunReport>) => resolve(event.data);
    worker.postMessage(request);
  });
