/**
 * The hand-written core of the demo organisation: Cadence, a fictional music
 * streaming company. Small fleets use exactly this; larger fleets add generated
 * tribes, squads and people around it, so the core names are stable at every size.
 */

export const COMPANY = {
  name: 'Cadence',
  slug: 'cadence',
  emailDomain: 'cadence.example',
  gitHost: 'git.cadence.example',
  department: 'cadence-engineering',
} as const;

export type Role = 'backend' | 'frontend' | 'data' | 'sre';

export interface CoreTribe {
  name: string;
  displayName: string;
  description: string;
}

export interface CoreSquad {
  name: string;
  displayName: string;
  tribe: string;
  mission: string;
}

export interface CorePerson {
  name: string;
  displayName: string;
  squad: string;
  role: Role;
  guilds: string[];
}

export const CORE_TRIBES: readonly CoreTribe[] = [
  {
    name: 'listening-tribe',
    displayName: 'Listening',
    description: 'Everything a listener touches: playback, discovery and playlists.',
  },
  {
    name: 'creators-tribe',
    displayName: 'Creators',
    description: 'Tools that help artists publish music and get paid.',
  },
  {
    name: 'platform-tribe',
    displayName: 'Platform',
    description: 'Data and developer platforms the other tribes build on.',
  },
];

export const CORE_SQUADS: readonly CoreSquad[] = [
  {
    name: 'playback-squad',
    displayName: 'Playback',
    tribe: 'listening-tribe',
    mission: 'Start every track in under 200 ms.',
  },
  {
    name: 'discovery-squad',
    displayName: 'Discovery',
    tribe: 'listening-tribe',
    mission: 'Help listeners find their next favourite song.',
  },
  {
    name: 'playlists-squad',
    displayName: 'Playlists',
    tribe: 'listening-tribe',
    mission: 'Make playlists easy to build, share and follow.',
  },
  {
    name: 'artist-tools-squad',
    displayName: 'Artist Tools',
    tribe: 'creators-tribe',
    mission: 'Give artists a home for their catalogue and audience.',
  },
  {
    name: 'royalties-squad',
    displayName: 'Royalties',
    tribe: 'creators-tribe',
    mission: 'Pay every rights holder correctly and on time.',
  },
  {
    name: 'uploads-squad',
    displayName: 'Uploads',
    tribe: 'creators-tribe',
    mission: 'Turn a master recording into a streamable release.',
  },
  {
    name: 'data-platform-squad',
    displayName: 'Data Platform',
    tribe: 'platform-tribe',
    mission: 'Reliable listening data for every team.',
  },
  {
    name: 'developer-experience-squad',
    displayName: 'Developer Experience',
    tribe: 'platform-tribe',
    mission: 'Golden paths from idea to production.',
  },
];

export const CHAPTERS = [
  { name: 'backend-chapter', displayName: 'Backend Chapter', role: 'backend' as Role },
  { name: 'frontend-chapter', displayName: 'Frontend Chapter', role: 'frontend' as Role },
] as const;

export const GUILDS = [
  { name: 'security-guild', displayName: 'Security Guild', description: 'People who care about keeping Cadence safe.' },
  {
    name: 'observability-guild',
    displayName: 'Observability Guild',
    description: 'Logs, metrics, traces and the dashboards in between.',
  },
] as const;

const S = 'security-guild';
const O = 'observability-guild';

