export * from './request-context';
export * from './request-id';
export * from './request-context.middleware';
export * from './logging.module';
export * from './health';
export * from './metrics';
export * from './internal-http.module';
export * from './public-route';
