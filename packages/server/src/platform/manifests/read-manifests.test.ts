import {
  buildDemoOrg,
  isVulnerableLogLibVersion,
  LOG_LIB_NAME,
  LOG4J_ARTIFACT_ID,
  LOG4J_GROUP_ID,
  planFleet,
  repoFiles,
} from '@backbeat/demo-fleet';
import { describe, expect, it } from 'vitest';
import { MANIFEST_PATHS, matchDependency, readDeclaredDependencies } from './index.js';

function manifestsOf(files: Record<string, string>): Map<string, string> {
  return new Map(MANIFEST_PATHS.flatMap((path) => (files[path] === undefined ? [] : [[path, files[path]!]])));
}

const plans = planFleet(buildDemoOrg({ size: 40, seed: 7 }), { size: 40, seed: 7 });

describe('readDeclaredDependencies on the demo fleet', () => {
  it('finds log-lib in every Node service exactly as its package.json declares it', () => {
    const nodeServices = plans.filter((p) => p.kind === 'node-service' && p.versions.logLib);
    expect(nodeServices.length).toBeGreaterThan(2);
    for (const plan of nodeServices) {
      const { dependencies, problems } = readDeclaredDependencies(manifestsOf(repoFiles(plan)));
      expect(problems).toEqual([]);
      expect(dependencies).toContainEqual({
        ecosystem: 'npm',
        name: LOG_LIB_NAME,
        version: plan.versions.logLib,
        file: 'package.json',
      });
      expect(dependencies).toContainEqual(
        expect.objectContaining({ name: 'typescript', version: plan.versions.typescript }),
      );
      const match = matchDependency(dependencies, { name: LOG_LIB_NAME, below: '2.17.1' });
      expect(match.matched).toBe(isVulnerableLogLibVersion(plan.versions.logLib!));
    }
  });

  it('finds log4j-core in every Java service, by full name or artifactId', () => {
    const javaServices = plans.filter((p) => p.kind === 'java-service');
    expect(javaServices.length).toBeGreaterThan(2);
    for (const plan of javaServices) {
      const { dependencies, problems } = readDeclaredDependencies(manifestsOf(repoFiles(plan)));
      expect(problems).toEqual([]);
      const full = `${LOG4J_GROUP_ID}:${LOG4J_ARTIFACT_ID}`;
      expect(dependencies).toContainEqual({
        ecosystem: 'maven',
        name: full,
        version: plan.versions.log4j,
        file: 'pom.xml',
      });
      // Managed by the Spring Boot parent: declared, version unknown.
      expect(dependencies).toContainEqual(
        expect.objectContaining({ name: 'org.springframework.boot:spring-boot-starter-web', version: '' }),
      );
      const byArtifact = matchDependency(dependencies, { name: LOG4J_ARTIFACT_ID, below: '2.17.1' });
      const byFull = matchDependency(dependencies, { name: full, below: '2.17.1' });
      expect(byArtifact).toEqual(byFull);
      expect(byFull.matched).toBe(isVulnerableLogLibVersion(plan.versions.log4j!));
    }
  });

  it('reads the pipelines requirements.txt and pyproject.toml', () => {
    const plan = plans.find((p) => p.kind === 'pipeline')!;
    const { dependencies, problems } = readDeclaredDependencies(manifestsOf(repoFiles(plan)));
    expect(problems).toEqual([]);
    expect(dependencies).toContainEqual({
      ecosystem: 'pypi',
      name: 'pandas',
      version: `==${plan.versions.pandas}`,
      file: 'requirements.txt',
    });
  });
});

