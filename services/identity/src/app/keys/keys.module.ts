import { Module } from '@nestjs/common';
import { EventsModule } from '@berkas/messaging';
import { KeysController } from './keys.controller';
import { ServiceTokenIssuer } from './service-token-issuer';
import { SigningKeysService } from './signing-keys.service';

@Module({
  imports: [EventsModule],
  controllers: [KeysController],
  providers: [SigningKeysService, ServiceTokenIssuer],
  exports: [SigningKeysService, ServiceTokenIssuer],
})
export class KeysModule {}
