"""A statement's `language` is a well-formed BCP 47 tag (en, es-MX, zh-Hant): a validator and its help
text, no change to the database (`sqlmigrate`: no-op). Rows stored before keep their value; an edit of
one whose language is no tag asks for one."""

import policy.models.records
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('policy', '0015_key_date_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalstatement',
            name='language',
            field=models.CharField(default='en', help_text='Language of `text`: a BCP 47 tag (e.g. en, es-MX, zh-Hant).', max_length=10, validators=[policy.models.records.validate_language_tag]),
        ),
        migrations.AlterField(
            model_name='statement',
            name='language',
            field=models.CharField(default='en', help_text='Language of `text`: a BCP 47 tag (e.g. en, es-MX, zh-Hant).', max_length=10, validators=[policy.models.records.validate_language_tag]),
        ),
    ]
