import { functionHandler } from '../../lib/platform/function-handler';
import { notFound } from '../../lib/platform/failure';
import { functionContext, invokeFunction } from '../support/invoke-function';

describe('functionHandler', () => {
  it('answers an unexpected error with a JSON 500 that carries no stack trace, and logs it', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const handler = functionHandler(() => {
      throw new TypeError('cannot read properties of undefined');
    });
    const reply = await invokeFunction(handler, functionContext({}), {});
    expect(reply.statusCode).toBe(500);
    expect(reply.body).toEqual({ error: 'internal', message: 'internal error; see the function logs' });
    // The cause goes to the function logs, not to the client; and it is not called a misconfiguration.
    expect(error).toHaveBeenCalledWith('internal error:', expect.any(TypeError));
    error.mockRestore();
  });

  it('maps a Failure thrown by the domain to its status code', async () => {
    const handler = functionHandler(async () => {
      throw notFound('no live call CA1');
    });
    const reply = await invokeFunction(handler, functionContext({}), {});
    expect(reply.statusCode).toBe(404);
    expect(reply.body).toMatchObject({ error: 'not-found', message: 'no live call CA1' });
  });
});
