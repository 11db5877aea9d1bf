from django.db import models


class Session(models.Model):
    session_key = models.CharField(max_length=40)
