// The authorisation matrix: every procedure of the router, called as every persona, is allowed or
// refused exactly as app/access/matrix.ts says for the permission it declares. A procedure that
// declares no permission (and is not on the short public list) fails the walk.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { matrix, personas } from '../../app/access/matrix.ts';
import { isPermission, type Permission } from '../../app/access/policy.ts';
import { appRouter } from '../../server/router.ts';
import type { ProcedureMeta } from '../../server/trpc.ts';
import { fastHasher, minutes } from '../fixtures/factories.ts';
import { callerFor, persona, type PersonaName } from '../fixtures/personas.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

/** Procedures anyone may call. Adding one here is a decision: say why in its router. */
const publicProcedures = ['identity.signIn', 'identity.refresh', 'identity.oidc.redeemTicket', 'system.info', 'training.demoCodes'];

interface ProcedureInfo {
  readonly path: string;
  readonly type: 'query' | 'mutation' | 'subscription';
  readonly meta: ProcedureMeta | undefined;
}

const procedures: ProcedureInfo[] = Object.entries((appRouter as unknown as { _def: { procedures: Record<string, { _def: { type: ProcedureInfo['type']; meta?: ProcedureMeta } }> } })._def.procedures).map(
  ([path, procedure]) => ({ path, type: procedure._def.type, meta: procedure._def.meta }),
);
const guarded = procedures.filter((p) => !publicProcedures.includes(p.path));

/** The app error code of a call, or 'ok'. Subscriptions are started and closed at once. */
async function outcome(api: ReturnType<typeof callerFor>, info: ProcedureInfo): Promise<string> {
  const call = info.path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], api) as (input: unknown) => Promise<unknown>;
  try {
    const result = await call({});
    if (info.type === 'subscription') await (result as AsyncIterator<unknown>).return?.();
    return 'ok';
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const code = (error as { code?: string }).code;
    if (cause?.code) return cause.code;
    return code === 'BAD_REQUEST' ? 'invalid_input' : (code ?? 'unknown');
  }
}

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ hasher: fastHasher });
});

afterAll(async () => {
  await t.close();
});

describe('the router', () => {
  test('every procedure declares a permission of the policy, or is one of the few public ones', () => {
    expect(procedures.length).toBeGreaterThan(30);
    for (const info of procedures) {
      if (publicProcedures.includes(info.path)) {
        expect(info.meta?.public, `${info.path} is listed as public`).toBe(true);
        continue;
      }
      expect(info.meta?.public, `${info.path} must not be public`).toBeUndefined();
      expect(isPermission(info.meta?.permission), `${info.path} declares no permission`).toBe(true);
    }
  });

  test('every permission is used by some procedure and has a row in the matrix', () => {
    const used = new Set(guarded.map((p) => p.meta?.permission));
    for (const permission of Object.keys(matrix) as Permission[]) expect(used.has(permission), `${permission} is used`).toBe(true);
  });
});

describe('anonymous callers', () => {
  test('are refused by every guarded procedure as not signed in', async () => {
    const anonymous = callerFor(t.server, undefined);
    for (const info of guarded) expect(`${info.path}: ${await outcome(anonymous, info)}`).toBe(`${info.path}: not_signed_in`);
  });
});

describe.each(personas)('as %s', (name) => {
  test.each(guarded.map((info) => [info.path, info] as const))('%s is allowed or refused as the matrix says', async (_path, info) => {
    const permission = info.meta!.permission!;
    const allowed = matrix[permission].includes(name);
    const { api } = await persona(t, name);
    const result = await outcome(api, info);
    if (allowed) {
      expect(['forbidden', 'consent_required', 'not_signed_in'], `${info.path} (${permission}) should be allowed for ${name}, got ${result}`).not.toContain(result);
    } else {
      const expected = name === 'consentPending' ? 'consent_required' : 'forbidden';
      expect(result, `${info.path} (${permission}) should be refused for ${name}`).toBe(expected);
    }
  });
});

describe.each<PersonaName>(['expiredGuest'])('as a guest whose access has ended', (name) => {
  test('every guarded procedure is refused', async () => {
    const { api } = await persona(t, name);
    t.clock.advance(minutes(2));
    try {
      for (const info of guarded) expect(`${info.path}: ${await outcome(api, info)}`).toBe(`${info.path}: guest_access_expired`);
    } finally {
      t.clock.advance(-minutes(2));
    }
  });
});