/** Forty people, five per squad. The first is the demo user. */
export const CORE_PEOPLE: readonly CorePerson[] = [
  { name: 'maya.okafor', displayName: 'Maya Okafor', squad: 'playback-squad', role: 'backend', guilds: [O] },
  { name: 'liam.chen', displayName: 'Liam Chen', squad: 'playback-squad', role: 'backend', guilds: [] },
  { name: 'sofia.marquez', displayName: 'Sofía Márquez', squad: 'playback-squad', role: 'frontend', guilds: [] },
  { name: 'arjun.patel', displayName: 'Arjun Patel', squad: 'playback-squad', role: 'sre', guilds: [O, S] },
  { name: 'hannah.schmidt', displayName: 'Hannah Schmidt', squad: 'playback-squad', role: 'backend', guilds: [S] },
  { name: 'kenji.watanabe', displayName: 'Kenji Watanabe', squad: 'discovery-squad', role: 'data', guilds: [] },
  { name: 'amara.nwosu', displayName: 'Amara Nwosu', squad: 'discovery-squad', role: 'backend', guilds: [O] },
  { name: 'lucas.moreau', displayName: 'Lucas Moreau', squad: 'discovery-squad', role: 'frontend', guilds: [] },
  { name: 'priya.raman', displayName: 'Priya Raman', squad: 'discovery-squad', role: 'data', guilds: [S] },
  { name: 'oskar.lindqvist', displayName: 'Oskar Lindqvist', squad: 'discovery-squad', role: 'backend', guilds: [] },
  { name: 'zoe.anderson', displayName: 'Zoe Anderson', squad: 'playlists-squad', role: 'frontend', guilds: [] },
  { name: 'mateo.rossi', displayName: 'Mateo Rossi', squad: 'playlists-squad', role: 'backend', guilds: [O] },
  { name: 'fatima.haddad', displayName: 'Fatima Haddad', squad: 'playlists-squad', role: 'backend', guilds: [S] },
  { name: 'noah.kim', displayName: 'Noah Kim', squad: 'playlists-squad', role: 'frontend', guilds: [] },
  { name: 'ingrid.solberg', displayName: 'Ingrid Solberg', squad: 'playlists-squad', role: 'sre', guilds: [O] },
  { name: 'chloe.dubois', displayName: 'Chloé Dubois', squad: 'artist-tools-squad', role: 'frontend', guilds: [] },
  { name: 'daniel.mensah', displayName: 'Daniel Mensah', squad: 'artist-tools-squad', role: 'backend', guilds: [S] },
  { name: 'yuki.tanaka', displayName: 'Yuki Tanaka', squad: 'artist-tools-squad', role: 'frontend', guilds: [] },
  { name: 'elena.popescu', displayName: 'Elena Popescu', squad: 'artist-tools-squad', role: 'backend', guilds: [O] },
  { name: 'samuel.cohen', displayName: 'Samuel Cohen', squad: 'artist-tools-squad', role: 'frontend', guilds: [] },
  { name: 'grace.adeyemi', displayName: 'Grace Adeyemi', squad: 'royalties-squad', role: 'backend', guilds: [S] },
  { name: 'tomas.silva', displayName: 'Tomás Silva', squad: 'royalties-squad', role: 'backend', guilds: [] },
  { name: 'aisha.rahman', displayName: 'Aisha Rahman', squad: 'royalties-squad', role: 'data', guilds: [] },
  { name: 'felix.wagner', displayName: 'Felix Wagner', squad: 'royalties-squad', role: 'backend', guilds: [O] },
  { name: 'olivia.brown', displayName: 'Olivia Brown', squad: 'royalties-squad', role: 'frontend', guilds: [] },
  { name: 'ravi.iyer', displayName: 'Ravi Iyer', squad: 'uploads-squad', role: 'backend', guilds: [] },
  { name: 'emma.johansson', displayName: 'Emma Johansson', squad: 'uploads-squad', role: 'backend', guilds: [S] },
  { name: 'kwame.asante', displayName: 'Kwame Asante', squad: 'uploads-squad', role: 'sre', guilds: [O] },
  { name: 'lea.novak', displayName: 'Lea Novak', squad: 'uploads-squad', role: 'frontend', guilds: [] },
  { name: 'diego.fernandez', displayName: 'Diego Fernández', squad: 'uploads-squad', role: 'backend', guilds: [] },
  { name: 'mei.lin', displayName: 'Mei Lin', squad: 'data-platform-squad', role: 'data', guilds: [O] },
  { name: 'jonas.becker', displayName: 'Jonas Becker', squad: 'data-platform-squad', role: 'data', guilds: [] },
  { name: 'nadia.petrova', displayName: 'Nadia Petrova', squad: 'data-platform-squad', role: 'data', guilds: [S] },
  { name: 'samir.khalil', displayName: 'Samir Khalil', squad: 'data-platform-squad', role: 'backend', guilds: [] },
  { name: 'ruth.goldberg', displayName: 'Ruth Goldberg', squad: 'data-platform-squad', role: 'sre', guilds: [O, S] },
  { name: 'ana.costa', displayName: 'Ana Costa', squad: 'developer-experience-squad', role: 'frontend', guilds: [] },
  { name: 'ben.carter', displayName: 'Ben Carter', squad: 'developer-experience-squad', role: 'backend', guilds: [S] },
  {
    name: 'leila.farahani',
    displayName: 'Leila Farahani',
    squad: 'developer-experience-squad',
    role: 'sre',
    guilds: [O],
  },
  {
    name: 'victor.nguyen',
    displayName: 'Victor Nguyen',
    squad: 'developer-experience-squad',
    role: 'backend',
    guilds: [],
  },
  {
    name: 'sara.virtanen',
    displayName: 'Sara Virtanen',
    squad: 'developer-experience-squad',
    role: 'sre',
    guilds: [S],
  },
];

