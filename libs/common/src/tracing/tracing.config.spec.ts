import { ConfigValidationError } from '../config/env.util';
import { tracingSettings } from './tracing.config';

describe('tracingSettings', () => {
  const sut = tracingSettings;

  it('should be off when no endpoint is set, whatever else is', () => {
    expect(sut('core', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on' })).toBeNull();
  });

  it('should be off when OTEL_SDK_DISABLED is true even with an endpoint', () => {
    expect(sut('core', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })).toBeNull();
  });

  it('should add /v1/traces to the base endpoint and default the service name to the app when only the endpoint is set', () => {
    expect(sut('core', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/' })).toEqual({
      serviceName: 'core',
      tracesUrl: 'http://jaeger:4318/v1/traces',
      protocol: 'http/protobuf',
      sampler: 'parentbased_always_on',
      ratio: 1,
    });
  });

  it('should use the traces endpoint as given when both are set', () => {
    expect(sut('core', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces' })?.tracesUrl).toBe(
      'http://b:4318/traces',
    );
  });

  it('should read the sampler and its ratio when they are set', () => {
    expect(sut('core', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' })).toMatchObject({
      sampler: 'parentbased_traceidratio',
      ratio: 0.1,
    });
  });

  it('should name every bad variable when the protocol, sampler or endpoint is invalid', () => {
    expect(() => sut('core', { OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(
      ConfigValidationError,
    );
    expect(() => sut('core', { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT.*OTEL_EXPORTER_OTLP_PROTOCOL/,
    );
  });
});
