// A synthetic Patient Records population for bench/patients.ts: hospitals, clinicians and patients
// with participants, sealed identities and their name index, written in bulk on the raw connection.
//
// Shape (deterministic for a given size): 60 HCPs of skewed size (FR10 the largest), 2,000 ERN
// clinicians in 1-2 of 8 ERNs, patients enrolled by a skewed choice of clinician (at 100,000: about
// 2,000 for the busiest ordinary one, a few hundred for the next ones), 1.5 % anonymised, 0-3
// participants from other clinicians each, and two signed-in clinicians the benchmark measures:
// "many" (at FR10, enrolled 5 % of all patients) and "few" (alone at a small hospital: a dozen
// patients of their own and 20 records shared with them).
import { randomUUID } from 'node:crypto';
import { countries } from '../app/reference/countries.ts';
import { nicknameWords } from '../app/patients/nickname/words.ts';
import { nicknameKey } from '../app/patients/nickname/rules.ts';
import type { PatientIdentity, Sex } from '../app/patients/schemas.ts';
import { sexes } from '../app/patients/schemas.ts';
import type { Database } from '../server/db/database.ts';
import type { IdentitySeal } from '../server/patients/identity-seal.ts';

const erns = ['ERKNet', 'ITHACA', 'EpiCARE', 'PaedCan', 'ERN-EYE', 'EURACAN', 'MetabERN', 'VASCERN'];
const firstNames = [
  'Anna', 'Maria', 'Sofia', 'Emma', 'Lena', 'Julia', 'Eva', 'Clara', 'Chiara', 'Giulia', 'Léa', 'Chloé', 'Manon', 'Inès', 'Zoé',
  'Hanna', 'Ida', 'Elsa', 'Agnieszka', 'Zuzana', 'Tereza', 'Eliška', 'Lucía', 'Carmen', 'Mireia', 'Ana', 'Inês', 'Sara', 'Noor',
  'Fenna', 'Aoife', 'Siobhán', 'Katarzyna', 'Ieva', 'Laura', 'Marta', 'Olena', 'Ingrid', 'Astrid', 'Mette',
  'Lukas', 'Jonas', 'Felix', 'Paul', 'Luca', 'Marco', 'Matteo', 'Lorenzo', 'Hugo', 'Louis', 'Gabriel', 'Jules', 'Théo', 'Tomáš',
  'Jakub', 'Jan', 'Mateusz', 'Łukasz', 'Pablo', 'Álvaro', 'Jordi', 'João', 'Tiago', 'Daan', 'Sem', 'Finn', 'Oisín', 'Seán',
  'Mikkel', 'Oskar', 'Elias', 'Nikolaos', 'Giorgos', 'Bence', 'Márton', 'Andrei', 'Mihai', 'Ivan', 'Petar', 'Matej',
];
const lastNames = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann', 'Schäfer', 'Rossi', 'Russo',
  'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco', 'Martin', 'Bernard', 'Dubois', 'Thomas',
  'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Lefèvre', 'Girard', 'Novák', 'Svoboda', 'Novotný', 'Dvořák',
  'Černý', 'Procházka', 'Kučera', 'Veselý', 'Nowak', 'Kowalski', 'Wiśniewski', 'Wójcik', 'Kowalczyk', 'Kamiński', 'Lewandowski',
  'García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Silva', 'Santos', 'Ferreira',
  'Pereira', 'Oliveira', 'Costa', 'de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Visser', 'Smit',
  'Murphy', 'Kelly', "O'Sullivan", 'Walsh', 'Byrne', 'Nielsen', 'Jensen', 'Hansen', 'Andersen', 'Pedersen', 'Johansson',
  'Andersson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Virtanen', 'Korhonen', 'Mäkinen', 'Nagy', 'Kovács', 'Tóth',
  'Szabó', 'Horváth', 'Popescu', 'Ionescu', 'Popa', 'Papadopoulos', 'Georgiou', 'Horvat', 'Kovačević', 'Babić', 'Ivanov',
  'Petrov', 'Dimitrov', 'Kazlauskas', 'Bērziņš', 'Tamm', 'Saar', 'Borg', 'Camilleri', 'Schembri', 'Gruber', 'Huber', 'Bauer',
  'Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Schmit', 'Weber-Klein', 'Lindqvist', 'Berg', 'Shevchenko', 'Bondarenko',
];
const cities = ['Paris', 'Lyon', 'Berlin', 'Munich', 'Rome', 'Milan', 'Prague', 'Brno', 'Warsaw', 'Madrid', 'Barcelona', 'Lisbon', 'Amsterdam', 'Dublin', 'Stockholm', 'Helsinki', 'Vienna', 'Athens'];

/** Patients the "many" clinician enrols, as a share of all. */
const busyShare = 0.05;
const clinicianCount = 2000;
const hcpCount = 60;

