/** How a message reaches a person. */
export type ChannelName = 'email' | 'sms' | 'whatsapp';

/**
 * A WhatsApp template as registered (and approved) at Meta: a business may start a conversation only
 * with one, its body's {{1}}, {{2}}… filled with `parameters` in order.
 */
export interface TemplateUse {
  name: string;
  /** Meta's language code of the approved translation (id, en). */
  language: string;
  parameters: string[];
}

/** One message to one person on one channel, already rendered. */
export interface OutgoingMessage {
  channel: ChannelName;
  /** An email address, or a phone number in E.164 (+62…). */
  to: string;
  /** Email only. */
  subject?: string;
  /** The words as the person reads them (for WhatsApp, the template's body filled in: the record of it). */
  text: string;
  /** WhatsApp only: the registered template the text was made from. */
  template?: TemplateUse;
  /** Identifies the message to its sender (and in the provider's records): idempotent sends. */
  reference: string;
}

/** What the provider said: its id for the message, to match delivery reports with. */
export interface Accepted {
  providerId: string;
}

/**
 * Why a send did not go through, and whether trying again can help: a refused address will be
 * refused again (permanent), a server that did not answer may answer later.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** A channel's driver: hands a message to its provider, or throws a DeliveryError. */
export interface Channel {
  readonly name: ChannelName;
  send(message: OutgoingMessage): Promise<Accepted>;
}
