"""The work queue for scale-out: jobs in PostgreSQL, workers, the relate lane and the scheduler."""

from akhbar.queue.jobs import Job, JobQueue
from akhbar.queue.scheduler import schedule_due
from akhbar.queue.worker import Worker, WorkerReport

__all__ = ["Job", "JobQueue", "Worker", "WorkerReport", "schedule_due"]
