from opentelemetry import trace as otel
