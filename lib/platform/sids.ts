// The shapes of the Twilio SIDs this project accepts from outside: two letters that name the
// resource, then 32 lowercase hex digits (Twilio's OpenAPI description: ^CA[0-9a-fA-F]{32}$ and
// friends; every SID Twilio issues is lowercase).
export const CALL_SID = /^CA[0-9a-f]{32}$/;
export const CONFERENCE_SID = /^CF[0-9a-f]{32}$/;
export const QUEUE_SID = /^QU[0-9a-f]{32}$/;
