import uuid

from celery import Task, shared_task

from animagenius.studio.jobs.dispatch import JOB_DISPATCH, SEGMENTS_HELP
from animagenius.studio.jobs.execute import job_run_next
from animagenius.studio.jobs.farm import segment_runs_help
from animagenius.studio.jobs.workers import render_jobs_reap


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, name=JOB_DISPATCH)
def job_dispatch(self: Task, queue: str | None = None) -> None:
    """A wake-up for the workers of `queue` (the primary provider's when not given)."""
    task_id = self.request.id or f"direct-{uuid.uuid4().hex}"  # run outside a worker: no id
    job_run_next(task_id=task_id, queue=queue)


@shared_task(name="studio.jobs_reap")
def jobs_reap() -> None:
    render_jobs_reap()


@shared_task(acks_late=True, reject_on_worker_lost=False, name=SEGMENTS_HELP)
def segments_help(batch_id: str) -> None:
    """Help a render by encoding runs of its segments (studio/jobs/farm.py). Acknowledged at the end, so
    its worker takes no other message meanwhile; not redelivered when the worker dies: the render's own
    worker takes the run over."""
    segment_runs_help(batch_id=uuid.UUID(batch_id))
