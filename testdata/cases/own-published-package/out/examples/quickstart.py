from my_sdk import Trace

Trace().end_trace()
