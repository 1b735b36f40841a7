// Scheduled jobs (retention and reviews): run every few seconds' worth of configuration, one run at
// a time, each outcome audited with no actor. Tests call `runAll()` with a moved clock instead of waiting.
import type { AuditLog } from '../audit/log.ts';
import type { ServiceLog, Services } from '../services.ts';

interface Job {
  readonly name: string;
  /** Does the work; returns the ids of the records it changed. */
  run(): Promise<string[]>;
  readonly recordType: string;
}

export function jobsOf(services: Services): Job[] {
  return [
    { name: 'jobs.expireGuests', recordType: 'user', run: () => services.access.expireGuests() },
    { name: 'jobs.flagInactiveAccounts', recordType: 'user', run: () => services.admin.flagInactiveAccounts() },
    { name: 'jobs.remindPatientReviews', recordType: 'patient', run: () => services.patientReview.remindDue() },
  ];
}

export interface Scheduler {
  /** Runs every job once now (after any run in progress). */
  runAll(): Promise<void>;
  stop(): void;
}

export function startScheduler(jobs: readonly Job[], everySeconds: number, audit: AuditLog, log: ServiceLog): Scheduler {
  let running: Promise<void> = Promise.resolve();
  const runAll = () => {
    running = running.then(async () => {
      for (const job of jobs) {
        try {
          for (const id of await job.run()) await audit.append({ actorId: null, action: job.name, recordType: job.recordType, recordId: id, outcome: 'success' });
        } catch (error) {
          log.error({ job: job.name, error: (error as Error).name }, 'scheduled job failed');
        }
      }
    });
    return running;
  };
  const timer = setInterval(() => void runAll(), everySeconds * 1000);
  timer.unref();
  return { runAll, stop: () => clearInterval(timer) };
}
