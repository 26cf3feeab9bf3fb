import { startPermitsUnderTest, type PermitsUnderTest } from '../../testing/permits-under-test.spec';
import { CatalogService } from './catalog.service';

// What a start does with the workflows a release ships (data/workflows), on real PostgreSQL.
describe('shipped workflows', () => {
  let t: PermitsUnderTest;

  beforeAll(async () => {
    t = await startPermitsUnderTest();
  });
  afterAll(() => t?.stop());

  const versionsOf = async (code: string) =>
    (
      await t.db.query(
        `SELECT version, published_by AS "publishedBy", definition->'stages'->'verification'->>'slaDays' AS sla
           FROM workflow_versions WHERE code = $1 ORDER BY version`,
        [code],
      )
    ).map((r: { version: number; publishedBy: string; sla: string }) => r);

  it('publishes a changed shipped definition as the next version, once, until an operator has published theirs', async () => {
    const shipped = await versionsOf('SIP');
    expect(shipped).toEqual([{ version: 1, publishedBy: 'system', sla: '2' }]);
    const restart = () => t.service(CatalogService).onModuleInit();

    // Started again with the same release: nothing new.
    await restart();
    expect(await versionsOf('SIP')).toHaveLength(1);

    // An installation whose v1 came from an older release (another deadline) gets this release's
    // definition as v2; files in flight keep v1.
    await t.db.query(
      `UPDATE workflow_versions SET definition = jsonb_set(definition::jsonb, '{stages,verification,slaDays}', '5')::json
        WHERE code = 'SIP' AND version = 1`,
    );
    await restart();
    await restart();
    expect(await versionsOf('SIP')).toEqual([
      { version: 1, publishedBy: 'system', sla: '5' },
      { version: 2, publishedBy: 'system', sla: '2' },
    ]);

    // Once an operator has published their own version, a changed release leaves it in place.
    await t.db.query(
      `UPDATE workflow_versions SET published_by = 'c0ffee00-0000-4000-8000-000000000001',
              definition = jsonb_set(definition::jsonb, '{stages,verification,slaDays}', '3')::json
        WHERE code = 'SIP' AND version = 2`,
    );
    await restart();
    expect((await versionsOf('SIP')).map((v) => v.version)).toEqual([1, 2]);
  });
});
