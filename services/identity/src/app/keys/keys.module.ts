import { Module } from '@nestjs/common';
import { EventsModule } from '@berkas/messaging';
import { KeysController } from './keys.controller';
import { SigningKeysService } from './signing-keys.service';

@Module({
  imports: [EventsModule],
  controllers: [KeysController],
  providers: [SigningKeysService],
  exports: [SigningKeysService],
})
export class KeysModule {}
