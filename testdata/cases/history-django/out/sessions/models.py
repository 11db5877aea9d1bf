from django.db import models


class Trace(models.Model):
    trace_key = models.CharField(max_length=40)
