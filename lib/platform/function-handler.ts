// The one place that turns a domain entry point into a Twilio Function handler. It owns what every
// invocation shares: the time budget of its Twilio REST requests and the rule that no error ever
// escapes to the runtime (which would answer an empty 500, or a stack trace under twilio-run).
import type { ServerlessCallback, TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { checkEventLimits } from './event-limits';
import { publicContext } from './function-url';
import { failureResponse } from './responses';
import { withinInvocationBudget } from './twilio-request';
import type { FunctionEvent, HoldContext } from './env';

export type FunctionHandler = (context: HoldContext, event: FunctionEvent, callback: ServerlessCallback) => Promise<void>;

export function functionHandler(
  run: (context: HoldContext, event: FunctionEvent) => Promise<TwilioResponse> | TwilioResponse,
): FunctionHandler {
  return async (context, event, callback) => {
    let response: TwilioResponse;
    try {
      response = await withinInvocationBudget(async () => {
        checkEventLimits(event);
        return run(publicContext(context, event), event);
      });
    } catch (error) {
      response = failureResponse(error);
    }
    callback(null, response);
  };
}
