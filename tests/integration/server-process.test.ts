// The `consilium-server` command as an operator meets it: started, refused, stopped.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DemoCodes } from '../../server/training/service.ts';
import { freePort, killAll, type ServerProcess, spawnServer } from '../fixtures/process.ts';
import { connect, listen } from '../fixtures/server.ts';

afterAll(killAll);

describe('a running server process', () => {
  let port: number;
  let first: ServerProcess;

  beforeAll(async () => {
    port = await freePort();
    first = spawnServer(['--demo'], { CONSILIUM_HOST: '127.0.0.1', CONSILIUM_PORT: String(port), CONSILIUM_LOG_LEVEL: 'warn' });
    await first.waitForOutput(/listening on/);
  });

  test('prints the address it listens on, and says it is in training mode', async () => {
    expect(first.stdout()).toContain(`Consilium server listening on http://127.0.0.1:${port} in TRAINING MODE`);
    const response = await fetch(`http://127.0.0.1:${port}/trpc/system.info`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ result: { data: { training: true } } });
  });

  test('a second server on the same port exits with an error saying the port is in use', async () => {
    const second = spawnServer(['--ephemeral'], { CONSILIUM_HOST: '127.0.0.1', CONSILIUM_PORT: String(port), CONSILIUM_LOG_LEVEL: 'warn' });
    expect(await second.exited).toBe(2);
    expect(second.stderr()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(second.stderr()).toContain('CONSILIUM_PORT');
    // The first one is unaffected.
    expect((await fetch(`http://127.0.0.1:${port}/trpc/system.info`)).status).toBe(200);
  });

  test('SIGTERM stops it gracefully with exit code 0, even with a live subscription, and frees the port', async () => {
    const client = connect(`http://127.0.0.1:${port}`);
    try {
      const codes = listen<DemoCodes>((callbacks) => client.api.training.demoCodes.subscribe(undefined, callbacks));
      expect((await codes.data()).accounts.length).toBeGreaterThan(0);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      codes.stop();
    } finally {
      await client.close();
    }
    await expect(fetch(`http://127.0.0.1:${port}/trpc/system.info`)).rejects.toThrow();
  });
});

describe('refusals at start', () => {
  test('SIGINT (Ctrl+C) stops a server with exit code 0 too', async () => {
    const server = spawnServer(['--ephemeral'], { CONSILIUM_HOST: '127.0.0.1', CONSILIUM_PORT: String(await freePort()), CONSILIUM_LOG_LEVEL: 'warn' });
    await server.waitForOutput(/listening on/);
    expect(server.stdout()).not.toContain('TRAINING MODE');
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  });

  test('without storage settings, --ephemeral or --demo it refuses to start, explaining the options', async () => {
    const server = spawnServer([], { CONSILIUM_PORT: String(await freePort()), CONSILIUM_LOG_LEVEL: 'warn' });
    const code = await server.exited;
    expect(code).not.toBe(0);
    expect(typeof code).toBe('number');
    expect(server.stderr()).toContain('CONSILIUM_DATA_DIR');
    expect(server.stderr()).toContain('--ephemeral');
    expect(server.stdout()).not.toContain('listening');
  });

  test('a bad environment variable stops it with a non-zero exit naming the variable', async () => {
    const server = spawnServer(['--ephemeral'], { CONSILIUM_PORT: 'eighty', CONSILIUM_LOG_LEVEL: 'warn' });
    const code = await server.exited;
    expect(code).not.toBe(0);
    expect(typeof code).toBe('number');
    expect(server.stderr()).toContain('CONSILIUM_PORT');
  });

  test('an unknown option stops it with a non-zero exit naming the option', async () => {
    const server = spawnServer(['--ephemeral', '--verbose'], { CONSILIUM_PORT: String(await freePort()), CONSILIUM_LOG_LEVEL: 'warn' });
    expect(await server.exited).toBe(2);
    expect(server.stderr()).toContain('--verbose');
  });
});
