import { API_VERSION, type Descriptor, titleCase } from './descriptor.js';
import { LOG_LIB_NAME, LOG4J_ARTIFACT_ID, LOG4J_GROUP_ID, type RepoPlan } from './fleet-plan.js';
import type { RepoFiles } from './git-repo.js';
import { COMPANY, type RepoKind } from './org-data.js';
import { checkFiles } from './repo-checks.js';
import { toYaml } from './yaml.js';

/** Where every deployable repository keeps its deployment manifest. */
export const DEPLOYMENT_FILE = 'deploy/service.yaml';

const COMPONENT_TYPE: Record<RepoKind, string> = {
  'node-service': 'service',
  'java-service': 'service',
  library: 'library',
  website: 'website',
  pipeline: 'data-pipeline',
};

const KIND_TAGS: Record<RepoKind, string[]> = {
  'node-service': ['typescript', 'node'],
  'java-service': ['java', 'spring-boot'],
  library: ['typescript', 'library'],
  website: ['typescript', 'react', 'frontend'],
  pipeline: ['python', 'data'],
};

/**
 * The catalog descriptor of a repository's component.
 *
 * @example
 * componentDescriptor(plan).spec.owner // 'playback-squad'
 */
export function componentDescriptor(plan: RepoPlan): Descriptor {
  const deployable = plan.kind !== 'library';
  const tags = [...KIND_TAGS[plan.kind]];
  if (plan.versions.framework) tags.push(plan.versions.framework.name);
  const annotations: Record<string, string> = {
    'github.com/project-slug': `${COMPANY.slug}/${plan.name}`,
  };
  if (plan.health.docs) annotations['backstage.io/techdocs-ref'] = 'dir:.';
  const links = deployable
    ? [
        {
          url: `https://grafana.${COMPANY.emailDomain}/d/${plan.name}`,
          title: 'Dashboard',
          icon: 'dashboard',
          type: 'dashboard',
        },
        {
          url: `https://runbooks.${COMPANY.emailDomain}/${plan.name}`,
          title: 'Runbook',
          icon: 'docs',
          type: 'runbook',
        },
      ]
    : [
        {
          url: `https://npm.${COMPANY.emailDomain}/package/@${COMPANY.slug}/${plan.name}`,
          title: 'Package',
          icon: 'web',
        },
      ];
  const dependsOn = [...plan.resources.map((r) => `resource:${r}`), ...plan.libraries.map((l) => `component:${l}`)];
  return {
    apiVersion: API_VERSION,
    kind: 'Component',
    metadata: {
      name: plan.name,
      title: titleCase(plan.name),
      description: plan.description,
      tags,
      links,
      annotations,
    },
    spec: {
      type: COMPONENT_TYPE[plan.kind],
      lifecycle: plan.lifecycle,
      owner: plan.owner,
      ...(plan.system ? { system: plan.system } : {}),
      ...(plan.providesApis.length > 0 ? { providesApis: plan.providesApis } : {}),
      ...(plan.consumesApis.length > 0 ? { consumesApis: plan.consumesApis } : {}),
      ...(dependsOn.length > 0 ? { dependsOn } : {}),
    },
  };
}

/**
 * Every file of a repository: descriptor, manifest, sources, check command, and
 * (health permitting) README, tests, CI, CODEOWNERS, docs and deployment.
 *
 * @example
 * const files = repoFiles(plan);
 * files['catalog-info.yaml'];
 */
export function repoFiles(plan: RepoPlan): RepoFiles {
  const files: RepoFiles = { 'catalog-info.yaml': toYaml(componentDescriptor(plan)) };
  Object.assign(files, kindFiles(plan));
  Object.assign(files, checkFiles(plan));
  if (plan.health.readme) files['README.md'] = readme(plan);
  if (plan.health.ci) files['.github/workflows/ci.yml'] = ciWorkflow(plan);
  if (plan.health.codeowners) files['.github/CODEOWNERS'] = `* @${COMPANY.slug}/${plan.owner}\n`;
  if (plan.health.docs) {
    files['mkdocs.yml'] = toYaml({
      site_name: titleCase(plan.name),
      nav: [{ Home: 'index.md' }],
      plugins: ['techdocs-core'],
    });
    files['docs/index.md'] =
      `# ${titleCase(plan.name)}\n\n${plan.description}\n\n## Architecture\n\nOwned by ${plan.owner}.\n`;
  }
  if (plan.kind !== 'library') files[DEPLOYMENT_FILE] = deployment(plan);
  files['.gitignore'] =
    plan.kind === 'java-service'
      ? 'target/\n'
      : plan.kind === 'pipeline'
        ? '__pycache__/\n.venv/\n'
        : 'node_modules/\ndist/\n';
  return files;
}

