import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { envSpecs, GATEWAY_ROUTES, loadConfig, SERVICE_CONFIG, type ServiceName } from '@berkas/config';

// Docker does not run here, so the deploy files are kept honest by reading them: every service, port,
// host and variable they name must exist in the code, and the values must pass the services' own
// configuration validation.
const deploy = join(__dirname, '..', 'deploy');
const read = (file: string) => readFileSync(join(deploy, file), 'utf8');
const SERVICES = Object.keys(SERVICE_CONFIG) as ServiceName[];

type Env = Record<string, string>;

function knownVariables(service: ServiceName): Set<string> {
  const names = new Set<string>();
  for (const cls of Object.values(SERVICE_CONFIG[service].sections)) {
    for (const spec of envSpecs(cls as new () => object).values()) names.add(spec.name);
  }
  return names;
}

/**
 * Loads a service's config from `env` exactly as main.ts would in the image, where NODE_ENV is
 * production (so development defaults are refused); throws the one-line error otherwise.
 */
function loadFor(service: ServiceName, env: Env) {
  const { sections, defaults } = SERVICE_CONFIG[service];
  const previous = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  try {
    return loadConfig(sections, env, defaults as Env) as unknown as Record<string, Record<string, unknown>>;
  } finally {
    process.env['NODE_ENV'] = previous;
  }
}

const httpPortOf = (config: Record<string, Record<string, unknown>>) => Number(config['http']['port']);

function dockerfileTargets(): Map<string, { expose: number[]; cmd: string }> {
  const targets = new Map<string, { expose: number[]; cmd: string }>();
  let current: { expose: number[]; cmd: string } | null = null;
  for (const line of read('Dockerfile').split('\n')) {
    const from = /^FROM\s+\S+\s+AS\s+(\S+)/i.exec(line);
    if (from) targets.set(from[1], (current = { expose: [], cmd: '' }));
    const expose = /^EXPOSE\s+(\d+)/.exec(line);
    if (expose && current) current.expose.push(Number(expose[1]));
    if (/^CMD\s/.test(line) && current) current.cmd = line;
  }
  return targets;
}

describe('deploy/docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<
      string,
      { build?: { dockerfile: string; target: string }; environment?: Env; ports?: string[] }
    >;
  };
  // Compose substitutes ${VAR:-default}; use the defaults, as a trial run would. ${VAR:?reason} must
  // come from the operator's deploy/.env: stand in a value of the kind they are told to set.
  const substitute = (v: unknown) =>
    String(v)
      .replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1')
      .replace(/\$\{[A-Z0-9_]+:\?[^}]*\}/g, 'operator-provided-secret-of-forty-characters');
  const envOf = (name: string): Env =>
    Object.fromEntries(
      Object.entries(compose.services[name].environment ?? {}).map(([k, v]) => [k, substitute(v)]),
    );

  it.each(SERVICES)('builds %s from its own Dockerfile target with a config that loads', (service) => {
    const spec = compose.services[service];
    expect(spec?.build?.target).toBe(service);
    expect(existsSync(join(deploy, '..', spec.build!.dockerfile))).toBe(true);
    const target = dockerfileTargets().get(service);
    expect(target?.cmd).toContain(`dist/services/${service}/src/main.js`);

    const env = envOf(service);
    const known = knownVariables(service);
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
    const config = loadFor(service, env);
    expect(target?.expose).toEqual([httpPortOf(config)]);
  });

  it('points every service at hosts the stack defines', () => {
    const hosts = new Set(Object.keys(compose.services));
    for (const service of SERVICES) {
      const config = loadFor(service, envOf(service));
      for (const url of (config['nats']?.['servers'] as string[] | undefined) ?? [])
        expect(hosts).toContain(new URL(url).hostname);
      if (config['database']) expect(hosts).toContain(new URL(String(config['database']['url'])).hostname);
      if (config['s3']) expect(hosts).toContain(config['s3']['endpoint']);
    }
    // The pages hold the one public port and reach the gateway inside the stack.
    const web = loadFor('web', envOf('web'));
    expect(hosts).toContain(new URL(String(web['http']['apiUrl'])).hostname);
    expect(web['http']['serveApi']).toBe(true);
    expect(compose.services['web'].ports).toEqual([`${httpPortOf(web)}:${httpPortOf(web)}`]);
    expect(compose.services['gateway'].ports).toBeUndefined();
  });

  it('runs a 3-node NATS cluster with JetStream, enough for the stream replicas the services ask for', () => {
    const natsNodes = Object.keys(compose.services).filter((s) => /^nats-\d$/.test(s));
    expect(natsNodes).toHaveLength(3);
    const conf = read('nats/cluster.conf');
    expect(conf).toMatch(/jetstream\s*\{/);
    for (const node of natsNodes) expect(conf).toContain(`nats-route://${node}:6222`);
    const replicas = Number(loadFor('identity', envOf('identity'))['nats']['eventsReplicas']);
    expect(replicas).toBe(3);
    expect(compose.services['minio']).toBeDefined();
  });
});

