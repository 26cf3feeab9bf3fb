export * from './generated';
export * from './app-error';
export * from './validation';
export * from './cloud-event';
export * from './cursor';
export * from './callers';
export * from './consumers';
export * from './tracking-number';
