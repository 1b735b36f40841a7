// Runs the server as a process: refuses what it cannot do yet, explains a busy port, stops on signals.
import { ConfigError, type ServerConfig } from './config.ts';
import { type RunningServer, startServer } from './server.ts';

export async function runServer(config: ServerConfig): Promise<RunningServer> {
  if (!config.ephemeral) {
    throw new ConfigError(
      'Durable storage (the encrypted journal) is not available in this version. Start with --ephemeral ' +
        '(memory only: everything is lost when the server stops) or --demo (ephemeral, with training data).',
    );
  }
  let server: RunningServer;
  try {
    server = await startServer(config);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
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
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  return server;
}
