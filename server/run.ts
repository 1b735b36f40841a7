// Runs the server as a process: refuses what it cannot do yet, explains a busy port, stops on signals.
import { ConfigError, type ServerConfig } from './config.ts';
import { JournalCorruptError, WrongKeyError } from './db/durable/journal.ts';
import { DataDirectoryBusyError } from './db/durable/lock.ts';
import { type RunningServer, startServer } from './server.ts';

export async function runServer(config: ServerConfig): Promise<RunningServer> {
  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (error) {
    if (error instanceof WrongKeyError) {
      throw new ConfigError(`${error.message} Check CONSILIUM_DATA_KEY or CONSILIUM_DATA_KEY_FILE; nothing in ${config.storage?.dir} was changed.`);
    }
    if (error instanceof JournalCorruptError || error instanceof DataDirectoryBusyError) throw new ConfigError(error.message);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EACCES' || code === 'EROFS' || code === 'EIO') {
      throw new ConfigError(`The data directory ${config.storage?.dir} cannot be written (${code}): ${(error as Error).message}. Free space or fix its permissions, then start again.`);
    }
    if (code === 'EADDRINUSE') {
      throw new ConfigError(
        `Port ${config.port} on ${config.host} is already in use: is Consilium already running? ` +
          'Stop the other server or set CONSILIUM_PORT to a free port.',
      );
    }
    throw error;
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  // An operator's on-demand snapshot: kill -USR2 <pid>.
  process.on('SIGUSR2', () => {
    server.snapshot().then(
      (info) => server.log.info({ snapshot: info.name }, 'snapshot written on request'),
      (error: unknown) => server.log.error({ error: (error as Error).message }, 'snapshot on request failed'),
    );
  });
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return server;
}
