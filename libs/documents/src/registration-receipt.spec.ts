import { createHash } from 'node:crypto';
import type { Application, PermitType } from '@berkas/contracts';
import { renderRegistrationReceipt } from './registration-receipt';

const type = {
  code: 'SIP',
  name: { id: 'Surat Izin Praktik Tenaga Kesehatan', en: 'Health Practice Licence' },
  issuingAgency: 'DPMPTSP',
  serviceStandardDays: 10,
} as PermitType;
const app = (trackingNumber: string) =>
  ({
    id: '0b6c8c1e-8f0a-4b8e-9a55-0f4f8a1d2c3b',
    permitType: 'SIP',
    trackingNumber,
    submittedAt: '2026-11-27T03:04:05.000Z',
  }) as Application & { trackingNumber: string; submittedAt: string };
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the registration receipt', () => {
  afterEach(() => jest.useRealTimers());

  it('is a PDF that renders to the same bytes for the same submission, and to others for another', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-27T04:00:00Z'), doNotFake: ['setImmediate', 'nextTick'] });
    const first = await renderRegistrationReceipt(
      app('3271-26-7K4Q-X9M2-D'),
      type,
      'https://berkas.example.id',
    );
    jest.setSystemTime(new Date('2026-12-03T11:30:00Z'));
    const again = await renderRegistrationReceipt(
      app('3271-26-7K4Q-X9M2-D'),
      type,
      'https://berkas.example.id/',
    );
    const other = await renderRegistrationReceipt(
      app('3271-26-Y8BG-7VET-Y'),
      type,
      'https://berkas.example.id',
    );
    expect(first.subarray(0, 5).toString()).toBe('%PDF-');
    expect(sha256(again)).toBe(sha256(first));
    expect(sha256(other)).not.toBe(sha256(first));
  });
});