export const CORE_DOMAINS = [
  {
    name: 'listening',
    title: 'Listening experience',
    owner: 'listening-tribe',
    description: 'How people find and play music.',
  },
  {
    name: 'creators',
    title: 'Creator platform',
    owner: 'creators-tribe',
    description: 'How artists publish music and get paid.',
  },
] as const;

export const CORE_SYSTEMS = [
  {
    name: 'audio-playback',
    title: 'Audio Playback',
    owner: 'playback-squad',
    domain: 'listening',
    description: 'Streams audio to every client.',
  },
  {
    name: 'music-discovery',
    title: 'Music Discovery',
    owner: 'discovery-squad',
    domain: 'listening',
    description: 'Recommendations, search, playlists and the home feed.',
  },
  {
    name: 'artist-portal',
    title: 'Artist Portal',
    owner: 'artist-tools-squad',
    domain: 'creators',
    description: 'Where artists manage releases and audience.',
  },
  {
    name: 'royalties',
    title: 'Royalties',
    owner: 'royalties-squad',
    domain: 'creators',
    description: 'Statements and payouts for rights holders.',
  },
  {
    name: 'data-platform',
    title: 'Data Platform',
    owner: 'data-platform-squad',
    domain: 'listening',
    description: 'Listening events, warehouse and experiments.',
  },
] as const;

export type ApiType = 'openapi' | 'grpc' | 'asyncapi';

export const CORE_APIS: readonly {
  name: string;
  type: ApiType;
  owner: string;
  system: string;
  description: string;
  resource: string;
}[] = [
  {
    name: 'playback-api',
    type: 'openapi',
    owner: 'playback-squad',
    system: 'audio-playback',
    description: 'Start, pause and seek playback sessions.',
    resource: 'sessions',
  },
  {
    name: 'stream-events',
    type: 'asyncapi',
    owner: 'playback-squad',
    system: 'audio-playback',
    description: 'One event per stream start, skip and completion.',
    resource: 'stream',
  },
  {
    name: 'recommendations-api',
    type: 'grpc',
    owner: 'discovery-squad',
    system: 'music-discovery',
    description: 'Personalised track and artist recommendations.',
    resource: 'Recommendations',
  },
  {
    name: 'playlists-api',
    type: 'openapi',
    owner: 'playlists-squad',
    system: 'music-discovery',
    description: 'Create, edit and follow playlists.',
    resource: 'playlists',
  },
  {
    name: 'artist-api',
    type: 'openapi',
    owner: 'artist-tools-squad',
    system: 'artist-portal',
    description: 'Artist profiles, releases and audience stats.',
    resource: 'artists',
  },
  {
    name: 'uploads-api',
    type: 'grpc',
    owner: 'uploads-squad',
    system: 'artist-portal',
    description: 'Resumable uploads of master recordings.',
    resource: 'Uploads',
  },
  {
    name: 'royalty-statements-api',
    type: 'openapi',
    owner: 'royalties-squad',
    system: 'royalties',
    description: 'Monthly royalty statements per rights holder.',
    resource: 'statements',
  },
  {
    name: 'listening-history-events',
    type: 'asyncapi',
    owner: 'data-platform-squad',
    system: 'data-platform',
    description: 'Cleaned, deduplicated listening history.',
    resource: 'history',
  },
];

