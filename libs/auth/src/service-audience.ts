import type { ServiceName } from '@berkas/contracts';

/** The audience of a service token: meant for one service only, so a service cannot replay it elsewhere. */
export const serviceAudience = (audience: ServiceName) => `berkas-service:${audience}`;
export const SERVICE_TOKEN_TTL_SECONDS = 300;
