from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    operations = [
        migrations.CreateModel(
            name="Session",
            fields=[("session_key", models.CharField(max_length=40))],
        ),
    ]
