import { handler as holdMusic } from '../../functions/hold-music.protected';
import { functionContext, invokeFunction } from '../support/invoke-function';
import { parseTwiml } from '../support/twiml';

function playOf(body: unknown) {
  const twiml = parseTwiml(String(body));
  expect(twiml.children.map((c) => c.verb)).toEqual(['Play']);
  return twiml.children[0];
}

describe('hold-music', () => {
  it('loops the bundled MP3 forever (a holdUrl that runs out leaves silence)', async () => {
    const reply = await invokeFunction(holdMusic, functionContext({}), {});
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['Content-Type']).toBe('text/xml');
    const play = playOf(reply.body);
    expect(play.attributes.loop).toBe('0');
    expect(play.text).toBe('http://localhost:3000/hold-music.mp3');
  });

  it('serves https URLs when deployed', async () => {
    const reply = await invokeFunction(holdMusic, functionContext({}, 'call-hold-1234-dev.twil.io'), {});
    expect(playOf(reply.body).text).toBe('https://call-hold-1234-dev.twil.io/hold-music.mp3');
  });

  it('plays HOLD_MUSIC_URL when it is an http(s) URL', async () => {
    const reply = await invokeFunction(holdMusic, functionContext({ HOLD_MUSIC_URL: 'https://cdn.example.com/jazz.mp3' }), {});
    expect(playOf(reply.body).text).toBe('https://cdn.example.com/jazz.mp3');
  });

  it('falls back to the bundled music and logs when HOLD_MUSIC_URL is invalid', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const reply = await invokeFunction(holdMusic, functionContext({ HOLD_MUSIC_URL: 'file:///etc/passwd' }), {});
    expect(playOf(reply.body).text).toBe('http://localhost:3000/hold-music.mp3');
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/HOLD_MUSIC_URL/), expect.any(String));
    error.mockRestore();
  });
});