export const CORE_RESOURCES = [
  {
    name: 'playback-db',
    type: 'database',
    owner: 'playback-squad',
    system: 'audio-playback',
    description: 'PostgreSQL: playback sessions and device state.',
  },
  {
    name: 'stream-events-topic',
    type: 'queue',
    owner: 'playback-squad',
    system: 'audio-playback',
    description: 'Kafka topic carrying stream events.',
  },
  {
    name: 'recommendations-cache',
    type: 'cache',
    owner: 'discovery-squad',
    system: 'music-discovery',
    description: 'Redis: precomputed recommendations.',
  },
  {
    name: 'playlists-db',
    type: 'database',
    owner: 'playlists-squad',
    system: 'music-discovery',
    description: 'PostgreSQL: playlists and followers.',
  },
  {
    name: 'artist-db',
    type: 'database',
    owner: 'artist-tools-squad',
    system: 'artist-portal',
    description: 'PostgreSQL: artist profiles and releases.',
  },
  {
    name: 'uploads-bucket',
    type: 's3-bucket',
    owner: 'uploads-squad',
    system: 'artist-portal',
    description: 'Object storage for master recordings.',
  },
  {
    name: 'ingest-queue',
    type: 'queue',
    owner: 'uploads-squad',
    system: 'artist-portal',
    description: 'RabbitMQ queue of releases waiting for transcoding.',
  },
  {
    name: 'royalties-db',
    type: 'database',
    owner: 'royalties-squad',
    system: 'royalties',
    description: 'PostgreSQL: ledgers, statements and payouts.',
  },
  {
    name: 'listening-warehouse',
    type: 'database',
    owner: 'data-platform-squad',
    system: 'data-platform',
    description: 'Columnar warehouse of listening history.',
  },
] as const;

export type RepoKind = 'node-service' | 'java-service' | 'library' | 'website' | 'pipeline';

export interface CoreRepo {
  name: string;
  kind: RepoKind;
  owner: string;
  system?: string;
  description: string;
  providesApis?: string[];
  consumesApis?: string[];
  resources?: string[];
}