describe('deploy/nats: who may do what on the bus', () => {
  // eslint-disable-next-line @nx/enforce-module-boundaries -- the one source of NATS permissions (from proto/)
  const natsAuth = require('../scripts/lib/nats-auth.cjs') as {
    USERS: string[];
    SERVICES: string[];
    deployAuthorization(): string;
    passwordVariable(user: string): string;
  };

  it('holds the users and permissions proto/ implies, in a configuration nats-server accepts', () => {
    expect(read('nats/authorization.conf')).toBe(natsAuth.deployAuthorization());
    expect(read('nats/cluster.conf')).toMatch(/^include \.\/authorization\.conf$/m);
    const env = {
      ...process.env,
      NATS_SERVER_NAME: 'nats-1',
      ...Object.fromEntries(natsAuth.USERS.map((u) => [natsAuth.passwordVariable(u), `secret-of-${u}`])),
    };
    const checked = spawnSync('/usr/sbin/nats-server', ['-c', 'cluster.conf', '-t'], {
      cwd: join(deploy, 'nats'),
      env,
      encoding: 'utf8',
    });
    expect(`${checked.stdout}${checked.stderr}`).toMatch(/configuration file cluster\.conf is valid/);
  });

  it('gives each service in compose its own user, and the NATS nodes every password', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<string, { environment?: Record<string, string>; volumes?: string[] }>;
    };
    for (const service of natsAuth.SERVICES) {
      const env = compose.services[service].environment ?? {};
      expect([service, env['NATS_USER']]).toEqual([service, service]);
      expect(env['NATS_PASSWORD']).toContain(`\${${natsAuth.passwordVariable(service)}:?`);
    }
    for (const node of ['nats-1', 'nats-2', 'nats-3']) {
      const spec = compose.services[node];
      expect(spec.volumes).toContain('./nats/authorization.conf:/etc/nats/authorization.conf:ro');
      for (const user of natsAuth.USERS)
        expect(Object.keys(spec.environment ?? {})).toContain(natsAuth.passwordVariable(user));
    }
  });
});

