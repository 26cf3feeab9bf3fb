import type { MigrationInterface, QueryRunner } from 'typeorm';
import { reissueTrackingNumbers } from '@berkas/persistence';

/** Development data's tracking numbers get their Damm check symbol (see reissueTrackingNumbers). */
export class DammTrackingNumbers1764500000000 implements MigrationInterface {
  up(q: QueryRunner): Promise<void> {
    return reissueTrackingNumbers(q, 'dossiers');
  }

  async down(): Promise<void> {
    // The old symbols cannot be told from the new ones: the new numbers stay.
  }
}
