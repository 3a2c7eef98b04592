export type {
  BuildDemoOrgOptions,
  DemoOrg,
  OrgApi,
  OrgPerson,
  OrgResource,
  OrgSquad,
  OrgSystem,
  OrgTribe,
} from './demo-org.js';
export { buildDemoOrg, DEMO_USER_REF } from './demo-org.js';
export type { Descriptor } from './descriptor.js';
export type { RepoHealth, RepoPlan, RepoVersions } from './fleet-plan.js';
export {
  isVulnerableLogLibVersion,
  LOG_LIB_FIXED_VERSION,
  LOG_LIB_NAME,
  LOG4J_ARTIFACT_ID,
  LOG4J_GROUP_ID,
  planFleet,
} from './fleet-plan.js';
export type { Fleet, FleetRepo, GenerateFleetOptions } from './generate-fleet.js';
export { DEMO_FLEET_MARKER, ensureDemoFleet, generateFleet, orgRepoFiles } from './generate-fleet.js';
export { commitAll, createRepository, DEMO_COMMIT_DATE, DEMO_GIT_AUTHOR, runGit } from './git-repo.js';
export type {
  GenerateLargeCatalogOptions,
  LargeCatalog,
  LargeCatalogCounts,
  LargeCatalogRepo,
  MutateLargeCatalogOptions,
} from './large-catalog.js';
export {
  DEFAULT_LARGE_CATALOG_COUNTS,
  generateLargeCatalog,
  mutateLargeCatalog,
} from './large-catalog.js';
export * from './large-fleet.js';
export type { RepoKind } from './org-data.js';
export { COMPANY } from './org-data.js';
export type { Random } from './random.js';
export { createRandom, deriveSeed } from './random.js';
export { CHECK_SCRIPT, CHECKS_FILE, checkFiles } from './repo-checks.js';
export { componentDescriptor, DEPLOYMENT_FILE, repoFiles } from './repo-files.js';
export type { YamlValue } from './yaml.js';
export { toYaml, toYamlDocuments } from './yaml.js';
