"""
The notifications' background tasks (django-tasks, on the project's database with
django-tasks-db: no broker to run, and the task row is written by the transaction that asks
for it). Each is harmless to run twice: fan-out writes each (event, person) row once, and a
send claims its row first.
"""

from django_tasks import task

from . import notifications


@task()
def event_fan_out_task(event_id):
    notifications.event_fan_out(event_id=event_id)


@task()
def notification_send_task(notification_id):
    notifications.notification_send(notification_id=notification_id)
