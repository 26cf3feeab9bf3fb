/** Injection token of a service's one NATS connection (JetStream, signals, requests, readiness). */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
