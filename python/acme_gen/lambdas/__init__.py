"""AWS Lambda handlers: the generator (plans a window, fans out) and the producer (sends a
chunk to Kinesis). They need numpy, pydantic, orjson, boto3 and Powertools, not pyarrow."""
