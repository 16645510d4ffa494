"""The partner REST API (/api/v1/): thin DRF views over the same selectors and services as
the web pages. Reading order: authentication, throttling, errors, base (strict
serializers, scoped viewsets), then one module per resource; urls.py lists them all."""
