// The owner of a document that only plays to a call (a holdUrl, a conference waitUrl, a <Queue url>):
// when it runs out the call hears silence ("documented for waitUrl; inferred for holdUrl"), and a
// bad document is logged with its Twilio error code while the call stays where it is.
import type { TwimlError, Verb } from '../twiml/types';
import type { EventLog } from './event-log';
import type { TwimlSession } from './session';

export class PlaybackOwner {
  session: TwimlSession | undefined;

  constructor(
    private readonly log: EventLog,
    private readonly callSid: string,
    private readonly paramsOf: () => Record<string, string>,
    private readonly onRunOut: () => void = () => undefined,
  ) {}

  params(): Record<string, string> {
    return this.paramsOf();
  }

  runVerb(_verb: Verb): void {
    // The parser admits only audio verbs and Redirect here, which the session runs itself.
    this.session?.next();
  }

  runOut(): void {
    this.onRunOut();
  }

  failed(error: TwimlError): void {
    this.log.add('error', `error ${error.code}: ${error.message}`, this.callSid, {
      code: error.code,
      moreInfo: `https://www.twilio.com/docs/errors/${error.code}`,
    });
  }
}
