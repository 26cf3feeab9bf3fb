export * from './snake-naming.strategy';
export * from './ensure-database';
export * from './run-migrations';
export * from './persistence.module';
export * from './hash-chain';
export * from './damm-tracking-numbers';
export * from './json-rows';
export * from './two-trip-transaction';
