import 'reflect-metadata';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import { REQUESTS, type RequestSubject } from '@berkas/contracts';

type ModuleDef =
  object | { module: object; imports?: ModuleDef[]; controllers?: object[] } | Promise<unknown>;

/** Every controller a Nest module tree declares (its own and its imports', dynamic modules included). */
export function controllersOf(root: ModuleDef, seen = new Set<object>()): object[] {
  if (!root || seen.has(root) || root instanceof Promise) return [];
  seen.add(root);
  const dynamic =
    'module' in root ? (root as { module: object; imports?: ModuleDef[]; controllers?: object[] }) : null;
  const cls = dynamic ? dynamic.module : root;
  const imports: ModuleDef[] = [
    ...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, cls) as ModuleDef[] | undefined) ?? []),
    ...(dynamic?.imports ?? []),
  ];
  const controllers: object[] = [
    ...((Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, cls) as object[] | undefined) ?? []),
    ...(dynamic?.controllers ?? []),
  ];
  return [...new Set([...controllers, ...imports.flatMap((i) => controllersOf(i, seen))])];
}

/** The NATS subjects the controllers answer (their @Handles / @MessagePattern), sorted. */
export function handledSubjects(controllers: object[]): string[] {
  const subjects = controllers.flatMap((c) => {
    const proto = (c as { prototype: Record<string, unknown> }).prototype;
    return Object.getOwnPropertyNames(proto).flatMap((name) => {
      const patterns = Reflect.getMetadata(PATTERN_METADATA, proto[name] as object) as string[] | undefined;
      return patterns ?? [];
    });
  });
  return subjects.sort();
}

/** The subjects proto/ says a service owns, sorted. */
export const ownedSubjects = (service: string): string[] =>
  (Object.keys(REQUESTS) as RequestSubject[]).filter((s) => REQUESTS[s].service === service).sort();
