import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { Contacts, ContactsRequest } from '@berkas/contracts';
import { Handles } from '@berkas/messaging';
import { ContactsService } from './contacts.service';

@Controller()
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  /** Only the notifications service, with its own service token (proto/ `callers`, checked on entry). */
  @Handles('identity.contacts.resolve')
  resolve(@Payload() req: ContactsRequest): Promise<Contacts> {
    return this.contacts.resolve(req);
  }
}
