// `consilium-server`: starts the central server from the environment and command line.
import { ConfigError, loadConfig } from './config.ts';
import { runServer } from './run.ts';

async function main(): Promise<void> {
  try {
    const config = loadConfig(process.env, process.argv.slice(2));
    const server = await runServer(config);
    const mode = config.training ? ' in TRAINING MODE (synthetic data only)' : '';
    console.log(`Consilium server listening on ${server.url}${mode}`);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`consilium-server: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
}

void main();
