"""Build-time generator of the event catalogue: JSON Schemas, AsyncAPI document and the page services serve."""
