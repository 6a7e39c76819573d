// The shapes of the Twilio SIDs this project accepts from outside: two letters that name the
// resource, then 32 lowercase hex digits (Twilio's OpenAPI description: ^CA[0-9a-fA-F]{32}$ and
// friends; every SID Twilio issues is lowercase).
export const CALL_SID = /^CA[0-9a-f]{32}$/;
export const CONFERENCE_SID = /^CF[0-9a-f]{32}$/;
export const QUEUE_SID = /^QU[0-9a-f]{32}$/;
export const ACCOUNT_SID = /^AC[0-9a-f]{32}$/;
/** An API key (Console > Account > API keys): what signs Voice SDK access tokens. */
export const API_KEY_SID = /^SK[0-9a-f]{32}$/;
/** A TwiML App: the Voice SDK's outgoing application. */
export const TWIML_APP_SID = /^AP[0-9a-f]{32}$/;
