// Twilio's REST error body, made in one place:
// {"code": N, "message": "...", "more_info": "https://www.twilio.com/docs/errors/N", "status": HTTP}

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export function errorBody(status: number, code: number, message: string): TwilioErrorBody {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}
