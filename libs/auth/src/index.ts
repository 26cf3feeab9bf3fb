export * from './claims';
export * from './token-verifier';
export * from './revocation-list';
export * from './nats-jwks.source';
export * from './authorization';
export * from './http-auth.guard';
export * from './auth.module';
