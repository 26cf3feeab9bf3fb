export * from './storage.module';
export * from './sniff';
export * from './object-uploader';
