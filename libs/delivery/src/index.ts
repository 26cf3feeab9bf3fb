export * from './channels';
export * from './email.channel';
export * from './sms.channel';
export * from './whatsapp.channel';
export * from './delivery-reports';
