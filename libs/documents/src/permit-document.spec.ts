import { createHash } from 'node:crypto';
import type { IssuedPermit } from '@berkas/contracts';
import { renderPermit } from './permit-document';

const permit: IssuedPermit = {
  id: '0b6c8c1e-8f0a-4b8e-9a55-0f4f8a1d2c3b',
  number: '503/0001/PBG/DPMPTSP.3271/2026',
  permitType: { code: 'PBG', name: { id: 'Persetujuan Bangunan Gedung', en: 'Building Approval' } },
  holderName: 'PT Hujan Sejahtera Abadi',
  issuedAt: '2026-03-02T03:04:05.000Z',
  validUntil: null,
  verificationCode: 'payload.signature',
  verificationUrl: 'https://berkas.example.id/verifikasi/payload.signature',
  revokedAt: null,
  documentId: null,
};
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const render = () =>
  renderPermit(permit, [['Alamat / Address', 'Jl. Raya Tajur 99']], ['Tidak diubah'], 'ab12');

describe('the printed permit', () => {
  afterEach(() => jest.useRealTimers());

  it('renders the same bytes for the same decision, whenever it is rendered', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-02T04:00:00Z'), doNotFake: ['setImmediate', 'nextTick'] });
    const first = await render();
    jest.setSystemTime(new Date('2026-03-09T11:30:00Z'));
    const again = await render();
    expect(first.subarray(0, 5).toString()).toBe('%PDF-');
    expect(sha256(again)).toBe(sha256(first));
  });

  it('differs when the decision differs', async () => {
    const other = await renderPermit({ ...permit, holderName: 'Siti Rahayu' }, [], [], 'ab12');
    expect(sha256(other)).not.toBe(sha256(await render()));
  });
});
