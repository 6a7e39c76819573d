// The emulator's Sync v1 subset, driven by the REAL twilio SDK (client.sync.v1, whose base URL is
// moved to the emulator as lib/platform/twilio-client.ts does), so the JSON shapes, the paging
// links and the If-Match header are those the functions meet on sync.twilio.com.
import twilio from 'twilio';
import { type Emulator, startEmulator } from '../../emulator';

let emu: Emulator;
let client: ReturnType<typeof twilio>;

beforeAll(async () => {
  emu = await startEmulator({ clock: 'virtual' });
  client = twilio(emu.accountSid, emu.authToken);
  client.sync.baseUrl = emu.url;
});
afterAll(async () => {
  await emu.close();
});

const service = () => client.sync.v1.services('default');

describe('Sync services and maps', () => {
  it('"default" names the account\'s default service, made on first use', async () => {
    const fetched = await service().fetch();
    expect(fetched.sid).toMatch(/^IS[0-9a-f]{32}$/);
    expect(fetched.uniqueName).toBe('default');
    expect((await service().fetch()).sid).toBe(fetched.sid);
  });

  it('creates a map by unique name, fetches it by name or SID, refuses a duplicate name', async () => {
    const map = await service().syncMaps.create({ uniqueName: 'maps-test' });
    expect(map.sid).toMatch(/^MP[0-9a-f]{32}$/);
    expect((await service().syncMaps('maps-test').fetch()).sid).toBe(map.sid);
    expect((await service().syncMaps(map.sid).fetch()).uniqueName).toBe('maps-test');
    await expect(service().syncMaps.create({ uniqueName: 'maps-test' })).rejects.toMatchObject({ status: 409 });
    await service().syncMaps('maps-test').remove();
    await expect(service().syncMaps('maps-test').fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
  });

  it('an item in a map that does not exist is a 404', async () => {
    await expect(service().syncMaps('no-such-map').syncMapItems.create({ key: 'k', data: {} })).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
  });
});

describe('Sync map items', () => {
  beforeAll(async () => {
    await service().syncMaps.create({ uniqueName: 'items-test' });
  });
  const items = () => service().syncMaps('items-test').syncMapItems;

  it("create, fetch, update with If-Match, delete, in Twilio's shapes", async () => {
    const created = await items().create({ key: 'CA1', data: { state: 'talking', holds: 0 } });
    expect(created).toMatchObject({
      key: 'CA1',
      revision: '0',
      data: { state: 'talking', holds: 0 },
      createdBy: 'system',
      dateExpires: null,
    });
    expect(created.dateCreated).toBeInstanceOf(Date);
    await expect(items().create({ key: 'CA1', data: {} })).rejects.toMatchObject({ status: 409 });

    const updated = await items()('CA1').update({ data: { state: 'on-hold', holds: 1 }, ifMatch: '0' });
    expect(updated).toMatchObject({ revision: '1', data: { state: 'on-hold', holds: 1 } });
    // A stale revision is refused: the writer must read again (help.twilio.com, error 20412).
    await expect(items()('CA1').update({ data: { state: 'talking' }, ifMatch: '0' })).rejects.toMatchObject({ status: 412, code: 20412 });
    expect((await items()('CA1').fetch()).data).toEqual({ state: 'on-hold', holds: 1 });

    await items()('CA1').remove();
    await expect(items()('CA1').fetch()).rejects.toMatchObject({ status: 404 });
  });

  it('an item with ItemTtl disappears when it expires (on the emulator clock)', async () => {
    const item = await items().create({ key: 'ttl', data: {}, itemTtl: 60 });
    expect(item.dateExpires).toBeInstanceOf(Date);
    await emu.advance(59_000);
    expect((await items()('ttl').fetch()).key).toBe('ttl');
    await items()('ttl').update({ itemTtl: 120 });
    await emu.advance(61_000);
    expect((await items()('ttl').fetch()).key).toBe('ttl');
    await emu.advance(60_000);
    await expect(items()('ttl').fetch()).rejects.toMatchObject({ status: 404 });
  });

  it('lists in key order, 100 to a page, and the SDK follows the absolute next-page links', async () => {
    await service().syncMaps.create({ uniqueName: 'paging-test' });
    const paging = service().syncMaps('paging-test').syncMapItems;
    for (let i = 0; i < 120; i++) await paging.create({ key: `k${String(i).padStart(3, '0')}`, data: { i } });
    const before = emu.log().length;
    const all = await paging.list({ pageSize: 100 });
    expect(all.map((item) => item.key)).toEqual(Array.from({ length: 120 }, (_, i) => `k${String(i).padStart(3, '0')}`));
    expect(
      emu
        .log()
        .slice(before)
        .filter((e) => e.type === 'sync')
        .map((e) => e.summary),
    ).toEqual([
      expect.stringMatching(/^GET \/v1\/Services\/default\/Maps\/paging-test\/Items -> 200$/),
      expect.stringMatching(/^GET \/v1\/Services\/default\/Maps\/paging-test\/Items -> 200$/),
    ]);
    await expect(paging.list({ pageSize: 101 })).rejects.toMatchObject({ status: 400 });
  });

  it('checks requests against the OpenAPI description: Data must be a JSON object, no unknown parameters', async () => {
    const auth = `Basic ${Buffer.from(`${emu.accountSid}:${emu.authToken}`).toString('base64')}`;
    const post = (body: string) =>
      fetch(`${emu.url}/v1/Services/default/Maps/items-test/Items`, {
        method: 'POST',
        headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      });
    const notJson = await post('Key=x&Data=nope');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({
      code: 20001,
      message: expect.stringContaining("'Data'"),
      more_info: expect.any(String),
      status: 400,
    });
    const unknown = await post('Key=x&Data=%7B%7D&Tll=5');
    expect(await unknown.json()).toMatchObject({ status: 400, message: expect.stringContaining("did you mean 'Ttl'") });
    const missing = await post('Data=%7B%7D');
    expect(missing.status).toBe(400);
    const noAuth = await fetch(`${emu.url}/v1/Services/default`);
    expect(noAuth.status).toBe(401);
  });

  it('faults apply to Sync only when their path names it', async () => {
    emu.faults.add({ target: 'rest', status: 500, count: 1 });
    await expect(items().list()).resolves.toBeDefined();
    emu.faults.clear();
    emu.faults.add({ target: 'rest', path: '/Items', status: 503, count: 1 });
    await expect(items().list()).rejects.toMatchObject({ status: 503 });
    emu.faults.clear();
  });
});
