export * from './channels';
export * from './email.channel';
export * from './sms.channel';
