// Patients' identifying data at rest (SPEC GV-2): sealed under an identity key apart from the
// database's; no name in any file of the data directory; the key survives a data-key rotation; a
// server started with another identity key refuses to start instead of showing nothing.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { durableEnv, listFiles, otherDataKey, plaintextForms, stopAbruptly, tempDataDir, type TempDataDir } from '../fixtures/durable.ts';
import { fastHasher } from '../fixtures/factories.ts';
import { enrolment } from '../fixtures/patients.ts';
import { persona } from '../fixtures/personas.ts';
import { spawnServer } from '../fixtures/process.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

const dirs: TempDataDir[] = [];
let running: TestServer | undefined;
afterEach(async () => {
  await running?.close().catch(() => undefined);
  running = undefined;
  await Promise.all(dirs.splice(0).map((d) => d.remove()));
});

const input = enrolment({ identity: { firstName: 'Bérénice', lastName: 'Achterberg-Lindqvist', localId: 'HOSP-99887766', placeOfBirth: 'Uppsala' }, nickname: 'Tidal Cobalt 77' });

test('no file of the data directory holds a name, the local id or the birth date; the identity key survives a key rotation', async () => {
  const data = await tempDataDir();
  dirs.push(data);
  running = await startTestServer({ argv: [], env: durableEnv(data.dir), hasher: fastHasher });
  const lead = await persona(running, 'hp');
  const { id } = await lead.api.patients.enrol(input);
  await running.server.snapshot();
  await lead.api.patients.saveRecord({ patientId: id, version: 0, record: { summary: 'after the snapshot: in the journal' } });
  const clock = running.clock;
  await stopAbruptly(running);
  running = undefined;

  const files = await listFiles(data.dir);
  expect(files).toContain('IDENTITY_KEY');
  for (const file of files) {
    const bytes = await readFile(join(data.dir, file));
    for (const value of [input.identity.firstName, input.identity.lastName, input.identity.localId!, input.identity.placeOfBirth, input.identity.dateOfBirth]) {
      for (const form of plaintextForms(value)) expect(bytes.includes(form), `${value} in ${file}`).toBe(false);
    }
  }

  const target = join(data.root, 'rotated');
  const rekey = spawnServer(['--to', target], { ...durableEnv(data.dir), CONSILIUM_NEW_DATA_KEY: otherDataKey.toString('base64') }, { script: 'server/rekey.ts' });
  expect(await rekey.exited).toBe(0);
  running = await startTestServer({ argv: [], env: durableEnv(target, otherDataKey), hasher: fastHasher, clock });
  const gdpr = await persona(running, 'gdprOfficer');
  expect((await gdpr.api.patients.get({ patientId: id })).identity).toEqual(input.identity);
});

test('a server given another identity key than the one the patients were sealed with refuses to start, saying why', async () => {
  const data = await tempDataDir();
  dirs.push(data);
  const env = { ...durableEnv(data.dir), CONSILIUM_IDENTITY_KEY: Buffer.alloc(32, 7).toString('base64') };
  running = await startTestServer({ argv: [], env, hasher: fastHasher });
  await (await persona(running, 'hp')).api.patients.enrol(input);
  await running.close();
  running = undefined;
  await expect(startTestServer({ argv: [], env: { ...env, CONSILIUM_IDENTITY_KEY: Buffer.alloc(32, 8).toString('base64') }, hasher: fastHasher })).rejects.toThrow(/identity key does not open/);
  await expect(startTestServer({ argv: [], env: durableEnv(data.dir), hasher: fastHasher })).rejects.toThrow(/identity key does not open/);
});
