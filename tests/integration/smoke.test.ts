import { expect, test } from 'vitest';
import { startServer } from '../../server/server.ts';
import { loadConfig } from '../../server/config.ts';

test('starts', async () => {
  const server = await startServer({ ...loadConfig({ CONSILIUM_PORT: '0', CONSILIUM_LOG_LEVEL: 'silent' }, ['--demo']) });
  const res = await fetch(`${server.url}/trpc/system.info`);
  expect(res.status).toBe(200);
  await server.close();
});
