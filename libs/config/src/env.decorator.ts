import 'reflect-metadata';

export interface EnvSpec {
  /** Name of the environment variable. */
  name: string;
  /** Never printed: error messages show "(hidden)" instead of the value. */
  secret: boolean;
  /** What the setting is for; shown in docs and checked by the deploy test. */
  description: string;
}

const SPECS = Symbol('berkas:env');

/** Binds a config property to an environment variable. */
export function Env(
  name: string,
  description: string,
  options: { secret?: boolean } = {},
): PropertyDecorator {
  return (target, property) => {
    const specs: Map<string | symbol, EnvSpec> = Reflect.getOwnMetadata(SPECS, target) ?? new Map();
    specs.set(property, { name, description, secret: options.secret ?? false });
    Reflect.defineMetadata(SPECS, specs, target);
  };
}

/** The env bindings of a config class, own and inherited. */
export function envSpecs(cls: new () => object): Map<string, EnvSpec> {
  const all = new Map<string, EnvSpec>();
  const chain: object[] = [];
  for (let p = cls.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) chain.unshift(p);
  for (const proto of chain) {
    const own: Map<string, EnvSpec> | undefined = Reflect.getOwnMetadata(SPECS, proto);
    own?.forEach((spec, prop) => all.set(String(prop), spec));
  }
  return all;
}
