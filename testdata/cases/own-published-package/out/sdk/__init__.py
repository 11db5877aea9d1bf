class Trace:
    def end_trace(self):
        pass
