import { CreateTrackingSchema1763920000000 } from './1763920000000-CreateTrackingSchema';
import { AddPublicProgress1764000000000 } from './1764000000000-AddPublicProgress';
import { NotifyPublicViewChanges1764100000000 } from './1764100000000-NotifyPublicViewChanges';
import { DossierDocumentRules1764300000000 } from './1764300000000-DossierDocumentRules';
import { DammTrackingNumbers1764500000000 } from './1764500000000-DammTrackingNumbers';
import { SeveralFilesPerKind1765100000000 } from './1765100000000-SeveralFilesPerKind';

/**
 * The tracking service's own migrations, oldest first (<timestamp>-<Name>.ts beside this file).
 * The outbox tables come from @berkas/messaging and run before these.
 */
export const TRACKING_MIGRATIONS = [
  CreateTrackingSchema1763920000000,
  AddPublicProgress1764000000000,
  NotifyPublicViewChanges1764100000000,
  DossierDocumentRules1764300000000,
  DammTrackingNumbers1764500000000,
  SeveralFilesPerKind1765100000000,
];
