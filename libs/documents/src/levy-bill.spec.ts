import { createHash } from 'node:crypto';
import type { Application, FeeBill, PermitType } from '@berkas/contracts';
import { renderLevyBill } from './levy-bill';

const type = {
  code: 'REKLAME',
  name: { id: 'Izin Penyelenggaraan Reklame', en: 'Billboard Permit' },
} as PermitType;
const app = { id: 'a', trackingNumber: '3271-26-7K4Q-X9M2-D' } as Application & { trackingNumber: string };
const bill: FeeBill = {
  stage: 'fee-assessment',
  amount: 187500,
  currency: 'IDR',
  billNumber: 'SKRD/3271/2026/000042',
  issuedAt: '2026-11-27T03:04:05.000Z',
  dueDate: '2026-12-27',
  paidAt: null,
  paymentReference: null,
};
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('the levy bill (SKRD)', () => {
  it('renders the same bytes for the same bill, and others once it is paid', async () => {
    const first = await renderLevyBill(app, bill, type, 'PT Hujan Sejahtera Abadi');
    const again = await renderLevyBill(app, bill, type, 'PT Hujan Sejahtera Abadi');
    const paid = await renderLevyBill(
      app,
      { ...bill, paidAt: '2026-11-28T02:00:00.000Z', paymentReference: 'BJB-0042' },
      type,
      'PT Hujan Sejahtera Abadi',
    );
    expect(first.subarray(0, 5).toString()).toBe('%PDF-');
    expect(sha256(again)).toBe(sha256(first));
    expect(sha256(paid)).not.toBe(sha256(first));
  });
});
