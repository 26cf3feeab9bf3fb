import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@berkas/auth';
import type { ServiceConfig } from '@berkas/config';
import { backendCore } from '@berkas/messaging';
import { StorageModule, StorageReadiness } from '@berkas/storage';
import { TRACKING_MIGRATIONS } from '../migrations';
import { DocumentRecord, DocumentUpload } from './documents/document.entity';
import { DossierRecord, HistoryRecord } from './dossiers/dossier.entity';
import { HandoffRecord } from './handoffs/handoff.entity';
import { TrackingModule } from './tracking.module';

export const TRACKING_ENTITIES = [
  DossierRecord,
  HistoryRecord,
  DocumentRecord,
  DocumentUpload,
  HandoffRecord,
];

@Module({})
export class AppModule {
  static register(config: ServiceConfig<'tracking'>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...backendCore({
          service: 'tracking',
          config,
          entities: TRACKING_ENTITIES,
          migrations: TRACKING_MIGRATIONS,
          imports: [StorageModule],
          readiness: [StorageReadiness],
        }),
        // Verifies callers' access tokens against identity's public keys, fetched over NATS.
        AuthModule.forRoot({ service: 'tracking' }),
        TrackingModule,
      ],
    };
  }
}
