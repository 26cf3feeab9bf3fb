import { validateSync, type ValidationError } from 'class-validator';
import { envSpecs } from './env.decorator';

export type ConfigSections = Record<string, new () => object>;
export type LoadedConfig<S extends ConfigSections> = { [K in keyof S]: InstanceType<S[K]> };

/** A missing or bad setting. Its message is one line naming every offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

function typeOfDefault(value: unknown): unknown {
  if (Array.isArray(value)) return Array;
  if (typeof value === 'number') return Number;
  if (typeof value === 'boolean') return Boolean;
  return String;
}

function coerce(raw: string, type: unknown): unknown {
  if (type === Number) return raw.trim() === '' ? NaN : Number(raw);
  if (type === Boolean) {
    const v = raw.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    return raw; // left as a string so @IsBoolean reports it
  }
  if (type === Array)
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return raw;
}

function describe(error: ValidationError, env: string, secret: boolean, raw: string | undefined): string {
  const why = Object.values(error.constraints ?? {})
    .map((m) => m.replace(new RegExp(`^${error.property} `), ''))
    .join(', ');
  if (raw === undefined)
    return error.value === undefined
      ? `${env} is required (${why})`
      : `${env} ${why} (not set; the default does not do)`;
  return `${env} ${why} (got ${secret ? '(hidden)' : JSON.stringify(raw)})`;
}

/**
 * Reads each section class from the environment. Property initialisers are the defaults; `defaults`
 * supplies per-service defaults as env strings (e.g. each service's database name). Every problem is
 * collected before failing, so one start shows everything to fix.
 */
export function loadConfig<S extends ConfigSections>(
  sections: S,
  env: NodeJS.ProcessEnv = process.env,
  defaults: Record<string, string> = {},
): LoadedConfig<S> {
  const problems: string[] = [];
  const result = {} as LoadedConfig<S>;
  for (const [key, cls] of Object.entries(sections)) {
    const instance = new cls() as Record<string, unknown>;
    const specs = envSpecs(cls);
    const raws = new Map<string, string | undefined>();
    for (const [prop, spec] of specs) {
      const raw = env[spec.name] ?? defaults[spec.name];
      raws.set(prop, raw);
      // The default's type decides coercion; decorator metadata says only "Object" for inferred types.
      if (raw !== undefined) instance[prop] = coerce(raw, typeOfDefault(instance[prop]));
    }
    for (const error of validateSync(instance, { forbidUnknownValues: false })) {
      const spec = specs.get(error.property);
      if (spec) problems.push(describe(error, spec.name, spec.secret, raws.get(error.property)));
      else problems.push(`${cls.name}.${error.property} is invalid`);
    }
    (result as Record<string, unknown>)[key] = Object.freeze(instance);
  }
  if (problems.length) throw new ConfigError(problems);
  return result;
}

/** For main.ts: load, or print the one-line reason and exit with status 78 (EX_CONFIG). */
export function loadConfigOrExit<S extends ConfigSections>(
  sections: S,
  defaults: Record<string, string> = {},
): LoadedConfig<S> {
  try {
    return loadConfig(sections, process.env, defaults);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(78);
  }
}
