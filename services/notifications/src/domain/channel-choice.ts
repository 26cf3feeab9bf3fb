import type { ChannelName } from '@berkas/delivery';

/** A person as identity tells how to reach them. */
export interface Person {
  personId: string;
  kind: 'applicant' | 'staff';
  name: string;
  email: string | null;
  phone: string | null;
}

export interface ChannelChoice {
  /** The channels to try, in order: the next one is used when the one before fails or dies. */
  order: ChannelName[];
  /** Why a channel the person has an address for is not used. */
  notUsed: Array<{ channel: ChannelName; reason: string }>;
}

/**
 * Which channels a message to `person` goes by, in order. A person applying for themselves hears by
 * WhatsApp first, then SMS, then email; companies and officers by email first. WhatsApp needs the
 * person's opt-in (Meta's rule and UU PDP's); SMS needs their consent too, except for a notice the
 * law requires them to get (a decision, a return), which goes on whatever channel they have.
 */
export function chooseChannels(
  person: Person,
  options: { emailFirst: boolean; legallyRequired: boolean; consented: ReadonlySet<'whatsapp' | 'sms'> },
): ChannelChoice {
  const notUsed: ChannelChoice['notUsed'] = [];
  const usable = new Set<ChannelName>();
  if (person.email) usable.add('email');
  if (person.phone) {
    if (options.consented.has('whatsapp')) usable.add('whatsapp');
    else notUsed.push({ channel: 'whatsapp', reason: 'no consent to WhatsApp messages' });
    if (options.consented.has('sms') || options.legallyRequired) usable.add('sms');
    else notUsed.push({ channel: 'sms', reason: 'no consent to SMS' });
  }
  const preference: ChannelName[] = options.emailFirst
    ? ['email', 'whatsapp', 'sms']
    : ['whatsapp', 'sms', 'email'];
  return { order: preference.filter((c) => usable.has(c)), notUsed };
}

/** An address as a list shows it: enough to recognise, not enough to harvest. */
export function maskAddress(address: string): string {
  const at = address.indexOf('@');
  if (at > 0) return `${address[0]}***${address.slice(at)}`;
  if (address.length <= 8) return address.replace(/\d(?=\d{2})/g, '*');
  return `${address.slice(0, 6)}****${address.slice(-4)}`;
}