/** A small fast PRNG (mulberry32), so every run seeds the same population. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How Prisma's SQLite adapter writes a DateTime. */
const sqlDate = (d: Date) => d.toISOString().replace('Z', '+00:00');

export interface SeededPopulation {
  readonly patients: number;
  /** Patients per enrolling clinician. */
  readonly enrolled: ReadonlyMap<string, number>;
  /** Surnames of the patients each clinician enrolled, with their counts (anonymised ones left out). */
  readonly surnames: ReadonlyMap<string, ReadonlyMap<string, number>>;
  readonly participants: number;
  readonly nameTokens: number;
  readonly seconds: number;
}

interface Clinician {
  readonly id: string;
  readonly hcpId: string;
  readonly erns: readonly string[];
}

/**
 * Writes the population on the server's connection in one transaction. `many` and `few` are users
 * already created (signed-in personas); `few` must be the only clinician at `fewHcpId`.
 */
export function seedPatients(db: Database, seal: IdentitySeal, size: number, personas: { many: Clinician; few: Clinician }): SeededPopulation {
  const started = performance.now();
  const random = prng(20_240_605);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const sqlite = db.sqlite;
  const now = new Date();

  const hcps: string[] = [];
  const insertHcp = sqlite.prepare('INSERT INTO "Hcp" ("id", "code", "name", "city", "countryCode", "guestAccess") VALUES (?, ?, ?, ?, ?, 0)');
  const insertUser = sqlite.prepare(
    'INSERT INTO "User" ("id", "username", "firstName", "lastName", "email", "countryCode", "profession", "hcpId", "passwordHash", "totpSecret", "createdAt", "consentVersion", "consentAcceptedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertMembership = sqlite.prepare('INSERT INTO "Membership" ("id", "userId", "ernId", "role", "createdAt") VALUES (?, ?, ?, \'HP\', ?)');
  const insertPatient = sqlite.prepare(
    'INSERT INTO "Patient" ("id", "pseudonymousId", "nickname", "nicknameKey", "ernId", "hcpId", "enrolledById", "sex", "birthYearMonth", "birthArea", "residenceArea", "identitySealed", "status", "createdAt", "updatedAt", "anonymisedAt", "reviewDueAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertParticipant = sqlite.prepare('INSERT INTO "PatientParticipant" ("patientId", "userId", "addedById", "createdAt") VALUES (?, ?, ?, ?)');
  const insertToken = sqlite.prepare('INSERT INTO "PatientNameToken" ("token", "patientId") VALUES (?, ?)');

  const surnames = new Map<string, Map<string, number>>();
  const enrolled = new Map<string, number>();
  // Names repeat (a few thousand pairs): their keyed hashes are computed once each.
  const tokensByName = new Map<string, string[]>();
  let participants = 0;
  const nameIndex: string[] = [];
  const tokenLength = seal.token('x').length;
  // Bulk load: secondary indexes are dropped and built again at the end (a sort, not a million
  // random inserts); name-index rows go in in key order. The primary keys stay.
  const tables = ['Patient', 'PatientNameToken', 'PatientParticipant'];
  const indexes = sqlite
    .prepare(`SELECT "name", "sql" FROM "sqlite_schema" WHERE "type" = 'index' AND "sql" IS NOT NULL AND "tbl_name" IN (${tables.map(() => '?').join(', ')})`)
    .all(...tables) as Array<{ name: string; sql: string }>;
  // The rows are consistent by construction: checking each reference would be work for nothing.
  sqlite.pragma('foreign_keys = OFF');
  sqlite.transaction(() => {
    for (const index of indexes) sqlite.exec(`DROP INDEX "${index.name}"`);
    // Hospitals: the 8 reference ones plus synthetic ones, the earlier the bigger.
    for (const row of sqlite.prepare('SELECT "id" FROM "Hcp" WHERE "guestAccess" = 0 ORDER BY "code" = \'FR10\' DESC, "code"').all() as Array<{ id: string }>) hcps.push(row.id);
    for (let i = hcps.length; i < hcpCount; i++) {
      const id = randomUUID();
      insertHcp.run(id, `B${String(i).padStart(3, '0')}`, `Synthetic University Hospital ${i}`, pick(cities), countries[i % countries.length]!.code);
      hcps.push(id);
    }
    const hcpWeights = hcps.map((id, k) => (id === personas.few.hcpId ? 0 : 1 / (k + 1) ** 0.8));
    const hcpTotal = hcpWeights.reduce((a, b) => a + b, 0);
    const weightedHcp = () => {
      let r = random() * hcpTotal;
      for (let k = 0; k < hcps.length; k++) if ((r -= hcpWeights[k]!) <= 0) return hcps[k]!;
      return hcps[0]!;
    };

    const clinicians: Clinician[] = [];
    const created = sqlDate(now);
    for (let i = 0; i < clinicianCount; i++) {
      const id = randomUUID();
      const hcpId = weightedHcp();
      const ernsOf = random() < 0.3 ? [pick(erns), pick(erns)].filter((e, k, all) => all.indexOf(e) === k) : [pick(erns)];
      insertUser.run(id, `bench.clinician${i}`, pick(firstNames), pick(lastNames), `bench.clinician${i}@hospital.test`, 'FR', 'Paediatrician', hcpId, 'sha256:unused', 'J7UGMKUSMCJQBANGDFGJLSILTY7JKVNU', created, '2025-01', created);
      for (const ernId of ernsOf) insertMembership.run(randomUUID(), id, ernId, created);
      clinicians.push({ id, hcpId, erns: ernsOf });
    }

    const startMs = Date.UTC(2021, 0, 1);
    const spanMs = Date.UTC(2026, 0, 1) - startMs;
    const usedKeys = new Set<string>();
    const fewEvery = Math.max(1, Math.floor(size / 12));
    for (let i = 0; i < size; i++) {
      const enroller = i % Math.round(1 / busyShare) === 0 ? personas.many : i % fewEvery === 7 ? personas.few : clinicians[Math.floor(clinicianCount * random() ** 2)]!;
      enrolled.set(enroller.id, (enrolled.get(enroller.id) ?? 0) + 1);
      const id = randomUUID();
      let nickname: string;
      do nickname = `${pick(nicknameWords)} ${pick(nicknameWords)} ${Math.floor(random() * 1000)}`;
      while (usedKeys.has(nicknameKey(nickname)));
      usedKeys.add(nicknameKey(nickname));
      const createdAt = new Date(startMs + Math.floor((spanMs * (i + random())) / size));
      const birth = new Date(Date.UTC(2000 + Math.floor(random() * 25), Math.floor(random() * 12), 1 + Math.floor(random() * 28)));
      const anonymised = random() < 0.015;
      const identity: PatientIdentity = {
        firstName: pick(firstNames),
        lastName: pick(lastNames),
        dateOfBirth: birth.toISOString().slice(0, 10),
        placeOfBirth: pick(cities),
        nationality: pick(countries).code,
        localId: `MRN${Math.floor(random() * 1e8)}`,
      };
      const at = sqlDate(createdAt);
      insertPatient.run(
        id, `CS-${id.replace(/-/g, '').slice(0, 10).toUpperCase()}`, nickname, nicknameKey(nickname), pick(enroller.erns), enroller.hcpId, enroller.id,
        pick(sexes) satisfies Sex, anonymised ? identity.dateOfBirth.slice(0, 4) : identity.dateOfBirth.slice(0, 7), pick(countries).code, pick(countries).code,
        anonymised ? null : seal.seal(id, identity), anonymised ? 'anonymised' : 'active', at, at, anonymised ? at : null, sqlDate(new Date(createdAt.getTime() + 15 * 365.25 * 86_400_000)),
      );
      if (!anonymised) {
        const name = `${identity.firstName} ${identity.lastName}`;
        const tokens = tokensByName.get(name) ?? seal.nameTokens(identity);
        tokensByName.set(name, tokens);
        for (const token of tokens) nameIndex.push(token + id);
                const own = surnames.get(enroller.id) ?? new Map<string, number>();
        own.set(identity.lastName, (own.get(identity.lastName) ?? 0) + 1);
        surnames.set(enroller.id, own);
      }
      const r = random();
      const count = r < 0.45 ? 0 : r < 0.8 ? 1 : r < 0.95 ? 2 : 3;
      const invited = new Set<string>([enroller.id]);
      // Both measured clinicians are invited to some others' records: "few" to 20 in all, "many" to 1 in 200.
      for (const [persona, every, offset] of [[personas.few, Math.max(1, Math.floor(size / 20)), 3], [personas.many, 200, 11]] as const) {
        if (i % every !== offset || invited.has(persona.id)) continue;
        insertParticipant.run(id, persona.id, enroller.id, at);
        invited.add(persona.id);
        participants++;
      }
      for (let k = 0; k < count; k++) {
        const user = pick(clinicians).id;
        if (invited.has(user)) continue;
        invited.add(user);
        insertParticipant.run(id, user, enroller.id, at);
        participants++;
      }
    }
    // Fixed-width token then id: sorting the joined strings sorts by (token, patientId).
    nameIndex.sort();
    for (const entry of nameIndex) insertToken.run(entry.slice(0, tokenLength), entry.slice(tokenLength));
    for (const index of indexes) sqlite.exec(index.sql);
  })();
  sqlite.pragma('foreign_keys = ON');
  return { patients: size, enrolled, surnames, participants, nameTokens: nameIndex.length, seconds: (performance.now() - started) / 1000 };
}
