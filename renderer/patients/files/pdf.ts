// pdf.js, loaded only when a PDF is previewed. Its worker is a file of the app (the CSP allows
// workers from the app only), and it runs no script from the document and evaluates no strings.
import type { PDFDocumentLoadingTask } from 'pdfjs-dist';
import PdfWorker from 'pdfjs-dist/build/pdf.worker.min.mjs?worker';

let worker: Worker | undefined;

/** Starts reading a PDF held in memory; destroy the task when done with it. */
export async function openPdf(data: ArrayBuffer): Promise<PDFDocumentLoadingTask> {
  const pdfjs = await import('pdfjs-dist');
  worker ??= new PdfWorker();
  pdfjs.GlobalWorkerOptions.workerPort = worker;
  return pdfjs.getDocument({
    // A copy: pdf.js transfers the buffer to its worker, and the caller may keep its own.
    data: new Uint8Array(data.slice(0)),
    isEvalSupported: false,
    enableXfa: false,
    disableAutoFetch: true,
    stopAtErrors: false,
  });
}
