import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { requireRole } from '@berkas/auth';
import type { Jwks, KeyRotated } from '@berkas/contracts';
import { RequestContext } from '@berkas/observability';
import { SigningKeysService } from './signing-keys.service';

@Controller()
export class KeysController {
  constructor(private readonly keys: SigningKeysService) {}

  @MessagePattern('identity.jwks.get')
  jwks(): Promise<Jwks> {
    return this.keys.jwks();
  }

  @MessagePattern('identity.keys.rotate')
  rotate(): Promise<KeyRotated> {
    requireRole(RequestContext.current()?.principal, ['system-admin']);
    return this.keys.rotate();
  }
}