/** Thirty repositories; the first five cover every kind, so even tiny fleets are varied. */
export const CORE_REPOS: readonly CoreRepo[] = [
  {
    name: 'playback-service',
    kind: 'node-service',
    owner: 'playback-squad',
    system: 'audio-playback',
    description: 'Owns playback sessions for every device.',
    providesApis: ['playback-api', 'stream-events'],
    consumesApis: ['recommendations-api'],
    resources: ['playback-db', 'stream-events-topic'],
  },
  {
    name: 'royalty-calculator',
    kind: 'java-service',
    owner: 'royalties-squad',
    system: 'royalties',
    description: 'Computes royalties from listening history.',
    consumesApis: ['listening-history-events'],
    resources: ['royalties-db'],
  },
  {
    name: 'ui-kit',
    kind: 'library',
    owner: 'developer-experience-squad',
    description: 'Shared React components and design tokens.',
  },
  {
    name: 'web-player',
    kind: 'website',
    owner: 'playback-squad',
    system: 'audio-playback',
    description: 'The browser player.',
    consumesApis: ['playback-api', 'playlists-api', 'recommendations-api'],
  },
  {
    name: 'listening-history-pipeline',
    kind: 'pipeline',
    owner: 'data-platform-squad',
    system: 'data-platform',
    description: 'Cleans stream events into listening history.',
    providesApis: ['listening-history-events'],
    consumesApis: ['stream-events'],
    resources: ['listening-warehouse', 'stream-events-topic'],
  },
  {
    name: 'recommendations-service',
    kind: 'java-service',
    owner: 'discovery-squad',
    system: 'music-discovery',
    description: 'Serves personalised recommendations.',
    providesApis: ['recommendations-api'],
    consumesApis: ['listening-history-events'],
    resources: ['recommendations-cache'],
  },
  {
    name: 'playlist-service',
    kind: 'node-service',
    owner: 'playlists-squad',
    system: 'music-discovery',
    description: 'Playlists, collaborators and followers.',
    providesApis: ['playlists-api'],
    resources: ['playlists-db'],
  },
  {
    name: 'artist-service',
    kind: 'node-service',
    owner: 'artist-tools-squad',
    system: 'artist-portal',
    description: 'Artist profiles and releases.',
    providesApis: ['artist-api'],
    resources: ['artist-db'],
  },
  {
    name: 'artist-portal-web',
    kind: 'website',
    owner: 'artist-tools-squad',
    system: 'artist-portal',
    description: 'The web app artists sign in to.',
    consumesApis: ['artist-api', 'uploads-api', 'royalty-statements-api'],
  },
  {
    name: 'upload-service',
    kind: 'java-service',
    owner: 'uploads-squad',
    system: 'artist-portal',
    description: 'Receives master recordings.',
    providesApis: ['uploads-api'],
    resources: ['uploads-bucket', 'ingest-queue'],
  },
  {
    name: 'statements-service',
    kind: 'node-service',
    owner: 'royalties-squad',
    system: 'royalties',
    description: 'Publishes monthly royalty statements.',
    providesApis: ['royalty-statements-api'],
    resources: ['royalties-db'],
  },
  {
    name: 'audio-transcoder',
    kind: 'java-service',
    owner: 'uploads-squad',
    system: 'artist-portal',
    description: 'Transcodes masters into streaming formats.',
    resources: ['ingest-queue', 'uploads-bucket'],
  },
  {
    name: 'stream-gateway',
    kind: 'java-service',
    owner: 'playback-squad',
    system: 'audio-playback',
    description: 'Edge gateway that serves audio segments.',
    consumesApis: ['playback-api'],
  },
  {
    name: 'taste-profile-pipeline',
    kind: 'pipeline',
    owner: 'discovery-squad',
    system: 'music-discovery',
    description: 'Builds nightly taste profiles.',
    consumesApis: ['listening-history-events'],
    resources: ['listening-warehouse'],
  },
  {
    name: 'logging-toolkit',
    kind: 'library',
    owner: 'developer-experience-squad',
    description: 'Structured logging defaults for Node services.',
  },
  {
    name: 'playlist-curation-service',
    kind: 'node-service',
    owner: 'playlists-squad',
    system: 'music-discovery',
    description: 'Editorial and algorithmic playlist curation.',
    consumesApis: ['recommendations-api', 'playlists-api'],
  },
  {
    name: 'search-service',
    kind: 'java-service',
    owner: 'discovery-squad',
    system: 'music-discovery',
    description: 'Search across tracks, artists and playlists.',
    consumesApis: ['artist-api'],
  },
  {
    name: 'payout-service',
    kind: 'java-service',
    owner: 'royalties-squad',
    system: 'royalties',
    description: 'Sends payouts to rights holders.',
    consumesApis: ['royalty-statements-api'],
    resources: ['royalties-db'],
  },
  {
    name: 'metadata-ingest-pipeline',
    kind: 'pipeline',
    owner: 'uploads-squad',
    system: 'artist-portal',
    description: 'Validates and enriches release metadata.',
    resources: ['ingest-queue'],
  },
  {
    name: 'auth-client',
    kind: 'library',
    owner: 'developer-experience-squad',
    description: 'Service-to-service authentication client.',
  },
  {
    name: 'lyrics-service',
    kind: 'node-service',
    owner: 'playback-squad',
    system: 'audio-playback',
    description: 'Time-synced lyrics.',
  },
  {
    name: 'home-feed-service',
    kind: 'node-service',
    owner: 'discovery-squad',
    system: 'music-discovery',
    description: 'Builds the personalised home feed.',
    consumesApis: ['recommendations-api', 'playlists-api'],
  },
  {
    name: 'royalty-reports-pipeline',
    kind: 'pipeline',
    owner: 'royalties-squad',
    system: 'royalties',
    description: 'Monthly reports for labels and distributors.',
    resources: ['listening-warehouse', 'royalties-db'],
  },
  {
    name: 'developer-portal-web',
    kind: 'website',
    owner: 'developer-experience-squad',
    description: 'Public documentation for partner developers.',
  },
  {
    name: 'artist-analytics-service',
    kind: 'node-service',
    owner: 'artist-tools-squad',
    system: 'artist-portal',
    description: 'Audience statistics for artists.',
    consumesApis: ['listening-history-events'],
  },
  {
    name: 'player-sdk',
    kind: 'library',
    owner: 'playback-squad',
    system: 'audio-playback',
    description: 'Client SDK that embeds the Cadence player.',
    consumesApis: ['playback-api'],
  },
  {
    name: 'event-collector',
    kind: 'java-service',
    owner: 'data-platform-squad',
    system: 'data-platform',
    description: 'Collects client events into the stream.',
    consumesApis: ['stream-events'],
    resources: ['stream-events-topic'],
  },
  {
    name: 'feature-store',
    kind: 'pipeline',
    owner: 'data-platform-squad',
    system: 'data-platform',
    description: 'Features for machine learning models.',
    resources: ['listening-warehouse'],
  },
  {
    name: 'experiment-service',
    kind: 'node-service',
    owner: 'data-platform-squad',
    system: 'data-platform',
    description: 'A/B test assignment and analysis.',
  },
  {
    name: 'marketing-site',
    kind: 'website',
    owner: 'artist-tools-squad',
    description: 'cadence.example for artists and labels.',
  },
];

