export * from './env.decorator';
export * from './load-config';
export * from './sections';
export * from './services';
export * from './config.module';
export * from './public-routes';
