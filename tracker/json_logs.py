"""
The shape of every log line, Django's (LOGGING in tracker/settings.py) and gunicorn's (gunicorn.conf.py):
one JSON object a line with its level, logger, message and timestamp. Imports nothing of Django, as
gunicorn reads it before the app is loaded.
"""

JSON_FIELDS = {
    "fmt": ["levelname", "name", "message"],
    "rename_fields": {"levelname": "level", "name": "logger"},
    "timestamp": True,
}
JSON_LOG_FORMAT = {"()": "pythonjsonlogger.json.JsonFormatter", **JSON_FIELDS}
