/**
 * The permits service's own migrations, oldest first (<timestamp>-<Name>.ts beside this file).
 * The outbox tables come from @berkas/messaging and run before these.
 */
export const PERMITS_MIGRATIONS: Function[] = []; // eslint-disable-line @typescript-eslint/no-unsafe-function-type