function kindFiles(plan: RepoPlan): RepoFiles {
  switch (plan.kind) {
    case 'java-service':
      return javaFiles(plan);
    case 'pipeline':
      return pipelineFiles(plan);
    default:
      return nodeFiles(plan);
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function nodeFiles(plan: RepoPlan): RepoFiles {
  const v = plan.versions;
  const runner = v.testRunner!;
  const dependencies: Record<string, string> = {};
  if (v.framework) dependencies[v.framework.name] = v.framework.version;
  if (v.logLib) dependencies[LOG_LIB_NAME] = v.logLib;
  if (v.react) {
    dependencies.react = v.react;
    dependencies['react-dom'] = v.react;
  }
  for (const lib of plan.libraries) dependencies[`@${COMPANY.slug}/${lib}`] = '^1.0.0';
  const devDependencies: Record<string, string> = { typescript: v.typescript!, [runner.name]: runner.version };
  if (v.vite) devDependencies.vite = v.vite;
  const testCommand = runner.name === 'vitest' ? 'vitest run' : runner.name === 'jest' ? 'jest' : 'mocha';
  const files: RepoFiles = {
    'package.json': json({
      name: `@${COMPANY.slug}/${plan.name}`,
      version: plan.versions.image,
      description: plan.description,
      private: plan.kind !== 'library',
      type: 'module',
      scripts: {
        build: v.vite ? 'vite build' : 'tsc -p .',
        test: testCommand,
        ...(plan.kind === 'node-service' ? { start: 'node dist/index.js' } : {}),
      },
      engines: { node: `>=${v.node}` },
      dependencies: sortKeys(dependencies),
      devDependencies: sortKeys(devDependencies),
    }),
    '.nvmrc': `${v.node}\n`,
    'tsconfig.json': json({ compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, outDir: 'dist' } }),
  };
  if (plan.kind === 'website') {
    files['src/App.tsx'] = `export function App() {\n  return <main><h1>${titleCase(plan.name)}</h1></main>;\n}\n`;
    files['index.html'] = `<!doctype html>\n<title>${titleCase(plan.name)}</title>\n<div id="root"></div>\n`;
    if (plan.health.tests) {
      files['src/App.test.tsx'] =
        `import { App } from './App';\n\ntest('renders the title', () => {\n  expect(App()).toBeTruthy();\n});\n`;
    }
    files.Dockerfile = `FROM node:${v.node}-alpine AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\nFROM nginx:1.27-alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\n`;
  } else if (plan.kind === 'library') {
    files['src/index.ts'] =
      `/** ${plan.description} */\nexport function version(): string {\n  return '${v.image}';\n}\n`;
    if (plan.health.tests) {
      files['src/index.test.ts'] =
        `import { version } from './index.js';\n\ntest('reports a version', () => {\n  expect(version()).toMatch(/^\\d+\\.\\d+\\.\\d+$/);\n});\n`;
    }
  } else {
    const framework = v.framework?.name ?? 'http';
    files['src/index.ts'] = [
      `import { createLogger } from '${LOG_LIB_NAME}';`,
      `import { createServer } from './server.js';`,
      '',
      `const log = createLogger({ service: '${plan.name}' });`,
      `createServer().listen(Number(process.env.PORT ?? 8080), () => log.info('${plan.name} listening'));`,
      '',
    ].join('\n');
    files['src/server.ts'] = [
      `// HTTP routes of ${plan.name}; production wiring uses ${framework}.`,
      "import { createServer as createHttpServer } from 'node:http';",
      '',
      'export function createServer() {',
      '  return createHttpServer((req, res) => {',
      "    res.writeHead(req.url === '/healthz' ? 200 : 404).end();",
      '  });',
      '}',
      '',
    ].join('\n');
    if (plan.health.tests) {
      files['test/health.test.ts'] =
        `import { createServer } from '../src/server.js';\n\ntest('answers health checks', async () => {\n  expect(createServer).toBeDefined();\n});\n`;
    }
    files.Dockerfile = `FROM node:${v.node}-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev && npm run build\nCMD ["node", "dist/index.js"]\n`;
  }
  return files;
}

function javaPackage(plan: RepoPlan): string {
  return `com.${COMPANY.slug}.${plan.name.replace(/-/g, '')}`;
}

function javaFiles(plan: RepoPlan): RepoFiles {
  const v = plan.versions;
  const pkg = javaPackage(plan);
  const dir = pkg.replace(/\./g, '/');
  const pom = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.springframework.boot</groupId>
    <artifactId>spring-boot-starter-parent</artifactId>
    <version>${v.springBoot}</version>
  </parent>
  <groupId>com.${COMPANY.slug}</groupId>
  <artifactId>${plan.name}</artifactId>
  <version>${v.image}</version>
  <name>${titleCase(plan.name)}</name>
  <description>${plan.description}</description>
  <properties>
    <java.version>${v.java}</java.version>
  </properties>
  <dependencies>
    <dependency>
      <groupId>org.springframework.boot</groupId>
      <artifactId>spring-boot-starter-web</artifactId>
    </dependency>
    <dependency>
      <groupId>${LOG4J_GROUP_ID}</groupId>
      <artifactId>${LOG4J_ARTIFACT_ID}</artifactId>
      <version>${v.log4j}</version>
    </dependency>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
      <scope>test</scope>
    </dependency>
  </dependencies>
</project>
`;
  const files: RepoFiles = {
    'pom.xml': pom,
    [`src/main/java/${dir}/Application.java`]: `package ${pkg};

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** ${plan.description} */
@SpringBootApplication
public class Application {
  public static void main(String[] args) {
    SpringApplication.run(Application.class, args);
  }
}
`,
    Dockerfile: `FROM eclipse-temurin:${v.java}-jre\nCOPY target/${plan.name}.jar /app.jar\nENTRYPOINT ["java", "-jar", "/app.jar"]\n`,
  };
  if (plan.health.tests) {
    files[`src/test/java/${dir}/ApplicationTest.java`] = `package ${pkg};

import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;

class ApplicationTest {
  @Test
  void starts() {
    assertNotNull(new Application());
  }
}
`;
  }
  return files;
}

function pipelineFiles(plan: RepoPlan): RepoFiles {
  const v = plan.versions;
  const module = plan.name.replace(/-/g, '_');
  const files: RepoFiles = {
    'requirements.txt': `pandas==${v.pandas}\npyarrow==14.0.2\nrequests==2.31.0\n`,
    'pyproject.toml': `[project]\nname = "${plan.name}"\nversion = "${v.image}"\nrequires-python = ">=${v.python}"\n`,
    [`${module}/__init__.py`]: '',
    [`${module}/main.py`]: `"""${plan.description}"""\n\nimport pandas as pd\n\n\ndef run(rows):\n    frame = pd.DataFrame(rows)\n    return frame.drop_duplicates()\n\n\nif __name__ == "__main__":\n    print(run([]))\n`,
    Dockerfile: `FROM python:${v.python}-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\nCMD ["python", "-m", "${module}.main"]\n`,
  };
  if (plan.health.tests) {
    files['tests/test_pipeline.py'] =
      `from ${module}.main import run\n\n\ndef test_drops_duplicates():\n    assert len(run([{"a": 1}, {"a": 1}])) == 1\n`;
  }
  return files;
}

function readme(plan: RepoPlan): string {
  const run =
    plan.kind === 'java-service'
      ? 'mvn spring-boot:run'
      : plan.kind === 'pipeline'
        ? `python -m ${plan.name.replace(/-/g, '_')}.main`
        : 'npm install && npm run build';
  return `# ${titleCase(plan.name)}

${plan.description}

Owned by **${plan.owner}**${plan.system ? ` as part of the ${plan.system} system` : ''}.

## Getting started

\`\`\`sh
${run}
\`\`\`
`;
}

function ciWorkflow(plan: RepoPlan): string {
  const v = plan.versions;
  const steps: unknown[] = [{ uses: 'actions/checkout@v4' }];
  if (plan.kind === 'java-service') {
    steps.push(
      { uses: 'actions/setup-java@v4', with: { distribution: 'temurin', 'java-version': v.java } },
      { run: 'mvn -B verify' },
    );
  } else if (plan.kind === 'pipeline') {
    steps.push(
      { uses: 'actions/setup-python@v5', with: { 'python-version': v.python } },
      { run: 'pip install -r requirements.txt pytest' },
      { run: 'pytest' },
    );
  } else {
    steps.push(
      { uses: 'actions/setup-node@v4', with: { 'node-version': v.node } },
      { run: 'npm ci' },
      { run: 'npm test' },
    );
  }
  return toYaml({
    name: 'CI',
    on: { push: { branches: ['main'] }, pull_request: {} },
    jobs: { build: { 'runs-on': 'ubuntu-latest', steps: steps as never } },
  });
}

function deployment(plan: RepoPlan): string {
  const image = `registry.${COMPANY.emailDomain}/${plan.name}:${plan.versions.image}`;
  return toYaml({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: plan.name, labels: { app: plan.name, team: plan.owner } },
    spec: {
      replicas: plan.replicas,
      selector: { matchLabels: { app: plan.name } },
      template: {
        metadata: { labels: { app: plan.name } },
        spec: {
          containers: [
            {
              name: plan.name,
              image,
              ports: [{ containerPort: plan.kind === 'website' ? 80 : 8080 }],
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
            },
          ],
        },
      },
    },
  });
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
