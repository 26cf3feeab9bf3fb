import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NotificationsEnv } from '@berkas/config';
import type { ChannelName } from '@berkas/delivery';
import { chooseChannels, type Person } from '../../domain/channel-choice';
import type { FileOwner } from '../../domain/notice-plan';
import type { Choices } from '../preferences/consent-book';
import { WithdrawLinks } from '../preferences/withdraw-links';
import { TemplateBook } from '../templates/template-book';
import type { NewMessage } from './message-ledger';

/** What a message is about, before it is worded for its person. */
export interface MessageSubject {
  noticeId: string;
  notice: string;
  variables: Record<string, string>;
  /** What reads differently in English (PlannedNotice.english). */
  english?: Record<string, string>;
  applicationId: string | null;
  file: FileOwner;
}

/**
 * Words a notice for one person: on the first channel open to them (their consents, whether the law
 * requires the notice), in their language, with their name, the link that withdraws consent to that
 * channel and the link to their preferences; the other channels kept, in order, as its fallbacks. A
 * person no channel is open to gets a skipped message saying why.
 */
@Injectable()
export class MessageComposer {
  constructor(
    private readonly templates: TemplateBook,
    private readonly links: WithdrawLinks,
    private readonly env: NotificationsEnv,
  ) {}

  compose(subject: MessageSubject, person: Person, chosen: Choices): NewMessage {
    const template = this.templates.get(subject.notice);
    const choice = chooseChannels(person, {
      emailFirst: person.kind === 'staff' || !!subject.file.companyId,
      legallyRequired: template.legallyRequired,
      consented: new Set((['whatsapp', 'sms'] as const).filter((c) => chosen.consents[c].given)),
    });
    const addressOf = (channel: ChannelName) => (channel === 'email' ? person.email : person.phone) as string;
    const id = randomUUID();
    const variables = {
      ...subject.variables,
      ...(chosen.language === 'en' ? subject.english : {}),
      name: person.name,
      stopLink: this.links.linkFor(id),
      preferencesLink: `${this.env.publicUrl}/akun/pemberitahuan`,
    };
    const [first, ...rest] = choice.order;
    const base = {
      id,
      noticeId: subject.noticeId,
      notice: subject.notice,
      applicationId: subject.applicationId,
      ...subject.file,
      recipientId: person.personId,
      recipientKind: person.kind,
      recipientName: person.name,
      language: chosen.language,
      variables,
      fallbacks: rest.map((channel) => ({ channel, address: addressOf(channel) })),
    };
    if (!first) {
      const held = choice.notUsed[0];
      return {
        ...base,
        channel: held?.channel ?? 'email',
        address: held ? addressOf(held.channel) : '-',
        subject: null,
        body: '',
        template: null,
        status: 'skipped',
        reason: held?.reason ?? 'no email or phone on record',
      };
    }
    return {
      ...base,
      channel: first,
      address: addressOf(first),
      ...this.templates.render(subject.notice, first, chosen.language, variables),
      status: 'queued',
      reason: null,
    };
  }
}