describe('deploy/k8s', () => {
  type Doc = {
    kind: string;
    metadata: { name: string; annotations?: Env };
    spec?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    data?: Env;
    stringData?: Env;
  };
  const kustomization = parse(read('k8s/kustomization.yaml')) as { resources: string[] };
  const docs: Doc[] = kustomization.resources.flatMap((file) =>
    parseAllDocuments(read(`k8s/${file}`)).map((d) => {
      expect(d.errors).toEqual([]);
      return d.toJSON() as Doc;
    }),
  );
  const find = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);

  it.each(SERVICES)('runs %s with probes, ports and a config that loads', (service) => {
    const deployment = find('Deployment', service);
    expect(deployment).toBeDefined();
    expect(deployment!.spec.replicas).toBeGreaterThanOrEqual(2);
    const [container] = deployment!.spec.template.spec.containers;
    expect(container.image).toBe(`berkas/${service}`);

    // Assemble the environment the pod would see: ConfigMaps, then Secrets, then literal values.
    const env: Env = {};
    for (const from of container.envFrom ?? []) {
      const map = find('ConfigMap', from.configMapRef.name);
      expect(map).toBeDefined();
      Object.assign(env, map!.data);
    }
    for (const e of container.env ?? []) {
      if (e.valueFrom?.secretKeyRef) {
        const secret = find('Secret', e.valueFrom.secretKeyRef.name);
        expect(secret?.stringData?.[e.valueFrom.secretKeyRef.key]).toBeDefined();
        env[e.name] = secret!.stringData![e.valueFrom.secretKeyRef.key];
      } else {
        env[e.name] = String(e.value);
      }
    }
    const own = (container.env ?? []).map((e: { name: string }) => e.name);
    const known = knownVariables(service);
    expect(own.filter((name: string) => !known.has(name))).toEqual([]);

    const config = loadFor(service, env);
    const port = httpPortOf(config);
    // A public port (the gateway's, the pages'): probes and metrics answer on the internal one.
    const internal = config['http']['internalPort'] ? Number(config['http']['internalPort']) : port;
    expect(container.ports).toEqual([
      { name: 'http', containerPort: port },
      ...(internal !== port ? [{ name: 'internal', containerPort: internal }] : []),
    ]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: internal });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: internal });
    expect(deployment!.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(internal));
    expect(find('Service', service)!.spec.ports.map((p: { targetPort: number }) => p.targetPort)).toEqual([
      port,
    ]);
  });

  it('hands out download links on a storage host of their own that forbids sniffing and scripts', () => {
    const publicUrl = new URL(find('ConfigMap', 'berkas-config')!.data!['S3_PUBLIC_URL']);
    const ingress = find('Ingress', 'minio-files')!;
    const [rule] = ingress.spec.rules;
    expect(rule.host).toBe(publicUrl.hostname);
    expect(rule.http.paths.map((p: { path: string }) => p.path)).toEqual(['/berkas-documents/']);
    const headers = find('ConfigMap', 'berkas-files-headers')!.data!;
    expect(ingress.metadata['annotations']['nginx.ingress.kubernetes.io/custom-headers']).toBe(
      'berkas/berkas-files-headers',
    );
    expect(headers).toMatchObject({ 'X-Content-Type-Options': 'nosniff' });
    expect(headers['Content-Security-Policy']).toMatch(/sandbox/);
    expect(find('Ingress', 'gateway')!.spec.rules[0].host).not.toBe(publicUrl.hostname);
  });

  it("routes the gateway's paths to the gateway and every other path to the pages, as the web service does alone", () => {
    const [rule] = find('Ingress', 'gateway')!.spec.rules;
    const paths = rule.http.paths.map(
      (p: { path: string; pathType: string; backend: { service: { name: string } } }) => [
        p.path,
        p.pathType,
        p.backend.service.name,
      ],
    );
    expect(paths).toEqual([
      ...GATEWAY_ROUTES.map((r) => [r.path, r.match === 'exact' ? 'Exact' : 'Prefix', 'gateway']),
      ['/', 'Prefix', 'web'],
    ]);
    const web = find('Deployment', 'web')!.spec.template.spec.containers[0];
    const apiUrl = web.env.find((e: { name: string }) => e.name === 'API_URL').value;
    expect(new URL(apiUrl).hostname).toBe('gateway');
    expect(web.env.find((e: { name: string }) => e.name === 'SERVE_API')).toBeUndefined();
  });

  it('names in the shared ConfigMap only settings some service reads', () => {
    const all = new Set(SERVICES.flatMap((s) => [...knownVariables(s)]));
    const map = find('ConfigMap', 'berkas-config')!;
    expect(Object.keys(map.data!).filter((k) => !all.has(k))).toEqual([]);
  });

  it('runs NATS as a 3-node JetStream cluster, with the users and permissions of deploy/nats, and MinIO distributed', () => {
    const nats = find('StatefulSet', 'nats')!;
    expect(nats.spec.replicas).toBe(3);
    const conf = find('ConfigMap', 'nats-config')!.data!['nats.conf'];
    expect(conf).toMatch(/include \.\/authorization\.conf/);
    expect(find('ConfigMap', 'nats-config')!.data!['authorization.conf']).toBe(
      read('nats/authorization.conf'),
    );
    const natsEnv = nats.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name);
    for (const user of ['gateway', 'identity', 'tracking', 'permits', 'notifications', 'auditor'])
      expect(natsEnv).toContain(`${user.toUpperCase()}_NATS_PASSWORD`);
    // The pages are no NATS user: they reach everything through the gateway's API.
    for (const service of SERVICES.filter((s) => s !== 'web')) {
      const [container] = find('Deployment', service)!.spec.template.spec.containers;
      const env = Object.fromEntries(
        container.env.map(
          (e: { name: string; value?: string; valueFrom?: { secretKeyRef: { key: string } } }) => [
            e.name,
            e.value ?? e.valueFrom?.secretKeyRef.key,
          ],
        ),
      );
      expect([env['NATS_USER'], env['NATS_PASSWORD']]).toEqual([
        service,
        `${service.toUpperCase()}_NATS_PASSWORD`,
      ]);
    }
    expect(conf).toMatch(/jetstream\s*\{/);
    for (let i = 0; i < 3; i++) expect(conf).toContain(`nats-route://nats-${i}.nats:6222`);
    const minio = find('StatefulSet', 'minio')!;
    expect(minio.spec.replicas).toBe(4);
    expect(minio.spec.template.spec.containers[0].args.join(' ')).toContain('minio-{0...3}');
  });
});
