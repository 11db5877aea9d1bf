from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("sessions", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="session",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
    ]
