import { apiDefinition } from './api-definitions.js';
import { API_VERSION, type Descriptor, titleCase, uniqueName } from './descriptor.js';
import {
  type ApiType,
  CHAPTERS,
  COMPANY,
  CORE_APIS,
  CORE_DOMAINS,
  CORE_PEOPLE,
  CORE_RESOURCES,
  CORE_SQUADS,
  CORE_SYSTEMS,
  CORE_TRIBES,
  GUILDS,
  type Role,
  WORDS,
} from './org-data.js';
import { createRandom, deriveSeed } from './random.js';

/** The demo user: a backend engineer in the Playback squad. Same at every size and seed. */
export const DEMO_USER_REF = `user:default/${CORE_PEOPLE[0]!.name}`;

export interface OrgTribe {
  name: string;
  displayName: string;
  description: string;
  squads: string[];
}

export interface OrgSquad {
  name: string;
  displayName: string;
  tribe: string;
  mission: string;
  members: string[];
}

export interface OrgPerson {
  name: string;
  displayName: string;
  email: string;
  squad: string;
  role: Role;
  /** Every group the person is a direct member of: the squad first, then chapter and guilds. */
  memberOf: string[];
}

export interface OrgSystem {
  name: string;
  title: string;
  owner: string;
  domain: string;
  description: string;
}

export interface OrgApi {
  name: string;
  type: ApiType;
  owner: string;
  system: string;
  description: string;
  resource: string;
}

export interface OrgResource {
  name: string;
  type: string;
  owner: string;
  system: string;
  description: string;
}

/** The whole demo organisation, as data and as descriptors grouped by the file they go in. */
export interface DemoOrg {
  department: string;
  tribes: OrgTribe[];
  squads: OrgSquad[];
  chapters: string[];
  guilds: string[];
  people: OrgPerson[];
  domains: { name: string; owner: string }[];
  systems: OrgSystem[];
  apis: OrgApi[];
  resources: OrgResource[];
  descriptors: {
    groups: Descriptor[];
    users: Descriptor[];
    domains: Descriptor[];
    systems: Descriptor[];
    apis: Descriptor[];
    resources: Descriptor[];
  };
}

export interface BuildDemoOrgOptions {
  /** Fleet size the organisation should staff: about one squad per four repositories, eight at least. */
  size?: number;
  seed?: number;
}

const ROLE_TITLES: Record<Role, string> = {
  backend: 'Backend engineer',
  frontend: 'Frontend engineer',
  data: 'Data engineer',
  sre: 'Site reliability engineer',
};

/**
 * Builds the demo organisation: one department, tribes, squads, two chapters,
 * two guilds, five people per squad, domains, systems, APIs and resources.
 * The hand-written core (3 tribes, 8 squads, 40 people) is always present;
 * larger sizes add generated tribes, squads, people, systems and databases.
 *
 * @example
 * const org = buildDemoOrg({ size: 30 });
 * org.descriptors.groups.length; // 1 department + 3 tribes + 8 squads + 2 chapters + 2 guilds
 */