/** Words for the generated part of larger fleets. */
export const WORDS = {
  areas: [
    'podcast',
    'lyrics',
    'radio',
    'concert',
    'merch',
    'social',
    'ads',
    'billing',
    'family',
    'offline',
    'video',
    'voice',
    'karaoke',
    'charts',
    'credits',
    'labels',
    'gift',
    'partner',
    'car',
    'tv',
    'wearable',
    'payments',
    'identity',
    'consent',
    'moderation',
    'localisation',
    'audiobook',
    'mixtape',
    'remix',
    'tour',
    'fan',
    'editorial',
    'trends',
    'beats',
    'studio',
    'vinyl',
    'playlist',
    'session',
    'stream',
    'release',
  ],
  nouns: [
    'gateway',
    'router',
    'indexer',
    'scheduler',
    'broker',
    'registry',
    'tracker',
    'resolver',
    'ranker',
    'builder',
    'sync',
    'notifier',
    'exporter',
    'importer',
    'auditor',
    'planner',
    'matcher',
    'catalog',
    'ledger',
    'store',
  ],
  tribes: [
    'growth',
    'monetisation',
    'experience',
    'foundation',
    'insights',
    'partners',
    'trust',
    'devices',
    'content',
    'voice',
  ],
  firstNames: [
    'Ada',
    'Bruno',
    'Carmen',
    'Dmitri',
    'Esther',
    'Farid',
    'Gabriela',
    'Hiro',
    'Imani',
    'Jakob',
    'Kalani',
    'Lars',
    'Marisol',
    'Nikhil',
    'Orla',
    'Pedro',
    'Quinn',
    'Rosa',
    'Stefan',
    'Tariq',
    'Uma',
    'Valentina',
    'Wei',
    'Ximena',
    'Yusuf',
    'Zara',
    'Anouk',
    'Bilal',
    'Catalina',
    'Dev',
    'Eun-ji',
    'Freya',
    'Goran',
    'Hana',
    'Ifeoma',
    'Joaquin',
  ],
  lastNames: [
    'Abara',
    'Berg',
    'Castillo',
    'Dahl',
    'Eze',
    'Fischer',
    'Garcia',
    'Horvat',
    'Ishikawa',
    'Jensen',
    'Kowalski',
    'Laurent',
    'Morales',
    'Nakamura',
    'Obi',
    'Park',
    'Quist',
    'Reyes',
    'Sato',
    'Tran',
    'Usman',
    'Varga',
    'Walsh',
    'Xu',
    'Yilmaz',
    'Zimmerman',
    'Achterberg',
    'Bianchi',
    'Chowdhury',
    'Delgado',
    'Eriksen',
    'Fontaine',
  ],
} as const;
