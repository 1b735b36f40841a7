// The Web Worker side of the harness: one request in, one report out.
import { run, type RunRequest } from './run.ts';

self.onmessage = async (event: MessageEvent<RunRequest>) => {
  self.postMessage(await run(event.data));
};