export function buildDemoOrg(options: BuildDemoOrgOptions = {}): DemoOrg {
  const size = options.size ?? 30;
  const random = createRandom(deriveSeed(options.seed ?? 1, 'org'));
  const groupNames = new Set<string>([COMPANY.department]);
  const userNames = new Set<string>();

  const tribes: OrgTribe[] = CORE_TRIBES.map((t) => ({ ...t, squads: [] }));
  const squads: OrgSquad[] = CORE_SQUADS.map((s) => ({ ...s, members: [] }));
  for (const g of [...tribes, ...squads, ...CHAPTERS, ...GUILDS]) groupNames.add(g.name);

  const extraSquads = Math.max(0, Math.ceil(size / 4) - squads.length);
  const extraTribes = Math.ceil(extraSquads / 5);
  for (let i = 0; i < extraTribes; i++) {
    const word = WORDS.tribes[i % WORDS.tribes.length]!;
    const name = uniqueName(`${word}-tribe`, groupNames);
    tribes.push({
      name,
      displayName: titleCase(name.replace(/-tribe$/, '')),
      description: `The ${titleCase(word)} tribe.`,
      squads: [],
    });
  }
  for (let i = 0; i < extraSquads; i++) {
    const area = random.pick(WORDS.areas);
    const noun = random.pick(WORDS.nouns);
    const name = uniqueName(`${area}-${noun}-squad`, groupNames);
    const tribe = tribes[CORE_TRIBES.length + Math.floor(i / 5)]!;
    squads.push({
      name,
      displayName: titleCase(`${area}-${noun}`),
      tribe: tribe.name,
      mission: `Own the ${area} ${noun}.`,
      members: [],
    });
  }
  for (const squad of squads) tribes.find((t) => t.name === squad.tribe)!.squads.push(squad.name);

  const people: OrgPerson[] = [];
  const addPerson = (name: string, displayName: string, squad: OrgSquad, role: Role, guilds: readonly string[]) => {
    userNames.add(name);
    const chapter = CHAPTERS.find((c) => c.role === role)?.name;
    squad.members.push(name);
    people.push({
      name,
      displayName,
      email: `${name}@${COMPANY.emailDomain}`,
      squad: squad.name,
      role,
      memberOf: [squad.name, ...(chapter ? [chapter] : []), ...guilds],
    });
  };
  for (const p of CORE_PEOPLE)
    addPerson(p.name, p.displayName, squads.find((s) => s.name === p.squad)!, p.role, p.guilds);
  const roles: Role[] = ['backend', 'backend', 'backend', 'frontend', 'frontend', 'data', 'sre'];
  for (const squad of squads.slice(CORE_SQUADS.length)) {
    for (let i = 0; i < 5; i++) {
      const first = random.pick(WORDS.firstNames);
      const last = random.pick(WORDS.lastNames);
      const name = uniqueName(`${first}.${last}`.toLowerCase(), userNames);
      const guilds = GUILDS.filter(() => random.chance(0.15)).map((g) => g.name);
      addPerson(name, `${first} ${last}`, squad, random.pick(roles), guilds);
    }
  }

  const domains = CORE_DOMAINS.map((d) => ({ ...d }));
  const systems: OrgSystem[] = CORE_SYSTEMS.map((s) => ({ ...s }));
  const resources: OrgResource[] = CORE_RESOURCES.map((r) => ({ ...r }));
  const systemNames = new Set(systems.map((s) => s.name));
  const resourceNames = new Set(resources.map((r) => r.name));
  const extraSystems = Math.max(0, Math.ceil((size - 30) / 10));
  const extraOwners = squads.slice(CORE_SQUADS.length);
  for (let i = 0; i < extraSystems; i++) {
    const area = random.pick(WORDS.areas);
    const name = uniqueName(area, systemNames);
    const owner = extraOwners.length > 0 ? extraOwners[i % extraOwners.length]! : random.pick(squads);
    systems.push({
      name,
      title: titleCase(name),
      owner: owner.name,
      domain: random.pick(domains).name,
      description: `Everything about ${area}.`,
    });
    resources.push({
      name: uniqueName(`${name}-db`, resourceNames),
      type: 'database',
      owner: owner.name,
      system: name,
      description: `PostgreSQL: ${area} data.`,
    });
  }
  const apis: OrgApi[] = CORE_APIS.map((a) => ({ ...a }));

  const chapters = CHAPTERS.map((c) => c.name);
  const guilds = GUILDS.map((g) => g.name);
  return {
    department: COMPANY.department,
    tribes,
    squads,
    chapters,
    guilds,
    people,
    domains: domains.map((d) => ({ name: d.name, owner: d.owner })),
    systems,
    apis,
    resources,
    descriptors: {
      groups: groupDescriptors(tribes, squads),
      users: people.map(userDescriptor),
      domains: domains.map((d) => ({
        apiVersion: API_VERSION,
        kind: 'Domain',
        metadata: { name: d.name, title: d.title, description: d.description },
        spec: { owner: d.owner },
      })),
      systems: systems.map((s) => ({
        apiVersion: API_VERSION,
        kind: 'System',
        metadata: { name: s.name, title: s.title, description: s.description },
        spec: { owner: s.owner, domain: s.domain },
      })),
      apis: apis.map((a) => ({
        apiVersion: API_VERSION,
        kind: 'API',
        metadata: {
          name: a.name,
          title: titleCase(a.name).replace(/\bApi\b/, 'API'),
          description: a.description,
          tags: [a.type],
        },
        spec: { type: a.type, lifecycle: 'production', owner: a.owner, system: a.system, definition: apiDefinition(a) },
      })),
      resources: resources.map((r) => ({
        apiVersion: API_VERSION,
        kind: 'Resource',
        metadata: { name: r.name, title: titleCase(r.name), description: r.description, tags: [r.type] },
        spec: { type: r.type, owner: r.owner, system: r.system },
      })),
    },
  };
}

function groupDescriptor(input: {
  name: string;
  displayName: string;
  description: string;
  type: string;
  parent?: string;
  children: string[];
}): Descriptor {
  return {
    apiVersion: API_VERSION,
    kind: 'Group',
    metadata: { name: input.name, title: input.displayName, description: input.description },
    spec: {
      type: input.type,
      profile: { displayName: input.displayName, email: `${input.name}@${COMPANY.emailDomain}` },
      ...(input.parent ? { parent: input.parent } : {}),
      children: input.children,
    },
  };
}

function groupDescriptors(tribes: OrgTribe[], squads: OrgSquad[]): Descriptor[] {
  const department = COMPANY.department;
  return [
    groupDescriptor({
      name: department,
      displayName: `${COMPANY.name} Engineering`,
      description: `Everyone who builds ${COMPANY.name}.`,
      type: 'department',
      children: [...tribes.map((t) => t.name), ...CHAPTERS.map((c) => c.name), ...GUILDS.map((g) => g.name)],
    }),
    ...tribes.map((t) => groupDescriptor({ ...t, type: 'tribe', parent: department, children: [...t.squads] })),
    ...squads.map((s) =>
      groupDescriptor({ ...s, description: s.mission, type: 'squad', parent: s.tribe, children: [] }),
    ),
    ...CHAPTERS.map((c) =>
      groupDescriptor({
        ...c,
        description: `${titleCase(c.role)} engineers across every tribe.`,
        type: 'chapter',
        parent: department,
        children: [],
      }),
    ),
    ...GUILDS.map((g) => groupDescriptor({ ...g, type: 'guild', parent: department, children: [] })),
  ];
}

function userDescriptor(person: OrgPerson): Descriptor {
  return {
    apiVersion: API_VERSION,
    kind: 'User',
    metadata: { name: person.name, title: person.displayName, description: ROLE_TITLES[person.role] },
    spec: {
      profile: { displayName: person.displayName, email: person.email },
      memberOf: person.memberOf,
    },
  };
}
