import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { currentPrincipal, requirePrincipal } from '@berkas/auth';
import {
  AppError,
  type ConsentWithdrawn,
  type Preferences,
  type Principal,
  type UpdatePreferencesRequest,
  type WithdrawByLinkRequest,
} from '@berkas/contracts';
import { Handles } from '@berkas/messaging';
import { maskAddress } from '../../domain/channel-choice';
import { ConsentBook } from './consent-book';
import { WithdrawLinks } from './withdraw-links';

/** A person's own choices of how they hear about files, and the links in messages that withdraw consent. */
@Controller()
export class PreferencesController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly consents: ConsentBook,
    private readonly links: WithdrawLinks,
  ) {}

  @Handles('notifications.preferences.get')
  get(): Promise<Preferences> {
    return this.preferencesOf(requirePerson());
  }

  @Handles('notifications.preferences.update')
  async update(@Payload() req: UpdatePreferencesRequest): Promise<Preferences> {
    const person = requirePerson();
    if (req.digest !== undefined && person.kind !== 'staff')
      throw AppError.invalid(
        '/digest',
        'is for officers, who may get one message a day instead of one per task',
      );
    await this.dataSource.transaction(async (m) => {
      if (req.language !== undefined || req.digest !== undefined)
        await this.consents.setPreferences(m, person.id, { language: req.language, digest: req.digest });
      for (const channel of ['whatsapp', 'sms'] as const)
        if (req[channel] !== undefined)
          await this.consents.record(m, person.id, channel, req[channel], 'account');
    });
    return this.preferencesOf(person);
  }

  @Handles('notifications.consents.withdraw-by-link')
  async withdrawByLink(@Payload() req: WithdrawByLinkRequest): Promise<ConsentWithdrawn> {
    const messageId = this.links.messageOf(req.token);
    if (!messageId) throw AppError.invalid('/token', 'is not from a link Berkas sent');
    const [message] = (await this.dataSource.query(
      `SELECT recipient_id, channel, address FROM messages WHERE id = $1`,
      [messageId],
    )) as Array<{ recipient_id: string; channel: string; address: string }>;
    if (!message || (message.channel !== 'whatsapp' && message.channel !== 'sms'))
      throw new AppError('NOT_FOUND', 404, 'This link is not one Berkas sent');
    const channel = message.channel;
    await this.dataSource.transaction((m) =>
      this.consents.record(m, message.recipient_id, channel, false, 'message-link'),
    );
    return { channel, address: maskAddress(message.address) };
  }

  private async preferencesOf(person: Principal): Promise<Preferences> {
    return (await this.consents.choicesOf([person.id]))(person.id);
  }
}

/** Preferences are a person's own: an applicant's or an officer's, never a service's. */
function requirePerson(): Principal {
  const principal = requirePrincipal(currentPrincipal());
  if (principal.kind !== 'applicant' && principal.kind !== 'staff')
    throw new AppError('FORBIDDEN', 403, 'Only a person has preferences');
  return principal;
}