describe('readDeclaredDependencies', () => {
  it('prefers the version package-lock.json locks (v3 packages)', () => {
    const files = new Map([
      [
        'package.json',
        JSON.stringify({ dependencies: { 'log-lib': '^2.14.1' }, devDependencies: { vitest: '^4.0.0' } }),
      ],
      [
        'package-lock.json',
        JSON.stringify({
          lockfileVersion: 3,
          packages: { '': { dependencies: { 'log-lib': '^2.14.1' } }, 'node_modules/log-lib': { version: '2.16.0' } },
        }),
      ],
    ]);
    const { dependencies } = readDeclaredDependencies(files);
    expect(dependencies).toEqual([
      { ecosystem: 'npm', name: 'log-lib', version: '2.16.0', file: 'package-lock.json' },
      { ecosystem: 'npm', name: 'vitest', version: '^4.0.0', file: 'package.json' },
    ]);
    expect(matchDependency(dependencies, { name: 'log-lib', atLeast: '2.16.0', below: '2.17.0' })).toEqual({
      matched: true,
      version: '2.16.0',
      file: 'package-lock.json',
    });
  });

  it('resolves Maven properties, including project.version, and ignores commented-out dependencies', () => {
    const pom = `<project>
  <version>3.1.0</version>
  <properties>
    <log4j.version>2.15.0</log4j.version>
  </properties>
  <dependencies>
    <!-- <dependency><groupId>old</groupId><artifactId>gone</artifactId><version>1</version></dependency> -->
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>\${log4j.version}</version>
    </dependency>
    <dependency>
      <groupId>com.acme</groupId>
      <artifactId>sibling</artifactId>
      <version>\${project.version}</version>
    </dependency>
    <dependency>
      <groupId>com.acme</groupId>
      <artifactId>broken</artifactId>
      <version>\${missing.version}</version>
    </dependency>
  </dependencies>
</project>
`;
    const { dependencies, problems } = readDeclaredDependencies(new Map([['pom.xml', pom]]));
    expect(dependencies.map((d) => [d.name, d.version])).toEqual([
      ['org.apache.logging.log4j:log4j-core', '2.15.0'],
      ['com.acme:sibling', '3.1.0'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Maven property reference, not a JS template
      ['com.acme:broken', '${missing.version}'],
    ]);
    expect(problems).toEqual([
      { file: 'pom.xml', line: 21, message: 'property missing.version used by com.acme:broken is not defined' },
    ]);
  });

  it('reads go.mod in single-line and block form', () => {
    const goMod = `module example.com/svc

go 1.22

require github.com/pkg/errors v0.9.1

require (
\tgolang.org/x/net v0.17.0 // indirect
\t"github.com/quoted/mod" v1.2.3
)
`;
    expect(readDeclaredDependencies(new Map([['go.mod', goMod]])).dependencies).toEqual([
      { ecosystem: 'go', name: 'github.com/pkg/errors', version: 'v0.9.1', file: 'go.mod' },
      { ecosystem: 'go', name: 'golang.org/x/net', version: 'v0.17.0', file: 'go.mod' },
      { ecosystem: 'go', name: 'github.com/quoted/mod', version: 'v1.2.3', file: 'go.mod' },
    ]);
    const deps = readDeclaredDependencies(new Map([['go.mod', goMod]])).dependencies;
    expect(matchDependency(deps, { name: 'golang.org/x/net', below: 'v0.23.0' }).matched).toBe(true);
  });

  it('reads requirements.txt specs and skips options and comments', () => {
    const text =
      '# tools\n-r base.txt\nrequests[socks] >= 2.31, <3  # http\nDjango~=4.2\nflask\nnumpy==1.26.0; python_version > "3.9"\n';
    const { dependencies, problems } = readDeclaredDependencies(new Map([['requirements.txt', text]]));
    expect(problems).toEqual([]);
    expect(dependencies.map((d) => [d.name, d.version])).toEqual([
      ['requests', '>=2.31,<3'],
      ['Django', '~=4.2'],
      ['flask', ''],
      ['numpy', '==1.26.0'],
    ]);
    expect(matchDependency(dependencies, { name: 'django', below: '5.0' }).matched).toBe(true);
    expect(matchDependency(dependencies, { name: 'flask', below: '5.0' }).matched).toBe(false);
    expect(matchDependency(dependencies, { name: 'flask' }).matched).toBe(true);
  });

  it('reads pyproject.toml PEP 621 and poetry sections', () => {
    const text = `[project]
name = "svc"
dependencies = [
  "requests[socks]>=2.31",  # http
  'pandas==2.1.4',
]

[tool.poetry.dependencies]
python = "^3.11"
httpx = "^0.27"
pydantic = { version = "^2.5", extras = ["email"] }

[tool.poetry.group.dev.dependencies]
pytest = "^8.0"
`;
    const { dependencies, problems } = readDeclaredDependencies(new Map([['pyproject.toml', text]]));
    expect(problems).toEqual([]);
    expect(dependencies.map((d) => [d.name, d.version])).toEqual([
      ['requests', '>=2.31'],
      ['pandas', '==2.1.4'],
      ['httpx', '^0.27'],
      ['pydantic', '^2.5'],
      ['pytest', '^8.0'],
    ]);
  });

  it('turns broken manifests into problems and keeps reading the others', () => {
    const files = new Map([
      ['package.json', '{\n  "dependencies": {\n    "a": "1.0.0",\n  }\n}\n'],
      ['pom.xml', 'not xml at all'],
      ['go.mod', 'module x\nrequire (\n  lonely\n'],
      ['requirements.txt', 'git+https://example.com/x.git\nok==1.0\n'],
    ]);
    const { dependencies, problems } = readDeclaredDependencies(files);
    expect(dependencies.map((d) => d.name)).toEqual(['ok']);
    expect(problems).toEqual([
      { file: 'package.json', line: 4, message: 'invalid JSON: PropertyNameExpected' },
      { file: 'pom.xml', line: 1, message: 'no <project> element' },
      { file: 'go.mod', line: 3, message: 'cannot read requirement "lonely"' },
      { file: 'go.mod', line: 4, message: 'require block is not closed' },
      { file: 'requirements.txt', line: 1, message: 'cannot read requirement "git+https://example.com/x.git"' },
    ]);
  });
});

describe('matchDependency', () => {
  const deps = [
    { ecosystem: 'npm' as const, name: 'a', version: 'latest', file: 'package.json' },
    { ecosystem: 'npm' as const, name: 'b', version: '^1.4.0', file: 'package.json' },
  ];
  it('never matches an unreadable version against a bound', () => {
    expect(matchDependency(deps, { name: 'a', below: '9.0.0' })).toEqual({
      matched: false,
      version: 'latest',
      file: 'package.json',
    });
    expect(matchDependency(deps, { name: 'a' })).toEqual({ matched: true, version: 'latest', file: 'package.json' });
  });
  it('counts a range as its lowest version', () => {
    expect(matchDependency(deps, { name: 'b', below: '1.5.0' }).matched).toBe(true);
    expect(matchDependency(deps, { name: 'b', below: '1.4.0' }).matched).toBe(false);
    expect(matchDependency(deps, { name: 'b', atLeast: '1.4.0' }).matched).toBe(true);
    expect(matchDependency(deps, { name: 'c' })).toEqual({ matched: false });
    expect(matchDependency(deps, { name: 'b', atLeast: '2.0.0' })).toEqual({
      matched: false,
      version: '^1.4.0',
      file: 'package.json',
    });
  });
});
