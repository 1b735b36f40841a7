// The running server bench/patients.ts measures: ephemeral, with a known identity key, the synthetic
// population of bench/patients-seed.ts, and its two clinicians signed in.
import { randomBytes } from 'node:crypto';
import type { Principal } from '../app/access/actor.ts';
import { systemClock } from '../server/clock.ts';
import { loadConfig } from '../server/config.ts';
import { IdentitySeal } from '../server/patients/identity-seal.ts';
import { type RunningServer, startServer } from '../server/server.ts';
import { buildUser, type BuiltUser, fastHasher } from '../tests/fixtures/factories.ts';
import { seedPatients, type SeededPopulation } from './patients-seed.ts';

export interface BenchClinician {
  readonly label: string;
  readonly user: BuiltUser;
  readonly token: string;
  readonly principal: Principal;
  /** How many patients the list shows them (every page, anonymised included). */
  readonly visible: number;
  /** A surname among the patients they enrolled, for the real-name search. */
  readonly surname: string;
}

export interface BenchWorld {
  readonly server: RunningServer;
  readonly population: SeededPopulation;
  /** Opens and indexes identities as the server does (same identity key). */
  readonly seal: IdentitySeal;
  readonly many: BenchClinician;
  readonly few: BenchClinician;
  close(): Promise<void>;
}

/** Starts the server, seeds `size` patients and signs the two measured clinicians in. */
export async function openBenchWorld(size: number): Promise<BenchWorld> {
  const identityKey = randomBytes(32);
  const server = await startServer(
    loadConfig(
      {
        CONSILIUM_HOST: '127.0.0.1',
        CONSILIUM_PORT: '0',
        CONSILIUM_LOG_LEVEL: 'silent',
        CONSILIUM_IDENTITY_KEY: identityKey.toString('base64'),
        // A long run must not see its tokens or sessions expire half-way.
        CONSILIUM_ACCESS_TOKEN_SECONDS: String(24 * 3600),
        CONSILIUM_SESSION_IDLE_SECONDS: String(24 * 3600),
      },
      ['--ephemeral'],
    ),
    { hasher: fastHasher },
  );
  try {
    const db = server.db.prisma;
    const small = await db.hcp.create({ data: { code: 'B999', name: 'Synthetic District Hospital', city: 'Esch-sur-Alzette', countryCode: 'LU' }, select: { id: true } });
    const manyUser = await buildUser(db, { hcp: { code: 'FR10', countryCode: 'FR' }, memberships: [{ ernId: 'ERKNet', role: 'HP' }, { ernId: 'ITHACA', role: 'HP' }], hasher: fastHasher });
    const fewUser = await buildUser(db, { hcp: { code: 'B999', countryCode: 'LU' }, memberships: [{ ernId: 'EpiCARE', role: 'HP' }], hasher: fastHasher });
    const hcpOf = async (userId: string) => (await db.user.findUniqueOrThrow({ where: { id: userId }, select: { hcpId: true } })).hcpId!;
    const seal = new IdentitySeal(identityKey);
    const population = seedPatients(server.db, seal, size, {
      many: { id: manyUser.id, hcpId: await hcpOf(manyUser.id), erns: ['ERKNet', 'ITHACA'] },
      few: { id: fewUser.id, hcpId: small.id, erns: ['EpiCARE'] },
    });
    const clinician = async (label: string, user: BuiltUser): Promise<BenchClinician> => {
      const { accessToken } = await server.services.identity.signIn({ username: user.username, password: user.password, code: user.code(systemClock) }, 'bench');
      const principal = await server.services.actors.load(await server.services.identity.authenticate(accessToken));
      const visible = (await server.services.patients.list(principal, { search: '', mine: false, includeAnonymised: true, sort: 'createdAt', direction: 'desc', page: 0, pageSize: 1 })).total;
      const surnames = [...(population.surnames.get(user.id) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1]);
      return { label, user, token: accessToken, principal, visible, surname: surnames[0]?.[0] ?? 'Nobody' };
    };
    return { server, population, seal, many: await clinician('many', manyUser), few: await clinician('few', fewUser), close: () => server.close() };
  } catch (error) {
    await server.close();
    throw error;
  }
}
