import { AssetsController } from './assets.controller';
import { LacakController } from './lacak.controller';
import { ScanController } from './scan.controller';
import { VerifyController } from './verify.controller';

/** Server-rendered pages for people (citizens, officers at a counter); not part of the JSON API. */
export const PAGE_CONTROLLERS = [LacakController, VerifyController, ScanController, AssetsController];
