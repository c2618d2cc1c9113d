from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "Email reminders"

    def ready(self):
        from core.events import event_committed

        from .tasks import event_fan_out_task

        def enqueue_fan_out(sender, event_id, **kwargs):
            # After the recording transaction has committed (core.events): the worker, or in
            # development the same process, writes the deliveries and sends them.
            event_fan_out_task.enqueue(event_id)

        event_committed.connect(enqueue_fan_out, dispatch_uid="reminders.enqueue_fan_out",
                                weak=False)
