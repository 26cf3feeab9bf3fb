import { Global, Module } from '@nestjs/common';
import { ApiClient } from './api-client';
import { ApiReadiness } from './api-readiness';

/** The gateway's JSON API, as the pages call it; global so the health checks can see its readiness. */
@Global()
@Module({ providers: [ApiClient, ApiReadiness], exports: [ApiClient, ApiReadiness] })
export class ApiModule {}
