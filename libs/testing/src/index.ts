export * from './infra';
export * from './nats-server';
export * from './nats-users';
export * from './s3-server';
export * from './built-services';
export * from './nats-cluster';
export * from './stand-ins';
export * from './handled-subjects';
